package com.shiftsync.backup.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Completion;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.RecoveryFunctions;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.FakeKeyVault;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.RecoveryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.shiftsync.backup.testing.RecoveryFixture.EARLIEST;
import static com.shiftsync.backup.testing.RecoveryFixture.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disaster recovery end to end with the real SDK against the Resource Manager fake (api-version
 * 2022-12-01 payloads) and real PostgreSQL: the plan (reads only), region- and network-correct
 * restores, the completion of a restored server (firewall rules and parameters written,
 * verification against a second real PostgreSQL server standing in for the restored one,
 * reached by its host name), the cutover to Key Vault, and the measured recovery time.
 */
class RecoveryIT {
    static final String TARGET = "shiftsync-db-pitr";
    static final String CUTOVER = "shiftsync-db-host";
    static final ArmServerAdmin.Tuning SHORT = AzureFakes.TUNING;
    static final String SUBNET = ArmFake.subnetId("shiftsync-net", "shiftsync-vnet", "postgres");
    static final String ZONE = ArmFake.dnsZoneId("shiftsync-net", "shiftsync.private.postgres.database.azure.com");
    static final String DR_SUBNET = ArmFake.subnetId("shiftsync-dr-net", "shiftsync-dr-vnet", "postgres");
    static final String DR_ZONE = ArmFake.dnsZoneId("shiftsync-dr-net", "shiftsync-dr.private.postgres.database.azure.com");

    @RegisterExtension
    static final RecoveryFixture fx = new RecoveryFixture();
    static final AzureFakes azure = fx.azure;
    static final ArmFake arm = fx.arm;
    static PostgresCluster pg;
    static PostgresCluster restored;
    static String db;
    static String dumps;
    static Manifest backup;
    static FakeKeyVault vault;

    MutableClock clock;
    Map<String, String> env;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        restored = PostgresCluster.restoredServer();
        db = pg.seededDatabase("recovery");
        dumps = RecoveryFixture.container("recovery");
        backup = fx.app(settings(dumps), new MutableClock(RecoveryFixture.BACKED_UP)).backups().toAzure()
                .run(Tier.DAILY, Reporter.NONE).manifest();
        vault = new FakeKeyVault(azure.identity.token());
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    static Map<String, String> settings(String container) {
        return fx.settings(pg.urlText(db), container);
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(NOW);
        env = settings(dumps);
        arm.source("Canada Central", EARLIEST, true);
        arm.fullBackups("2024-01-15T04:10:00+00:00");
        arm.missing(TARGET);
        arm.nameAvailable(TARGET);
    }

    App app() {
        return fx.app(env, clock);
    }

    static ArmFake.ServerSpec source() {
        return ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", "Canada Central", EARLIEST, true);
    }

