package com.shiftsync.backup.recovery;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.DrillFunctions;
import com.shiftsync.backup.functions.MonitorFunctions;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.RecoveryFixture;
import com.shiftsync.backup.testing.SampleOperations;
import com.shiftsync.backup.testing.TestSecrets;
import com.shiftsync.backup.testing.WorkerSteps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.shiftsync.backup.testing.RecoveryFixture.DRILL;
import static com.shiftsync.backup.testing.RecoveryFixture.EARLIEST;
import static com.shiftsync.backup.testing.RecoveryFixture.GROUP;
import static com.shiftsync.backup.testing.RecoveryFixture.NOW;
import static com.shiftsync.backup.testing.RecoveryFixture.REGION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dump drills end to end: the real SDK against the Resource Manager fake, whose "new server" is
 * a real, fresh PostgreSQL cluster with only its bootstrap superuser, reached by its host name
 * with its certificate checked; the create and the admin password's PATCH really make and set
 * the admin there (no superuser, as on Azure). The source is a database owned by an application
 * role with grants to a read-only role, backed up to Azurite with its roles file. Each step is
 * the operation-updates worker's.
 */
class DumpDrillIT {
    static final String ROLES = """
            CREATE ROLE shiftsync_readonly NOLOGIN;
            CREATE ROLE shiftsync_user LOGIN PASSWORD '%s';""";
    static final String OBJECTS = """
            SET ROLE shiftsync_user;
            CREATE SCHEMA shiftsync;
            CREATE TABLE shiftsync.organisations (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE shiftsync.shifts (id bigserial PRIMARY KEY,
                organisation_id integer NOT NULL REFERENCES shiftsync.organisations (id), note text);
            INSERT INTO shiftsync.organisations (name) SELECT 'org ' || g FROM generate_series(1, 20) g;
            INSERT INTO shiftsync.shifts (organisation_id, note) SELECT 1 + g % 20, 'note ' || g
              FROM generate_series(1, 700) g;
            GRANT USAGE ON SCHEMA shiftsync TO shiftsync_readonly;
            GRANT SELECT ON ALL TABLES IN SCHEMA shiftsync TO shiftsync_readonly;
            RESET ROLE;""";
    static final String OWNERS_AND_GRANTS = """
            SELECT c.relname || ' ' || c.relkind::text || ' owner ' || pg_get_userbyid(c.relowner) || ' acl '
                   || coalesce(c.relacl::text, '-')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shiftsync'
            UNION ALL
            SELECT 'schema owner ' || pg_get_userbyid(nspowner) || ' acl ' || coalesce(nspacl::text, '-')
              FROM pg_namespace WHERE nspname = 'shiftsync'
            ORDER BY 1""";

    @RegisterExtension
    static final RecoveryFixture fx = new RecoveryFixture();
    static final ArmFake arm = fx.arm;
    static PostgresCluster source;
    static PostgresCluster drillServer;
    static String dumps;
    static Manifest backup;

    MutableClock clock;
    Map<String, String> env;
    String createOp;
    final List<FakeExecutionContext> contexts = new ArrayList<>();

    @BeforeAll
    static void seed() {
        source = PostgresCluster.fresh();
        source.execute("postgres", ROLES.formatted(TestSecrets.random("app-")));
        source.execute("postgres", "CREATE DATABASE shiftsync OWNER shiftsync_user");
        source.execute("shiftsync", OBJECTS);
        drillServer = PostgresCluster.drillServer(source);
        dumps = RecoveryFixture.container("dumpdrill");
        backup = backUp(dumps, RecoveryFixture.BACKED_UP);
    }

    static Manifest backUp(String container, Instant at) {
        return fx.app(settings(container), new MutableClock(at)).backups().toAzure().run(Tier.DAILY, Reporter.NONE)
                .manifest();
    }

    static Map<String, String> settings(String container) {
        return fx.drillSettings(source.urlText("shiftsync"), container);
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(NOW);
        env = settings(dumps);
        fx.drillSource();
        createOp = arm.acceptDumpDrills(GROUP, REGION, drillServer, PostgresCluster.DRILL_HOST, "InProgress");
    }

    App app() {
        return fx.app(env, clock);
    }

