package com.shiftsync.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.SeededCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One rule for every command that reads backups, as a VM operator meets it: both stores
 * configured, the local folder emptied (a new VM, a wiped disk), the backup only in Azure.
 */
class StoreRuleCliIT extends SeededCli {
    @BeforeEach
    void environment() {
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "storerule-" + Long.toHexString(System.nanoTime()));
    }

    private String backupBothThenEmptyTheFolder() throws IOException {
        CliRun backup = CliRun.run(env, "backup", "--upload");
        assertEquals(0, backup.exitCode(), backup.stderr());
        String id = backup.stdout().strip();
        Files.delete(dir.resolve("backups/daily/" + id + ".dump"));
        Files.delete(dir.resolve("backups/daily/" + id + ".manifest.json"));
        return id;
    }

    private String target() {
        return "postgresql://postgres@127.0.0.1:" + pg.port() + "/rule_" + Long.toHexString(System.nanoTime());
    }

    @Test
    @DisplayName("an empty local folder while Azure holds the backup: restore, verify and download find it in Azure and say so; list shows it; status reads both")
    void bothStores() throws IOException {
        String id = backupBothThenEmptyTheFolder();

        CliRun list = CliRun.run(env, "list");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(id) && l.contains(" azure ")), list.stdout());

        String target = target();
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url", target);
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stdout().startsWith("restored " + id + " from Blob container " + env.get("BACKUP_CONTAINER")),
                restore.stdout());
        assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, target.substring(target.lastIndexOf('/') + 1)));
        pg.dropDatabase(target.substring(target.lastIndexOf('/') + 1));

        CliRun verify = CliRun.run(env, "verify");
        assertEquals(0, verify.exitCode(), verify.stderr());
        assertTrue(verify.stdout().startsWith("verified " + id + " from Blob container "), verify.stdout());

        CliRun status = CliRun.run(env, "status", "--json");
        JsonNode report = Json.MAPPER.readTree(status.stdout());
        assertEquals(List.of("local", "azure"), Json.MAPPER.convertValue(report.get("stores"), List.class));
        assertEquals(id, report.get("rpo").get("newestBackupId").asText());
        assertEquals(id, report.get("verification").get("lastBackupId").asText(), "the Azure restore test counts");
        assertEquals(List.of("azure"), Json.MAPPER.convertValue(report.get("tiers").get(0).get("newestIn"), List.class));
    }

    @Test
    @DisplayName("--source local narrows the search: nothing there, and the refusal says Azure has it (use --source azure)")
    void sourceNarrows() throws IOException {
        String id = backupBothThenEmptyTheFolder();
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--source", "local", "--target-url", target());
        assertEquals(2, restore.exitCode(), restore.stderr());
        assertEquals(1, restore.errorLines().size(), restore.stderr());
        assertTrue(restore.stderr().contains("there is no complete backup in local folder " + dir.resolve("backups")),
                restore.stderr());
        assertTrue(restore.stderr().contains("has 1 complete backup (newest " + id + "): use --source azure"),
                restore.stderr());
        CliRun byId = CliRun.run(env, "verify", "--backup", id, "--source", "local");
        assertEquals(2, byId.exitCode(), byId.stderr());
        assertTrue(byId.stderr().contains("use --source azure"), byId.stderr());
    }

    @Test
    @DisplayName("a local restore test counts in status, and status says which stores hold each newest backup")
    void localRestoreTestCounts() throws IOException {
        CliRun backup = CliRun.run(env, "backup", "--upload");
        String id = backup.stdout().strip();
        CliRun verify = CliRun.run(env, "verify", "--source", "local");
        assertEquals(0, verify.exitCode(), verify.stderr());
        CliRun status = CliRun.run(env, "status");
        assertTrue(status.stdout().contains("restore test: passed "), status.stdout());
        assertTrue(status.stdout().lines().anyMatch(l -> l.startsWith("daily   " + id) && l.endsWith("local,azure")),
                status.stdout());
        assertFalse(status.stdout().contains("verification-stale"), status.stdout());
    }

    @Test
    @DisplayName("download: a good backup is written whole (0600, SHA-256 of the manifest); a tampered one, an existing file and an unknown backup leave no file")
    void download() throws Exception {
        CliRun backup = CliRun.run(env, "backup");
        String id = backup.stdout().strip();
        Manifest m = new LocalBackupStore(dir.resolve("backups")).list().get(0);
        Path file = dir.resolve("restore.dump");
        CliRun ok = CliRun.run(env, "download", "--backup", "latest", "--to", file.toString());
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertEquals(file.toString(), ok.stdout().strip());
        assertTrue(ok.stderr().contains("downloaded " + id + " from local folder"), ok.stderr());
        assertEquals(m.sha256(), sha256(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        CliRun exists = CliRun.run(env, "download", "--backup", id, "--to", file.toString());
        assertEquals(2, exists.exitCode(), exists.stderr());
        assertTrue(exists.stderr().contains("--to " + file + " exists already"), exists.stderr());
        assertEquals(m.sha256(), sha256(file), "not overwritten");

        Path archive = dir.resolve("backups/daily/" + id + ".dump");
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(100);
            int b = f.read();
            f.seek(100);
            f.write(b ^ 0x01);
        }
        Path tampered = dir.resolve("tampered.dump");
        CliRun refused = CliRun.run(env, "download", "--backup", id, "--to", tampered.toString());
        assertEquals(1, refused.exitCode(), refused.stderr());
        assertEquals(1, refused.errorLines().size(), refused.stderr());
        assertTrue(refused.stderr().contains("does not match its manifest") && refused.stderr()
                .contains("no file was written"), refused.stderr());
        assertFalse(Files.exists(tampered));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList());
        }

        CliRun unknown = CliRun.run(env, "download", "--backup", db + "_backup_20200101_000000", "--to",
                dir.resolve("none.dump").toString(), "--json");
        assertEquals(2, unknown.exitCode(), unknown.stderr());
        assertEquals("not-found", Json.MAPPER.readTree(unknown.stdout()).get("error").get("code").asText());
        assertFalse(Files.exists(dir.resolve("none.dump")));
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha = Sha256.digest();
        sha.update(Files.readAllBytes(file));
        return Sha256.hex(sha);
    }

    static Manifest only(LocalBackupStore store, Tier tier) {
        return store.list().stream().filter(m -> m.tier() == tier).findFirst().orElseThrow();
    }
}
