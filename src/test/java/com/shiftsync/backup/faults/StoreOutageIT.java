package com.shiftsync.backup.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeKeyVault;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.SeededCli;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings 4 and 6a: an Azure outage no longer throws away the good local copy. Blob Storage
 * goes down mid-upload (its own Azurite, stopped while pg_dump is held at a gate): the local
 * copy is listed and restorable, the run exits 1 saying which copy exists and why the other
 * failed (where, how often, how long), status raises offsite-missing, and
 * {@code offsite-check --repair} uploads the missing copy, but only after the local copy's
 * SHA-256 matches its manifest. Also Blob Storage, its managed identity and Key Vault
 * unreachable from the start.
 */
class StoreOutageIT extends SeededCli {
    @BeforeEach
    void environment() {
        env.put("BACKUP_CONTAINER", "outage");
    }

    @Test
    @DisplayName("Blob Storage down mid-upload: the local copy is kept, listed and restorable; exit 1 names both copies and the cause in words; offsite-missing; --repair refuses a changed local copy, then uploads the good one")
    void blobDownMidUpload() throws Exception {
        try (Azurite own = Azurite.startNew()) {
            env.put("AZURE_STORAGE_CONNECTION_STRING", own.connectionString());
            CliRun earlier = CliRun.run(env, "backup", "--upload");
            assertEquals(0, earlier.exitCode(), earlier.stderr());
            // Azurite keeps its metadata in memory: a graceful stop saves the earlier backup
            own.stop();
            own.restart();

            Path gate = dir.resolve("gate");
            Path bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")),
                    "while [ ! -e '" + gate + "' ]; do sleep 0.05; done", "");
            Map<String, String> held = new HashMap<>(env);
            held.put("PG_BIN_DIR", bin.toString());
            Process p = CliRun.start(held, "backup", "--upload");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (PgWrappers.commandLines(bin).stream().noneMatch(c -> c.contains("--snapshot="))) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the backup never reached pg_dump");
                Thread.sleep(20);
            }
            own.stop();
            Files.createFile(gate);
            CliRun outage = CliRun.await(p);

            assertEquals(1, outage.exitCode(), outage.stderr());
            String id = outage.stdout().strip();
            assertEquals(1, outage.errorLines().stream().filter(l -> l.startsWith("shiftsync-backup: ")).count(),
                    outage.stderr());
            String sentence = outage.errorLines().stream().filter(l -> l.startsWith("shiftsync-backup: ")).findFirst()
                    .orElseThrow();
            assertTrue(sentence.startsWith("shiftsync-backup: backup " + id + " is in local folder "
                    + dir.resolve("backups") + ", but not in Blob container outage at "), sentence);
            assertTrue(Pattern.compile("Blob Storage at 127\\.0\\.0\\.1:" + own.blobPort() + " could not be reached "
                    + "\\(connection refused\\) after 4 attempts in [0-9.]+ s; no backup was committed there")
                    .matcher(sentence).find(), sentence);
            assertTrue(sentence.contains("offsite-check --repair"), sentence);
            JsonNode failed = outage.events().stream().filter(e -> e.get("event").asText()
                    .equals("ShiftSync.Backup.Failed")).findFirst().orElseThrow();
            assertEquals(id, failed.get("id").asText());
            assertEquals(List.of("local"), Json.MAPPER.convertValue(failed.get("stores"), List.class));
            assertTrue(failed.get("storeResults").get(0).get("stored").asBoolean());
            assertFalse(failed.get("storeResults").get(1).get("stored").asBoolean());