    FakeExecutionContext context(String function) {
        FakeExecutionContext c = new FakeExecutionContext(function);
        contexts.add(c);
        return c;
    }

    /** One step of the operation-updates worker, then the drill as GET /api/drills/{id} reads it. */
    Drill step(String id) {
        WorkerSteps.step(app(), id, context("operationUpdater").getLogger());
        App app = app();
        return app.recovery().drillJob().view(app.queued().operations().read(id));
    }

    static FakeHttpRequest post(String path, String body) {
        return FakeHttpRequest.post("https://shiftsync-backup.azurewebsites.net/api/" + path + "?code=k", body)
                .header("X-MS-CLIENT-PRINCIPAL", RecoveryIT.admin());
    }

    List<LoggedRequest> creates() {
        return fx.drillCreates();
    }

    List<LoggedRequest> passwordChanges() {
        return arm.requests(patchRequestedFor(urlPathEqualTo(ArmFake.serverPath(GROUP, DRILL))));
    }

    List<LoggedRequest> drillDeletes() {
        return fx.drillDeletes();
    }

    @Test
    @DisplayName("a dump drill over HTTP: the empty create into the drill group (tagged, like the source), the copy, "
            + "the admin password set through Resource Manager, the dump restored with its roles (owners and grants "
            + "as in the source), every table checked, the DELETE, each step measured, passed; the plan and status "
            + "then quote the measured dump-restore time; no password in any record, event or audit")
    void fullDumpDrill() throws IOException, SQLException {
        HttpResponseMessage r = new DrillFunctions(app()).start(post("drills", "{\"method\": \"dump\"}"),
                context("startDrill"));
        assertEquals(202, r.getStatusCode(), String.valueOf(r.getBody()));
        JsonNode answer = Json.MAPPER.readTree(String.valueOf(r.getBody()));
        String id = answer.get("operationId").asText();
        assertEquals("restoring", answer.get("step").asText());
        assertEquals("dump", answer.get("method").asText());
        assertEquals(DRILL, answer.get("server").asText());

        assertEquals(1, creates().size());
        ObjectNode put = (ObjectNode) Json.MAPPER.readTree(creates().get(0).getBodyAsString());
        String createPassword = put.with("properties").remove("administratorLoginPassword").asText();
        assertTrue(createPassword.length() >= 16, "a random password of its own");
        assertTrue(equalToJson("""
                {"location": "canadacentral", "tags": {"shiftsync-drill": "true", "shiftsync-operation": "%s"},
                 "sku": {"name": "Standard_D2ds_v4", "tier": "GeneralPurpose"},
                 "properties": {"createMode": "Create", "version": "15", "storage": {"storageSizeGB": 128},
                                "administratorLogin": "shiftsync_drill"}}""".formatted(id))
                .match(put.toString()).isExactMatch(), put.toString());
        assertEquals(List.of(createPassword), arm.adminPasswords(), "the create made the admin on the new server");

        assertEquals("restoring", step(id).step(), "Azure is still creating the server");
        clock.advance(Duration.ofMinutes(42));
        arm.operation(REGION, createOp, "Succeeded");
        assertEquals("completing", step(id).step(), "the parameter write is still running in Resource Manager");
        assertEquals(0, passwordChanges().size());
        clock.advance(Duration.ofMinutes(1));
        Drill deleting = step(id);
        assertEquals("deleting", deleting.step(), "copied, restored and checked in one step, then the DELETE");
        assertEquals(1, drillDeletes().size());
        clock.advance(Duration.ofMinutes(2));
        Drill done = step(id);
        CapturedOutput.record(Json.write(done));

        assertEquals(OperationStatus.Succeeded, done.status(), String.valueOf(done.error()));
        assertEquals("passed", done.step());
        assertEquals("dump", done.method());
        assertEquals(backup.id(), done.backupId());
        assertEquals(Boolean.TRUE, done.serverDeleted());
        assertEquals(1, creates().size(), "one create");
        assertEquals(1, drillDeletes().size(), "one DELETE");
        assertEquals(1, arm.requests(putRequestedFor(urlPathMatching(".*/" + DRILL + "/firewallRules/app"))).size());
        assertEquals(1, arm.requests(patchRequestedFor(urlPathMatching(".*/" + DRILL + "/configurations/work_mem")))
                .size());
        assertEquals(1, passwordChanges().size(), "one PATCH of the admin password");
        JsonNode patch = Json.MAPPER.readTree(passwordChanges().get(0).getBodyAsString());
        assertEquals(List.of("administratorLoginPassword"), fieldNames(patch.get("properties")), patch.toString());
        assertEquals(2, arm.adminPasswords().size());
        assertNotEquals(createPassword, arm.adminPasswords().get(1), "a new password, made by the restoring step");

        assertEquals(List.of("shiftsync_readonly", "shiftsync_user"), done.rolesCreated());
        assertEquals(List.of(), done.roleWarnings());
        assertEquals(query(source, "shiftsync", OWNERS_AND_GRANTS), query(drillServer, "shiftsync", OWNERS_AND_GRANTS),
                "the same owners and grants on the new server");
        assertEquals(Fingerprint.data(source, "shiftsync"), Fingerprint.data(drillServer, "shiftsync"));
        assertEquals(List.of("postgres", "shiftsync_drill", "shiftsync_readonly", "shiftsync_user"),
                query(drillServer, "postgres", "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"),
                "the new server's admin (no superuser) and the roles the dump needs, nothing else");
        assertEquals(List.of("f t t"), query(drillServer, "postgres", "SELECT rolsuper || ' ' || rolcreaterole || ' '"
                + " || rolcreatedb FROM pg_roles WHERE rolname = 'shiftsync_drill'").stream()
                .map(s -> s.replace("false", "f").replace("true", "t")).toList());

        assertTrue(done.verification().passed(), done.verification().reason());
        assertEquals(PostgresCluster.DRILL_HOST, done.verification().host());
        assertEquals("shiftsync", done.verification().database());
        assertEquals(backup.id(), done.verification().comparedWith());
        assertEquals(backup.rowCounts().size(), done.verification().tables().size());
        assertTrue(done.verification().tables().stream().allMatch(t -> t.verdict().equals("ok")),
                done.verification().tables().toString());
        assertEquals(700L, done.verification().tables().stream().filter(t -> t.table().equals("shiftsync.shifts"))
                .findFirst().orElseThrow().restoredRows());

        assertEquals(List.of("requested", "restoring", "completing", "verifying", "deleting"),
                done.steps().stream().map(Drill.StepTime::step).toList());
        Map<String, Long> seconds = new HashMap<>();
        done.steps().forEach(s -> seconds.put(s.step(), s.seconds()));
        assertEquals(41 * 60 + 7, seconds.get("restoring"), "Resource Manager's own end time: 12:41:07");
        assertEquals(2 * 60, seconds.get("deleting"), "from the checked database to the DELETE's end");
        assertEquals(43 * 60, done.recoverySeconds(), "from the drill's request to the checked database");
        assertEquals(Boolean.TRUE, done.withinTarget());

        JsonNode option = Json.MAPPER.valueToTree(app().recovery().planner().plan(RecoveryScenario.SERVER_FAILURE,
                null, Reporter.NONE)).get("options");
        JsonNode dump = null;
        for (JsonNode o : option) {
            if (o.get("method").asText().equals("dump-restore")) {
                dump = o;
            }
        }
        assertEquals("measured", dump.get("expectedDuration").get("basis").asText(), dump.toString());
        assertEquals(43 * 60, dump.get("expectedDuration").get("seconds").asLong());
        assertEquals(1, dump.get("expectedDuration").get("samples").asInt());
        assertTrue(dump.get("expectedDuration").get("text").asText().contains("the median of 1 dump drill"),
                dump.toString());

        HttpResponseMessage status = new MonitorFunctions(app()).status(DrillIT.get("status"), context("status"));
        JsonNode measured = Json.MAPPER.readTree(String.valueOf(status.getBody())).get("recovery").get("measured");
        assertEquals("dump-restore", measured.get(0).get("method").asText(), measured.toString());
        assertEquals(43 * 60, measured.get(0).get("seconds").asLong());

        List<String> everything = new ArrayList<>(stored());
        contexts.forEach(c -> everything.addAll(c.messages()));
        everything.forEach(CapturedOutput::record);
        for (String password : arm.adminPasswords()) {
            assertTrue(everything.stream().noneMatch(t -> t.contains(password)),
                    "an admin password was found in a record, event or audit line");
        }
        assertTrue(everything.stream().anyMatch(t -> t.contains("\"rolesCreated\"")), "the restore's event names "
                + "the roles it created");
    }

