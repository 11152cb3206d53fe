package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.ExportFunctions;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.SeededCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shiftsync-backup backup / list / restore, run as a user runs them: the packaged jar in its own process. */
class BackupCliIT extends SeededCli {
    @BeforeEach
    void environment() {
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "cli-" + Long.toHexString(System.nanoTime()));
    }

    @Test
    @DisplayName("backup --upload prints the id, stores it locally and in Blob; list and restore find it")
    void backupListRestore() {
        CliRun backup = CliRun.run(env, "backup", "--upload");
        assertEquals(0, backup.exitCode(), backup.stderr());
        String id = backup.stdout().strip();
        assertTrue(BackupId.isValid(id) && id.startsWith(db + "_backup_"), id);
        assertTrue(backup.stderr().startsWith("backup " + id + " done: "), backup.stderr());
        assertFalse(backup.stderr().contains(pg.password()));

        CliRun list = CliRun.run(env, "list");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(id) && l.contains("local")), list.stdout());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(id) && l.contains("azure")), list.stdout());

        CliRun json = CliRun.run(env, "list", "--source", "azure", "--json");
        JsonNode items = read(json.stdout());
        assertEquals(1, items.size());
        assertEquals(id, items.get(0).get("id").asText());
        assertEquals("azure", items.get(0).get("store").asText());
        assertEquals(64, items.get(0).get("sha256").asText().length());

        String target = "restored_" + Long.toHexString(System.nanoTime());
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--source", "azure",
                "--target-url", "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stdout().startsWith("restored " + id + " from Blob container " + env.get("BACKUP_CONTAINER")
                + " at http://127.0.0.1:"), restore.stdout());
        assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, target));
        pg.dropDatabase(target);
    }

    @Test
    @DisplayName("backup --json prints the manifest with every contract field")
    void jsonManifest() {
        CliRun run = CliRun.run(env, "backup", "--tier", "weekly", "--json");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode m = read(run.stdout());
        for (String field : List.of("id", "database", "tier", "startedAt", "finishedAt", "sizeBytes", "sha256",
                "serverVersion", "pgDumpVersion", "rowCounts")) {
            assertTrue(m.has(field), "manifest field " + field);
        }
        assertEquals("weekly", m.get("tier").asText());
        assertEquals(2000, m.get("rowCounts").get("public.shifts").asLong());
        assertTrue(Files.exists(dir.resolve("backups/weekly/" + m.get("id").asText() + ".dump")));
    }

    @Test
    @DisplayName("failures exit 1 with one clear sentence, leave no backup, and earlier backups stay listed")
    void failures() {
        assertEquals(0, CliRun.run(env, "backup").exitCode());
        List<Manifest> before = new LocalBackupStore(dir.resolve("backups")).list();
        assertEquals(1, before.size());

        Map<String, String> cases = Map.of(
                "postgresql://postgres:wrong-password@127.0.0.1:" + pg.port() + "/" + db,
                "password authentication failed for user \"postgres\"",
                "postgresql://postgres:x@127.0.0.1:" + PostgresCluster.freePort() + "/" + db,
                "Connection to 127.0.0.1",
                pg.urlText("no_such_database"),
                "database \"no_such_database\" does not exist");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Map<String, String> bad = new HashMap<>(env);
            bad.put("DATABASE_URL", c.getKey());
            CliRun run = CliRun.run(bad, "backup", "--upload");
            assertEquals(1, run.exitCode(), run.stderr());
            assertEquals(1, run.errorLines().size(), "one sentence: " + run.stderr());
            assertTrue(run.stderr().startsWith("shiftsync-backup: could not "), run.stderr());
            assertTrue(run.stderr().contains(c.getValue()), run.stderr());
            assertFalse(run.stderr().contains("wrong-password") || run.stderr().contains(pg.password()));
            assertEquals("", run.stdout());
        }
        assertEquals(before, new LocalBackupStore(dir.resolve("backups")).list());
        CliRun list = CliRun.run(env, "list", "--source", "azure");
        assertTrue(list.stdout().startsWith("no backups in Blob container"), list.stdout());
    }

    @Test
    @DisplayName("bad usage and bad input exit 2 with one sentence")
    void badInput() {
        Map<List<String>, String> cases = new HashMap<>();
        cases.put(List.of("backup", "--tier", "hourly"), "unknown tier 'hourly'");
        cases.put(List.of("backup", "--keep-days", "soon"), "--keep-days");
        cases.put(List.of("backup", "--keep-days", "0"), "--keep-days must be at least 1");
        cases.put(List.of("restore", "--backup", "yesterday", "--target-url", "postgresql://u@127.0.0.1/x"),
                "'yesterday' is not a backup id");
        cases.put(List.of("restore", "--backup", "latest"), "Missing required option: '--target-url=URL'");
        cases.put(List.of("list", "--source", "tape"), "unknown source 'tape'");
        cases.put(List.of("frobnicate"), "Unmatched argument");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            CliRun run = CliRun.run(env, c.getKey().toArray(String[]::new));
            assertEquals(2, run.exitCode(), c.getKey() + ": " + run.stderr());
            assertEquals(1, run.errorLines().size(), "one sentence: " + run.stderr());
            assertTrue(run.stderr().contains(c.getValue()), run.stderr());
        }
        Map<String, String> none = new HashMap<>(env);
        none.remove("DATABASE_URL");
        CliRun run = CliRun.run(none, "backup");
        assertEquals(2, run.exitCode());
        assertEquals("shiftsync-backup: DATABASE_URL is not set: give the database to back up as a URL such as "
                + "postgresql://shiftsync_admin@db.example.com:5432/shiftsync", run.stderr().strip());

        Map<String, String> garbled = new HashMap<>(env);
        garbled.put("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=http");
        CliRun upload = CliRun.run(garbled, "backup", "--upload");
        assertEquals(2, upload.exitCode(), upload.stderr());
        assertEquals(1, upload.errorLines().size(), "one sentence: " + upload.stderr());
        assertTrue(upload.stderr().contains("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string"),
                upload.stderr());
    }

    @Test
    @DisplayName("restore of a missing backup is refused before anything is touched")
    void restoreMissing() {
        CliRun run = CliRun.run(env, "restore", "--backup", db + "_backup_20200101_000000",
                "--target-url", "postgresql://postgres@127.0.0.1:" + pg.port() + "/never_created");
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("does not exist in local folder"), run.stderr());
        assertFalse(new com.shiftsync.backup.adapter.pg.JdbcDatabase().exists(pg.url("postgres"), "never_created"));
    }

    @Test
    @DisplayName("two concurrent backups of the same tier: exactly one backup results, the other says why")
    void singleFlight() throws Exception {
        Path gate = dir.resolve("gate");
        Path bin = wrappers("while [ ! -e '" + gate + "' ]; do sleep 0.05; done");
        Process first = CliRun.start(env, "backup", "--upload");
        // the first run holds the tier's lock from before pg_dump starts until it ends: wait for its pg_dump
        while (PgWrappers.commandLines(bin).stream().noneMatch(c -> c.contains("--snapshot="))) {
            assertTrue(first.isAlive(), "the first backup ended before its pg_dump started");
            Thread.sleep(20);
        }
        CliRun loser = CliRun.run(env, "backup", "--upload");
        Files.createFile(gate);
        CliRun winner = CliRun.await(first);
        assertEquals(0, winner.exitCode(), winner.stderr());
        assertEquals(1, loser.exitCode(), loser.stderr());
        assertTrue(loser.stderr().contains("a daily backup is already running"), loser.stderr());
        assertTrue(loser.stderr().contains("this run made no backup"), loser.stderr());
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).list().size());
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).listArchives().size());
        JsonNode azure = read(CliRun.run(env, "list", "--source", "azure", "--json").stdout());
        assertEquals(1, azure.size());
    }

    @Test
    @DisplayName("a CLI backup and the nightlyExport timer report the same ShiftSync.Backup.Succeeded event fields")
    void sameEventAsTheTimer() throws IOException {
        CliRun cli = CliRun.run(env, "backup", "--upload");
        assertEquals(0, cli.exitCode(), cli.stderr());
        JsonNode fromCli = cli.events().stream()
                .filter(e -> e.get("event").asText().equals("ShiftSync.Backup.Succeeded")).findFirst()
                .orElseThrow(() -> new AssertionError("no event in " + cli.rawStderr()));
        FakeExecutionContext timer = new FakeExecutionContext("nightlyExport");
        new ExportFunctions(new App(new Settings(env), Clock.systemUTC())).nightlyExport("{}", timer);
        JsonNode fromTimer = Json.MAPPER.readTree(timer.messages(Level.INFO).get(0));

        List<String> fields = new ArrayList<>();
        fromCli.fieldNames().forEachRemaining(fields::add);
        List<String> timerFields = new ArrayList<>();
        fromTimer.fieldNames().forEachRemaining(timerFields::add);
        assertEquals(timerFields, fields);
        for (String same : List.of("event", "tier", "database", "tables")) {
            assertEquals(fromTimer.get(same), fromCli.get(same), same);
        }
        assertEquals(cli.stdout().strip(), fromCli.get("id").asText());
        assertEquals(List.of("local", "azure"), Json.MAPPER.convertValue(fromCli.get("stores"), List.class));
        assertTrue(cli.rawStderr().lines().allMatch(l -> CliRun.STAMP.matcher(l).find()),
                "every stderr line of a CLI whose stderr is no terminal starts with a timestamp: " + cli.rawStderr());
    }

    @Test
    @DisplayName("the password is in no child process's argv (each pg_dump and pg_restore records its /proc cmdline) and in no output")
    void passwordNeverInArgv() throws Exception {
        Path bin = wrappers("");
        CliRun run = CliRun.run(env, "backup", "--upload");
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> cmdlines = PgWrappers.commandLines(bin);
        assertTrue(cmdlines.stream().anyMatch(c -> c.contains("pg_dump --format=custom")), cmdlines.toString());
        assertTrue(cmdlines.stream().anyMatch(c -> c.contains("pg_restore --list")), cmdlines.toString());
        for (String c : cmdlines) {
            assertFalse(c.contains(pg.password()), "password in argv: " + c);
        }
        assertFalse(run.stdout().contains(pg.password()) || run.stderr().contains(pg.password()));
        String manifest = Files.readString(dir.resolve("backups/daily/" + run.stdout().strip() + ".manifest.json"));
        assertFalse(manifest.contains(pg.password()));
    }

    @Test
    @DisplayName("backup --keep-days N deletes local backups of the tier older than N days, never the newest, and says what it deleted or that it deleted nothing")
    void keepDays() throws IOException {
        CliRun first = CliRun.run(env, "backup");
        assertEquals(0, first.exitCode());
        assertTrue(first.stderr().contains("local retention of 7 days: deleted no local daily backup; 1 kept"),
                "says that it deleted nothing: " + first.stderr());
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest real = store.list().get(0);
        Instant now = Instant.now();
        List<String> planted = new ArrayList<>();
        for (int days : List.of(3, 10, 20)) {
            Instant at = now.minus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            BackupId id = BackupId.of(db, at);
            Files.copy(dir.resolve("backups/daily/" + real.id() + ".dump"), dir.resolve("backups/daily/" + id.archiveName()));
            store.putManifest(new Manifest(id.toString(), db, Tier.DAILY, at, at.plusSeconds(3), real.sizeBytes(),
                    real.sha256(), real.serverVersion(), real.pgDumpVersion(), real.format(), real.rowCounts()));
            planted.add(id.toString());
        }
        CliRun run = CliRun.run(env, "backup", "--keep-days", "14");
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> left = store.list().stream().map(Manifest::id).toList();
        assertEquals(List.of(run.stdout().strip(), real.id(), planted.get(0), planted.get(1)), left);
        assertTrue(run.stderr().contains("deleted 1 local daily backup(s) older than 14 days: " + planted.get(2)),
                run.stderr());
        assertFalse(Files.exists(dir.resolve("backups/daily/" + planted.get(2) + ".dump")));
    }

    @Test
    @DisplayName("the guide's backup_database.sh --upload --keep-days N works unchanged")
    void guideScript() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("bin", "backup_database.sh").toAbsolutePath().toString(),
                "--upload", "--keep-days", "14");
        pb.environment().putAll(env);
        pb.environment().put("SHIFTSYNC_JAVA_OPTS", "-Xmx160m " + String.join(" ",
                com.shiftsync.backup.testing.HttpsFake.childJvmOptions()));
        Process p = pb.start();
        CliRun run = CliRun.await(p);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(BackupId.isValid(run.stdout().strip()), run.stdout());
        assertEquals(1, read(CliRun.run(env, "list", "--source", "azure", "--json").stdout()).size());
    }

    /** A PG_BIN_DIR whose pg_dump runs {@code before} and then becomes the real pg_dump (same pid, its argv). */
    private Path wrappers(String beforeDump) throws IOException {
        Path bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")), beforeDump, "");
        env.put("PG_BIN_DIR", bin.toString());
        return bin;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