            // while Azure is still down: the local copy is listed and restores
            CliRun list = CliRun.run(env, "list");
            assertEquals(1, list.exitCode(), "Blob Storage could not be read: " + list.stderr());
            assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(id) && l.contains(" local ")), list.stdout());
            assertTrue(list.stderr().contains("its backups are not listed"), list.stderr());
            String target = "outage_" + Long.toHexString(System.nanoTime());
            CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url",
                    "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
            assertEquals(0, restore.exitCode(), restore.stderr());
            assertTrue(restore.stdout().startsWith("restored " + id + " from local folder"), restore.stdout());
            assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, target));
            pg.dropDatabase(target);

            own.restart();
            BlobBackupStore azure = new BlobBackupStore(StorageClients.byConnectionString(own.connectionString())
                    .getBlobContainerClient("outage"));
            assertEquals(List.of(earlier.stdout().strip()), azure.list().stream().map(Manifest::id).toList(),
                    "Azure holds the earlier backup, and nothing of the failed upload");
            JsonNode status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
            assertTrue(DamagedBackupsIT.alert(status, "offsite-missing").contains("daily backup " + id
                    + " has no copy in Azure"), status.toString());

            Path archive = dir.resolve("backups/daily/" + id + ".dump");
            flip(archive);
            CliRun refused = CliRun.run(env, "offsite-check", "--repair");
            assertEquals(1, refused.exitCode(), refused.stderr());
            assertTrue(refused.stdout().contains("repair: FAILED: the copy of daily backup " + id + " in local folder")
                    && refused.stdout().contains("does not match its manifest"), refused.stdout());
            assertEquals(1, azure.list().size(), "a changed local copy is never uploaded");

            flip(archive);
            CliRun repaired = CliRun.run(env, "offsite-check", "--repair");
            assertTrue(repaired.stdout().contains("repair: daily backup " + id + " copied from local folder")
                    && repaired.stdout().contains("SHA-256 checked"), repaired.stdout());
            assertEquals(List.of(id, earlier.stdout().strip()), azure.list().stream().map(Manifest::id).toList());
            assertTrue(azure.catalog().damaged().isEmpty());
            JsonNode after = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
            assertEquals("", DamagedBackupsIT.alert(after, "offsite-missing"), after.toString());
            assertEquals(List.of("local", "azure"),
                    Json.MAPPER.convertValue(after.get("tiers").get(0).get("newestIn"), List.class));
        }
    }

    private static void flip(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 3);
            int b = f.read();
            f.seek(f.length() / 3);
            f.write(b ^ 0x40);
        }
    }

    @Test
    @DisplayName("Blob Storage unreachable from the start: the local backup is made, exit 1 says so; the local copy restores")
    void blobUnreachable() {
        env.put("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=" + Azurite.ACCOUNT_KEY + ";BlobEndpoint=http://127.0.0.1:" + PostgresCluster.freePort()
                + "/devstoreaccount1;");
        CliRun run = CliRun.run(env, "backup", "--upload");
        assertEquals(1, run.exitCode(), run.stderr());
        String id = run.stdout().strip();
        assertTrue(run.stderr().contains("backup " + id + " is in local folder") && run.stderr()
                .contains("could not be reached (connection refused)"), run.stderr());
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).catalog().complete().size());
    }

    @Test
    @DisplayName("Blob Storage unreachable: list --json prints the error object with the local backups beside it, "
            + "exit 1; --source azure and status --json print the error object alone, exit 1")
    void listJsonWithBlobUnreachable() throws Exception {
        env.put("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=" + Azurite.ACCOUNT_KEY + ";BlobEndpoint=http://127.0.0.1:" + PostgresCluster.freePort()
                + "/devstoreaccount1;");
        String id = CliRun.run(env, "backup", "--upload").stdout().strip();
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).catalog().complete().size());

        CliRun list = CliRun.run(env, "list", "--json");
        assertEquals(1, list.exitCode(), list.stderr());
        JsonNode answer = Json.MAPPER.readTree(list.stdout());
        JsonNode error = answer.get("error");
        assertEquals("upstream-failed", error.get("code").asText(), list.stdout());
        assertTrue(error.get("message").asText().contains("Blob container outage")
                && error.get("message").asText().contains("its backups are not listed"), list.stdout());
        assertEquals(1, answer.get("backups").size(), list.stdout());
        assertEquals(id, answer.get("backups").get(0).get("id").asText());
        assertEquals("local", answer.get("backups").get(0).get("store").asText());
        assertTrue(list.stderr().contains("its backups are not listed"), list.stderr());

        for (String[] args : List.of(new String[] {"list", "--source", "azure", "--json"},
                new String[] {"status", "--json"})) {
            CliRun run = CliRun.run(env, args);
            assertEquals(1, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
            JsonNode only = Json.MAPPER.readTree(run.stdout());
            assertEquals(List.of("error"), iterable(only.fieldNames()), run.stdout());
            assertEquals("upstream-failed", only.get("error").get("code").asText(), run.stdout());
            assertTrue(only.get("error").get("message").asText().contains("Blob container outage"), run.stdout());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> all = new java.util.ArrayList<>();
        names.forEachRemaining(all::add);
        return all;
    }

    @Test
    @DisplayName("the managed identity unreachable (Blob by identity): the local backup is made, exit 1 names the Azure copy's failure")
    void identityUnreachable() {
        env.put("AZURE_STORAGE_ACCOUNT_URL", "https://shiftsynctest.blob.core.windows.net");
        env.put("IDENTITY_ENDPOINT", "http://127.0.0.1:" + PostgresCluster.freePort() + "/msi/token");
        env.put("IDENTITY_HEADER", "not-a-secret-header");
        CliRun run = CliRun.run(env, "backup", "--upload");
        assertEquals(1, run.exitCode(), run.stderr());
        String id = run.stdout().strip();
        assertTrue(run.stderr().contains("backup " + id + " is in local folder"), run.stderr());
        assertTrue(run.stderr().contains("gave no token") || run.stderr().contains("could not get a token"),
                run.stderr());
        assertEquals(List.of(id), new LocalBackupStore(dir.resolve("backups")).list().stream().map(Manifest::id)
                .toList());
        CliRun list = CliRun.run(env, "list", "--source", "local");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().contains(id));
    }

    @Test
    @DisplayName("Key Vault unreachable: the run fails before anything is written, one sentence names the vault and the secret; the earlier backup is still listed and good")
    void keyVaultUnreachable() {
        CliRun earlier = CliRun.run(env, "backup");
        assertEquals(0, earlier.exitCode(), earlier.stderr());
        Map<String, String> vault = new HashMap<>(env);
        vault.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + db);
        vault.put("DATABASE_PASSWORD_SECRET", "shiftsync-db-password");
        vault.put("KEY_VAULT_URL", FakeKeyVault.unreachableUrl());
        vault.put("IDENTITY_ENDPOINT", "http://127.0.0.1:" + PostgresCluster.freePort() + "/msi/token");
        vault.put("IDENTITY_HEADER", "not-a-secret-header");
        CliRun run = CliRun.run(vault, "backup");
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.stderr().contains("shiftsync-db-password"), run.stderr());
        assertEquals("", run.stdout());
        assertEquals(List.of(earlier.stdout().strip()),
                new LocalBackupStore(dir.resolve("backups")).list().stream().map(Manifest::id).toList());
        JsonNode status;
        try {
            status = Json.MAPPER.readTree(CliRun.run(env, "status", "--json").stdout());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(earlier.stdout().strip(), status.get("rpo").get("newestBackupId").asText());
    }
}