    @Test
    @DisplayName("a dump whose archive was altered in storage: nothing restored, the drill failed with the reason, "
            + "and the empty server deleted all the same")
    void alteredArchive() throws SQLException {
        String container = "dumpdrill-bad-" + Long.toHexString(System.nanoTime());
        Manifest bad = backUp(container, NOW.minus(Duration.ofHours(1)));
        env.put("BACKUP_CONTAINER", container);
        BlobContainerClient blobs = new BlobServiceClientBuilder().connectionString(Azurite.shared()
                .connectionString()).buildClient().getBlobContainerClient(container);
        var archive = blobs.getBlobClient("daily/" + bad.id() + ".dump");
        byte[] bytes = archive.downloadContent().toBytes();
        bytes[bytes.length / 2] ^= 0x5a;
        archive.upload(com.azure.core.util.BinaryData.fromBytes(bytes), true);

        String id = app().recovery().drillJob().start(RecoveryIT.ana(), "cli", DrillState.Method.DUMP,
                Reporter.NONE).id();
        clock.advance(Duration.ofMinutes(42));
        arm.operation(REGION, createOp, "Succeeded");
        step(id);
        clock.advance(Duration.ofMinutes(1));
        assertEquals("deleting", step(id).step());
        Drill done = step(id);
        assertEquals(OperationStatus.Failed, done.status());
        assertEquals("failed", done.step());
        assertTrue(done.error().message().contains("does not match its manifest"), done.error().message());
        assertTrue(done.error().message().contains(bad.id()), done.error().message());
        assertEquals(1, drillDeletes().size(), "the drill server is deleted all the same");
        assertEquals(Boolean.TRUE, done.serverDeleted());
        assertEquals(List.of("postgres", "shiftsync_drill"), query(drillServer, "postgres",
                "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"), "no role was created");
        assertEquals(List.of(), query(drillServer, "postgres", "SELECT datname FROM pg_database WHERE datname NOT IN "
                + "('postgres', 'template0', 'template1')"), "no database was created");
    }

