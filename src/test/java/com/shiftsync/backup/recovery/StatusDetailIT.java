package com.shiftsync.backup.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.DrillFunctions;
import com.shiftsync.backup.functions.MonitorFunctions;
import com.shiftsync.backup.functions.RestoreFunctions;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.RecoveryFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static com.shiftsync.backup.testing.RecoveryFixture.DRILL;
import static com.shiftsync.backup.testing.RecoveryFixture.GROUP;
import static com.shiftsync.backup.testing.RecoveryFixture.NOW;
import static com.shiftsync.backup.testing.RecoveryFixture.REGION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/status} needs only the function key, so what it tells anyone is the health
 * view; the detail (who ran what, which servers and hosts, production's tables and row counts)
 * is for the admin role, and an admin's read is audited. Shown with a real backup of a real
 * database, a recovery drill run to its end and a point-in-time restore on record, so every
 * string that could leak is in storage.
 */
class StatusDetailIT {
    static final String PITR = RecoveryIT.TARGET;

    @RegisterExtension
    static final RecoveryFixture fx = new RecoveryFixture();
    static final ArmFake arm = fx.arm;
    static PostgresCluster pg;
    static PostgresCluster restored;
    static String db;
    static String dumps;
    static Manifest backup;

    MutableClock clock;
    Map<String, String> env;
    String createOp;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        restored = PostgresCluster.restoredServer();
        db = pg.seededDatabase("statusdetail");
        dumps = RecoveryFixture.container("statusdetail");
        backup = fx.app(fx.drillSettings(pg.urlText(db), dumps), new MutableClock(RecoveryFixture.BACKED_UP))
                .backups().toAzure().run(Tier.DAILY, Reporter.NONE).manifest();
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(NOW);
        env = fx.drillSettings(pg.urlText(db), dumps);
        fx.drillSource();
        createOp = fx.acceptDrillRestore(DRILL);
        arm.missing(PITR);
        arm.nameAvailable(PITR);
        arm.acceptCreate(PITR, REGION);
        restored.restoreFrom(pg, db);
    }

    App app() {
        return fx.app(env, clock);
    }

    static FakeHttpRequest request(String method, String path, String principal) {
        String url = "https://shiftsync-backup.azurewebsites.net/api/" + path + "?code=k";
        FakeHttpRequest r = method.equals("POST") ? FakeHttpRequest.post(url, "") : FakeHttpRequest.get(url);
        return principal == null ? r : r.header("X-MS-CLIENT-PRINCIPAL", principal);
    }

    /** A recovery drill by ana, run to its end as DrillIT's full drill runs. */
    String drillToItsEnd() throws IOException {
        HttpResponseMessage started = new DrillFunctions(app()).start(request("POST", "drills", RecoveryIT.admin()),
                new FakeExecutionContext("startDrill"));
        assertEquals(202, started.getStatusCode(), String.valueOf(started.getBody()));
        String id = Json.MAPPER.readTree(String.valueOf(started.getBody())).get("operationId").asText();
        clock.advance(Duration.ofMinutes(42));
        arm.operation(REGION, createOp, "Succeeded");
        fx.drillServerReady();
        app().queued().operationWorker().step(id, Reporter.NONE);
        clock.advance(Duration.ofMinutes(1));
        app().queued().operationWorker().step(id, Reporter.NONE);
        clock.advance(Duration.ofMinutes(2));
        app().queued().operationWorker().step(id, Reporter.NONE);
        Drill done = app().recovery().drillJob().view(app().queued().operations().read(id));
        assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
        return id;
    }

    String status(String principal) {
        HttpResponseMessage r = new MonitorFunctions(app()).status(request("GET", "status", principal),
                new FakeExecutionContext("backupStatus"));
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        return String.valueOf(r.getBody());
    }

    List<AuditRecord> audit() {
        return new BlobAuditLog(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(env.get("AUDIT_CONTAINER"))).read(LocalDate.of(2024, 1, 15));
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    @DisplayName("without the admin role: health, alert codes and ages, and none of the names, hosts, servers, backup "
            + "ids or row counts that are on record; with it: the full report, and the read is audited")
    void healthForAnyoneDetailForAdmins() throws IOException {
        String drillId = drillToItsEnd();
        HttpResponseMessage pitr = new RestoreFunctions(app()).pointInTime(FakeHttpRequest.post(
                "https://shiftsync-backup.azurewebsites.net/api/restores/point-in-time?code=k",
                "{\"restorePointInTime\":\"2024-01-15T11:00:00Z\",\"targetServerName\":\"" + PITR + "\"}")
                .header("X-MS-CLIENT-PRINCIPAL", RecoveryIT.admin()), new FakeExecutionContext("restorePointInTime"));
        assertEquals(202, pitr.getStatusCode(), String.valueOf(pitr.getBody()));
        String restoreId = Json.MAPPER.readTree(String.valueOf(pitr.getBody())).get("operationId").asText();
        int auditedBefore = audit().size();

        String admin = status(RecoveryIT.admin());
        // what is on record, and what the admin's report shows of it
        List<String> onRecord = List.of("ana@shiftsync.test", drillId, DRILL, GROUP, ArmFake.SOURCE,
                PostgresCluster.RESTORED_HOST, backup.id(), db, "public.upload_analytics");
        for (String s : onRecord) {
            assertTrue(admin.contains(s), "the admin's report shows " + s + ": " + admin);
        }
        JsonNode full = Json.MAPPER.readTree(admin);
        assertEquals(backup.id(), full.get("rpo").get("newestBackupId").asText());
        assertEquals("passed", full.get("recovery").get("drills").get("last").get("step").asText());

        List<AuditRecord> audited = audit().subList(auditedBefore, audit().size());
        assertEquals(1, audited.size(), audited.toString());
        assertEquals("status.read", audited.get(0).action());
        assertEquals(AuditRecord.ACCEPTED, audited.get(0).decision());
        assertEquals("oid-ana", audited.get(0).caller().id());
        assertEquals("ana@shiftsync.test", audited.get(0).caller().name());

        List<String> others = new ArrayList<>(onRecord);
        others.addAll(List.of(restoreId, PITR, "oid-ana", "shiftsync-db", "upload_analytics", "\"rowCounts\"", "\"reason\"",
                "Backup.Admin"));
        String reader = RecoveryIT.principal("oid-cy", "cy@shiftsync.test", "Backup.Reader");
        for (String principal : java.util.Arrays.asList(null, reader)) {
            String body = status(principal);
            for (String s : others) {
                assertFalse(body.contains(s), (principal == null ? "no principal" : "no admin role") + ": " + s
                        + " leaked into " + body);
            }
            assertFalse(body.contains("cy@shiftsync.test"), body);
            JsonNode health = Json.MAPPER.readTree(body);
            assertEquals(Set.of("checkedAt", "healthy", "rpo", "tiers", "restoreTest", "alerts", "detail"),
                    fieldNames(health), body);
            assertEquals(Set.of("targetHours", "ageHours", "met"), fieldNames(health.get("rpo")));
            assertEquals(2.8, health.get("rpo").get("ageHours").asDouble(), "the backup started 2 h before the "
                    + "drill, which took 45 min: " + body);
            assertTrue(health.get("rpo").get("met").asBoolean());
            assertEquals(full.get("healthy"), health.get("healthy"));
            List<String> codes = new ArrayList<>();
            health.get("alerts").forEach(a -> {
                assertEquals(Set.of("code", "tier"), fieldNames(a), body);
                codes.add(a.get("code").asText());
            });
            List<String> fullCodes = new ArrayList<>();
            full.get("alerts").forEach(a -> fullCodes.add(a.get("code").asText()));
            assertEquals(fullCodes, codes, "the same alerts, by code only");
            health.get("tiers").forEach(t -> assertEquals(Set.of("tier", "ageHours"), fieldNames(t), body));
        }
        assertEquals(1, audit().size() - auditedBefore, "the health view leaves no audit record");
    }
}
