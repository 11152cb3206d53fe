package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server upgraded in place, as an operator meets it with the packaged CLI: a PostgreSQL 17
 * server, and on this machine the 15 client only, then the 15 and the 17 client (PG_BIN_DIR).
 * status says so before the night's backup fails, and list, status and the recovery plan say
 * which client each command would use.
 */
class ClientVersionsCliIT {
    static PostgresCluster pg15;
    static PostgresCluster pg17;
    static String db17;

    @TempDir
    Path dir;
    Map<String, String> env;

    @BeforeAll
    static void seed() {
        pg15 = PostgresCluster.shared();
        pg17 = PostgresCluster.postgres17();
        db17 = pg17.seededDatabase("upgraded");
    }

    @BeforeEach
    void environment() {
        env = new HashMap<>();
        env.put("DATABASE_URL", pg17.urlText(db17));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
    }

    private static String only15() {
        return PostgresCluster.serverBinaries().toString();
    }

    private static String both() {
        return PostgresCluster.serverBinaries() + ":" + PostgresCluster.postgres17Binaries();
    }

    private List<Path> archives() throws IOException {
        if (!Files.exists(dir.resolve("backups"))) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir.resolve("backups"))) {
            return all.filter(p -> p.toString().endsWith(".dump") || p.toString().endsWith(".manifest.json")).toList();
        }
    }

    @Test
    @DisplayName("with only the 15 client and a 17 server, status raises client-too-old before any backup is tried, naming "
            + "postgresql-client-17; the backup is then refused in one sentence; with the 17 client too, all is well")
    void clientTooOld() throws IOException {
        env.put("PG_BIN_DIR", only15());
        String why = "the next backup will fail: the PostgreSQL 17 server at 127.0.0.1:" + pg17.port()
                + " needs pg_dump 17 or newer, and the newest here is pg_dump 15.";

        CliRun status = CliRun.run(env, "status");
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdout().contains("  client-too-old: " + why), status.stdout());
        assertTrue(status.stdout().contains("install postgresql-client-17 and make sure PG_BIN_DIR, when set, lists its "
                + "folder (/usr/lib/postgresql/17/bin)"), status.stdout());
        assertTrue(status.stdout().contains("next backup: REFUSED: the PostgreSQL 17 server"), status.stdout());
        assertEquals(List.of(), archives(), "no backup was tried");

        JsonNode json = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertFalse(json.get("healthy").asBoolean());
        JsonNode alert = json.get("alerts").get(json.get("alerts").size() - 1);
        assertEquals("client-too-old", alert.get("code").asText(), json.toString());
        assertTrue(alert.get("reason").asText().startsWith(why), alert.toString());
        JsonNode clients = json.get("clients");
        assertEquals(17, clients.get("serverMajor").asInt());
        assertEquals("postgresql-client-17", clients.get("backup").get("install").asText());
        assertEquals(15, clients.get("clients").get(0).get("major").asInt());

        CliRun backup = CliRun.run(env, "backup", "--quiet");
        assertEquals(1, backup.exitCode(), backup.stdout());
        assertTrue(backup.stderr().contains("the PostgreSQL 17 server at 127.0.0.1:" + pg17.port() + " needs pg_dump 17 "
                + "or newer, and the newest here is pg_dump 15."), backup.stderr());
        assertTrue(backup.stderr().strip().endsWith("install postgresql-client-17 and make sure PG_BIN_DIR, when set, "
                + "lists its folder (/usr/lib/postgresql/17/bin); no backup was made"), backup.stderr());
        assertEquals(List.of(), archives(), "nothing stored");

        env.put("PG_BIN_DIR", both());
        CliRun ready = CliRun.run(env, "status");
        assertFalse(ready.stdout().contains("client-too-old"), ready.stdout());
        assertTrue(ready.stdout().contains("next backup: pg_dump 17."), ready.stdout());
        assertTrue(ready.stdout().contains("server 127.0.0.1:" + pg17.port() + ": PostgreSQL 17."), ready.stdout());
    }

    @Test
    @DisplayName("list and status name the client each command would use; a 17 archive into the 15 server is refused in one "
            + "sentence and nothing is created; the plan says which servers the newest dump restores into")
    void clientPerCommand() throws IOException {
        env.put("PG_BIN_DIR", both());
        CliRun backup = CliRun.run(env, "backup", "--quiet");
        assertEquals(0, backup.exitCode(), backup.stderr());
        String id = backup.stdout().strip();

        CliRun list = CliRun.run(env, "list");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().contains("next backup: pg_dump 17."), list.stdout());
        assertTrue(list.stdout().contains("restore of " + id + " into it: pg_restore 17."), list.stdout());
        JsonNode listed = Json.MAPPER.readTree(CliRun.run(env, "list", "--json").stdout());
        assertEquals(17, listed.get(0).get("pgDumpMajor").asInt());
        assertEquals("1.16", listed.get(0).get("archiveFormatVersion").asText());
        assertEquals(17, listed.get(0).get("restoreWith").get("major").asInt(), listed.toString());

        JsonNode status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertEquals(id, status.get("clients").get("restore").get("backupId").asText());
        assertEquals(17, status.get("clients").get("restore").get("major").asInt());

        String target = "from17_" + Long.toHexString(System.nanoTime());
        CliRun refused = CliRun.run(env, "restore", "--backup", id, "--target-url", pg15.urlText(target));
        assertEquals(1, refused.exitCode(), refused.stdout());
        // the 17 client's archive is zstd (BACKUP_COMPRESSION=auto), which the sentences name
        assertTrue(refused.stderr().contains("backup " + id + " was made by pg_dump 17 (archive format 1.16, compressed "
                + "with zstd:1), which only "
                + "pg_restore 17 or newer reads, and none of those can restore into the PostgreSQL 15 server at "
                + "127.0.0.1:" + pg15.port() + " (a newer pg_restore sets parameters an older server does not know): "
                + "restore it into a PostgreSQL 17 or newer server (a new one, or this one upgraded); nothing was "
                + "restored"), refused.stderr());
        assertFalse(new JdbcDatabase().exists(pg15.url("postgres"), target), "no database was created");

        JsonNode plan = Json.MAPPER.readTree(CliRun.run(env, "recover", "plan", "--scenario", "corruption", "--json")
                .stdout());
        JsonNode dump = dumpOption(plan);
        assertEquals(id, dump.get("restorePoint").asText());
        assertTrue(dump.get("restoresInto").asText().matches("PostgreSQL 17 and newer \\(pg_restore 17\\.\\d+ for 17 "
                + "and newer\\)"), dump.toString());
        assertFalse(plan.has("alerts"), plan.toString());

        env.put("PG_BIN_DIR", only15());
        JsonNode without17 = Json.MAPPER.readTree(CliRun.run(env, "recover", "plan", "--scenario", "corruption",
                "--json").stdout());
        assertEquals("client-too-old", without17.get("alerts").get(0).get("code").asText(), without17.toString());
        assertTrue(dumpOption(without17).get("restoresInto").asText().startsWith("no server with the clients here: no "
                + "pg_restore here reads an archive made by pg_dump 17 (archive format 1.16, compressed with zstd:1); install "
                + "postgresql-client-17"), without17.toString());
        CliRun text = CliRun.run(env, "recover", "plan", "--scenario", "corruption");
        assertTrue(text.stdout().contains("alert: client-too-old: the next backup will fail"), text.stdout());
        assertTrue(text.stdout().contains("   restores into: no server with the clients here"), text.stdout());
    }

    private static JsonNode dumpOption(JsonNode plan) {
        for (JsonNode option : plan.get("options")) {
            if (option.get("method").asText().equals("dump-restore")) {
                return option;
            }
        }
        throw new AssertionError("no dump-restore option: " + plan);
    }
}