    @Test
    @DisplayName("DRILL_METHOD alternate (the default): the timer's drill after a point-in-time drill is a dump drill, "
            + "and after a dump drill a point-in-time one; DRILL_METHOD=bogus and a bogus method are refused by name")
    void alternate() throws IOException {
        env.put("DRILL_ENABLED", "true");
        Instant before = NOW.minus(Duration.ofDays(30));
        Operation pitr = SampleOperations.drill("shiftsync-db-drill-202312160600", before, DrillState.Step.PASSED);
        app().operationStore().create(pitr.succeeded(before.plusSeconds(3600), pitr.state()));
        new DrillFunctions(app()).recoveryDrill("{}", context("recoveryDrill"));
        assertEquals(1, creates().size());
        assertEquals("Create", Json.MAPPER.readTree(creates().get(0).getBodyAsString()).path("properties")
                .path("createMode").asText(), "after a point-in-time drill, a dump drill");

        env = settings(dumps);
        env.put("DRILL_ENABLED", "true");
        Operation dump = Operation.start(OperationKind.DRILL, "shiftsync-db-drill-202312160600", SampleOperations.ANA,
                before, DrillState.requested(before, "latest", "timer", ArmFake.SOURCE, GROUP,
                        DrillState.Method.DUMP, DrillState.DumpRestore.of(backup.id(), "azure")).reach(
                        DrillState.Step.PASSED, before));
        app().operationStore().create(dump.succeeded(before.plusSeconds(3600), dump.state()));
        arm.missing(GROUP, DRILL);
        arm.nameAvailable(DRILL);
        arm.acceptCreate(GROUP, DRILL, REGION);
        new DrillFunctions(app()).recoveryDrill("{}", context("recoveryDrill"));
        assertEquals(2, creates().size());
        assertEquals("PointInTimeRestore", Json.MAPPER.readTree(creates().get(1).getBodyAsString())
                .path("properties").path("createMode").asText(), "after a dump drill, a point-in-time drill");

        env = settings(dumps);
        env.put("DRILL_METHOD", "bogus");
        HttpResponseMessage refused = new DrillFunctions(app()).start(post("drills", ""), context("startDrill"));
        assertEquals(400, refused.getStatusCode(), String.valueOf(refused.getBody()));
        assertTrue(String.valueOf(refused.getBody()).contains("DRILL_METHOD is 'bogus'; it must be dump, "
                + "point-in-time or alternate"), String.valueOf(refused.getBody()));

        env.remove("DRILL_METHOD");
        HttpResponseMessage badField = new DrillFunctions(app()).start(post("drills", "{\"method\": \"pitr\"}"),
                context("startDrill"));
        assertEquals(400, badField.getStatusCode(), String.valueOf(badField.getBody()));
        assertTrue(String.valueOf(badField.getBody()).contains("method 'pitr' is not a drill method: use dump or "
                + "point-in-time"), String.valueOf(badField.getBody()));
        assertEquals(2, creates().size(), "nothing started");
    }

