package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.TempFolders;
import com.shiftsync.backup.testing.TestSecrets;
import com.shiftsync.backup.testing.WorkerSteps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three restore endpoints called as the Functions host calls them, with the real app
 * wiring: the Flexible Server SDK against the HTTPS Resource Manager fake (token from the
 * managed-identity fake), operations and audit records in Azurite.
 */
class RestoreFunctionsIT {
    static final Instant NOW = Instant.parse("2024-01-15T12:00:00Z");
    static final String EARLIEST = "2024-01-08T02:13:55.1234567+00:00";
    static final String BASE = "https://shiftsync-backup.azurewebsites.net/api/restores/";
    static final String TARGET = "shiftsync-db-pitr";
    static final ArmServerAdmin.Tuning SHORT = new ArmServerAdmin.Tuning(2, Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(20));

    @RegisterExtension
    static final AzureFakes azure = new AzureFakes();
    static final ArmFake arm = azure.arm;
    static final ManagedIdentityFake identity = azure.identity;
    static String functionKey = TestSecrets.register("fk-" + Long.toHexString(System.nanoTime()) + "Zq");

    MutableClock clock;
    Map<String, String> env;
    String auditContainer;
    String operationsContainer;

    @BeforeEach
    void fresh() throws IOException {
        arm.source("Canada Central", EARLIEST, true);
        arm.missing(TARGET);
        arm.nameAvailable(TARGET);
        clock = new MutableClock(NOW);
        String suffix = Long.toHexString(System.nanoTime());
        auditContainer = "audit-" + suffix;
        operationsContainer = "operations-" + suffix;
        env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.putAll(azure.settings());
        env.put("WEBSITE_AUTH_ENABLED", "True");
        env.put("AUDIT_CONTAINER", auditContainer);
        env.put("OPERATIONS_CONTAINER", operationsContainer);
        env.put("BACKUP_DIR", TempFolders.create("shiftsync-restore-it-").toString());
    }

    /** A new app over the same storage and fakes: what a restarted Function App builds. */
    App app() {
        return new App(new Settings(env), clock, identity.credential(), SHORT);
    }

    RestoreFunctions functions() {
        return new RestoreFunctions(app());
    }

    static String principal(String oid, String name, String... roles) {
        StringBuilder claims = new StringBuilder("{\"typ\":\"http://schemas.microsoft.com/identity/claims/"
                + "objectidentifier\",\"val\":\"" + oid + "\"},{\"typ\":\"preferred_username\",\"val\":\"" + name
                + "\"}");
        for (String role : roles) {
            claims.append(",{\"typ\":\"roles\",\"val\":\"").append(role).append("\"}");
        }
        String json = "{\"auth_typ\":\"aad\",\"name_typ\":\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
                + "name\",\"role_typ\":\"http://schemas.microsoft.com/ws/2008/06/identity/claims/role\",\"claims\":["
                + claims + "]}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static final String ADMIN = principal("oid-ana", "ana@shiftsync.test", "Backup.Admin");

    static FakeHttpRequest pitrRequest(String body, String principal) {
        FakeHttpRequest r = FakeHttpRequest.post(BASE + "point-in-time?code=" + functionKey, body);
        return principal == null ? r : r.header("x-ms-client-principal", principal);
    }

    static FakeHttpRequest geoRequest(String body, String principal) {
        FakeHttpRequest r = FakeHttpRequest.post(BASE + "geo?code=" + functionKey, body);
        return principal == null ? r : r.header("X-MS-CLIENT-PRINCIPAL", principal);
    }

    static FakeHttpRequest statusRequest(String id, String principal) {
        FakeHttpRequest r = FakeHttpRequest.get(BASE + id + "?code=" + functionKey);
        return principal == null ? r : r.header("X-MS-CLIENT-PRINCIPAL", principal);
    }

    static String pitrBody(String time, String target) {
        return "{\"restorePointInTime\":\"" + time + "\",\"targetServerName\":\"" + target + "\"}";
    }

    HttpResponseMessage pitr(String body, String principal) {
        return functions().pointInTime(pitrRequest(body, principal), new FakeExecutionContext("restorePointInTime"));
    }

    /** The operation-updates worker's step (a reminder came due), then GET /api/restores/{id}, which only reads. */
    HttpResponseMessage status(RestoreFunctions functions, String id, String principal, FakeExecutionContext ctx) {
        WorkerSteps.step(app(), id, ctx.getLogger());
        return functions.status(statusRequest(id, principal), id, ctx);
    }

    static JsonNode json(HttpResponseMessage response) {
        try {
            JsonNode node = Json.MAPPER.readTree(String.valueOf(response.getBody()));
            assertEquals("application/json", response.getHeader("Content-Type"));
            return node;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.getBody(), e);
        }
    }

