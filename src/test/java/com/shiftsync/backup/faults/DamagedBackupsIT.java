package com.shiftsync.backup.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings 1, 2 and the third message of 6 of the fault campaign: a backup whose archive was
 * deleted behind the tool's back, and one whose manifest was truncated. Each is reproduced as
 * it happened and checked from the user's side: what restore, verify, download, list, status
 * and prune do, and what stays in the folder.
 */
class DamagedBackupsIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;
    Map<String, String> env;
    LocalBackupStore store;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("damaged");
    }

    @BeforeEach
    void environment() {
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        store = new LocalBackupStore(dir.resolve("backups"));
    }

    @Test
    @DisplayName("finding 1: the newest archive deleted, manifest left: latest is the previous complete backup for restore, verify and download; list marks it; status alerts backup-damaged and measures the RPO from the previous one; prune keeps the previous as the floor")
    void archiveDeleted() throws IOException {
        String older = CliRun.backup(env);
        String newer = CliRun.backup(env);
        Files.delete(dir.resolve("backups/daily/" + newer + ".dump"));

        String target = "after_damage_" + Long.toHexString(System.nanoTime());
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stdout().startsWith("restored " + older + " from local folder"), restore.stdout());
        assertTrue(restore.stderr().contains("warning: daily backup " + newer) && restore.stderr()
                .contains("its archive " + newer + ".dump is missing; using " + older + " instead"), restore.stderr());
        assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, target));
        pg.dropDatabase(target);

        CliRun verify = CliRun.run(env, "verify");
        assertEquals(0, verify.exitCode(), verify.stderr());
        assertTrue(verify.stdout().startsWith("verified " + older + " "), verify.stdout());
        CliRun download = CliRun.run(env, "download", "--backup", "latest", "--to", dir.resolve("x.dump").toString());
        assertEquals(0, download.exitCode(), download.stderr());
        assertTrue(download.stderr().contains("downloaded " + older), download.stderr());

        CliRun named = CliRun.run(env, "restore", "--backup", newer, "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/never_" + Long.toHexString(System.nanoTime()));
        assertEquals(1, named.exitCode(), "a damaged backup is no bad input: " + named.stderr());
        assertTrue(named.stderr().contains("backup " + newer + " cannot be read: daily backup " + newer), named.stderr());

        CliRun list = CliRun.run(env, "list");
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(newer) && l.endsWith("DAMAGED: ARCHIVE MISSING")),
                list.stdout());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(older) && !l.contains("DAMAGED")), list.stdout());
        JsonNode json = Json.MAPPER.readTree(CliRun.run(env, "list", "--json").stdout());
        assertEquals("damaged: archive missing", json.get(0).get("condition").asText());
        assertEquals("complete", json.get(1).get("condition").asText());

        JsonNode status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertEquals(older, status.get("rpo").get("newestBackupId").asText());
        assertFalse(status.get("healthy").asBoolean());
        assertTrue(alert(status, "backup-damaged").contains(newer), status.toString());

        CliRun plan = CliRun.run(env, "prune", "--dry-run");
        assertTrue(plan.stdout().lines().anyMatch(l -> l.contains(older) && l.contains("newest complete daily backup "
                + "(safety floor)")), plan.stdout());
    }

    @Test
    @DisplayName("finding 2 and 6c: a truncated manifest inside retention, past the orphan grace: prune keeps the archive and reports it; list and status name the damage; the warning is one line; the archive restores by hand")
    void manifestTruncated() throws Exception {
        String real = CliRun.backup(env);
        Manifest m = store.list().get(0);
        // the same archive as a backup of three days ago: inside the 7-day retention, past the 24 h orphan grace
        Instant then = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        BackupId old = BackupId.of(db, then);
        Path archive = dir.resolve("backups/daily/" + old.archiveName());
        Files.copy(dir.resolve("backups/daily/" + real + ".dump"), archive);
        store.putManifest(new Manifest(old.toString(), m.database(), Tier.DAILY, then, then.plusSeconds(5),
                m.sizeBytes(), m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), m.rowCounts()));
        Path manifest = dir.resolve("backups/daily/" + old.manifestName());
        String whole = Files.readString(manifest);
        Files.writeString(manifest, whole.substring(0, whole.length() / 2));
        Files.setLastModifiedTime(archive, FileTime.from(then));

        CliRun prune = CliRun.run(env, "prune");
        assertEquals(0, prune.exitCode(), prune.stderr());
        assertTrue(Files.exists(archive), "prune must not delete a restorable archive: " + prune.stdout());
        assertTrue(Files.exists(manifest));
        assertTrue(prune.stdout().lines().anyMatch(l -> l.contains("DAMAGE") && l.contains(old.toString())
                && l.contains("prune never deletes it nor its archive")), prune.stdout());
        assertTrue(prune.stdout().contains("1 damaged backup(s) found"), prune.stdout());

        CliRun list = CliRun.run(env, "list");
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(old.toString())
                && l.endsWith("DAMAGED: MANIFEST UNREADABLE")), list.stdout());
        List<String> warnings = list.stderr().lines().filter(l -> l.contains("unreadable manifest")).toList();
        assertEquals(1, warnings.size(), list.stderr());
        assertTrue(warnings.get(0).startsWith("shiftsync-backup: warning: unreadable manifest " + manifest + ": ")
                && warnings.get(0).contains(" at line "), warnings.get(0));
        assertFalse(list.stderr().lines().anyMatch(l -> l.strip().startsWith("at [Source")), list.stderr());

        JsonNode status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertTrue(alert(status, "backup-damaged").contains(old + " in local folder"), status.toString());
        assertEquals(real, status.get("rpo").get("newestBackupId").asText());

        Process byHand = new ProcessBuilder(pg.binaries().resolve("pg_restore").toString(), "--list", archive.toString())
                .redirectErrorStream(true).start();
        byHand.getInputStream().readAllBytes();
        assertTrue(byHand.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, byHand.exitValue(), "the kept archive can be restored by hand");
    }

    static String alert(JsonNode status, String code) {
        StringBuilder reasons = new StringBuilder();
        for (JsonNode a : status.get("alerts")) {
            if (a.get("code").asText().equals(code)) {
                reasons.append(a.get("reason").asText()).append('\n');
            }
        }
        return reasons.toString();
    }
}
