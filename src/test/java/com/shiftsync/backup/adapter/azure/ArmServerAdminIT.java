package com.shiftsync.backup.adapter.azure;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ARM adapter with the real Flexible Server SDK against the HTTPS Resource Manager fake,
 * with a token from the managed-identity fake: what goes over the wire, and what the
 * caller gets back when Resource Manager says no.
 */
class ArmServerAdminIT {
    static final ArmServerAdmin.Tuning SHORT = new ArmServerAdmin.Tuning(2, Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(20));
    @RegisterExtension
    static final AzureFakes azure = new AzureFakes();
    static final ArmFake arm = azure.arm;
    static final ManagedIdentityFake identity = azure.identity;
    ArmServerAdmin admin;

    @BeforeEach
    void fresh() {
        admin = ArmServerAdmin.create(arm.endpoint(), identity.credential(), null, ArmFake.SUBSCRIPTION,
                ArmFake.RESOURCE_GROUP, ArmFake.SOURCE, SHORT);
    }

    private static String body(LoggedRequest r) {
        return r.getBodyAsString();
    }

    @Test
    @DisplayName("reads the source server: region (display name normalised), restore window, geo-redundancy")
    void source() {
        arm.source("Canada Central", "2024-01-08T02:13:55.1234567+00:00", true);
        ServerAdmin.Server s = admin.source();
        assertEquals(ArmFake.serverId(ArmFake.SOURCE), s.id());
        assertEquals("canadacentral", s.location());
        assertEquals(OffsetDateTime.parse("2024-01-08T02:13:55.1234567Z").toInstant(),
                s.earliestRestoreDate().toInstant());
        assertTrue(s.geoRedundantBackup());
        assertEquals(7, s.backupRetentionDays());
        assertEquals("Ready", s.state());
        LoggedRequest get = arm.all().get(0);
        assertEquals("Bearer " + identity.token(), get.getHeader("Authorization"));
    }

    @Test
    @DisplayName("an empty server (a dump drill's): the source's version, SKU and storage read; the create PUT with "
            + "createMode Create, that shape, the private network, the admin and the tags; the admin password's PATCH "
            + "alone; both followed by their Azure-AsyncOperation")
    void emptyServer() {
        String subnet = ArmFake.subnetId("shiftsync-net", "shiftsync-vnet", "postgres");
        String zone = ArmFake.dnsZoneId("shiftsync-net", "shiftsync.private.postgres.database.azure.com");
        arm.source(ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", "Canada Central", "2024-01-08T00:00:00Z", false)
                .privateAccess(subnet, zone));
        ServerAdmin.Server source = admin.source();
        assertEquals(new ServerAdmin.Shape("15", "Standard_D2ds_v4", "GeneralPurpose", 128), source.shape());
        String name = "shiftsync-db-drill-202401151200";
        String created = arm.acceptCreate("shiftsync-drills", name, "canadacentral");
        String patched = arm.acceptPatch("shiftsync-drills", name, "canadacentral");

        ServerAdmin.StartedCreate started = admin.startCreateEmpty(new ServerAdmin.EmptyServer(name,
                "shiftsync-drills", source.location(), source.shape(), source.network(), "shiftsync_drill",
                "Create-0nly-Password", java.util.Map.of("shiftsync-drill", "true")));
        assertEquals(202, started.httpStatus());
        assertTrue(started.trackingUrl().contains("/azureAsyncOperation/" + created), started.trackingUrl());
        LoggedRequest put = arm.puts().get(0);
        assertTrue(put.getUrl().startsWith(ArmFake.serverPath("shiftsync-drills", name) + "?api-version=2022-12-01"),
                put.getUrl());
        assertTrue(equalToJson("""
                {"location": "canadacentral", "tags": {"shiftsync-drill": "true"},
                 "sku": {"name": "Standard_D2ds_v4", "tier": "GeneralPurpose"},
                 "properties": {"createMode": "Create", "version": "15", "storage": {"storageSizeGB": 128},
                                "administratorLogin": "shiftsync_drill",
                                "administratorLoginPassword": "Create-0nly-Password",
                                "network": {"delegatedSubnetResourceId": "%s", "privateDnsZoneArmResourceId": "%s"}}}
                """.formatted(subnet, zone)).match(body(put)).isExactMatch(), body(put));

        ServerAdmin.Accepted accepted = admin.setAdminPassword("shiftsync-drills", name, "Patch-0nly-Password");
        assertTrue(accepted.trackingUrl().contains("/azureAsyncOperation/" + patched), accepted.trackingUrl());
        assertEquals(ServerAdmin.Status.SUCCEEDED, admin.progress(accepted.trackingUrl()).status());
        LoggedRequest patch = arm.writes().stream().filter(r -> r.getMethod().getName().equals("PATCH")).findFirst()
                .orElseThrow();
        assertTrue(equalToJson("{\"properties\": {\"administratorLoginPassword\": \"Patch-0nly-Password\"}}")
                .match(body(patch)).isExactMatch(), body(patch));
    }

