package com.shiftsync.backup.recovery;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ServerRestoreState;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.DrillFunctions;
import com.shiftsync.backup.functions.RestoreFunctions;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PasswordTrap;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.RecoveryFixture;
import com.shiftsync.backup.testing.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.shiftsync.backup.testing.RecoveryFixture.EARLIEST;
import static com.shiftsync.backup.testing.RecoveryFixture.GROUP;
import static com.shiftsync.backup.testing.RecoveryFixture.NOW;
import static com.shiftsync.backup.testing.RecoveryFixture.REGION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operation records live in Blob Storage, writable by anyone with data-plane write on the
 * account: these tests edit and plant records as such a person would, and show that nothing
 * the app does with production credentials follows them. The login goes only to the host
 * Resource Manager reports, inside the server domain, over TLS checked against the trusted
 * roots (a trap that asks for a cleartext password records nothing); no write, restart or
 * DELETE reaches a server Resource Manager does not show as the operation's own (tagged, in
 * the settings' group, not the source); status reads send nothing anywhere; one drill starts
 * at a time and none deletes another's server.
 */
class UntrustedRecordsIT {
    static final String TARGET = "shiftsync-db-pitr";
    static final String EVIL = "evil." + TestCa.DOMAIN;

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

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        restored = PostgresCluster.restoredServer();
        db = pg.seededDatabase("untrusted");
        dumps = RecoveryFixture.container("untrusted");
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
        arm.source("Canada Central", EARLIEST, true);
        arm.missing(TARGET);
        arm.nameAvailable(TARGET);
        restored.restoreFrom(pg, db);
    }

    App app() {
        return fx.app(env, clock);
    }

    Operation stored(String id) {
        return app().operationStore().find(id).orElseThrow();
    }

    Operation step(String id) {
        return app().queued().operationWorker().step(id, Reporter.NONE).after();
    }

    /** What someone with write access to the operations container writes in place of the record. */
    void edit(Operation op) {
        app().operationStore().save(op);
    }

    /**
     * A point-in-time restore Azure has finished, its server at the restored host (tagged by
     * the create, as Resource Manager keeps it); the worker's first step of the completion
     * could not reach the database yet, so it waits at its verification.
     */
    String waitingForVerification() {
        String armOp = arm.acceptCreate(TARGET, REGION);
        Operation op = app().recovery().serverRestoreJob().start(RecoveryIT.ana(),
                ServerRestoreRequest.pointInTime("latest", TARGET), Reporter.NONE);
        clock.advance(Duration.ofMinutes(40));
        arm.operation(REGION, armOp, "Succeeded");
        arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true)
                .fqdn(PostgresCluster.RESTORED_HOST));
        restored.execute("postgres", "ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS false");
        try {
            Operation waiting = step(op.id());
            assertEquals("verifying", waiting.state().stepName(), String.valueOf(waiting.error()));
        } finally {
            restored.execute("postgres", "ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
        }
        return op.id();
    }

    static Operation withTarget(Operation op, String target) {
        return new Operation(op.schema(), op.id(), op.kind(), op.status(), target, op.requestedBy(), op.requestedAt(),
                op.startedAt(), op.updatedAt(), op.finishedAt(), op.error(), op.state());
    }

    List<LoggedRequest> writesTo(String group, String server) {
        String path = ArmFake.serverPath(group, server);
        return arm.writes().stream().filter(r -> r.getUrl().startsWith(path + "?") || r.getUrl().startsWith(path + "/"))
                .toList();
    }

    @Test
    @DisplayName("a record edited to name another host: the login goes only to the host Resource Manager reports; a "
            + "trap at the edited host that asks for a cleartext password records nothing")
    void loginOnlyToTheReportedHost() {
        String id = waitingForVerification();
        try (PasswordTrap trap = new PasswordTrap("127.0.0.3", pg.port())) {
            Operation op = stored(id);
            ServerRestoreState s = op.state(ServerRestoreState.class);
            edit(op.with(op.updatedAt(), s.seen(s.targetServerId(), "Ready", EVIL)));

            Operation done = step(id);
            assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
            assertEquals(PostgresCluster.RESTORED_HOST, done.completion().verification().host());
            assertEquals(List.of(), trap.connections(), "nobody connected to the host the record named");
            assertEquals(List.of(), trap.passwords());
        }
    }

    @Test
    @DisplayName("Resource Manager reporting a host inside the domain whose certificate no trusted root signed: the "
            + "TLS check fails before any password is sent")
    void untrustedCertificateGetsNoPassword() {
        String id = waitingForVerification();
        try (PasswordTrap trap = new PasswordTrap("127.0.0.3", pg.port())) {
            arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true).fqdn(EVIL));
            Operation op = step(id);
            assertEquals("verifying", op.state().stepName(), "the server could not be checked: tried again later");
            assertEquals(2, op.state(ServerRestoreState.class).verifyAttempts(), "one more attempt recorded");
            assertFalse(trap.connections().isEmpty(), "the app did reach the host Resource Manager reported");
            assertEquals(List.of(), trap.passwords(), "but sent it no password: its certificate does not verify");
        }
    }

    @Test
    @DisplayName("Resource Manager reporting a host outside POSTGRES_SERVER_DOMAIN: the verification fails naming "
            + "the domain, and nothing connects")
    void hostOutsideTheDomain() {
        String id = waitingForVerification();
        long before = restored.sessionsTo(db);
        arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true)
                .fqdn(TARGET + ".postgres.example.net"));
        Operation op = step(id);
        assertEquals(OperationStatus.Failed, op.status());
        assertTrue(op.error().message().contains("is not inside " + TestCa.DOMAIN + " (POSTGRES_SERVER_DOMAIN)"),
                op.error().message());
        assertEquals(before, restored.sessionsTo(db));
    }

    @ParameterizedTest(name = "record edited to target {0}")
    @ValueSource(strings = {ArmFake.SOURCE, "shiftsync-web", "other-group"})
    @DisplayName("a record edited to point its completion at the source, at a server the app did not create, or into "
            + "another resource group: failed as not the operation's, and Resource Manager receives no write for it")
    void noWriteToAServerThatIsNotOurs(String edit) {
        arm.firewallRules(ArmFake.SOURCE, "office", "203.0.113.0", "203.0.113.255");
        String armOp = arm.acceptCreate(TARGET, REGION);
        Operation op = app().recovery().serverRestoreJob().start(RecoveryIT.ana(),
                ServerRestoreRequest.pointInTime("latest", TARGET), Reporter.NONE);
        clock.advance(Duration.ofMinutes(40));
        arm.operation(REGION, armOp, "Succeeded");
        arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true)
                .fqdn(PostgresCluster.RESTORED_HOST));
        String group = ArmFake.RESOURCE_GROUP;
        String victim = edit;
        Operation edited;
        if (edit.equals("other-group")) {
            group = "other-group";
            victim = TARGET;
            ServerRestoreState s = op.state(ServerRestoreState.class);
            edited = op.with(op.updatedAt(), new ServerRestoreState(s.restorePoint(), s.restorePointInTime(),
                    s.askedLocation(), s.askedNetwork(), s.scenario(), s.restart(), s.drillId(), s.sourceServer(),
                    s.sourceServerId(), s.sourceLocation(), s.location(), s.pointInTimeUtc(), s.network(), group,
                    s.resourceManagerAnswer(), s.asyncOperationUrl(), null, null, null, List.of(), 0, null));
            arm.server(ArmFake.ServerSpec.of(TARGET, "Ready", "Canada Central", EARLIEST, true).in(group, Map.of()));
        } else {
            edited = withTarget(op, edit);
            if (!edit.equals(ArmFake.SOURCE)) {
                arm.server(ArmFake.ServerSpec.of(edit, "Ready", "Canada Central", EARLIEST, false));
            }
        }
        arm.acceptWrites(group, victim, REGION);
        edit(edited);

        Operation done = step(op.id());
        assertEquals(OperationStatus.Failed, done.status());
        assertEquals("NotOurs", done.error().code());
        assertTrue(done.error().message().contains("nothing was sent to"), done.error().message());
        assertEquals(List.of(), writesTo(group, victim), "no rule, parameter, restart or DELETE for " + victim);
    }

    @Test
    @DisplayName("a drill record planted at its DELETE step, naming the source server: no DELETE is sent, and the "
            + "drill fails saying why")
    void drillNeverDeletesTheSource() {
        Operation planted = Operation.start(com.shiftsync.backup.domain.OperationKind.DRILL, ArmFake.SOURCE,
                RecoveryIT.ana(), clock.instant(), DrillState.requested(clock.instant(), "latest", "cli",
                        ArmFake.SOURCE, GROUP).withRestore(Operation.newId())
                        .judged(null).reach(DrillState.Step.DELETING, clock.instant()));
        app().operationStore().create(planted);
        arm.server(ArmFake.ServerSpec.of(ArmFake.SOURCE, "Ready", "Canada Central", EARLIEST, true)
                .in(GROUP, Map.of("shiftsync-drill", "true")));
        arm.acceptDelete(GROUP, ArmFake.SOURCE, REGION);
        arm.acceptDelete(ArmFake.RESOURCE_GROUP, ArmFake.SOURCE, REGION);

        Operation done = step(planted.id());
        assertEquals(OperationStatus.Failed, done.status());
        assertTrue(done.state(DrillState.class).deletion().contains("it is the source server"),
                done.state(DrillState.class).deletion());
        assertEquals(List.of(), arm.deletes());
    }

    @Test
    @DisplayName("two drills: a start while another is being started is refused, then one at a time; a drill whose "
            + "record is edited to another drill's server never deletes it (it was not its restore's)")
    void twoDrillsAtOnce() {
        String drill = "shiftsync-db-drill-202401151200";
        fx.acceptDrillRestore(drill);
        try (Lease starting = app().operationStore().claimStep(DrillJob.STARTING).orElseThrow()) {
            ShiftSyncException busy = assertThrows(ShiftSyncException.class,
                    () -> app().recovery().drillJob().start(RecoveryIT.ana(), "http", Reporter.NONE));
            assertEquals(ErrorCode.IN_PROGRESS, busy.code());
            assertTrue(busy.getMessage().contains("being started right now"), busy.getMessage());
        }
        Operation first = app().recovery().drillJob().start(RecoveryIT.ana(), "http", Reporter.NONE);
        ShiftSyncException second = assertThrows(ShiftSyncException.class,
                () -> app().recovery().drillJob().start(RecoveryIT.ana(), "timer", Reporter.NONE));
        assertTrue(second.getMessage().contains("drill " + first.id() + " is still running"), second.getMessage());
        assertEquals(1, arm.puts().size(), "one drill server created");

        // a second drill's record, planted at its DELETE step with the first drill's server
        arm.server(ArmFake.ServerSpec.of(drill, "Ready", "Canada Central", EARLIEST, false)
                .in(GROUP, Map.of("shiftsync-drill", "true")));
        arm.acceptDelete(GROUP, drill, REGION);
        Operation other = Operation.start(com.shiftsync.backup.domain.OperationKind.DRILL, drill, RecoveryIT.ana(),
                clock.instant(), DrillState.requested(clock.instant(), "latest", "cli", ArmFake.SOURCE, GROUP)
                        .withRestore(Operation.newId()).judged(null).reach(DrillState.Step.DELETING,
                                clock.instant()));
        app().operationStore().create(other);
        Operation done = step(other.id());
        assertEquals(OperationStatus.Failed, done.status());
        assertTrue(done.state(DrillState.class).deletion().contains("this drill's restore did not create it"),
                done.state(DrillState.class).deletion());
        assertEquals(List.of(), arm.deletes(), "the first drill's server is not deleted by the other's record");
    }

    @Test
    @DisplayName("GET /api/restores/{id} and GET /api/drills/{id} of operations waiting to be completed send Resource "
            + "Manager and the database nothing; the worker's step then completes the restore")
    void statusReadsSendNothing() {
        String id = waitingForVerification();
        int armBefore = arm.all().size();
        long sessionsBefore = restored.sessionsTo(db);
        Operation before = stored(id);
        for (int i = 0; i < 3; i++) {
            HttpResponseMessage r = new RestoreFunctions(app()).status(FakeHttpRequest.get(
                            "https://shiftsync-backup.azurewebsites.net/api/restores/" + id + "?code=k")
                    .header("X-MS-CLIENT-PRINCIPAL", RecoveryIT.admin()), id, new FakeExecutionContext("restoreStatus"));
            assertEquals(200, r.getStatusCode(), String.valueOf(r.getBody()));
            assertTrue(String.valueOf(r.getBody()).contains("\"step\":\"verifying\""), String.valueOf(r.getBody()));
        }
        assertEquals(armBefore, arm.all().size(), "a restore's status read sends Resource Manager nothing");
        assertEquals(sessionsBefore, restored.sessionsTo(db), "and opens no session to the restored database");
        assertEquals(before, stored(id), "and changes nothing");
        String drillId = drillWaitingForItsRestore();
        int drillArmBefore = arm.all().size();
        Operation drillBefore = stored(drillId);
        HttpResponseMessage d = new DrillFunctions(app()).status(FakeHttpRequest.get(
                        "https://shiftsync-backup.azurewebsites.net/api/drills/" + drillId + "?code=k")
                .header("X-MS-CLIENT-PRINCIPAL", RecoveryIT.admin()), drillId, new FakeExecutionContext("drillStatus"));
        assertEquals(200, d.getStatusCode(), String.valueOf(d.getBody()));
        assertEquals(drillArmBefore, arm.all().size(), "a drill's status read sends Resource Manager nothing");
        assertEquals(drillBefore, stored(drillId), "and changes nothing");


        Operation done = step(id);
        assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
        assertTrue(restored.sessionsTo(db) > sessionsBefore, "the worker's step checked the database");
    }

    /** A drill whose restore is still being created by Azure. */
    private String drillWaitingForItsRestore() {
        String drill = "shiftsync-db-drill-202401151240";
        fx.acceptDrillRestore(drill);
        Drill started = app().recovery().drillJob().view(app().recovery().drillJob().start(RecoveryIT.ana(), "cli",
                Reporter.NONE));
        assertEquals("restoring", started.step());
        return started.drillId();
    }
}