    // ---- the plan ---------------------------------------------------------------------------

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (RecoveryScenario s : RecoveryScenario.values()) {
            for (boolean privateAccess : List.of(false, true)) {
                for (boolean geo : List.of(false, true)) {
                    for (boolean withDumps : List.of(false, true)) {
                        all.add(Arguments.of(s, privateAccess, geo, withDumps));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, private access {1}, geo-redundant {2}, dumps {3}")
    @MethodSource("cases")
    @DisplayName("the plan: every way in the scenario's order, with availability, reasons and data loss; only GETs")
    void plan(RecoveryScenario scenario, boolean privateAccess, boolean geo, boolean withDumps) {
        ArmFake.ServerSpec spec = ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", "Canada Central", EARLIEST, geo);
        arm.source(privateAccess ? spec.privateAccess(SUBNET, ZONE) : spec);
        arm.fullBackups("2024-01-15T04:10:00+00:00");
        if (!withDumps) {
            env.put("BACKUP_CONTAINER", "empty-" + Long.toHexString(System.nanoTime()));
        }
        Instant to = scenario == RecoveryScenario.CORRUPTION ? NOW.minus(Duration.ofMinutes(30)) : null;
        RecoveryPlan plan = app().recovery().planner().plan(scenario, to, Reporter.NONE);
        CapturedOutput.record(Json.write(plan));

        assertEquals(List.of(), arm.writes(), "a plan sends Resource Manager nothing but GETs");
        List<String> order = plan.options().stream().map(o -> o.method() + (o.method().equals("point-in-time")
                ? ":" + o.restorePoint() : "")).toList();
        String pitr = to == null ? "point-in-time:latest" : "point-in-time:chosen";
        assertEquals(switch (scenario) {
            case CORRUPTION -> List.of(pitr, "point-in-time:fast", "dump-restore", "geo-restore");
            case SERVER_FAILURE -> List.of(pitr, "point-in-time:fast", "geo-restore", "dump-restore");
            case REGION_OUTAGE -> List.of("geo-restore", "dump-restore", pitr, "point-in-time:fast");
        }, order);
        assertEquals(scenario.rto().toMinutes(), plan.targets().rtoMinutes());

        RecoveryPlan.Option p = option(plan, pitr);
        RecoveryPlan.Option fast = option(plan, "point-in-time:fast");
        RecoveryPlan.Option g = option(plan, "geo-restore");
        RecoveryPlan.Option d = option(plan, "dump-restore");
        if (scenario == RecoveryScenario.REGION_OUTAGE) {
            assertFalse(p.available());
            assertTrue(p.reason().contains("lands in the source's own region, canadacentral"), p.reason());
            assertFalse(fast.available());
        } else {
            assertTrue(p.available(), p.reason());
            assertTrue(fast.available(), fast.reason());
            assertEquals(privateAccess ? "private" : "public", p.targetNetwork().access());
            if (privateAccess) {
                assertEquals(SUBNET, p.targetNetwork().subnetId(), "point-in-time keeps the source's subnet");
            }
        }
        assertEquals(to == null ? 300L : 1800L, p.dataLoss().seconds());
        assertEquals(to != null, p.dataLoss().intended());
        assertEquals(Duration.between(Instant.parse("2024-01-15T04:10:00Z"), NOW).toSeconds(),
                fast.dataLoss().seconds(), "the fast point loses everything after the newest full backup");
        assertEquals("canadaeast", g.targetRegion(), "geo goes to the pair of canadacentral");
        assertEquals(3600L, g.dataLoss().seconds());
        if (!geo) {
            assertFalse(g.available());
            assertTrue(g.reason().contains("has no geo-redundant backup"), g.reason());
        } else if (privateAccess) {
            assertFalse(g.available());
            assertTrue(g.reason().contains("GEO_RESTORE_SUBNET_ID"), g.reason());
        } else if (to != null) {
            assertFalse(g.available());
            assertTrue(g.reason().contains("cannot go back to a chosen time"), g.reason());
        } else {
            assertTrue(g.available(), g.reason());
            assertEquals("shiftsync-backup geo-restore --target-server shiftsync-db-geo --scenario " + scenario.id(),
                    g.start().get("cli"));
        }
        if (withDumps) {
            assertTrue(d.available(), d.reason());
            assertEquals(backup.id(), d.restorePoint());
            assertEquals(Duration.ofHours(2).toSeconds(), d.dataLoss().seconds());
        } else {
            assertFalse(d.available());
            assertTrue(d.reason().startsWith("there is no dump"), d.reason());
        }
        assertEquals("azure", p.expectedDuration().basis(), "nothing measured yet: Azure's documented range");
        assertNull(p.meetsRto());
    }

    private static RecoveryPlan.Option option(RecoveryPlan plan, String which) {
        return plan.options().stream().filter(o -> (o.method() + (o.method().equals("point-in-time")
                ? ":" + o.restorePoint() : "")).equals(which)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("a server younger than an hour has no geo-backup yet: the plan says so, and a geo-restore is refused")
    void youngServer() {
        arm.source(source().createdAt("2024-01-15T11:20:00Z"));
        RecoveryPlan plan = app().recovery().planner().plan(RecoveryScenario.REGION_OUTAGE, null, Reporter.NONE);
        RecoveryPlan.Option g = option(plan, "geo-restore");
        assertFalse(g.available());
        assertTrue(g.reason().contains("less than an hour old"), g.reason());
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> app().recovery().serverRestoreJob().start(ana(),
                ServerRestoreRequest.geo("shiftsync-db-geo", null), Reporter.NONE));
        assertTrue(e.getMessage().contains("try after 2024-01-15T12:20:00Z"), e.getMessage());
        assertEquals(List.of(), arm.puts());
    }

    @Test
    @DisplayName("POST /api/recovery/plan: admin only, audited, the plan's JSON shape")
    void planOverHttp() throws IOException {
        FakeExecutionContext ctx = new FakeExecutionContext("recoveryPlan");
        HttpResponseMessage r = new RecoveryFunctions(app()).plan(request("{\"scenario\":\"corruption\","
                + "\"to\":\"2024-01-15T11:30:00Z\"}", admin()), ctx);
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode plan = Json.MAPPER.readTree(String.valueOf(r.getBody()));
        assertEquals("corruption", plan.get("scenario").asText());
        assertEquals(120, plan.get("targets").get("rtoMinutes").asInt());
        JsonNode first = plan.get("options").get(0);
        for (String field : List.of("method", "available", "dataLoss", "expectedDuration", "targetRegion",
                "targetNetwork", "followUps")) {
            assertTrue(first.has(field), field + " in " + first);
        }
        assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("ShiftSync.Recovery.Planned")));
        assertEquals(List.of(), arm.writes());

        HttpResponseMessage denied = new RecoveryFunctions(app()).plan(request("{}", principal("oid-bob", "bob")),
                new FakeExecutionContext("recoveryPlan"));
        assertEquals(403, denied.getStatusCode());
        HttpResponseMessage bad = new RecoveryFunctions(app()).plan(request("{\"scenario\":\"fire\"}", admin()),
                new FakeExecutionContext("recoveryPlan"));
        assertEquals(400, bad.getStatusCode());
        assertTrue(String.valueOf(bad.getBody()).contains("use corruption, server-failure or region-outage"));
    }

    // ---- region and network -----------------------------------------------------------------

    @Test
    @DisplayName("geo-restore without a location goes to the pair: westus to eastus, westeurope to northeurope")
    void geoGoesToThePair() {
        for (String[] c : List.of(new String[] {"West US", "eastus"}, new String[] {"West Europe", "northeurope"})) {
            arm.reset();
            arm.source(ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", c[0], EARLIEST, true));
            arm.missing("shiftsync-db-geo");
            arm.nameAvailable("shiftsync-db-geo");
            arm.acceptCreate("shiftsync-db-geo", c[1]);
            Operation op = app().recovery().serverRestoreJob().start(ana(), ServerRestoreRequest.geo("shiftsync-db-geo", null),
                    Reporter.NONE);
            assertEquals(c[1], op.details().get("location"));
            assertTrue(equalToJson("{\"location\":\"" + c[1] + "\",\"properties\":{\"createMode\":\"GeoRestore\"}}",
                    true, true).match(arm.puts().get(0).getBodyAsString()).isExactMatch(),
                    arm.puts().get(0).getBodyAsString());
        }
    }

    @Test
    @DisplayName("a location that is not the pair is refused, naming the pair; nothing is created")
    void notThePair() {
        arm.source(ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", "West US", EARLIEST, true));
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> app().recovery().serverRestoreJob().start(ana(),
                ServerRestoreRequest.geo("shiftsync-db-geo", "westeurope"), Reporter.NONE));
        assertTrue(e.getMessage().contains("westeurope is not the paired region of westus")
                && e.getMessage().contains("only into eastus"), e.getMessage());
        assertEquals(List.of(), arm.puts());
    }

    @Test
    @DisplayName("a private-access source: point-in-time sends its subnet and DNS zone; geo is refused without a "
            + "target subnet, and with the GEO_RESTORE_* settings sends those")
    void privateAccess() {
        arm.source(source().privateAccess(SUBNET, ZONE));
        arm.acceptCreate(TARGET, "canadacentral");
        app().recovery().serverRestoreJob().start(ana(), ServerRestoreRequest.pointInTime("latest", TARGET), Reporter.NONE);
        assertTrue(equalToJson("{\"properties\":{\"createMode\":\"PointInTimeRestore\",\"network\":{"
                + "\"delegatedSubnetResourceId\":\"" + SUBNET + "\",\"privateDnsZoneArmResourceId\":\"" + ZONE
                + "\"}}}", true, true).match(arm.puts().get(0).getBodyAsString()).isExactMatch(),
                arm.puts().get(0).getBodyAsString());

        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> app().recovery().serverRestoreJob().start(ana(),
                ServerRestoreRequest.geo("shiftsync-db-geo", null), Reporter.NONE));
        assertTrue(e.getMessage().contains("has private access") && e.getMessage().contains("canadaeast")
                && e.getMessage().contains("GEO_RESTORE_SUBNET_ID"), e.getMessage());

        env.put("GEO_RESTORE_SUBNET_ID", DR_SUBNET);
        env.put("GEO_RESTORE_PRIVATE_DNS_ZONE_ID", DR_ZONE);
        arm.missing("shiftsync-db-geo");
        arm.nameAvailable("shiftsync-db-geo");
        arm.acceptCreate("shiftsync-db-geo", "canadaeast");
        app().recovery().serverRestoreJob().start(ana(), ServerRestoreRequest.geo("shiftsync-db-geo", null), Reporter.NONE);
        LoggedRequest put = arm.puts().get(arm.puts().size() - 1);
        assertTrue(equalToJson("{\"location\":\"canadaeast\",\"properties\":{\"createMode\":\"GeoRestore\","
                + "\"network\":{\"delegatedSubnetResourceId\":\"" + DR_SUBNET + "\",\"privateDnsZoneArmResourceId\":\""
                + DR_ZONE + "\"}}}", true, true).match(put.getBodyAsString()).isExactMatch(), put.getBodyAsString());
    }

    // ---- completion, verification, cutover, measured time -------------------------------------

    /** A source with rules, parameters, high availability and a replica, restored; Azure reports success. */
    private String restoreThatAzureFinishes(App app) {
        arm.source(source().highAvailability("ZoneRedundant"));
        arm.firewallRules(ArmFake.SOURCE, "office", "203.0.113.0", "203.0.113.255", "app", "198.51.100.7",
                "198.51.100.7");
        arm.configurations(ArmFake.SOURCE, "work_mem", "65536", "user-override", "true", "shared_buffers", "262144",
                "user-override", "false");
        arm.replicas("shiftsync-db-replica1");
        arm.fullBackups("2024-01-15T04:10:00+00:00");
        String armOp = arm.acceptCreate(TARGET, "canadacentral");
        Operation op = app.recovery().serverRestoreJob().start(ana(), ServerRestoreRequest.pointInTime("latest", TARGET),
                Reporter.NONE);
        clock.advance(Duration.ofMinutes(42));
        arm.operation("canadacentral", armOp, "Succeeded");
        arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true)
                .fqdn(PostgresCluster.RESTORED_HOST));
        return op.id();
    }

    @Test
    @DisplayName("completion: rules and parameters written once (an app restart half-way repeats nothing), the new "
            + "server verified on a real database, follow-ups for HA, replicas and the restart, the recovery time "
            + "against the target, events; then the plan expects what was measured")
    void completion() {
        restored.restoreFrom(pg, db);
        String id = restoreThatAzureFinishes(app());
        FakeExecutionContext first = new FakeExecutionContext("restoreStatus");
        Operation half = app().queued().operationWorker().step(id, app().reporter(first.getLogger())).after();
        assertEquals(OperationStatus.InProgress, half.status());
        assertEquals(Completion.Stage.COPYING, half.completion().stage(), "the parameter writes are still running");
        assertEquals(List.of("office 203.0.113.0-203.0.113.255", "app 198.51.100.7-198.51.100.7"),
                half.completion().firewallRulesCopied());
        assertTrue(first.messages().stream().anyMatch(m -> m.contains("ShiftSync.ServerRestore.Succeeded")));

        // the app restarts: a new App over the same storage and fakes finishes without writing anything twice
        clock.advance(Duration.ofMinutes(3));
        FakeExecutionContext second = new FakeExecutionContext("restoreStatus");
        Operation done = app().queued().operationWorker().step(id, app().reporter(second.getLogger())).after();
        CapturedOutput.record(Json.write(done.view(clock.instant())));

        assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
        assertEquals(2, arm.requests(putRequestedFor(urlPathMatching(".*/" + TARGET + "/firewallRules/.*"))).size());
        List<LoggedRequest> patches = arm.requests(patchRequestedFor(urlPathMatching(".*/" + TARGET
                + "/configurations/.*")));
        assertEquals(2, patches.size(), "each parameter set once");
        assertTrue(equalToJson("{\"properties\":{\"value\":\"65536\",\"source\":\"user-override\"}}")
                .match(patches.get(0).getBodyAsString()).isExactMatch(), patches.get(0).getBodyAsString());
        assertTrue(equalToJson("{\"properties\":{\"startIpAddress\":\"203.0.113.0\",\"endIpAddress\":"
                + "\"203.0.113.255\"}}").match(arm.requests(putRequestedFor(urlPathMatching(".*/firewallRules/office")))
                .get(0).getBodyAsString()).isExactMatch());
        Completion c = done.completion();
        assertEquals(List.of("work_mem=65536", "shared_buffers=262144"), c.parametersCopied());
        assertEquals(List.of("shared_buffers"), c.parametersNeedingRestart());
        assertTrue(c.verification().passed(), c.verification().reason());
        assertEquals(PostgresCluster.RESTORED_HOST, c.verification().host());
        assertEquals(backup.id(), c.verification().comparedWith());
        assertTrue(c.verification().tables().stream().allMatch(t -> t.verdict().equals("ok")),
                c.verification().tables().toString());
        assertEquals(backup.rowCounts().size(), c.verification().tables().size());
        String followUps = String.join("\n", c.followUps());
        assertTrue(followUps.contains("high availability (ZoneRedundant) was on"), followUps);
        assertTrue(followUps.contains("shiftsync-db-replica1"), followUps);
        assertTrue(followUps.contains("restart " + TARGET + " to apply the server parameter shared_buffers"), followUps);
        assertTrue(followUps.contains("private endpoints and virtual endpoints"), followUps);

        Map<String, Object> time = done.recoveryTime(clock.instant());
        assertEquals("server-failure", time.get("scenario"));
        assertEquals(30L, time.get("targetMinutes"));
        assertEquals(Duration.ofMinutes(45).toSeconds(), time.get("totalSeconds"));
        assertEquals(false, time.get("met"), "45 minutes is over the 30-minute target of a server failure");
        JsonNode recovered = event(second, "ShiftSync.Recovery.Completed");
        assertEquals(2700, recovered.get("totalSeconds").asLong());
        assertTrue(recovered.get("verified").asBoolean());

        RecoveryPlan plan = app().recovery().planner().plan(RecoveryScenario.SERVER_FAILURE, null, Reporter.NONE);
        RecoveryPlan.ExpectedDuration expected = option(plan, "point-in-time:latest").expectedDuration();
        assertEquals("measured", expected.basis());
        assertEquals(1, expected.samples());
        assertEquals(2700L, expected.seconds());
        assertEquals(false, option(plan, "point-in-time:latest").meetsRto());
    }

    @Test
    @DisplayName("a restored database missing a table fails the verification, naming the table; the cutover is "
            + "refused with 409")
    void missingTable() {
        restored.restoreFrom(pg, db);
        restored.execute(db, "DROP TABLE upload_analytics");
        App app = app();
        String id = restoreThatAzureFinishes(app);
        Operation op = app.queued().operationWorker().step(id, Reporter.NONE).after();
        op = app.queued().operationWorker().step(id, Reporter.NONE).after();
        assertEquals(OperationStatus.Failed, op.status());
        assertEquals("VerificationFailed", op.error().code());
        assertTrue(op.error().message().contains("public.upload_analytics is missing"), op.error().message());
        assertFalse(op.completion().verification().passed());

        env.put("KEY_VAULT_URL", vault.url());
        env.put("CUTOVER_SECRET_NAME", CUTOVER);
        HttpResponseMessage r = new RecoveryFunctions(app()).cutover(FakeHttpRequest.post(
                "https://shiftsync-backup.azurewebsites.net/api/restores/" + id + "/cutover?code=k", "")
                .header("X-MS-CLIENT-PRINCIPAL", admin()), id, new FakeExecutionContext("restoreCutover"));
        assertEquals(409, r.getStatusCode(), String.valueOf(r.getBody()));
        assertTrue(String.valueOf(r.getBody()).contains("only made to a server that passed its verification"));
        assertEquals(List.of(), vault.writes(CUTOVER));
    }

    @Test
    @DisplayName("cutover: refused while the server is being restored, then writes the new host into the Key Vault "
            + "secret once (through the vault's challenge) and says what it changed")
    void cutover() throws IOException {
        restored.restoreFrom(pg, db);
        env.put("KEY_VAULT_URL", vault.url());
        env.put("CUTOVER_SECRET_NAME", CUTOVER);
        vault.holds(CUTOVER, "shiftsync-db.postgres.database.azure.com");
        vault.acceptWrites(CUTOVER);
        String id = restoreThatAzureFinishes(app());
        ShiftSyncException early = assertThrows(ShiftSyncException.class,
                () -> app().recovery().cutoverJob().cutover(ana(), id, Reporter.NONE));
        assertEquals(409, early.code().httpStatus());

        app().queued().operationWorker().step(id, Reporter.NONE);
        app().queued().operationWorker().step(id, Reporter.NONE);
        FakeExecutionContext ctx = new FakeExecutionContext("restoreCutover");
        HttpResponseMessage r = new RecoveryFunctions(app()).cutover(FakeHttpRequest.post(
                "https://shiftsync-backup.azurewebsites.net/api/restores/" + id + "/cutover?code=k", "")
                .header("X-MS-CLIENT-PRINCIPAL", admin()), id, ctx);
        assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode cut = Json.MAPPER.readTree(String.valueOf(r.getBody())).get("completion").get("cutover");
        assertEquals(PostgresCluster.RESTORED_HOST, cut.get("host").asText());
        assertEquals("shiftsync-db.postgres.database.azure.com", cut.get("previousHost").asText());
        List<LoggedRequest> writes = vault.writes(CUTOVER);
        assertEquals(1, writes.size());
        assertEquals(PostgresCluster.RESTORED_HOST, Json.MAPPER.readTree(writes.get(0).getBodyAsString()).get("value")
                .asText());
        assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("ShiftSync.Recovery.CutOver")));

