package com.shiftsync.backup.history;

import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.blob.BlobHistoryLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalHistoryLog;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.ExportFunctions;
import com.shiftsync.backup.functions.VerifyFunctions;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history that outlives retention, with real PostgreSQL, pg_dump and pg_restore: every
 * outcome appends one line (a backup, a restore test, a restore, a failed backup), the
 * lines stay when prune deletes the backups they describe, {@code history --json} reads them
 * back; the Functions app writes the same lines to append blobs in the backup container; and
 * a history that cannot be written fails no job.
 */
class HistoryIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("history");
    }

    Map<String, String> localEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        return env;
    }

    static Reporter reporter(App app) {
        Logger quiet = Logger.getAnonymousLogger();
        quiet.setUseParentHandlers(false);
        return app.reporter(quiet);
    }

    static JsonNode history(Map<String, String> env, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("history", "--json"));
        args.addAll(List.of(more));
        CliRun run = CliRun.run(env, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        return Json.MAPPER.readTree(run.stdout());
    }

    static JsonNode find(JsonNode entries, String kind, String id) {
        for (JsonNode e : entries) {
            if (kind.equals(e.path("kind").asText()) && (id == null ? !e.has("id") : id.equals(e.path("id").asText()))) {
                return e;
            }
        }
        throw new AssertionError("no " + kind + " " + id + " in " + entries);
    }

    @Test
    @DisplayName("a backup, its restore test and a restore 20 days ago, a backup and a test today, a failed backup: one "
            + "line each; prune deletes the old backup, its lines stay, and history --json reads every one back")
    void outcomesOutliveRetention() throws IOException {
        Map<String, String> env = localEnv();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        MutableClock clock = new MutableClock(now.minus(Duration.ofDays(20)));
        App app = new App(new Settings(env), clock);
        String old = app.backups().toLocal().run(Tier.DAILY, reporter(app)).manifest().id();
        assertTrue(app.backups().verifyJob().run(app.stores().local(), old, reporter(app)).passed());
        DatabaseUrl target = app.login().current().withDatabase("history_restored");
        assertTrue(app.backups().restoreJob().run(app.stores().local(), old, target, reporter(app)).passed());
        clock.set(now);
        String fresh = app.backups().toLocal().run(Tier.DAILY, reporter(app)).manifest().id();
        assertTrue(app.backups().verifyJob().run(app.stores().local(), fresh, reporter(app)).passed());

        Map<String, String> badPassword = new HashMap<>(env);
        badPassword.put("DATABASE_URL", "postgresql://postgres:wrong-password@127.0.0.1:" + pg.port() + "/" + db);
        CliRun failed = CliRun.run(badPassword, "backup");
        assertEquals(1, failed.exitCode(), failed.stderr());

        JsonNode before = history(env);
        assertEquals(6, before.size(), before.toString());
        JsonNode backup = find(before, "backup", old);
        assertEquals("succeeded", backup.get("result").asText());
        assertEquals("daily", backup.get("tier").asText());
        assertTrue(backup.get("sizeBytes").asLong() > 1000);
        assertTrue(backup.get("durationMs").asLong() > 0);
        assertTrue(backup.get("rowTotal").asLong() > 0);
        assertEquals(List.of("local"), Json.MAPPER.convertValue(backup.get("details").get("stores"), List.class));
        JsonNode test = find(before, "restore-test", old);
        assertEquals("succeeded", test.get("result").asText());
        assertTrue(test.get("durationMs").asLong() > 0);
        JsonNode restore = find(before, "restore", old);
        assertEquals("succeeded", restore.get("result").asText());
        assertTrue(restore.get("recoveryMs").asLong() > 0, "a restore's measured recovery time");
        assertTrue(restore.get("details").get("target").asText().startsWith("history_restored on 127.0.0.1:"));
        find(before, "backup", fresh);
        find(before, "restore-test", fresh);
        JsonNode noBackup = find(before, "backup", null);
        assertEquals("failed", noBackup.get("result").asText());
        assertTrue(noBackup.get("reason").asText().contains("password authentication failed"), noBackup.toString());
        assertFalse(before.toString().contains("wrong-password"), "no secret in the history");
        Instant first = Instant.parse(before.get(0).get("time").asText());
        assertTrue(first.isBefore(now.minus(Duration.ofDays(19))), "oldest first");

        CliRun prune = CliRun.run(env, "prune");
        assertEquals(0, prune.exitCode(), prune.stderr());
        assertTrue(app.stores().local().find(old).isEmpty(), "prune deleted the 20-day-old backup: " + prune.stdout());
        assertTrue(app.stores().local().find(fresh).isPresent());

        JsonNode after = history(env);
        assertEquals(before, after, "the history is untouched by prune");
        assertEquals(3, history(env, "--days", "7").size(), "the last 7 days: today's backup, test and failed backup");

        Path folder = dir.resolve("backups").resolve("history");
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> months = files.sorted().toList();
            for (Path month : months) {
                assertTrue(month.getFileName().toString().matches("\\d{4}-\\d{2}\\.jsonl"), month.toString());
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(month)));
            }
            assertEquals(YearMonth.from(now.atOffset(ZoneOffset.UTC)).toString() + ".jsonl",
                    months.get(months.size() - 1).getFileName().toString());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));

        CliRun text = CliRun.run(env, "history");
        assertEquals(0, text.exitCode(), text.stderr());
        assertTrue(text.stdout().startsWith("ENDED (UTC)"), text.stdout());
        assertTrue(text.stdout().lines().anyMatch(l -> l.contains("restore ") && l.contains(old)
                && l.contains("recovery time")), text.stdout());
        CapturedOutput.record(after.toString());
    }

    @Test
    @DisplayName("the Functions app: nightlyExport and monthlyVerify append to history/<yyyy-MM>.jsonl, an append blob "
            + "in the backup container, outside every tier folder; history --json reads it from Blob")
    void blobHistory() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        String container = "hist-" + Long.toHexString(System.nanoTime());
        env.put("BACKUP_CONTAINER", container);
        // an audit log of the test's own: two tests' backups of the same database in one second share an id
        env.put("AUDIT_CONTAINER", container + "-audit");
        env.put("BACKUP_DIR", dir.resolve("unused").toString());
        App app = new App(new Settings(env), java.time.Clock.systemUTC());
        new ExportFunctions(app).nightlyExport("{}", new FakeExecutionContext("nightlyExport"));
        new VerifyFunctions(app).monthlyVerify("{}", new FakeExecutionContext("monthlyVerify"));

        BlobContainerClient blobs = StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(container);
        String name = "history/" + YearMonth.now(ZoneOffset.UTC) + ".jsonl";
        assertEquals("AppendBlob", blobs.getBlobClient(name).getProperties().getBlobType().toString());
        List<String> lines = blobs.getBlobClient(name).downloadContent().toString().lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("backup", HistoryEntry.read(lines.get(0)).kind());
        assertEquals("restore-test", HistoryEntry.read(lines.get(1)).kind());

        JsonNode entries = history(env);
        assertEquals(2, entries.size());
        assertEquals(List.of("azure"), Json.MAPPER.convertValue(entries.get(0).get("details").get("stores"), List.class));
        assertEquals(1, app.stores().azure().list().size(), "the store sees its one backup");
        assertEquals(1, app.stores().azure().listArchives().size(), "and no history blob among its archives");
    }

    @Test
    @DisplayName("a month past an append blob's blocks continues in <yyyy-MM>.2.jsonl, read back in order; a window "
            + "across months reads both; an unreadable line is skipped")
    void blobPartsAndMonths() {
        BlobContainerClient blobs = StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient("hist-parts-" + Long.toHexString(System.nanoTime()));
        HistoryLog log = new BlobHistoryLog(blobs, 2);
        Instant march = Instant.parse("2024-03-30T02:00:00Z");
        for (int i = 0; i < 5; i++) {
            log.append(HistoryEntry.of(march.plus(Duration.ofDays(i)), HistoryEntry.BACKUP, "b" + i, "daily", true));
        }
        blobs.getBlobClient("history/2024-04.jsonl").getAppendBlobClient().appendBlock(
                new java.io.ByteArrayInputStream("not json\n".getBytes()), 9);
        List<String> names = new ArrayList<>();
        blobs.listBlobs().forEach(b -> names.add(b.getName()));
        assertEquals(List.of("history/2024-03.jsonl", "history/2024-04.2.jsonl", "history/2024-04.jsonl"), names);
        assertEquals(List.of("b0", "b1", "b2", "b3", "b4"), log.read(march, march.plus(Duration.ofDays(10)))
                .stream().map(HistoryEntry::id).toList());
        assertEquals(List.of("b2", "b3"), log.read(Instant.parse("2024-04-01T00:00:00Z"),
                Instant.parse("2024-04-03T00:00:00Z")).stream().map(HistoryEntry::id).toList());
    }

    @Test
    @DisplayName("a history that cannot be written fails no job: the backup is made, exit 0, and the entry is in a "
            + "ShiftSync.History.WriteFailed warning")
    void unwritableHistory() throws IOException {
        Map<String, String> env = localEnv();
        Files.createDirectories(dir.resolve("backups"));
        Files.writeString(dir.resolve("backups").resolve("history"), "in the way");
        CliRun run = CliRun.run(env, "backup");
        assertEquals(0, run.exitCode(), run.stderr());
        String id = run.stdout().strip();
        assertTrue(run.stderr().contains("warning: {\"event\":\"ShiftSync.History.WriteFailed\""), run.stderr());
        assertTrue(run.stderr().contains("\"id\":\"" + id + "\""), "the entry is kept in the log: " + run.stderr());
        assertTrue(run.stderr().contains("could not append to history file"), run.stderr());
        LocalHistoryLog log = new LocalHistoryLog(dir.resolve("elsewhere"));
        assertEquals(List.of(), log.read(Instant.EPOCH, Instant.now()), "nothing on record is an empty history");
    }

    @Test
    @DisplayName("bad options are refused before anything runs, naming the option: exit 2")
    void badOptions() {
        Map<String, String> env = localEnv();
        CliRun days = CliRun.run(env, "history", "--days", "0");
        assertEquals(2, days.exitCode(), days.stderr());
        assertTrue(days.stderr().contains("--days is 0; use a whole number of days from 1 to 400"), days.stderr());
        CliRun folder = CliRun.run(env, "report", "--html", dir.resolve("no-such-folder").resolve("x.html").toString());
        assertEquals(2, folder.exitCode(), folder.stderr());
        assertTrue(folder.stderr().contains("--html") && folder.stderr().contains("does not exist"), folder.stderr());
        CliRun missing = CliRun.run(env, "report");
        assertEquals(2, missing.exitCode(), missing.stderr());
        assertTrue(missing.stderr().contains("--html"), missing.stderr());
    }
}
