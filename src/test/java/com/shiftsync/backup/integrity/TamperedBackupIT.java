package com.shiftsync.backup.integrity;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attack, as a holder of the storage account key (and of the VM's disk) would run
 * it: another database's archive put in place of the newest backup, with its size and SHA-256
 * written into the manifest, everything consistent except that the attacker has no
 * MANIFEST_KEY_SECRET. Every reader refuses it with "not written by this deployment, or
 * altered" and the store rule takes the backup before it; the monitor raises backup-damaged.
 * And when the attacker strips the MAC of the only backup, so that it would pass as one made
 * before the key, the audit log's record of the commit gives it away.
 */
class TamperedBackupIT {
    private static final String WORDS = "not written by this deployment, or altered";
    static PostgresCluster pg;
    static String victim;
    static String forged;

    @TempDir
    Path dir;
    Map<String, String> env;
    BlobContainerClient container;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        victim = pg.seededDatabase("victim");
        forged = pg.createDatabase("forged");
        pg.execute(forged, "CREATE TABLE public.users (id int PRIMARY KEY, email text NOT NULL)");
        pg.execute(forged, "INSERT INTO public.users SELECT n, 'forged' || n || '@attacker.example' "
                + "FROM generate_series(1, 20000) n");
    }

    @BeforeEach
    void environment() {
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(victim));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "tamper-" + Long.toHexString(System.nanoTime()));
        env.put("AUDIT_CONTAINER", "tamper-audit-" + Long.toHexString(System.nanoTime()));
        env.putAll(TestKeys.manifestKeySettings());
        container = new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .buildClient().getBlobContainerClient(env.get("BACKUP_CONTAINER"));
    }

    /** The attacker's archive: a real backup of another database, made where no key is configured. */
    private byte[] otherDatabasesArchive() throws IOException {
        Map<String, String> elsewhere = new HashMap<>();
        elsewhere.put("DATABASE_URL", pg.urlText(forged));
        elsewhere.put("BACKUP_DIR", dir.resolve("attacker").toString());
        CliRun run = CliRun.run(elsewhere, "backup");
        assertEquals(0, run.exitCode(), run.stderr());
        return Files.readAllBytes(dir.resolve("attacker/daily/" + run.stdout().strip() + ".dump"));
    }

    /** The manifest of {@code id} as the attacker rewrites it: the archive's size and SHA-256; its MAC dropped or kept. */
    private static byte[] rewritten(byte[] manifest, byte[] archive, boolean keepMac) throws IOException {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(manifest);
        m.put("sizeBytes", archive.length);
        MessageDigest sha = Sha256.digest();
        sha.update(archive);
        m.put("sha256", Sha256.hex(sha));
        if (!keepMac) {
            m.remove("mac");
        }
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    }

    /** Both copies of {@code id} replaced: the local files, and the blobs with the account key. */
    private void replace(String id, byte[] archive, boolean keepMacInAzure) throws IOException {
        Path folder = dir.resolve("backups/daily");
        Files.write(folder.resolve(id + ".dump"), archive);
        Path manifest = folder.resolve(id + ".manifest.json");
        Files.write(manifest, rewritten(Files.readAllBytes(manifest), archive, false));
        container.getBlobClient("daily/" + id + ".dump").upload(BinaryData.fromBytes(archive), true);
        byte[] blobManifest = container.getBlobClient("daily/" + id + ".manifest.json").downloadContent().toBytes();
        container.getBlobClient("daily/" + id + ".manifest.json")
                .upload(BinaryData.fromBytes(rewritten(blobManifest, archive, keepMacInAzure)), true);
    }

    private String target() {
        return pg.newTargetUrl("after_tamper");
    }

    static String database(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** download of {@code id} exits 1 with the words, and writes no file. */
    private void downloadRefused(String id) {
        Path file = dir.resolve(id + ".dump");
        CliRun download = CliRun.run(env, "download", "--backup", id, "--to", file.toString());
        assertEquals(1, download.exitCode(), download.stderr());
        assertTrue(download.stderr().contains(WORDS), download.stderr());
        assertFalse(Files.exists(file));
    }

    @Test
    @DisplayName("another database's archive in place of the newest backup, its size and SHA-256 in the manifest: "
            + "restore, verify, download and offsite-check refuse it as not written by this deployment, or altered; "
            + "latest is the backup before it; status raises backup-damaged and measures the RPO from that one")
    void rewrittenTogether() throws IOException {
        String older = CliRun.backup(env, "--upload");
        String newer = CliRun.backup(env, "--upload");
        byte[] archive = otherDatabasesArchive();
        replace(newer, archive, true);
        CapturedOutput.recordFiles(dir.resolve("backups"));

        String latest = target();
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url", latest);
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stdout().startsWith("restored " + older + " from "), restore.stdout());
        assertTrue(restore.stderr().contains("daily backup " + newer + " in local folder ")
                && restore.stderr().contains("it has no MAC, yet it is not older than " + older), restore.stderr());
        assertTrue(restore.stderr().contains("daily backup " + newer + " in Blob container ")
                && restore.stderr().contains("its MAC is wrong): " + WORDS + "; using " + older + " instead"),
                restore.stderr());
        assertEquals(Fingerprint.data(pg, victim), Fingerprint.data(pg, database(latest)),
                "the victim's rows came back, not the attacker's 20,000");
        pg.dropDatabase(database(latest));

        String never = target();
        CliRun named = CliRun.run(env, "restore", "--backup", newer, "--target-url", never);
        assertEquals(1, named.exitCode(), named.stderr());
        assertTrue(named.stderr().contains("backup " + newer + " cannot be read: ") && named.stderr().contains(WORDS),
                named.stderr());
        assertFalse(pg.hasDatabase(database(never)), "nothing was restored");

        CliRun verify = CliRun.run(env, "verify", "--backup", newer);
        assertEquals(1, verify.exitCode(), verify.stderr());
        assertTrue(verify.stderr().contains(WORDS), verify.stderr());
        CliRun verifyLatest = CliRun.run(env, "verify");
        assertEquals(0, verifyLatest.exitCode(), verifyLatest.stderr());
        assertTrue(verifyLatest.stdout().startsWith("verified " + older + " "), verifyLatest.stdout());

        downloadRefused(newer);

        CliRun offsite = CliRun.run(env, "offsite-check");
        assertEquals(1, offsite.exitCode(), offsite.stderr());
        assertTrue(offsite.stdout().lines().anyMatch(l -> l.startsWith("daily") && l.contains(newer)
                && l.endsWith("PROBLEM")), offsite.stdout());
        assertTrue(offsite.stderr().lines().anyMatch(l -> l.contains("backup-damaged") && l.contains(newer)
                && l.contains(WORDS)), offsite.stderr());

        JsonNode status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        assertEquals(older, status.get("rpo").get("newestBackupId").asText());
        long damaged = 0;
        for (JsonNode a : status.get("alerts")) {
            if (a.get("code").asText().equals("backup-damaged") && a.get("reason").asText().contains(newer)
                    && a.get("reason").asText().contains(WORDS)) {
                damaged++;
            }
        }
        assertEquals(2, damaged, "one backup-damaged alert per store: " + status.get("alerts"));
        for (JsonNode a : status.get("alerts")) {
            assertNotEquals("manifests-unauthenticated", a.get("code").asText(), "the key is set");
        }

        CliRun list = CliRun.run(env, "list");
        assertEquals(2, list.stdout().lines().filter(l -> l.startsWith(newer)
                && l.endsWith("DAMAGED: NOT WRITTEN BY THIS DEPLOYMENT, OR ALTERED")).count(), list.stdout());
    }

    @Test
    @DisplayName("the MAC of the only backup stripped, so that it would pass as made before the key: the audit log "
            + "recorded it committed with another SHA-256 and an authenticated manifest, so restore, verify, download "
            + "and offsite-check refuse it")
    void strippedMacOfTheOnlyBackup() throws IOException {
        String only = CliRun.backup(env, "--upload");
        byte[] archive = otherDatabasesArchive();
        replace(only, archive, false);

        CliRun list = CliRun.run(env, "list");
        assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(only)
                && l.endsWith("made before MANIFEST_KEY_SECRET was set")), "by the manifests alone: " + list.stdout());

        String never = target();
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url", never);
        assertEquals(1, restore.exitCode(), restore.stderr());
        assertTrue(restore.stderr().contains("daily backup " + only + " is damaged: the audit log recorded it committed as ")
                && restore.stderr().contains(WORDS), restore.stderr());
        assertFalse(pg.hasDatabase(database(never)), "nothing was restored");

        CliRun verify = CliRun.run(env, "verify");
        assertEquals(1, verify.exitCode(), verify.stderr());
        assertTrue(verify.stderr().contains(WORDS), verify.stderr());

        downloadRefused(only);

        CliRun offsite = CliRun.run(env, "offsite-check");
        assertTrue(offsite.stderr().lines().anyMatch(l -> l.contains("backup-damaged") && l.contains(only)
                && l.contains(WORDS)), offsite.stderr());
    }
}