    @Test
    @DisplayName("a dump drill record planted or edited toward the source, or toward a drill-named server another "
            + "operation created: no password PATCH and no DELETE reach it; the drill ends failed saying why")
    void untrustedRecords() {
        env.remove("DRILL_RESOURCE_GROUP");
        Operation planted = Operation.start(OperationKind.DRILL, ArmFake.SOURCE, SampleOperations.ANA, NOW,
                DrillState.requested(NOW, "latest", "http", ArmFake.SOURCE, null, DrillState.Method.DUMP,
                        DrillState.DumpRestore.of(backup.id(), "azure")).reach(DrillState.Step.VERIFYING, NOW));
        app().operationStore().create(planted);
        Drill toSource = step(planted.id());
        assertEquals("failed", toSource.step());
        assertTrue(toSource.error().message().contains("it is the source server"), toSource.error().message());
        assertTrue(toSource.deletion().startsWith("could not delete " + ArmFake.SOURCE), toSource.deletion());

        String other = "shiftsync-db-drill-202401141200";
        arm.server(ArmFake.ServerSpec.of(other, "Ready", "Canada Central", EARLIEST, false)
                .fqdn(PostgresCluster.DRILL_HOST).in(ArmFake.RESOURCE_GROUP, Map.of("shiftsync-drill", "true",
                        "shiftsync-operation", "0f8fad5b-d9cb-469f-a165-70867728950e")));
        Operation edited = Operation.start(OperationKind.DRILL, other, SampleOperations.ANA, NOW,
                DrillState.requested(NOW, "latest", "http", ArmFake.SOURCE, null, DrillState.Method.DUMP,
                        DrillState.DumpRestore.of(backup.id(), "azure")).reach(DrillState.Step.VERIFYING, NOW));
        app().operationStore().create(edited);
        Drill toOther = step(edited.id());
        assertEquals("failed", toOther.step());
        assertTrue(toOther.error().message().contains("so this drill did not create it"), toOther.error().message());

        assertEquals(List.of(), arm.writes(), "no PATCH, no DELETE, nothing written");
        assertEquals(List.of(), arm.adminPasswords());
    }

    /** Every blob of the test's containers (backups, records, history, operations, audit) as text. */
    List<String> stored() {
        List<String> texts = new ArrayList<>();
        var service = new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .buildClient();
        for (String name : List.of(env.get("BACKUP_CONTAINER"), env.get("OPERATIONS_CONTAINER"),
                env.get("AUDIT_CONTAINER"))) {
            BlobContainerClient c = service.getBlobContainerClient(name);
            c.listBlobs().forEach(b -> {
                if (!b.getName().endsWith(".dump")) {
                    texts.add(b.getName() + ": " + new String(c.getBlobClient(b.getName()).downloadContent()
                            .toBytes(), StandardCharsets.UTF_8));
                }
            });
        }
        assertTrue(texts.stream().anyMatch(t -> t.contains("\"kind\" : \"drill\"") || t.contains("\"kind\":\"drill\"")),
                "the drill's record is among them");
        return texts;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> query(PostgresCluster cluster, String database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = cluster.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
