package com.shiftsync.backup.functions;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DumpRestoreState;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.restore.RestoreCheck;
import com.shiftsync.backup.restore.RestoreMessage;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.QueueHost;
import com.shiftsync.backup.testing.TempFolders;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.shiftsync.backup.functions.RestoreFunctionsIT.error;
import static com.shiftsync.backup.functions.RestoreFunctionsIT.json;
import static com.shiftsync.backup.functions.RestoreFunctionsIT.principal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /api/restores/from-backup end to end, as the Functions host runs it: the HTTP
 * function checks and queues (the message is read from Azurite's real queue, decoded as
 * host.json says, and handed to the queue function), the worker restores with the CLI's
 * RestoreJob into real PostgreSQL, and GET /api/restores/{id} (and the CLI's
 * restore-status) reads the outcome from the operation store. No Resource Manager
 * settings at all: none is needed for this kind.
 */
class FromBackupRestoreIT {
    static final String URL = "https://shiftsync-backup.azurewebsites.net/api/restores/from-backup?code=k";
    static final String ADMIN = principal("oid-ana", "ana@shiftsync.test", "Backup.Admin");

    static PostgresCluster pg;
    static String production;
    static String container;
    static Manifest backup;

    MutableClock clock;
    Map<String, String> env;
    String auditContainer;
    InMemoryMetricReader metrics;
    OpenTelemetrySdk telemetry;
    QueueHost host;

    @BeforeAll
    static void backupOfProduction() {
        pg = PostgresCluster.shared();
        production = pg.seededDatabase("prod");
        container = "frombackup-" + Long.toHexString(System.nanoTime());
        App app = new App(new Settings(Map.of("DATABASE_URL", pg.urlText(production),
                "AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString(),
                "BACKUP_CONTAINER", container)), Clock.systemUTC());
        backup = app.backups().toAzure().run(Tier.DAILY, Reporter.NONE).manifest();
    }

