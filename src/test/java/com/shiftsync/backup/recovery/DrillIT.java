package com.shiftsync.backup.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.DrillFunctions;
import com.shiftsync.backup.functions.MonitorFunctions;
import com.shiftsync.backup.functions.RetentionFunctions;
import com.shiftsync.backup.monitor.StatusReport;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.RecoveryFixture;
import com.shiftsync.backup.testing.SampleOperations;
import com.shiftsync.backup.testing.WorkerSteps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.shiftsync.backup.testing.RecoveryFixture.DRILL;
import static com.shiftsync.backup.testing.RecoveryFixture.EARLIEST;
import static com.shiftsync.backup.testing.RecoveryFixture.GROUP;
import static com.shiftsync.backup.testing.RecoveryFixture.NOW;
import static com.shiftsync.backup.testing.RecoveryFixture.REGION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery drills end to end with the real SDK against the Resource Manager fake and a
 * second real PostgreSQL server standing in for the drill server (reached by its host
 * name): the restore's PUT into DRILL_RESOURCE_GROUP with the drill tag, the completion
 * writes, the verification on the real database, the DELETE, the measured steps and the
 * status; failures that still delete; restarts in every step; the sweeper; the timer.
 */
class DrillIT {
    @RegisterExtension
    static final RecoveryFixture fx = new RecoveryFixture();
    static final AzureFakes azure = fx.azure;
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
        db = pg.seededDatabase("drill");
        dumps = RecoveryFixture.container("drill");
        backup = fx.app(settings(dumps), new MutableClock(RecoveryFixture.BACKED_UP)).backups().toAzure()
                .run(Tier.DAILY, Reporter.NONE).manifest();
    }

    static Map<String, String> settings(String container) {
        return fx.drillSettings(pg.urlText(db), container);
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(NOW);
        env = settings(dumps);
        fx.drillSource();
        createOp = fx.acceptDrillRestore(DRILL);
        restored.restoreFrom(pg, db);
    }

    App app() {
        return fx.app(env, clock);
    }

    /** Azure has made the drill server: ready, tagged, at the second real PostgreSQL's host name. */
    void azureFinishes() {
        clock.advance(Duration.ofMinutes(42));
        arm.operation(REGION, createOp, "Succeeded");
        fx.drillServerReady();
    }

    static FakeHttpRequest post(String path) {
        return FakeHttpRequest.post("https://shiftsync-backup.azurewebsites.net/api/" + path + "?code=k", "")
                .header("X-MS-CLIENT-PRINCIPAL", RecoveryIT.admin());
    }

    static FakeHttpRequest get(String path) {
        return FakeHttpRequest.get("https://shiftsync-backup.azurewebsites.net/api/" + path + "?code=k")
                .header("X-MS-CLIENT-PRINCIPAL", RecoveryIT.admin());
    }

    /** One step of the operation-updates worker (a reminder came due), then the drill as GET /api/drills/{id} reads it. */
    Drill drill(String id) {
        return stepped(id, Reporter.NONE);
    }

    Drill stepped(String id, Reporter reporter) {
        app().queued().operationWorker().step(id, reporter);
        App app = app();
        return app.recovery().drillJob().view(app.queued().operations().read(id));
    }

    List<LoggedRequest> creates() {
        return fx.drillCreates();
    }

    List<LoggedRequest> drillDeletes() {
        return fx.drillDeletes();
    }

    @Test
    @DisplayName("a full drill over HTTP: the PUT into the drill group with the tag, the completion writes, the "
            + "verification on the real database, the DELETE, each step measured, passed in GET /api/status")
    void fullDrill() throws IOException {
        FakeExecutionContext started = new FakeExecutionContext("startDrill");
        HttpResponseMessage r = new DrillFunctions(app()).start(post("drills"), started);
        assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode answer = Json.MAPPER.readTree(String.valueOf(r.getBody()));
        String id = answer.get("operationId").asText();
        assertEquals("https://shiftsync-backup.azurewebsites.net/api/drills/" + id, r.getHeader("Location"));
        assertEquals("restoring", answer.get("step").asText());
        assertEquals(DRILL, answer.get("server").asText());

        LoggedRequest put = creates().get(0);
        String restoreId = app().recovery().drillJob().view(app().queued().operations().read(id)).restoreOperationId();
        assertTrue(equalToJson("""
                {"location": "canadacentral", "tags": {"shiftsync-drill": "true", "shiftsync-operation": "%s"},
                 "properties": {"createMode": "PointInTimeRestore", "sourceServerResourceId": "%s",
                                "pointInTimeUTC": "2024-01-15T12:00:00Z"}}""".formatted(restoreId,
                ArmFake.serverId(ArmFake.SOURCE))).match(put.getBodyAsString()).isExactMatch(), put.getBodyAsString());
        assertTrue(started.messages().stream().anyMatch(m -> m.contains("ShiftSync.Drill.Started")));

        azureFinishes();
        FakeExecutionContext polled = new FakeExecutionContext("drillStatus");
        WorkerSteps.step(app(), id, polled.getLogger());
        HttpResponseMessage first = new DrillFunctions(app()).status(get("drills/" + id), id, polled);
        assertEquals(200, first.getStatusCode(), String.valueOf(first.getBody()));
        assertEquals("completing", Json.MAPPER.readTree(String.valueOf(first.getBody())).get("step").asText(),
                "the parameter write is still running in Resource Manager");
        clock.advance(Duration.ofMinutes(1));
        FakeExecutionContext last = new FakeExecutionContext("drillStatus");
        WorkerSteps.step(app(), id, last.getLogger());
        Drill mid = Json.read(String.valueOf(new DrillFunctions(app()).status(get("drills/" + id), id, last)
                .getBody()).getBytes(), Drill.class);
        assertEquals("deleting", mid.step(), "verified in the same step, then the DELETE");
        assertEquals(1, drillDeletes().size());
        clock.advance(Duration.ofMinutes(2));
        Drill done = drill(id);
        CapturedOutput.record(Json.write(done));

        assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
        assertEquals("passed", done.step());
        assertEquals(Boolean.TRUE, done.serverDeleted());
        assertEquals(1, creates().size(), "one restore PUT");
        assertEquals(1, drillDeletes().size(), "one DELETE");
        assertEquals(1, arm.requests(putRequestedFor(urlPathMatching(".*/" + DRILL + "/firewallRules/app"))).size());
        assertEquals(1, arm.requests(patchRequestedFor(urlPathMatching(".*/" + DRILL + "/configurations/work_mem")))
                .size());
        assertTrue(done.verification().passed(), done.verification().reason());
        assertEquals(PostgresCluster.RESTORED_HOST, done.verification().host());
        assertEquals(backup.id(), done.verification().comparedWith());
        assertEquals(List.of("requested", "restoring", "completing", "verifying", "deleting"),
                done.steps().stream().map(Drill.StepTime::step).toList());
        Map<String, Long> seconds = new HashMap<>();
        done.steps().forEach(s -> seconds.put(s.step(), s.seconds()));
        assertEquals(41 * 60 + 7, seconds.get("restoring"), "Resource Manager's own end time: 12:41:07");
        assertEquals(2 * 60, seconds.get("deleting"), "from the verified server to the DELETE's end");
        assertEquals(43 * 60, done.recoverySeconds(), "from the restore's request to the verified server");
        assertEquals(Boolean.TRUE, done.withinTarget());
        assertTrue(last.messages().stream().anyMatch(m -> m.contains("ShiftSync.Drill.Step")
                && m.contains("\"step\":\"deleting\"")), last.messages().toString());

        HttpResponseMessage status = new MonitorFunctions(app()).status(get("status"), new FakeExecutionContext("status"));
        JsonNode recovery = Json.MAPPER.readTree(String.valueOf(status.getBody())).get("recovery");
        JsonNode lastDrill = recovery.get("drills").get("last");
        assertEquals(id, lastDrill.get("drillId").asText());
        assertEquals("passed", lastDrill.get("step").asText());
        assertEquals(2580, lastDrill.get("recoverySeconds").asLong());
        assertEquals(120, lastDrill.get("targetMinutes").asInt());
        assertEquals(5, lastDrill.get("steps").size());
        JsonNode measured = recovery.get("measured").get(0);
        assertEquals("point-in-time", measured.get("method").asText());
        assertTrue(measured.get("drill").asBoolean());
        assertEquals(2580, measured.get("seconds").asLong());
    }

    @Test
    @DisplayName("a failed verification ends failed with the reason, the drill server still deleted, and the "
            + "drill-failed alert")
    void failedVerification() {
        restored.execute(db, "DROP TABLE upload_analytics");
        App app = app();
        String id = app.recovery().drillJob().start(RecoveryIT.ana(), "cli", Reporter.NONE).id();
        azureFinishes();
        drill(id);
        FakeExecutionContext ctx = new FakeExecutionContext("drillStatus");
        Drill done = stepped(id, app().reporter(ctx.getLogger()));
        assertEquals("deleting", done.step());
        done = drill(id);
        assertEquals(OperationStatus.Failed, done.status());
        assertEquals("failed", done.step());
        assertEquals("VerificationFailed", done.error().code());
        assertTrue(done.error().message().contains("public.upload_analytics is missing"), done.error().message());
        assertEquals(1, drillDeletes().size(), "the drill server is deleted all the same");
        assertEquals(Boolean.TRUE, done.serverDeleted());

        StatusReport report = app().monitoring().monitorJob().read(app().stores().azure());
        assertTrue(report.alerts().stream().anyMatch(a -> a.code().id().equals("drill-failed")
                && a.reason().contains("upload_analytics")), report.alerts().toString());
    }

    @Test
    @DisplayName("a failed Azure restore ends failed with Resource Manager's error, and the DELETE is still sent; "
            + "the end is reported with a drill-failed alert")
    void failedAzureRestore() {
        String id = app().recovery().drillJob().start(RecoveryIT.ana(), "cli", Reporter.NONE).id();
        clock.advance(Duration.ofMinutes(9));
        arm.operationFailed(REGION, createOp, "ServerRestoreFailed", "The restore of server " + DRILL + " failed.");
        // what a failed create leaves: the server, in a failed state, with the tags the create sent
        arm.server(ArmFake.ServerSpec.of(DRILL, "Disabled", "Canada Central", EARLIEST, false)
                .in(GROUP, Map.of("shiftsync-drill", "true")));
        FakeExecutionContext ctx = new FakeExecutionContext("drillStatus");
        Drill deleting = stepped(id, app().reporter(ctx.getLogger()));
        assertEquals("deleting", deleting.step());
        Drill done = drill(id);
        assertEquals(OperationStatus.Failed, done.status());
        assertEquals("ServerRestoreFailed", done.error().code());
        assertEquals(1, drillDeletes().size());
        assertNull(done.verification());
        assertEquals(List.of("requested", "restoring", "deleting"), done.steps().stream().map(Drill.StepTime::step)
                .toList());
        FakeExecutionContext end = new FakeExecutionContext("drillStatus");
        // a finished drill reports nothing more
        stepped(id, app().reporter(end.getLogger()));
        assertEquals(List.of(), end.messages());
    }

    @Test
    @DisplayName("an app restart in every step (a new App over the same storage for each read) goes on where it "
            + "stopped: one PUT, one DELETE")
    void restartInEveryStep() {
        String deleteOp = arm.acceptDelete(GROUP, DRILL, REGION);
        Operation requested = app().recovery().drillJob().request(RecoveryIT.ana(), "cli");
        assertEquals("requested", step(requested.id()));
        assertEquals(0, creates().size());

        assertEquals("restoring", advance(requested.id()));
        assertEquals("restoring", advance(requested.id()));
        assertEquals(1, creates().size());

        azureFinishes();
        assertEquals("completing", advance(requested.id()));
        restored.execute("postgres", "ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS false");
        try {
            assertEquals("verifying", advance(requested.id()), "the drill server does not let us in yet");
        } finally {
            restored.execute("postgres", "ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
        }
        assertEquals("deleting", advance(requested.id()));
        assertEquals("deleting", advance(requested.id()), "Resource Manager is still deleting");
        assertEquals(1, drillDeletes().size());
        arm.operation(REGION, deleteOp, "Succeeded");
        assertEquals("passed", advance(requested.id()));
        assertEquals(1, creates().size(), "never a second PUT");
        assertEquals(1, drillDeletes().size(), "never a second DELETE");
        assertEquals(1, arm.requests(patchRequestedFor(urlPathMatching(".*/" + DRILL + "/configurations/.*"))).size());
    }

    @Test
    @DisplayName("one step at a time: while another worker holds the step of a drill (Blob lease) or a restore (file "
            + "lock), a step answers with what is stored and sends Resource Manager nothing")
    void oneStepAtATime() {
        Operation requested = app().recovery().drillJob().request(RecoveryIT.ana(), "cli");
        try (com.shiftsync.backup.port.Lease other = app().operationStore().claimStep(requested.id()).orElseThrow()) {
            int before = arm.all().size();
            assertEquals("requested", drill(requested.id()).step());
            assertEquals(before, arm.all().size(), "no request while another worker takes the step");
            assertTrue(app().operationStore().claimStep(requested.id()).isEmpty(), "the claim is held");
        }
        assertEquals("restoring", drill(requested.id()).step(), "the claim released, the next step is taken");
        assertEquals(1, creates().size());

        com.shiftsync.backup.adapter.local.LocalOperationStore local = new com.shiftsync.backup.adapter.local
                .LocalOperationStore(java.nio.file.Path.of(env.get("BACKUP_DIR"), "operations"));
        try (com.shiftsync.backup.port.Lease held = local.claimStep(requested.id()).orElseThrow()) {
            assertTrue(local.claimStep(requested.id()).isEmpty(), "a second claim in this JVM waits too");
        }
        local.claimStep(requested.id()).orElseThrow().close();
    }

    private String advance(String id) {
        clock.advance(Duration.ofMinutes(1));
        return drill(id).step();
    }

    private String step(String id) {
        return app().operationStore().find(id).orElseThrow().state().stepName();
    }

    @Test
    @DisplayName("a second drill while one runs is refused with 409, naming the running one")
    void oneAtATime() throws IOException {
        String id = app().recovery().drillJob().start(RecoveryIT.ana(), "cli", Reporter.NONE).id();
        HttpResponseMessage r = new DrillFunctions(app()).start(post("drills"), new FakeExecutionContext("startDrill"));
        assertEquals(409, r.getStatusCode(), String.valueOf(r.getBody()));
        assertTrue(String.valueOf(r.getBody()).contains("drill " + id + " is still running"),
                String.valueOf(r.getBody()));
        assertEquals(1, creates().size());
    }

    @Test
    @DisplayName("the sweeper deletes an old tagged drill server, and leaves an untagged one with a drill-like name, "
            + "a young tagged one, one whose drill runs, and the source")
    void sweeper() {
        env.remove("DRILL_RESOURCE_GROUP");
        String g = ArmFake.RESOURCE_GROUP;
        String old = "shiftsync-db-drill-202401150100";
        String untagged = "shiftsync-db-drill-202401150200";
        String young = "shiftsync-db-drill-202401151100";
        String running = "shiftsync-db-drill-202401150300";
        Map<String, String> tag = Map.of("shiftsync-drill", "true");
        arm.serversIn(g,
                ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", "Canada Central", EARLIEST, true).in(g, tag),
                ArmFake.ServerSpec.of(old, "Ready", "Canada Central", EARLIEST, false).in(g, tag)
                        .createdAt("2024-01-15T01:00:04Z"),
                ArmFake.ServerSpec.of(untagged, "Ready", "Canada Central", EARLIEST, false).in(g, Map.of())
                        .createdAt("2024-01-15T02:00:04Z"),
                ArmFake.ServerSpec.of(young, "Ready", "Canada Central", EARLIEST, false).in(g, tag)
                        .createdAt("2024-01-15T11:00:04Z"),
                ArmFake.ServerSpec.of(running, "Ready", "Canada Central", EARLIEST, false).in(g, tag)
                        .createdAt("2024-01-15T03:00:04Z"),
                ArmFake.ServerSpec.of("shiftsync-web", "Ready", "Canada Central", EARLIEST, false).in(g, tag));
        arm.acceptDelete(g, old, REGION);
        // a drill that is still running owns `running`
        MutableClock then = new MutableClock(Instant.parse("2024-01-15T03:00:00Z"));
        new App(new Settings(env), then, azure.identity.credential(), RecoveryIT.SHORT).operationStore()
                .create(SampleOperations.drill(running, then.instant(), DrillState.Step.VERIFYING));

        FakeExecutionContext ctx = new FakeExecutionContext("retentionPrune");
        new RetentionFunctions(app()).retentionPrune("{}", ctx);
        List<LoggedRequest> deletes = arm.deletes();
        assertEquals(1, deletes.size(), deletes.toString());
        assertTrue(deletes.get(0).getUrl().startsWith(ArmFake.serverPath(g, old) + "?"), deletes.get(0).getUrl());
        assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("ShiftSync.Drill.ServerDeleted")
                && m.contains(old) && m.contains("no drill on record")), ctx.messages().toString());
        String swept = ctx.messages().stream().filter(m -> m.contains("ShiftSync.Drill.Swept")).findFirst()
                .orElseThrow();
        assertTrue(swept.contains(young + "\":\"younger than 6 h"), swept);
        assertTrue(swept.contains("is running"), swept);
        assertFalse(swept.contains(untagged), "an untagged server is not even considered: " + swept);
    }

    @Test
    @DisplayName("DRILL_ENABLED unset: the timer does nothing and says so, and no stale-drill alert; enabled: the "
            + "timer drills, and no passed drill is an alert")
    void enabledOrNot() {
        FakeExecutionContext off = new FakeExecutionContext("recoveryDrill");
        new DrillFunctions(app()).recoveryDrill("{}", off);
        assertTrue(off.messages().stream().anyMatch(m -> m.contains("ShiftSync.Drill.Skipped")
                && m.contains("DRILL_ENABLED is not true")), off.messages().toString());
        assertEquals(0, creates().size());
        StatusReport quiet = app().monitoring().monitorJob().read(app().stores().azure());
        assertFalse(quiet.alerts().stream().anyMatch(a -> a.code().id().startsWith("drill-")), quiet.alerts()
                .toString());
        assertFalse(quiet.recovery().drills().enabled());

        env.put("DRILL_ENABLED", "true");
        StatusReport stale = app().monitoring().monitorJob().read(app().stores().azure());
        assertTrue(stale.alerts().stream().anyMatch(a -> a.code().id().equals("drill-stale")
                && a.reason().contains("none ever passed")), stale.alerts().toString());
        FakeExecutionContext on = new FakeExecutionContext("recoveryDrill");
        new DrillFunctions(app()).recoveryDrill("{}", on);
        assertTrue(on.messages().stream().anyMatch(m -> m.contains("ShiftSync.Drill.Started")
                && m.contains("\"trigger\":\"timer\"")), on.messages().toString());
        assertEquals(1, creates().size());
        StatusReport running = app().monitoring().monitorJob().read(app().stores().azure());
        assertNotNull(running.recovery().drills().running());
        assertEquals("restoring", running.recovery().drills().running().step());
    }
}
