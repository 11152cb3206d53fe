package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.AzureFakes;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code drill} and {@code drill-status} as an operator runs them: the packaged jar in its
 * own process against the Resource Manager fake, the drill server played by a second real
 * PostgreSQL reached by its host name (for a dump drill, a real empty one where the fake makes
 * the admin the create asks for). The drill is followed to its end and every step is
 * printed; a later {@code drill-status} (a new process) reads the same drill. No queue is
 * configured (a local folder, as on a VM without the Function App), so the command itself
 * takes the drill's steps.
 */
class DrillCliIT {
    static final String GROUP = "shiftsync-drills";
    @RegisterExtension
    static final AzureFakes azure = new AzureFakes();
    static final ArmFake arm = azure.arm;

    Map<String, String> env;

    @BeforeEach
    void fresh() throws IOException {
        PostgresCluster pg = PostgresCluster.shared();
        String db = pg.seededDatabase("drillcli");
        PostgresCluster.restoredServer().restoreFrom(pg, db);
        Instant now = Instant.now();
        arm.source("Canada Central", now.minus(7, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toString(), true);
        arm.acceptDrills(GROUP, "canadacentral", PostgresCluster.RESTORED_HOST);
        env = new HashMap<>(azure.settings());
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", Files.createTempDirectory("shiftsync-drill-cli").toString());
        env.put("DRILL_RESOURCE_GROUP", GROUP);
    }

    CliRun run(String... args) {
        CliRun r = CliRun.run(env, args);
        CapturedOutput.record(r.stdout() + r.rawStderr());
        assertEquals(List.of(), TestSecrets.foundIn(r.stdout() + r.rawStderr()), "no secret in the CLI's output");
        return r;
    }

    @Test
    @DisplayName("drill follows the drill to its end, printing each step; drill-status in a new process reads it")
    void drillToTheEnd() throws IOException {
        CliRun backup = run("backup");
        assertEquals(0, backup.exitCode(), backup.stderr());

        CliRun drill = run("drill", "--interval", "0");
        assertEquals(0, drill.exitCode(), drill.stdout() + drill.stderr());
        String err = drill.stderr();
        for (String step : List.of(" restoring: Azure is creating shiftsync-db-drill-", " completing: copying firewall",
                " verifying shiftsync-db-drill-", " deleting shiftsync-db-drill-", " passed")) {
            assertTrue(err.contains(step), "step line '" + step + "' in:\n" + err);
        }
        assertTrue(err.contains("if this command stops, the drill goes on"), err);
        assertTrue(drill.stdout().contains(": PASSED (server shiftsync-db-drill-"), drill.stdout());
        assertTrue(drill.stdout().contains(", deleted)"), drill.stdout());
        assertTrue(drill.stdout().contains("recovery time: "), drill.stdout());
        assertTrue(drill.stdout().contains("verification of " + PostgresCluster.RESTORED_HOST + ": passed"),
                drill.stdout());
        List<LoggedRequest> deletes = arm.deletes();
        assertEquals(1, deletes.size(), deletes.toString());
        assertTrue(deletes.get(0).getUrl().contains("/resourceGroups/" + GROUP + "/"), deletes.get(0).getUrl());
        String id = drill.stdout().split(" ")[2];

        CliRun status = run("drill-status", id, "--json");
        assertEquals(0, status.exitCode(), status.stderr());
        JsonNode json = Json.MAPPER.readTree(status.stdout());
        assertEquals("passed", json.get("step").asText());
        assertEquals(5, json.get("steps").size());
        assertTrue(json.get("verification").get("passed").asBoolean());
        assertEquals(backup.stdout().trim(), json.get("verification").get("comparedWith").asText(),
                "compared with the backup just made");

        CliRun again = run("drill-status", "not-an-id");
        assertEquals(2, again.exitCode(), again.stderr());
    }

    @Test
    @DisplayName("drill --method dump: the empty server created, the dump restored with its roles and checked, the "
            + "server deleted, each step printed; a bad --method is refused naming it")
    void dumpDrill() throws IOException {
        PostgresCluster pg = PostgresCluster.shared();
        String owner = "drillcli_owner_" + Long.toHexString(System.nanoTime());
        pg.execute("postgres", "CREATE ROLE " + owner + " NOLOGIN");
        String db = "drillcli_dump_" + Long.toHexString(System.nanoTime());
        pg.execute("postgres", "CREATE DATABASE " + db + " OWNER " + owner);
        pg.executeResourceAs(db, "/seed/shiftsync.sql", owner, "shiftsync");
        env.put("DATABASE_URL", pg.urlText(db));
        arm.reset();
        arm.source("Canada Central", Instant.now().minus(7, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toString(),
                true);
        arm.acceptDumpDrills(GROUP, "canadacentral", PostgresCluster.drillServer(pg), PostgresCluster.DRILL_HOST,
                "Succeeded");
        CliRun backup = run("backup");
        assertEquals(0, backup.exitCode(), backup.stderr());
        String backupId = backup.stdout().trim();

        CliRun bad = run("drill", "--method", "pitr");
        assertEquals(2, bad.exitCode(), bad.stderr());
        assertTrue(bad.stderr().contains("--method 'pitr' is not a drill method: use dump or point-in-time"),
                bad.stderr());

        CliRun drill = run("drill", "--method", "dump", "--interval", "0");
        assertEquals(0, drill.exitCode(), drill.stdout() + drill.stderr());
        String err = drill.stderr();
        for (String step : List.of("(dump " + backupId + " into an empty server)",
                " restoring: Azure is creating the empty server shiftsync-db-drill-",
                " verifying: restoring dump " + backupId + " with its roles into shiftsync-db-drill-",
                " deleting shiftsync-db-drill-", " passed")) {
            assertTrue(err.contains(step), "'" + step + "' in:\n" + err);
        }
        assertTrue(drill.stdout().contains(": PASSED (server shiftsync-db-drill-"), drill.stdout());
        assertTrue(drill.stdout().contains("  method: dump " + backupId), drill.stdout());
        assertTrue(drill.stdout().contains(": " + owner + "\n"), "the role the dump needs, created: "
                + drill.stdout());
        assertTrue(drill.stdout().contains("verification of " + PostgresCluster.DRILL_HOST + ": passed"),
                drill.stdout());
        assertEquals(1, arm.deletes().size(), arm.deletes().toString());
        assertEquals(2, arm.adminPasswords().size(), "the create's password, then the restoring step's own");
        String id = drill.stdout().split(" ")[2];

        CliRun status = run("drill-status", id, "--json");
        assertEquals(0, status.exitCode(), status.stderr());
        JsonNode json = Json.MAPPER.readTree(status.stdout());
        assertEquals("dump", json.get("method").asText());
        assertEquals("passed", json.get("step").asText());
        assertEquals(List.of(owner), Json.MAPPER.convertValue(json.get("rolesCreated"), List.class));
        assertTrue(json.get("verification").get("passed").asBoolean());
    }
}