    @BeforeEach
    void fresh() throws IOException {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        auditContainer = "audit-" + Long.toHexString(System.nanoTime());
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(production));
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", container);
        env.put("AUDIT_CONTAINER", auditContainer);
        env.put("OPERATIONS_CONTAINER", "ops-" + Long.toHexString(System.nanoTime()));
        env.put("WEBSITE_AUTH_ENABLED", "True");
        env.put("BACKUP_DIR", TempFolders.create("shiftsync-frombackup-it-").toString());
        metrics = InMemoryMetricReader.create();
        telemetry = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
        host = new QueueHost(WorkQueue.RESTORE_REQUESTS);
        host.clear();
    }

    /** A fresh app over the same storage, as each Functions instance builds one. */
    App app() {
        return new App(new Settings(env), clock, () -> telemetry);
    }

    HttpResponseMessage post(String body, String principal) {
        return post(body, principal, new FakeExecutionContext("restoreFromBackup"));
    }

    HttpResponseMessage post(String body, String principal, FakeExecutionContext context) {
        FakeHttpRequest request = FakeHttpRequest.post(URL, body);
        if (principal != null) {
            request.header("X-MS-CLIENT-PRINCIPAL", principal);
        }
        return new FromBackupFunctions(app()).request(request, context);
    }

    JsonNode status(String operationId) {
        HttpResponseMessage r = new RestoreFunctions(app()).status(FakeHttpRequest.get(
                "https://shiftsync-backup.azurewebsites.net/api/restores/" + operationId + "?code=k")
                .header("X-MS-CLIENT-PRINCIPAL", ADMIN), operationId, new FakeExecutionContext("restoreStatus"));
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        return json(r);
    }

    /** The queue function, as the host calls it with the message's text. */
    QueueHost.Delivery work(FakeExecutionContext context) {
        return host.deliver(text -> new FromBackupFunctions(app()).worker(text, context));
    }

    List<AuditRecord> audit() {
        return new BlobAuditLog(blobs(auditContainer)).read(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    static BlobContainerClient blobs(String name) {
        return StorageClients.byConnectionString(Azurite.shared().connectionString()).getBlobContainerClient(name);
    }

    static String body(String backupId, String target, String... more) {
        StringBuilder b = new StringBuilder("{\"backupId\":\"" + backupId + "\"");
        if (target != null) {
            b.append(",\"targetDatabase\":\"").append(target).append('"');
        }
        for (String m : more) {
            b.append(',').append(m);
        }
        return b.append('}').toString();
    }

    static String newName() {
        return "restored_" + Long.toHexString(System.nanoTime());
    }

    static boolean exists(String database) {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            return rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String database, String sql) {
        try (Connection c = pg.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode event(FakeExecutionContext context, String name) throws IOException {
        for (String line : context.messages()) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (name.equals(node.path("event").asText())) {
                return node;
            }
        }
        throw new AssertionError("no " + name + " event in " + context.messages());
    }

    @Test
    @DisplayName("202, one base64 message on restore-requests, the worker restores into a new database with the "
            + "manifest's row counts, status Succeeded over HTTP and in the CLI, audited twice; a redelivered "
            + "message restores nothing again")
    void restoresIntoNewDatabase() throws IOException {
        String target = newName();
        FakeExecutionContext http = new FakeExecutionContext("restoreFromBackup");
        HttpResponseMessage r = post(body(backup.id(), target), ADMIN, http);
        assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode accepted = json(r);
        String id = accepted.get("operationId").asText();
        assertEquals("https://shiftsync-backup.azurewebsites.net/api/restores/" + id, accepted.get("statusUrl").asText());
        assertEquals(accepted.get("statusUrl").asText(), r.getHeader("Location"));
        assertEquals("InProgress", accepted.get("status").asText());
        assertEquals("from-backup", accepted.get("kind").asText());
        assertEquals(target, accepted.get("target").asText());
        assertEquals(backup.id(), accepted.get("backupId").asText());
        assertEquals("true", accepted.get("newDatabase").asText());
        assertEquals("false", accepted.get("productionOverwrite").asText());
        assertEquals(id, event(http, "ShiftSync.Restore.Queued").get("operationId").asText());
        assertFalse(exists(target), "nothing is restored inside the HTTP call");
        assertEquals("InProgress", status(id).get("status").asText());

        List<String> raw = host.peekRaw();
        assertEquals(1, raw.size(), "exactly one message");
        assertFalse(raw.get(0).startsWith("{"), "stored base64-encoded, as the Functions trigger expects: " + raw.get(0));
        JsonNode message = Json.MAPPER.readTree(QueueHost.decode(raw.get(0)));
        assertEquals(Json.MAPPER.readTree("{\"operationId\":\"" + id + "\",\"backupId\":\"" + backup.id()
                + "\",\"targetDatabase\":\"" + target + "\"}"), message);

        clock.advance(Duration.ofSeconds(30));
        FakeExecutionContext worker = new FakeExecutionContext("restoreFromBackupWorker");
        QueueHost.Delivery delivery = work(worker);
        assertNull(delivery.error(), () -> String.valueOf(delivery.error()));
        assertEquals(List.of(), host.peekRaw(), "the message is gone once the function returned");
        assertTrue(exists(target));
        assertEquals(backup.rowCounts(), app().database().countRows(pg.url(target)), "the manifest's row counts");
        JsonNode restored = event(worker, "ShiftSync.Restore.Succeeded");
        assertEquals(id, restored.get("operationId").asText());
        assertEquals(5, restored.get("tables").asInt());
        assertTrue(metrics.collectAllMetrics().stream().map(MetricData::getName).anyMatch(Metric.RESTORE_DURATION.id()::equals));

        JsonNode done = status(id);
        assertEquals("Succeeded", done.get("status").asText());
        assertEquals("true", done.get("details").get("integrityPassed").asText());
        assertEquals("5", done.get("details").get("tablesCompared").asText());
        assertEquals("all 5 tables match the manifest's row counts", done.get("details").get("integrity").asText());
        assertEquals("true", done.get("details").get("createdDatabase").asText());
        assertTrue(done.get("details").has("restoreMs") && done.get("details").has("durationMs"));
        assertEquals(30, done.get("durationSeconds").asLong(), "from the request to the end");
        RestoreCheck check = RestoreCheck.read(app().stores().azure().getRecord(Tier.DAILY, backup.backupId(),
                RestoreCheck.KIND).orElseThrow());
        assertEquals(target, check.targetDatabase());
        assertTrue(check.passed());

        List<AuditRecord> records = audit();
        assertEquals(List.of("restore.from-backup accepted", "restore.from-backup.run succeeded"),
                records.stream().map(a -> a.action() + " " + a.decision()).toList());
        assertEquals("oid-ana", records.get(0).caller().id());
        assertEquals(id, records.get(0).operationId());
        assertEquals(id, records.get(1).operationId());
        assertEquals("queue", records.get(1).caller().via());
        assertEquals("restoreFromBackupWorker for ana@shiftsync.test", records.get(1).caller().name());

        CliRun cli = CliRun.run(env, "restore-status", id);
        assertEquals(0, cli.exitCode(), cli.stderr());
        assertTrue(cli.stdout().contains("(restore from a backup into " + target + "): Succeeded"), cli.stdout());
        assertTrue(cli.stdout().contains("all 5 tables match the manifest's row counts"), cli.stdout());

        // a second delivery of the same message (the host died after the function returned,
        // before it deleted the message): nothing is restored again
        pg.execute(target, "INSERT INTO organisations (name) VALUES ('written after the restore')");
        app().queued().workQueue(WorkQueue.RESTORE_REQUESTS).send(QueueHost.decode(raw.get(0)), Duration.ofMinutes(5));
        FakeExecutionContext again = new FakeExecutionContext("restoreFromBackupWorker");
        assertNull(work(again).error());
        assertEquals("Succeeded", event(again, "ShiftSync.Queue.Duplicate").get("status").asText());
        assertEquals(1, count(target, "SELECT count(*) FROM organisations WHERE name = 'written after the restore'"),
                "a second pg_restore --clean would have dropped this row");
        assertEquals(done, status(id));
        assertEquals(2, audit().size());
    }

    @Test
    @DisplayName("latest is resolved when the request is accepted; without targetDatabase the target is a new "
            + "database named after the backup")
    void latestAndDefaultTarget() {
        JsonNode accepted = json(post("{\"backupId\":\"latest\"}", ADMIN));
        Manifest newest = app().stores().azure().latest().orElseThrow();
        assertEquals(newest.id(), accepted.get("backupId").asText());
        String target = accepted.get("target").asText();
        assertTrue(target.matches(production + "_restored_\\d{8}_\\d{6}"), target);
        assertEquals("true", accepted.get("newDatabase").asText());
        JsonNode message = readMessage();
        assertEquals(newest.id(), message.get("backupId").asText(), "the message names the id, never latest");
        assertEquals(target, message.get("targetDatabase").asText());
    }

    @Test
    @DisplayName("the HTTP restore runs on DATABASE_URL's server, whose roles are the source of truth: it never runs "
            + "the roles file (the details say so) and never creates a role, not even one the backup needs that was "
            + "dropped since")
    void createsNoRoles() {
        String role = "reader_" + Long.toHexString(System.nanoTime());
        String source = pg.seededDatabase("prodroles");
        pg.execute("postgres", "CREATE ROLE " + role + " NOLOGIN");
        pg.execute(source, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
        env.put("DATABASE_URL", pg.urlText(source));
        env.put("BACKUP_CONTAINER", "frombackup-roles-" + Long.toHexString(System.nanoTime()));
        Manifest withRole = app().backups().toAzure().run(Tier.DAILY, Reporter.NONE).manifest();
        assertEquals(List.of(role), withRole.roles().roles());

        String firstTarget = newName();
        String first = json(post(body(withRole.id(), firstTarget), ADMIN)).get("operationId").asText();
        assertNull(work(new FakeExecutionContext("restoreFromBackupWorker")).error());
        JsonNode done = status(first);
        assertEquals("Succeeded", done.get("status").asText(), done.toString());
        assertEquals("", done.get("details").get("rolesCreated").asText());
        assertEquals("the roles file is not applied on DATABASE_URL's server, whose roles are the source of truth",
                done.get("details").get("roles").asText());

        pg.dropDatabase(firstTarget);
        pg.execute(source, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + role);
        pg.execute("postgres", "DROP ROLE " + role);
        String second = json(post(body(withRole.id(), newName()), ADMIN)).get("operationId").asText();
        work(new FakeExecutionContext("restoreFromBackupWorker"));
        assertEquals(0, count("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'"),
                "no role created on production's server");
        assertFalse(status(second).toString().contains("created role"), status(second).toString());
    }

    JsonNode readMessage() {
        List<String> raw = host.peekRaw();
        assertEquals(1, raw.size());
        try {
            return Json.MAPPER.readTree(QueueHost.decode(raw.get(0)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Nested
    @DisplayName("the production database (DATABASE_URL's) as target")
    class Production {
        @Test
        @DisplayName("without confirmProductionOverwrite: 400 with the reason and the field to send; nothing queued")
        void refused() {
            JsonNode e = error(post(body(backup.id(), production), ADMIN), 400);
            assertEquals("bad-input", e.get("code").asText());
            String message = e.get("message").asText();
            assertTrue(message.contains("targetDatabase '" + production + "' is the production database"), message);
            assertTrue(message.contains("send \"confirmProductionOverwrite\": true"), message);
            assertEquals(List.of(), host.peekRaw());
            AuditRecord record = audit().get(0);
            assertEquals(AuditRecord.REFUSED, record.decision());
            assertEquals(production, record.parameters().get("targetDatabase"));
        }

        @Test
        @DisplayName("\"confirmProductionOverwrite\": \"true\" (a string) is no confirmation: 400")
        void stringIsNoConfirmation() {
            JsonNode e = error(post(body(backup.id(), production, "\"confirmProductionOverwrite\":\"true\""), ADMIN),
                    400);
            assertTrue(e.get("message").asText().contains("must be true or false (a JSON boolean"), e.toString());
            assertEquals(List.of(), host.peekRaw());
        }

        @Test
        @DisplayName("with \"confirmProductionOverwrite\": true: accepted, and the worker puts production back to "
                + "the backup's rows")
        void confirmed() {
            pg.execute(production, "INSERT INTO organisations (name) VALUES ('added after the backup')");
            try {
                JsonNode accepted = json(post(body(backup.id(), production, "\"confirmProductionOverwrite\":true"),
                        ADMIN));
                assertEquals("true", accepted.get("productionOverwrite").asText());
                assertEquals("false", accepted.get("newDatabase").asText());
                assertNull(work(new FakeExecutionContext("restoreFromBackupWorker")).error());
                assertEquals("Succeeded", status(accepted.get("operationId").asText()).get("status").asText());
            } finally {
                assertEquals(backup.rowCounts(), app().database().countRows(pg.url(production)));
            }
        }

        @Test
        @DisplayName("a record and message planted in storage for production without the consent: the worker applies "
                + "the door's rule and restores nothing")
        void plantedWithoutConsent() {
            pg.execute(production, "INSERT INTO organisations (name) VALUES ('written by ShiftSync')");
            try {
                Operation planted = Operation.start(OperationKind.FROM_BACKUP, production, Caller.worker("attacker",
                        "nobody"), clock.instant(), DumpRestoreState.queued(backup.id(), true, false, backup,
                        pg.url(production).host() + ":" + pg.port(), false, false));
                app().operationStore().create(planted);
                app().queued().workQueue(WorkQueue.RESTORE_REQUESTS).send(new RestoreMessage(planted.id(), backup.id(),
                        production).toJson(), Duration.ofMinutes(5));
                QueueHost.Delivery d = work(new FakeExecutionContext("restoreFromBackupWorker"));
                assertNotNull(d.error(), "the invocation fails");
                assertTrue(d.error().getMessage().contains("is the production database"), d.error().getMessage());
                assertEquals(1, count(production, "SELECT count(*) FROM organisations WHERE name = 'written by "
                        + "ShiftSync'"), "production was not restored over");
            } finally {
                pg.execute(production, "DELETE FROM organisations WHERE name = 'written by ShiftSync'");
            }
        }

        @Test
        @DisplayName("confirmProductionOverwrite for a database that is not production: 400")
        void confirmationForAnotherDatabase() {
            JsonNode e = error(post(body(backup.id(), newName(), "\"confirmProductionOverwrite\":true"), ADMIN), 400);
            assertTrue(e.get("message").asText().contains("is not the production database (" + production + ")"),
                    e.toString());
        }
    }

    @Nested
    @DisplayName("validation: status, reason, nothing queued, one audit record")
    class Validation {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
                "{\"targetDatabase\":\"abc\"}                                          |400|backupId is missing",
                "{\"backupId\":\"yesterday\"}                                          |400|'yesterday' is not a backup id",
                "{\"backupId\":\"shiftsync_backup_19990101_000000\"}                   |404|backup shiftsync_backup_19990101_000000 does not exist in Blob container",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"Shift-Sync\"}           |400|'Shift-Sync' is not a database name this app creates: use lowercase letters",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"ShiftSync_Copy\"}       |400|(use 'shiftsync_copy')",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"1copy\"}                |400|starting with a letter or underscore",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"a;drop database x\"}    |400|is not a database name this app creates",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"template1\"}            |400|is a system database of the server",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"postgres\"}             |400|is a system database of the server",
                "{\"backupId\":\"latest\",\"targetDatabase\":\"a234567890123456789012345678901234567890123456789012345678901234\"}|400|is 64 characters long; PostgreSQL database names have at most 63",
                "{\"backupId\":\"latest\",\"target\":\"copy\"}                         |400|unknown field target: this request takes backupId, confirmProductionOverwrite, overwriteExisting, targetDatabase",
                "{\"backupId\":\"latest\",\"overwriteExisting\":1}                     |400|field overwriteExisting must be a string",
                "[1,2]                                                                |400|the request body is not a JSON object",
        })
        void refused(String body, int status, String reason) {
            JsonNode e = error(post(body.trim(), ADMIN), status);
            assertTrue(e.get("message").asText().contains(reason), e.get("message").asText());
            assertEquals(List.of(), host.peekRaw(), "nothing queued");
            List<AuditRecord> records = audit();
            assertEquals(1, records.size());
            assertEquals(AuditRecord.REFUSED, records.get(0).decision());
        }

        @Test
        @DisplayName("an existing database: 409 unless overwriteExisting is true")
        void existing() {
            String existing = pg.createDatabase("existing");
            JsonNode e = error(post(body(backup.id(), existing), ADMIN), 409);
            assertEquals("conflict", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("database " + existing + " already exists"), e.toString());
            assertTrue(e.get("message").asText().contains("send \"overwriteExisting\": true"), e.toString());
            assertEquals(List.of(), host.peekRaw());

            JsonNode accepted = json(post(body(backup.id(), existing, "\"overwriteExisting\":true"), ADMIN));
            assertEquals("false", accepted.get("newDatabase").asText());
            assertEquals(1, host.peekRaw().size());
        }
    }

    @Nested
    @DisplayName("access: admin role, every denial audited, nothing queued")
    class Access {
        @Test
        @DisplayName("no principal: 401")
        void anonymous() {
            JsonNode e = error(post(body(backup.id(), newName()), null), 401);
            assertEquals("unauthenticated", e.get("code").asText());
            assertEquals(List.of(), host.peekRaw());
            AuditRecord record = audit().get(0);
            assertEquals(AuditRecord.DENIED, record.decision());
            assertEquals("restore.from-backup", record.action());
            assertEquals("anonymous", record.caller().id());
        }

        @Test
        @DisplayName("signed in without the admin role: 403 naming the role")
        void notAdmin() {
            JsonNode e = error(post(body(backup.id(), newName()), principal("oid-cy", "cy@shiftsync.test",
                    "Backup.Reader")), 403);
            assertTrue(e.get("message").asText().contains("lacks the app role Backup.Admin needed to restore a backup"),
                    e.toString());
            assertEquals(List.of(), host.peekRaw());
            AuditRecord record = audit().get(0);
            assertEquals(AuditRecord.DENIED, record.decision());
            assertEquals("oid-cy", record.caller().id());
        }
    }

    @Test
    @DisplayName("two requests for the same new database: the first restores, the second's worker finds the "
            + "database taken and restores nothing into it")
    void sameNewDatabaseTwice() throws IOException {
        String target = newName();
        String first = json(post(body(backup.id(), target), ADMIN)).get("operationId").asText();
        String second = json(post(body(backup.id(), target), ADMIN)).get("operationId").asText();
        assertNull(work(new FakeExecutionContext("restoreFromBackupWorker")).error());
        assertEquals("Succeeded", status(first).get("status").asText());
        long rows = count(target, "SELECT count(*) FROM shifts");
        try (Connection c = pg.connect(target); Statement st = c.createStatement()) {
            st.execute("DELETE FROM shifts WHERE id IN (SELECT id FROM shifts LIMIT 1)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        QueueHost.Delivery late = work(new FakeExecutionContext("restoreFromBackupWorker"));
        assertNotNull(late.error(), "the invocation fails");
        JsonNode s = status(second);
        assertEquals("Failed", s.get("status").asText());
        assertEquals("conflict", s.get("error").get("code").asText());
        assertTrue(s.get("error").get("message").asText().contains("was created on"), s.toString());
        assertEquals(rows - 1, count(target, "SELECT count(*) FROM shifts"), "nothing was restored over it");
    }

    @Test
    @DisplayName("a tampered archive: the invocation fails, the operation is Failed with the reason (readable "
            + "over HTTP), nothing is restored; the host's redelivery does nothing")
    void tamperedArchive() throws IOException {
        App maker = new App(new Settings(env), Clock.systemUTC());
        Manifest manual = maker.backups().toAzure().run(Tier.MANUAL, Reporter.NONE).manifest();
        BlobContainerClient blobs = blobs(container);
        String name = "manual/" + manual.backupId().archiveName();
        byte[] bytes = blobs.getBlobClient(name).downloadContent().toBytes();
        bytes[bytes.length / 2] ^= 0x01;
        blobs.getBlobClient(name).upload(BinaryData.fromBytes(bytes), true);

        String target = newName();
        String id = json(post(body(manual.id(), target), ADMIN)).get("operationId").asText();
        FakeExecutionContext worker = new FakeExecutionContext("restoreFromBackupWorker");
        QueueHost.Delivery first = work(worker);
        assertNotNull(first.error(), "the invocation fails");
        assertTrue(first.error() instanceof ShiftSyncException);
        assertTrue(first.error().getMessage().contains("does not match its manifest"), first.error().getMessage());
        JsonNode failedEvent = event(worker, "ShiftSync.Restore.Failed");
        assertEquals(id, failedEvent.get("operationId").asText());

        JsonNode s = status(id);
        assertEquals("Failed", s.get("status").asText());
        assertEquals("job-failed", s.get("error").get("code").asText());
        assertTrue(s.get("error").get("message").asText().contains("does not match its manifest"), s.toString());
        assertTrue(s.get("error").get("message").asText().contains("nothing was restored"), s.toString());
        assertFalse(exists(target));

        FakeExecutionContext redelivered = new FakeExecutionContext("restoreFromBackupWorker");
        QueueHost.Delivery second = work(redelivered);
        assertEquals(2, second.dequeueCount(), "the host delivered it again after the failure");
        assertNull(second.error(), "and this time the function returns: the operation has finished");
        event(redelivered, "ShiftSync.Queue.Duplicate");
        assertEquals(List.of(), host.peekRaw());
        assertEquals(s, status(id));

        List<AuditRecord> records = audit();
        assertEquals(List.of("restore.from-backup accepted", "restore.from-backup.run failed"),
                records.stream().map(a -> a.action() + " " + a.decision()).toList());
        assertEquals("job-failed", records.get(1).code());

        CliRun cli = CliRun.run(env, "restore-status", id, "--json");
        assertEquals(1, cli.exitCode(), "restore-status exits 1 for a failed restore: " + cli.stderr());
        assertEquals("Failed", Json.MAPPER.readTree(cli.stdout()).get("status").asText());
    }

    @Test
    @DisplayName("a request no worker ever took up is reported Failed once its message has expired, and a late "
            + "message then restores nothing")
    void neverStarted() throws IOException {
        String target = newName();
        String id = json(post(body(backup.id(), target), ADMIN)).get("operationId").asText();
        clock.advance(Duration.ofHours(24).plusMinutes(20));
        assertEquals("InProgress", status(id).get("status").asText(), "the message may still be delivered");
        clock.advance(Duration.ofMinutes(15));
        JsonNode s = status(id);
        assertEquals("Failed", s.get("status").asText());
        assertEquals("NeverStarted", s.get("error").get("code").asText());

        FakeExecutionContext late = new FakeExecutionContext("restoreFromBackupWorker");
        assertNull(work(late).error());
        event(late, "ShiftSync.Queue.Duplicate");
        assertFalse(exists(target));
    }

    @Test
    @DisplayName("a delivery after one that restored but died before recording the outcome takes the restore's "
            + "integrity record instead of restoring again")
    void interruptedDelivery() {
        String target = newName();
        String id = json(post(body(backup.id(), target), ADMIN)).get("operationId").asText();
        // what the first delivery did before the host lost it: marked the operation started,
        // restored (which records the integrity check next to the backup), and nothing more
        App first = app();
        com.shiftsync.backup.domain.Operation op = first.operationStore().find(id).orElseThrow();
        DumpRestoreState queued = op.state(DumpRestoreState.class);
        first.operationStore().save(op.started(clock.instant(), queued.at(DumpRestoreState.Step.FETCHING, 1, null,
                null, null)));
        first.backups().restoreJob().run(first.stores().azure(), backup.id(), pg.url(target), Reporter.NONE);
        pg.execute(target, "INSERT INTO organisations (name) VALUES ('written after the restore')");

        clock.advance(Duration.ofMinutes(10));
        FakeExecutionContext worker = new FakeExecutionContext("restoreFromBackupWorker");
        assertNull(work(worker).error());
        assertEquals(1, count(target, "SELECT count(*) FROM organisations WHERE name = 'written after the restore'"),
                "not restored a second time");
        JsonNode s = status(id);
        assertEquals("Succeeded", s.get("status").asText());
        assertEquals(2, app().operationStore().find(id).orElseThrow().state(DumpRestoreState.class).attempts());
        assertEquals("all 5 tables match the manifest's row counts", s.get("details").get("integrity").asText());
    }

    @Test
    @DisplayName("the worker restores into a new database with pg_restore --jobs (RESTORE_JOBS), into an existing one "
            + "(overwriteExisting) in one transaction; the same rows either way")
    void jobsIntoNewDatabaseOnly() throws IOException {
        Path bin = PgWrappers.recording(Files.createDirectories(TempFolders.create("shiftsync-frombackup-bin-")),
                PostgresCluster.serverBinaries());
        env.put("PG_BIN_DIR", bin.toString());
        env.put("RESTORE_JOBS", "2");
        String fresh = newName();
        json(post(body(backup.id(), fresh), ADMIN));
        assertNull(work(new FakeExecutionContext("restoreFromBackupWorker")).error());
        String existing = pg.createDatabase("existing");
        json(post(body(backup.id(), existing, "\"overwriteExisting\":true"), ADMIN));
        assertNull(work(new FakeExecutionContext("restoreFromBackupWorker")).error());

        List<String> restores = PgWrappers.commandLines(bin).stream().filter(c -> c.contains(" --clean ")).toList();
        assertEquals(2, restores.size(), restores.toString());
        String intoFresh = restores.stream().filter(c -> c.contains("/" + fresh + "?")).findFirst().orElseThrow();
        assertTrue(intoFresh.contains(" --jobs=2 ") && !intoFresh.contains("--single-transaction"), intoFresh);
        String intoExisting = restores.stream().filter(c -> c.contains("/" + existing + "?")).findFirst().orElseThrow();
        assertTrue(intoExisting.contains(" --single-transaction ") && !intoExisting.contains("--jobs"), intoExisting);
        for (String db : List.of(fresh, existing)) {
            assertEquals((long) backup.rowCounts().get("public.organisations"), count(db, "SELECT count(*) FROM organisations"));
        }
        pg.dropDatabase(fresh);
        pg.dropDatabase(existing);
    }

    @Test
    @DisplayName("a worker stopped after pg_restore started (it may have committed): the redelivered message does not "
            + "restore again, keeps what was written since, and says so")
    void stoppedAfterRestoreStarted() {
        String target = newName();
        String id = json(post(body(backup.id(), target), ADMIN)).get("operationId").asText();
        // what the first delivery did before the host lost it: took the work, recorded "restoring", and pg_restore
        // committed; it never recorded anything more
        App first = app();
        Operation op = first.operationStore().find(id).orElseThrow();
        DumpRestoreState s = op.state(DumpRestoreState.class);
        first.operationStore().save(op.started(clock.instant(), s.at(DumpRestoreState.Step.RESTORING, 1,
                clock.instant(), null, null)));
        pg.execute("postgres", "CREATE DATABASE \"" + target + "\"");
        try (var archive = first.backups().restoreJob().fetchAndCheck(first.stores().azure(), backup)) {
            pg.pgRestore(archive.file(), target);
        }
        pg.execute(target, "INSERT INTO organisations (name) VALUES ('written after the restore')");

        clock.advance(Duration.ofMinutes(10));
        FakeExecutionContext worker = new FakeExecutionContext("restoreFromBackupWorker");
        QueueHost.Delivery redelivered = work(worker);
        assertNotNull(redelivered.error(), "the invocation fails: a person must look");
        assertEquals(1, count(target, "SELECT count(*) FROM organisations WHERE name = 'written after the restore'"),
                "not restored a second time");
        JsonNode st = status(id);
        assertEquals("Failed", st.get("status").asText());
        assertTrue(st.get("error").get("message").asText().contains("may have committed"), st.toString());
        assertTrue(st.get("error").get("message").asText().contains("is not run over it a second time"), st.toString());
        assertTrue(st.get("error").get("message").asText().contains("it was a new database restored with parallel "
                + "jobs, so it may hold only part of the backup: drop it before sending the request again"), st.toString());
    }

    @Test
    @DisplayName("a queue that cannot be reached: 502 naming the queue, the operation Failed (NotQueued), the "
            + "request audited as failed")
    void queueUnreachable() {
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString()
                .replaceAll("QueueEndpoint=http://127.0.0.1:\\d+/", "QueueEndpoint=http://127.0.0.1:9/"));
        FakeExecutionContext http = new FakeExecutionContext("restoreFromBackup");
        JsonNode e = error(post(body(backup.id(), newName()), ADMIN, http), 502);
        assertEquals("upstream-failed", e.get("code").asText());
        assertTrue(e.get("message").asText().startsWith("could not reach queue restore-requests at "
                + "http://127.0.0.1:9/"), e.toString());
        AuditRecord record = audit().get(0);
        assertEquals(AuditRecord.FAILED, record.decision());
        assertTrue(http.messages().stream().anyMatch(m -> m.contains("ShiftSync.Restore.Failed")), http.messages()
                .toString());
    }

    @Test
    @DisplayName("a message that does not match its operation restores nothing and fails the invocation")
    void forgedMessage() {
        String target = newName();
        String id = json(post(body(backup.id(), target), ADMIN)).get("operationId").asText();
        host.clear();
        app().queued().workQueue(WorkQueue.RESTORE_REQUESTS).send("{\"operationId\":\"" + id + "\",\"backupId\":\""
                + backup.id() + "\",\"targetDatabase\":\"" + production + "\"}", Duration.ofMinutes(5));
        QueueHost.Delivery d = work(new FakeExecutionContext("restoreFromBackupWorker"));
        assertNotNull(d.error());
        assertTrue(d.error().getMessage().contains("does not match operation " + id), d.error().getMessage());
        assertEquals("InProgress", status(id).get("status").asText());
    }
}