    @Test
    @DisplayName("a missing server is empty; a missing source is a configuration error naming the settings")
    void missing() {
        arm.missing("shiftsync-db-pitr");
        assertTrue(admin.find("shiftsync-db-pitr").isEmpty());
        arm.missing(ArmFake.SOURCE);
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> admin.source());
        assertEquals(ErrorCode.UPSTREAM_FAILED, e.code());
        assertEquals("ResourceNotFound", e.upstreamCode());
        assertTrue(e.getMessage().contains("POSTGRES_SERVER_NAME"), e.getMessage());
    }

    @Test
    @DisplayName("checkNameAvailability: free, or taken with ARM's reason and message")
    void names() {
        arm.nameAvailable("shiftsync-db-pitr");
        assertTrue(admin.checkName("shiftsync-db-pitr").available());
        arm.nameTaken("taken-name", "AlreadyExists", "Specified server name is already used.");
        ServerAdmin.NameCheck check = admin.checkName("taken-name");
        assertFalse(check.available());
        assertEquals("AlreadyExists", check.reason());
        assertEquals("Specified server name is already used.", check.message());
    }

    @Test
    @DisplayName("an identity not allowed checkNameAvailability (403 at subscription scope) leaves the name to the create")
    void nameCheckForbidden() {
        arm.nameCheckForbidden("shiftsync-db-pitr");
        ServerAdmin.NameCheck check = admin.checkName("shiftsync-db-pitr");
        assertTrue(check.available());
        assertTrue(check.message().startsWith("not checked"), check.message());
        assertEquals(1, arm.all().size(), "a 403 is not retried");
    }

    @Test
    @DisplayName("point-in-time restore: PUT flexibleServers/{target}?api-version=2022-12-01 with exactly location, "
            + "createMode, sourceServerResourceId, pointInTimeUTC; 202 hands back the Azure-AsyncOperation URL")
    void pitrPut() {
        String op = arm.acceptCreate("shiftsync-db-pitr", "canadacentral");
        ServerAdmin.StartedCreate started = admin.startCreate(new ServerAdmin.CreateRequest(OperationKind.POINT_IN_TIME,
                "shiftsync-db-pitr", "canadacentral", ArmFake.serverId(ArmFake.SOURCE),
                OffsetDateTime.parse("2024-01-15T10:30:00Z")));
        assertEquals(202, started.httpStatus());
        assertEquals(arm.endpoint() + ArmFake.asyncPath("canadacentral", op).substring(1) + "?api-version=2022-12-01",
                started.trackingUrl());
        List<LoggedRequest> puts = arm.puts();
        assertEquals(1, puts.size());
        LoggedRequest put = puts.get(0);
        assertEquals(ArmFake.serverPath("shiftsync-db-pitr") + "?api-version=2022-12-01", put.getUrl());
        assertTrue(equalToJson("""
                {"location": "canadacentral",
                 "properties": {"createMode": "PointInTimeRestore",
                                "sourceServerResourceId": "%s",
                                "pointInTimeUTC": "2024-01-15T10:30:00Z"}}""".formatted(ArmFake.serverId(ArmFake.SOURCE)))
                .match(body(put)).isExactMatch(), body(put));
        assertEquals("Bearer " + identity.token(), put.getHeader("Authorization"));
    }

    @Test
    @DisplayName("geo-restore: the same PUT with createMode GeoRestore into the chosen region")
    void geoPut() {
        arm.acceptCreate("shiftsync-db-geo", "canadaeast");
        admin.startCreate(new ServerAdmin.CreateRequest(OperationKind.GEO, "shiftsync-db-geo", "canadaeast",
                ArmFake.serverId(ArmFake.SOURCE), OffsetDateTime.parse("2024-01-15T12:00:00Z")));
        LoggedRequest put = arm.puts().get(0);
        assertTrue(equalToJson("""
                {"location": "canadaeast",
                 "properties": {"createMode": "GeoRestore",
                                "sourceServerResourceId": "%s",
                                "pointInTimeUTC": "2024-01-15T12:00:00Z"}}""".formatted(ArmFake.serverId(ArmFake.SOURCE)))
                .match(body(put)).isExactMatch(), body(put));
    }

    @Test
    @DisplayName("following the create: InProgress, then Succeeded with ARM's end time, or Failed with ARM's error")
    void progress() {
        String op = arm.acceptCreate("shiftsync-db-pitr", "canadacentral");
        String url = admin.startCreate(new ServerAdmin.CreateRequest(OperationKind.POINT_IN_TIME, "shiftsync-db-pitr",
                "canadacentral", ArmFake.serverId(ArmFake.SOURCE), OffsetDateTime.parse("2024-01-15T10:30:00Z")))
                .trackingUrl();
        arm.operation("canadacentral", op, "InProgress");
        ServerAdmin.Progress p = admin.progress(url);
        assertEquals(ServerAdmin.Status.IN_PROGRESS, p.status());
        assertNull(p.endTime());
        arm.operation("canadacentral", op, "Succeeded");
        p = admin.progress(url);
        assertEquals(ServerAdmin.Status.SUCCEEDED, p.status());
        assertEquals(Instant.parse("2024-01-15T12:41:07.5Z"), p.endTime());
        arm.operationFailed("canadacentral", op, "ServerRestoreFailed", "The restore could not be completed.");
        p = admin.progress(url);
        assertEquals(ServerAdmin.Status.FAILED, p.status());
        assertEquals("ServerRestoreFailed", p.errorCode());
        assertEquals("The restore could not be completed.", p.errorMessage());
    }

    @Test
    @DisplayName("an operation ARM no longer knows (404) is UNKNOWN; a URL on another host is never sent a token")
    void unknownOperation() {
        assertEquals(ServerAdmin.Status.UNKNOWN, admin.progress(arm.endpoint() + ArmFake.asyncPath("canadacentral",
                "gone").substring(1) + "?api-version=2022-12-01").status());
        int before = arm.all().size();
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> admin.progress("https://127.0.0.2:1/steal?api-version=2022-12-01"));
        assertTrue(e.getMessage().contains("refusing to send it a token"), e.getMessage());
        assertEquals(before, arm.all().size());
    }

    @Test
    @DisplayName("ARM 400: a bad-input error with ARM's code and message, not retried")
    void badRequest() {
        arm.refuseCreate("shiftsync-db-pitr", 400, "InvalidParameterValue",
                "Invalid value given for parameter PointInTimeUTC. Specify a valid parameter value.");
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> pitr("shiftsync-db-pitr"));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertEquals("InvalidParameterValue", e.upstreamCode());
        assertTrue(e.getMessage().contains("Resource Manager answered 400 InvalidParameterValue: Invalid value given "
                + "for parameter PointInTimeUTC"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(1, arm.puts().size());
        CapturedOutput.record(e.getMessage());
    }

    @Test
    @DisplayName("ARM 409: a conflict with ARM's code")
    void conflict() {
        arm.refuseCreate("shiftsync-db-pitr", 409, "ServerAlreadyExists", "Server 'shiftsync-db-pitr' already exists.");
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> pitr("shiftsync-db-pitr"));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals("ServerAlreadyExists", e.upstreamCode());
        assertEquals(1, arm.puts().size());
    }

    @Test
    @DisplayName("ARM 429 then 202: retried after Retry-After, and the create goes through")
    void throttled() {
        arm.throttleThenAccept("shiftsync-db-pitr", "canadacentral");
        ServerAdmin.StartedCreate started = pitr("shiftsync-db-pitr");
        assertEquals(202, started.httpStatus());
        assertEquals(2, arm.puts().size());
    }

    @Test
    @DisplayName("ARM 500 every time: retried exactly maxRetries times, then ARM's code and message")
    void serverError() {
        arm.brokenEverywhere();
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> pitr("shiftsync-db-pitr"));
        assertEquals(ErrorCode.UPSTREAM_FAILED, e.code());
        assertEquals("InternalServerError", e.upstreamCode());
        assertTrue(e.getMessage().contains("500 InternalServerError: Encountered internal server error"),
                e.getMessage());
        assertEquals(1 + SHORT.maxRetries(), arm.puts().size());
    }

    @Test
    @DisplayName("an ARM that does not answer: each try times out, retries are bounded, one sentence comes back")
    void silent() {
        ArmServerAdmin impatient = ArmServerAdmin.create(arm.endpoint(), identity.credential(), null,
                ArmFake.SUBSCRIPTION, ArmFake.RESOURCE_GROUP, ArmFake.SOURCE, new ArmServerAdmin.Tuning(1,
                        Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(10)));
        arm.wireMock().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withFixedDelay(3000)));
        // bounded by counting tries, not by a clock: a busy machine makes every try slower, never more numerous
        ShiftSyncException e = assertThrows(ShiftSyncException.class, impatient::source);
        assertEquals(ErrorCode.UPSTREAM_FAILED, e.code());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(arm.all().size() <= 2, "at most 1 + 1 retry");
    }

    @Test
    @DisplayName("Resource Manager must be https")
    void httpsOnly() {
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> ArmServerAdmin.create(
                "http://127.0.0.1:1/", identity.credential(), null, ArmFake.SUBSCRIPTION, ArmFake.RESOURCE_GROUP,
                ArmFake.SOURCE, SHORT));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertTrue(e.getMessage().contains("AZURE_RESOURCE_MANAGER_ENDPOINT"));
    }

    private ServerAdmin.StartedCreate pitr(String target) {
        return admin.startCreate(new ServerAdmin.CreateRequest(OperationKind.POINT_IN_TIME, target, "canadacentral",
                ArmFake.serverId(ArmFake.SOURCE), OffsetDateTime.parse("2024-01-15T10:30:00Z")));
    }
}
