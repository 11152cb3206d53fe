package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.restore.RestoreCheck;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.SeededCli;
import com.shiftsync.backup.testing.ScratchDatabases;
import com.shiftsync.backup.testing.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shiftsync-backup verify / status / list / restore's integrity check, run as the packaged jar. */
class VerifyCliIT extends SeededCli {
    @BeforeEach
    void environment() {
        env.putAll(TestKeys.manifestKeySettings());
    }

    @Test
    @DisplayName("verify passes and prints one line; list shows it passed; status shows the test and no alert about it")
    void verifyListStatus() throws IOException {
        String id = CliRun.backup(env);
        CliRun verify = CliRun.run(env, "verify");
        assertEquals(0, verify.exitCode(), verify.stderr());
        assertTrue(verify.stdout().startsWith("verified " + id + " from local folder " + dir.resolve("backups")
                + ": 5 tables match the manifest's row counts; restored in "), verify.stdout());
        assertEquals(List.of(), ScratchDatabases.on(pg));

        CliRun list = CliRun.run(env, "list");
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(id) && l.contains("passed 20")), list.stdout());
        JsonNode listed = Json.MAPPER.readTree(CliRun.run(env, "list", "--json").stdout());
        assertTrue(listed.get(0).get("verification").get("passed").asBoolean());

        CliRun status = CliRun.run(env, "status");
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdout().startsWith("stores read: local folder " + dir.resolve("backups") + "\nTIER"),
                status.stdout());
        assertTrue(status.stdout().lines().anyMatch(l -> l.startsWith("daily   " + id) && l.endsWith("  local")),
                status.stdout());
        assertTrue(status.stdout().contains("RPO target 24 h: met"), status.stdout());
        assertTrue(status.stdout().contains("restore test: passed "), status.stdout());
        assertTrue(status.stdout().contains("RTO target 120 min: restore test of " + id + " took "), status.stdout());
        assertTrue(status.stdout().contains("no alerts"), status.stdout());

        JsonNode json = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertTrue(json.get("healthy").asBoolean(), json.toString());
        assertEquals("local", json.get("store").asText());
        assertEquals(id, json.get("rpo").get("newestBackupId").asText());
    }

    @Test
    @DisplayName("verify drops the scratch database a killed test left months ago and says so in a second line")
    void verifyDropsLeftover() {
        String id = CliRun.backup(env);
        String leftover = "shiftsync_verify_20260101020000_0f0f0f";
        pg.execute("postgres", "CREATE DATABASE " + leftover);
        CliRun verify = CliRun.run(env, "verify");
        assertEquals(0, verify.exitCode(), verify.stderr());
        List<String> lines = verify.stdout().lines().toList();
        assertEquals(2, lines.size(), verify.stdout());
        assertTrue(lines.get(0).startsWith("verified " + id + " from local folder "), verify.stdout());
        assertEquals("dropped 1 scratch database left by earlier, interrupted restore tests: " + leftover, lines.get(1));
        assertEquals("", verify.stderr());
        assertEquals(List.of(), ScratchDatabases.on(pg));
    }

    @Test
    @DisplayName("verify of a changed archive and of a manifest whose count differs exit 1 with one sentence naming the problem")
    void verifyFails() throws IOException {
        String id = CliRun.backup(env);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = store.list().get(0);
        Map<String, Long> counts = new TreeMap<>(m.rowCounts());
        counts.put("public.users", 61L);
        store.deleteManifest(Tier.DAILY, m.backupId());
        store.putManifest(TestKeys.signed(new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(),
                m.sizeBytes(), m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), counts)));

        CliRun differs = CliRun.run(env, "verify", "--backup", id);
        assertEquals(1, differs.exitCode(), differs.stderr());
        assertEquals(List.of("shiftsync-backup: backup " + id + " failed its restore test: 1 of 5 tables differ from the "
                + "manifest: public.users: 60 rows restored, the manifest counted 61"), differs.errorLines());
        assertEquals("", differs.stdout());

        JsonNode json = Json.MAPPER.readTree(CliRun.run(env, "verify", "--json").stdout());
        assertFalse(json.get("passed").asBoolean());
        assertEquals("public.users", json.get("differences").get(0).get("table").asText());

        Path archive = dir.resolve("backups/daily/" + id + ".dump");
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        CliRun altered = CliRun.run(env, "verify");
        assertEquals(1, altered.exitCode(), altered.stderr());
        assertEquals(1, altered.errorLines().size(), altered.stderr());
        assertTrue(altered.stderr().contains("does not match its manifest"), altered.stderr());
        assertEquals(List.of(), ScratchDatabases.on(pg));

        // a shorter archive is damage the catalog sees without reading it: never chosen, named
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        CliRun damaged = CliRun.run(env, "verify");
        assertEquals(1, damaged.exitCode(), damaged.stderr());
        assertEquals(List.of("shiftsync-backup: there is no complete backup in local folder " + dir.resolve("backups")
                + " (daily backup " + id + " in local folder " + dir.resolve("backups") + " is damaged: its archive is "
                + (m.sizeBytes() - 1) + " bytes, its manifest says " + m.sizeBytes() + ")"), damaged.errorLines());
        assertEquals(List.of(), ScratchDatabases.on(pg));

        CliRun list = CliRun.run(env, "list");
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(id) && l.contains("FAILED 20")), list.stdout());
        CliRun status = CliRun.run(env, "status", "--source", "local");
        assertEquals(0, status.exitCode());
        assertTrue(status.stdout().contains("verification-failed: the restore test of " + id), status.stdout());
    }

    @Test
    @DisplayName("restore ends with the integrity check: printed, recorded next to the backup, exit 1 naming a differing table")
    void restoreIntegrity() throws IOException {
        String id = CliRun.backup(env);
        String target = "restored_" + Long.toHexString(System.nanoTime());
        CliRun ok = CliRun.run(env, "restore", "--backup", "latest",
                "--target-url", "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertTrue(ok.stdout().contains("; all 5 tables match the manifest's row counts"), ok.stdout());
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = store.list().get(0);
        RestoreCheck check = RestoreCheck.read(store.getRecord(Tier.DAILY, m.backupId(), "restore-check").orElseThrow());
        assertTrue(check.passed());
        assertEquals(target, check.targetDatabase());
        assertEquals("127.0.0.1:" + pg.port(), check.targetServer());
        assertTrue(check.durationMs() >= check.restoreMs() && check.restoreMs() > 0, check.toString());
        assertFalse(Files.readString(dir.resolve("backups/daily/" + id + ".restore-check.json")).contains(pg.password()));

        pg.execute(target, "INSERT INTO organisations (name) VALUES ('not in the backup')");
        pg.execute(target, "CREATE TABLE public.local_notes (id int)");
        Map<String, Long> counts = new TreeMap<>(m.rowCounts());
        counts.put("public.shifts", 1999L);
        store.deleteManifest(Tier.DAILY, m.backupId());
        store.putManifest(TestKeys.signed(new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(),
                m.sizeBytes(), m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), counts)));
        CliRun differs = CliRun.run(env, "restore", "--backup", id, "--json", "--confirm",
                "--target-url", "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(1, differs.exitCode(), differs.stderr());
        assertEquals(List.of("shiftsync-backup: the restore of " + id + " into postgresql://postgres@127.0.0.1:"
                + pg.port() + "/" + target + " ran, but 1 of 5 tables differ from the manifest: "
                + "public.shifts: 2,000 rows restored, the manifest counted 1,999"), differs.errorLines());
        JsonNode json = Json.MAPPER.readTree(differs.stdout());
        assertFalse(json.get("passed").asBoolean());
        assertEquals(List.of("public.local_notes"), List.of(json.get("extraTables").get(0).asText()),
                "a table of the target that the backup never held is listed, not failed");
        assertFalse(RestoreCheck.read(store.getRecord(Tier.DAILY, m.backupId(), "restore-check").orElseThrow()).passed());
        assertEquals(3L, com.shiftsync.backup.testing.Fingerprint.rowCounts(pg, target).get("public.organisations"),
                "--clean replaced the rows added after the backup");
        pg.dropDatabase(target);
    }

    @Test
    @DisplayName("verify and status refuse bad input with exit 2")
    void badInput() {
        CliRun id = CliRun.run(env, "verify", "--backup", "yesterday");
        assertEquals(2, id.exitCode(), id.stderr());
        assertTrue(id.stderr().contains("'yesterday' is not a backup id"), id.stderr());
        CliRun none = CliRun.run(env, "verify");
        assertEquals(2, none.exitCode(), none.stderr());
        assertTrue(none.stderr().contains("there is no complete backup in local folder"), none.stderr());
        Map<String, String> bad = new HashMap<>(env);
        bad.put("SIZE_ANOMALY_PERCENT", "150");
        CliRun band = CliRun.run(bad, "status");
        assertEquals(2, band.exitCode(), band.stderr());
        assertEquals(List.of("shiftsync-backup: SIZE_ANOMALY_PERCENT is 150; it must be from 1 to 99"),
                band.errorLines());
    }
}