    /** An error answer: the status, ARM-style {"error": {"code", "message"}}, and never a stack trace. */
    static JsonNode error(HttpResponseMessage response, int status) {
        assertEquals(status, response.getStatusCode(), String.valueOf(response.getBody()));
        JsonNode error = json(response).get("error");
        assertNotNull(error, String.valueOf(response.getBody()));
        String body = String.valueOf(response.getBody());
        assertFalse(body.contains("\tat ") || body.contains("Exception") || body.contains("\\n"), body);
        return error;
    }

    List<AuditRecord> audit() {
        return new BlobAuditLog(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(auditContainer)).read(LocalDate.of(2024, 1, 15));
    }

    AuditRecord onlyAuditRecord() {
        List<AuditRecord> records = audit();
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    @Nested
    @DisplayName("point-in-time restore")
    class PointInTime {
        @Test
        @DisplayName("202 with operation id and status URL; the PUT carries exactly the restore; one audit record")
        void accepted() {
            arm.acceptCreate(TARGET, "canadacentral");
            FakeExecutionContext ctx = new FakeExecutionContext("restorePointInTime");
            HttpResponseMessage r = functions().pointInTime(pitrRequest(pitrBody("2024-01-15T11:30:00+01:00", TARGET),
                    ADMIN), ctx);
            assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
            JsonNode body = json(r);
            String id = body.get("operationId").asText();
            assertEquals(BASE + id, body.get("statusUrl").asText());
            assertEquals(BASE + id, r.getHeader("Location"));
            assertEquals("InProgress", body.get("status").asText());
            assertFalse(String.valueOf(r.getBody()).contains(functionKey), "the function key is not echoed");

            List<LoggedRequest> puts = arm.puts();
            assertEquals(1, puts.size());
            assertEquals(ArmFake.serverPath(TARGET) + "?api-version=2022-12-01", puts.get(0).getUrl());
            assertTrue(equalToJson("""
                    {"location": "canadacentral", "tags": {"shiftsync-operation": "%s"},
                     "properties": {"createMode": "PointInTimeRestore",
                                    "sourceServerResourceId": "%s",
                                    "pointInTimeUTC": "2024-01-15T10:30:00Z"}}"""
                    .formatted(id, ArmFake.serverId(ArmFake.SOURCE))).match(puts.get(0).getBodyAsString())
                    .isExactMatch(),
                    puts.get(0).getBodyAsString());

            AuditRecord record = onlyAuditRecord();
            assertEquals("restore.point-in-time", record.action());
            assertEquals(AuditRecord.ACCEPTED, record.decision());
            assertEquals("oid-ana", record.caller().id());
            assertEquals("ana@shiftsync.test", record.caller().name());
            assertEquals(id, record.operationId());
            assertEquals(Map.of("restorePointInTime", "2024-01-15T11:30:00+01:00", "targetServerName", TARGET),
                    record.parameters());
            assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("\"event\":\"ShiftSync.ServerRestore.Started\"")
                    && m.contains(id)));
        }

        @Test
        @DisplayName("status follows ARM: InProgress while it polls InProgress, then Succeeded with the new server "
                + "(final GET) and the measured duration")
        void followToSuccess() {
            String armOp = arm.acceptCreate(TARGET, "canadacentral");
            String id = json(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN)).get("operationId").asText();