        app().recovery().cutoverJob().cutover(ana(), id, Reporter.NONE);
        assertEquals(1, vault.writes(CUTOVER).size(), "a second cutover to the same host writes nothing");
    }

    @Test
    @DisplayName("reminders on queue operation-updates move a restore on with nobody polling: each step queues the "
            + "next while the restore runs, none once it has ended")
    void reminders() {
        restored.restoreFrom(pg, db);
        com.azure.storage.queue.QueueClient queue = new com.azure.storage.queue.QueueClientBuilder()
                .connectionString(Azurite.shared().connectionString()).queueName("operation-updates").buildClient();
        queue.createIfNotExists();
        queue.clearMessages();
        String armOp = arm.acceptCreate(TARGET, "canadacentral");
        arm.operation("canadacentral", armOp, "InProgress");
        Operation started = app().recovery().serverRestoreJob().start(ana(), ServerRestoreRequest.pointInTime("latest", TARGET),
                Reporter.NONE);
        assertEquals(1, waiting(queue), "starting the restore queued its first reminder");
        String reminder = "{\"operationId\":\"" + started.id() + "\"}";

        new RecoveryFunctions(app()).updater(reminder, new FakeExecutionContext("operationUpdater"));
        assertEquals(2, waiting(queue), "still restoring: the next reminder");

        clock.advance(Duration.ofMinutes(42));
        arm.operation("canadacentral", armOp, "Succeeded");
        arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true)
                .fqdn(PostgresCluster.RESTORED_HOST));
        FakeExecutionContext ctx = new FakeExecutionContext("operationUpdater");
        new RecoveryFunctions(app()).updater(reminder, ctx);
        Operation done = app().operationStore().find(started.id()).orElseThrow();
        assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
        assertEquals(2, waiting(queue), "no reminder once it has ended");
        assertTrue(ctx.messages().stream().anyMatch(m -> m.contains("ShiftSync.Recovery.Completed")));

        new RecoveryFunctions(app()).updater(reminder, new FakeExecutionContext("operationUpdater"));
        assertEquals(2, waiting(queue), "a late reminder of a finished restore does nothing");
        assertThrows(ShiftSyncException.class, () -> new RecoveryFunctions(app()).updater("not a reminder",
                new FakeExecutionContext("operationUpdater")));
        queue.clearMessages();
    }

    /** Messages on the queue, the invisible (delayed) ones included. */
    private static int waiting(com.azure.storage.queue.QueueClient queue) {
        return queue.getProperties().getApproximateMessagesCount();
    }

    private static JsonNode event(FakeExecutionContext ctx, String name) {
        for (String m : ctx.messages()) {
            try {
                JsonNode node = Json.MAPPER.readTree(m);
                if (name.equals(node.path("event").asText())) {
                    return node;
                }
            } catch (IOException notJson) {
                // a plain line
            }
        }
        throw new AssertionError("no " + name + " in " + ctx.messages());
    }

    static Caller ana() {
        return new Caller("oid-ana", "ana@shiftsync.test", Caller.EASY_AUTH, Set.of("Backup.Admin"));
    }

    static String admin() {
        return principal("oid-ana", "ana@shiftsync.test", "Backup.Admin");
    }

    static String principal(String oid, String name, String... roles) {
        StringBuilder claims = new StringBuilder("{\"typ\":\"http://schemas.microsoft.com/identity/claims/"
                + "objectidentifier\",\"val\":\"" + oid + "\"},{\"typ\":\"preferred_username\",\"val\":\"" + name
                + "\"}");
        for (String role : roles) {
            claims.append(",{\"typ\":\"roles\",\"val\":\"").append(role).append("\"}");
        }
        String json = "{\"auth_typ\":\"aad\",\"claims\":[" + claims + "]}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static FakeHttpRequest request(String body, String principal) {
        return FakeHttpRequest.post("https://shiftsync-backup.azurewebsites.net/api/recovery/plan?code=k", body)
                .header("X-MS-CLIENT-PRINCIPAL", principal);
    }
}