            arm.operation("canadacentral", armOp, "InProgress");
            clock.advance(Duration.ofMinutes(5));
            RestoreFunctions f = functions();
            FakeExecutionContext ctx = new FakeExecutionContext("restoreStatus");
            JsonNode s = json(status(f, id, ADMIN, ctx));
            assertEquals("InProgress", s.get("status").asText());
            assertEquals(300, s.get("elapsedSeconds").asLong());
            assertEquals("point-in-time", s.get("kind").asText());
            assertFalse(s.toString().contains("asyncOperationUrl"), "ARM's URL stays internal");
            s = json(status(f, id, ADMIN, ctx));
            assertEquals("InProgress", s.get("status").asText());
            assertEquals(2, arm.requests(getRequestedFor(urlPathEqualTo(ArmFake.asyncPath("canadacentral", armOp))))
                    .size());

            arm.operation("canadacentral", armOp, "Succeeded");
            arm.server(TARGET, "Ready", "Canada Central", "2024-01-15T12:45:00+00:00", false);
            s = json(status(f, id, ADMIN, ctx));
            assertEquals("Succeeded", s.get("status").asText());
            assertEquals("2024-01-15T12:41:07.500Z", s.get("finishedAt").asText());
            assertEquals(Duration.ofMinutes(41).plusSeconds(7).toSeconds(), s.get("durationSeconds").asLong());
            assertEquals(TARGET + ".postgres.database.azure.com",
                    s.get("details").get("fullyQualifiedDomainName").asText());
            assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("ShiftSync.ServerRestore.Succeeded")
                    && m.contains("\"durationSeconds\":2467")), ctx.messages().toString());
        }

        @Test
        @DisplayName("after an app restart (new App over the same storage) the status is still right, and a "
                + "finished operation is answered from storage without asking ARM again")
        void restart() {
            String armOp = arm.acceptCreate(TARGET, "canadacentral");
            String id = json(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN)).get("operationId").asText();
            arm.operationFailed("canadacentral", armOp, "ServerRestoreFailed",
                    "The point-in-time restore of server 'shiftsync-db' failed: the storage snapshot is unavailable.");

            JsonNode s = json(status(functions(), id, ADMIN, new FakeExecutionContext("restoreStatus")));
            assertEquals("Failed", s.get("status").asText());
            assertEquals("ServerRestoreFailed", s.get("error").get("code").asText());
            assertEquals("The point-in-time restore of server 'shiftsync-db' failed: the storage snapshot is "
                    + "unavailable.", s.get("error").get("message").asText());
            assertEquals(Duration.ofMinutes(9).plusSeconds(44).toSeconds(), s.get("durationSeconds").asLong());

            int armRequests = arm.all().size();
            JsonNode again = json(status(functions(), id, ADMIN, new FakeExecutionContext("restoreStatus")));
            assertEquals(s, again);
            assertEquals(armRequests, arm.all().size());
        }

        @Test
        @DisplayName("status of an unknown operation is 404, of a malformed id 400")
        void unknown() {
            error(status(functions(), "0f8fad5b-d9cb-469f-a165-70867728950e", ADMIN,
                    new FakeExecutionContext("restoreStatus")), 404);
            JsonNode e = error(status(functions(), "not-an-id", ADMIN, new FakeExecutionContext("restoreStatus")), 400);
            assertTrue(e.get("message").asText().contains("is not an operation id"));
        }
    }

    @Nested
    @DisplayName("geo-restore")
    class Geo {
        @Test
        @DisplayName("202; the PUT says GeoRestore into the given region, restore point now")
        void accepted() {
            arm.missing("shiftsync-db-geo");
            arm.nameAvailable("shiftsync-db-geo");
            arm.acceptCreate("shiftsync-db-geo", "canadaeast");
            HttpResponseMessage r = functions().geo(geoRequest("{\"targetServerName\":\"shiftsync-db-geo\","
                    + "\"location\":\"Canada East\"}", ADMIN), new FakeExecutionContext("restoreGeo"));
            assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
            assertEquals("geo", json(r).get("kind").asText());
            LoggedRequest put = arm.puts().get(0);
            assertTrue(equalToJson("""
                    {"location": "canadaeast", "tags": {"shiftsync-operation": "%s"},
                     "properties": {"createMode": "GeoRestore",
                                    "sourceServerResourceId": "%s",
                                    "pointInTimeUTC": "2024-01-15T12:00:00Z"}}"""
                    .formatted(json(r).get("operationId").asText(), ArmFake.serverId(ArmFake.SOURCE)))
                    .match(put.getBodyAsString()).isExactMatch(),
                    put.getBodyAsString());
            assertEquals("restore.geo", onlyAuditRecord().action());
        }

        @Test
        @DisplayName("a source without geo-redundant backup: 400 that says so, and nothing created")
        void notGeoRedundant() {
            arm.source("Canada Central", EARLIEST, false);
            HttpResponseMessage r = functions().geo(geoRequest("{\"targetServerName\":\"shiftsync-db-geo\","
                    + "\"location\":\"canadaeast\"}", ADMIN), new FakeExecutionContext("restoreGeo"));
            JsonNode e = error(r, 400);
            assertTrue(e.get("message").asText().contains("has no geo-redundant backup, so it cannot be geo-restored"),
                    e.toString());
            assertEquals(List.of(), arm.puts());
            assertEquals(AuditRecord.REFUSED, onlyAuditRecord().decision());
        }

        @Test
        @DisplayName("no location: the source region's pair (canadacentral to canadaeast), the only one Azure allows")
        void noLocation() {
            arm.missing("shiftsync-db-geo");
            arm.nameAvailable("shiftsync-db-geo");
            arm.acceptCreate("shiftsync-db-geo", "canadaeast");
            HttpResponseMessage r = functions().geo(geoRequest("{\"targetServerName\":\"shiftsync-db-geo\"}", ADMIN),
                    new FakeExecutionContext("restoreGeo"));
            assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
            assertTrue(equalToJson("{\"location\":\"canadaeast\",\"properties\":{\"createMode\":\"GeoRestore\"}}",
                    true, true).match(arm.puts().get(0).getBodyAsString()).isExactMatch(),
                    arm.puts().get(0).getBodyAsString());
        }
    }

    @Nested
    @DisplayName("validation: every refusal has its status and reason, sends nothing to ARM, and is audited")
    class Validation {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
                "not json                                                    |400|the request body is not JSON",
                "{\"restorePointInTime\":5,\"targetServerName\":\"abc\"}     |400|field restorePointInTime must be a string",
                "{\"targetServerName\":\"shiftsync-db-pitr\"}                |400|restorePointInTime is missing",
                "{\"restorePointInTime\":\"2024-01-15T10:30:00\",\"targetServerName\":\"shiftsync-db-pitr\"}|400|has no UTC offset",
                "{\"restorePointInTime\":\"last tuesday\",\"targetServerName\":\"shiftsync-db-pitr\"}|400|is not an ISO-8601 time",
                "{\"restorePointInTime\":\"2024-01-15T12:00:01Z\",\"targetServerName\":\"shiftsync-db-pitr\"}|400|is in the future",
                "{\"restorePointInTime\":\"2024-01-08T02:13:54Z\",\"targetServerName\":\"shiftsync-db-pitr\"}|400|is before the earliest restore point of server shiftsync-db (2024-01-08T02:13:56Z, backups kept 7 days): choose a moment between then and now",
                "{\"restorePointInTime\":\"2024-01-15T10:30:00Z\"}           |400|targetServerName is missing",
                "{\"restorePointInTime\":\"2024-01-15T10:30:00Z\",\"targetServerName\":\"db\"}|400|is 2 characters long",
                "{\"restorePointInTime\":\"2024-01-15T10:30:00Z\",\"targetServerName\":\"shiftsync--db\"}|400|single hyphens",
                "{\"restorePointInTime\":\"2024-01-15T10:30:00Z\",\"targetServerName\":\"ShiftSync-PITR\"}|400|use 'shiftsync-pitr'",
                "{\"restorePointInTime\":\"2024-01-15T10:30:00Z\",\"targetServerName\":\"shiftsync-db\"}|400|is the source server itself",
        })
        void refused(String body, int status, String reason) {
            HttpResponseMessage r = pitr(body.trim(), ADMIN);
            JsonNode e = error(r, status);
            assertEquals("bad-input", e.get("code").asText());
            assertTrue(e.get("message").asText().contains(reason), e.get("message").asText());
            assertEquals(List.of(), arm.puts(), "nothing is created");
            AuditRecord record = onlyAuditRecord();
            assertEquals(AuditRecord.REFUSED, record.decision());
            assertEquals("bad-input", record.code());
            assertTrue(record.outcome().contains(reason));
        }

        @Test
        @DisplayName("a target that exists in the resource group: 409, nothing created")
        void exists() {
            arm.server(TARGET, "Ready", "Canada Central", EARLIEST, false);
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN), 409);
            assertEquals("conflict", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("server shiftsync-db-pitr already exists"), e.toString());
            assertEquals(List.of(), arm.puts());
            assertEquals(AuditRecord.REFUSED, onlyAuditRecord().decision());
        }

        @Test
        @DisplayName("a name taken elsewhere in Azure (checkNameAvailability): 409 with ARM's reason")
        void taken() {
            arm.nameTaken(TARGET, "AlreadyExists", "Specified server name is already used.");
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN), 409);
            assertEquals("AlreadyExists", e.get("upstreamCode").asText());
            assertTrue(e.get("message").asText().contains("Specified server name is already used."), e.toString());
            assertEquals(List.of(), arm.puts());
        }

        @Test
        @DisplayName("a name ARM calls invalid: 400 with ARM's message")
        void invalidName() {
            arm.nameTaken(TARGET, "Invalid", "The server name contains a reserved word.");
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN), 400);
            assertTrue(e.get("message").asText().contains("The server name contains a reserved word."), e.toString());
            assertEquals(List.of(), arm.puts());
        }
    }

    @Nested
    @DisplayName("Resource Manager refusing")
    class ArmRefusals {
        @Test
        @DisplayName("400 from ARM: 400 with ARM's code and message")
        void badRequest() {
            arm.refuseCreate(TARGET, 400, "InvalidParameterValue",
                    "Invalid value given for parameter PointInTimeUTC. Specify a valid parameter value.");
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN), 400);
            assertEquals("InvalidParameterValue", e.get("upstreamCode").asText());
            assertTrue(e.get("message").asText().contains("Resource Manager answered 400 InvalidParameterValue: "
                    + "Invalid value given for parameter PointInTimeUTC"), e.toString());
            assertEquals(1, arm.puts().size(), "a 400 is not retried");
            AuditRecord record = onlyAuditRecord();
            assertEquals(AuditRecord.REFUSED, record.decision());
            assertEquals("InvalidParameterValue", record.upstreamCode());
        }

        @Test
        @DisplayName("409 from ARM: 409 with ARM's code")
        void conflict() {
            arm.refuseCreate(TARGET, 409, "ServerAlreadyExists", "Server 'shiftsync-db-pitr' already exists.");
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN), 409);
            assertEquals("ServerAlreadyExists", e.get("upstreamCode").asText());
        }

        @Test
        @DisplayName("429 then 202: retried once, the caller sees only the 202")
        void throttled() {
            arm.throttleThenAccept(TARGET, "canadacentral");
            assertEquals(202, pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN).getStatusCode());
            assertEquals(2, arm.puts().size());
        }

        @Test
        @DisplayName("500 every time: 502 after a bounded number of tries, with ARM's code and message")
        void serverError() {
            arm.refuseCreate(TARGET, 500, "InternalServerError", "Encountered internal server error.");
            FakeExecutionContext ctx = new FakeExecutionContext("restorePointInTime");
            JsonNode e = error(functions().pointInTime(pitrRequest(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN),
                    ctx), 502);
            assertEquals("upstream-failed", e.get("code").asText());
            assertEquals("InternalServerError", e.get("upstreamCode").asText());
            assertTrue(e.get("message").asText().contains("Encountered internal server error; Azure had a problem, try again later"), e.toString());
            assertEquals(1 + SHORT.maxRetries(), arm.puts().size());
            assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("ShiftSync.ServerRestore.Failed")));
            assertEquals(AuditRecord.FAILED, onlyAuditRecord().decision());
        }
    }

    @Nested
    @DisplayName("access: admin role from Easy Auth, on top of the function key")
    class Access {
        @Test
        @DisplayName("no principal: 401, nothing sent to ARM, an audit record of the denial")
        void anonymous() {
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), null), 401);
            assertEquals("unauthenticated", e.get("code").asText());
            assertEquals(List.of(), arm.all());
            AuditRecord record = onlyAuditRecord();
            assertEquals(AuditRecord.DENIED, record.decision());
            assertEquals("anonymous", record.caller().id());
            assertEquals(TARGET, record.parameters().get("targetServerName"));
        }

        @Test
        @DisplayName("signed in without the admin role: 403 naming the role; the audit names the caller")
        void notAdmin() {
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET),
                    principal("oid-cy", "cy@shiftsync.test", "Backup.Reader")), 403);
            assertTrue(e.get("message").asText().contains("lacks the app role Backup.Admin"), e.toString());
            assertEquals(List.of(), arm.all());
            AuditRecord record = onlyAuditRecord();
            assertEquals(AuditRecord.DENIED, record.decision());
            assertEquals("oid-cy", record.caller().id());
            assertEquals("forbidden", record.code());
        }

        @Test
        @DisplayName("an admin principal without Easy Auth is a forgery: refused (401), audited as unverified")
        void forged() {
            env.remove("WEBSITE_AUTH_ENABLED");
            JsonNode e = error(pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN), 401);
            assertTrue(e.get("message").asText().contains("App Service Authentication is off"), e.toString());
            assertEquals(List.of(), arm.all());
            AuditRecord record = onlyAuditRecord();
            assertEquals(AuditRecord.DENIED, record.decision());
            assertEquals("ana@shiftsync.test (unverified)", record.caller().name());
        }

        @Test
        @DisplayName("TRUST_CLIENT_PRINCIPAL_HEADER=true trusts the header without Easy Auth")
        void trustedProxy() {
            env.remove("WEBSITE_AUTH_ENABLED");
            env.put("TRUST_CLIENT_PRINCIPAL_HEADER", "true");
            arm.acceptCreate(TARGET, "canadacentral");
            assertEquals(202, pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN).getStatusCode());
        }

        @Test
        @DisplayName("the status endpoint needs the admin role too; a denied read is audited")
        void statusNeedsAdmin() {
            error(status(functions(), "0f8fad5b-d9cb-469f-a165-70867728950e",
                    principal("oid-cy", "cy@shiftsync.test"), new FakeExecutionContext("restoreStatus")), 403);
            AuditRecord record = onlyAuditRecord();
            assertEquals("restore.status", record.action());
            assertEquals(AuditRecord.DENIED, record.decision());
        }
    }

    @Test
    @DisplayName("the audit log is JSON lines in an append blob audit/<yyyy>/<MM>/<dd>.jsonl, without secrets")
    void auditBlob() {
        arm.acceptCreate(TARGET, "canadacentral");
        pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), ADMIN);
        pitr(pitrBody("2024-01-15T10:30:00Z", TARGET), null);
        String text = StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(auditContainer).getBlobClient("2024/01/15.jsonl").downloadContent().toString();
        List<String> lines = text.lines().toList();
        assertEquals(2, lines.size(), text);
        for (String line : lines) {
            assertTrue(line.startsWith("{\"time\":\"2024-01-15T12:00:00Z\""), line);
        }
        assertEquals(List.of(), TestSecrets.foundIn(text));
    }
}
