package com.shiftsync.backup.cli;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.SimulatedBackups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shiftsync-backup prune, run as an operator runs it: the packaged jar in its own process. */
class PruneCliIT {
    @TempDir
    Path dir;
    Map<String, String> env;
    String container;

    @BeforeEach
    void environment() {
        container = "prunecli-" + Long.toHexString(System.nanoTime());
        env = new HashMap<>();
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", container);
        env.put("UPLOADS_CONTAINER", container + "-uploads");
    }

    @Test
    @DisplayName("prune --dry-run deletes nothing and prints the very plan that prune then executes")
    void dryRunThenRun() {
        BackupStore local = new LocalBackupStore(dir.resolve("backups"));
        BackupStore azure = new BlobBackupStore(blob(container));
        // half past the hour of age, so a plan made seconds later reads the same
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (BackupStore store : List.of(local, azure)) {
            for (int k = 0; k < 40; k++) {
                SimulatedBackups.backup(store, Tier.DAILY, now.minus(Duration.ofDays(k)).minus(Duration.ofMinutes(630)));
                if (k % 7 == 0) {
                    SimulatedBackups.backup(store, Tier.WEEKLY, now.minus(Duration.ofDays(k)).minus(Duration.ofMinutes(570)));
                }
            }
            SimulatedBackups.orphan(store, Tier.DAILY, now.minus(Duration.ofDays(3)));
        }
        BlobContainerClient uploads = blob(container + "-uploads");
        uploads.create();
        uploads.getBlobClient("fresh/upload.png").upload(BinaryData.fromString("png"));
        Set<String> localBefore = ids(local);
        Set<String> azureBefore = ids(azure);

        CliRun dry = CliRun.run(env, "prune", "--dry-run", "--json");
        assertEquals(0, dry.exitCode(), dry.stderr());
        JsonNode planned = read(dry.stdout());
        assertTrue(planned.get("dryRun").asBoolean());
        assertEquals(localBefore, ids(local), "a dry run deletes nothing locally");
        assertEquals(azureBefore, ids(azure), "a dry run deletes nothing in Blob");
        assertEquals(1, uploads.listBlobs().stream().count());
        assertEquals(List.of(), deletedIds(planned, 0), "and reports nothing as done");

        CliRun human = CliRun.run(env, "prune", "--dry-run");
        assertEquals(0, human.exitCode(), human.stderr());
        assertTrue(human.stdout().startsWith("dry run: nothing was deleted"), human.stdout());
        assertTrue(human.stdout().contains("would delete 45 backup(s)"), human.stdout());

        CliRun real = CliRun.run(env, "prune", "--json");
        assertEquals(0, real.exitCode(), real.stderr());
        JsonNode done = read(real.stdout());
        for (int s = 0; s < 2; s++) {
            JsonNode plannedStore = planned.get("stores").get(s);
            JsonNode doneStore = done.get("stores").get(s);
            assertEquals(plannedStore.get("plan").get("decisions"), doneStore.get("plan").get("decisions"),
                    "the real run executed the dry run's plan in " + plannedStore.get("store"));
            assertEquals(plannedStore.get("orphans"), doneStore.get("orphans"));
            assertEquals(toDelete(plannedStore), deletedIds(done, s));
        }
        Set<String> localKept = new TreeSet<>(localBefore);
        toDelete(planned.get("stores").get(0)).forEach(localKept::remove);
        Set<String> azureKept = new TreeSet<>(azureBefore);
        toDelete(planned.get("stores").get(1)).forEach(azureKept::remove);
        assertEquals(localKept, ids(local));
        assertEquals(azureKept, ids(azure));
        assertEquals(7 + 5, localKept.size(), "7 daily and 5 weekly backups locally");
        assertEquals(30 + 5, azureKept.size(), "30 daily and 5 weekly backups in Blob");
        assertEquals(1, uploads.listBlobs().stream().count(), "a fresh upload stays");
        assertEquals(0, done.get("uploads").get("deleted").asLong());
    }

    @Test
    @DisplayName("bad retention settings are refused before anything runs, exit 2, with the setting named")
    void badSettings() {
        Map<Map<String, String>, String> cases = new HashMap<>();
        cases.put(Map.of("LOCAL_RETENTION_DAYS", "-3"), "LOCAL_RETENTION_DAYS is -3; it must be at least 1");
        cases.put(Map.of("AZURE_RETENTION_DAYS", "thirty"), "AZURE_RETENTION_DAYS is 'thirty'; it must be a whole number");
        cases.put(Map.of("WEEKLY_RETENTION_DAYS", "0"), "WEEKLY_RETENTION_DAYS is 0; it must be at least 1");
        cases.put(Map.of("RETENTION_FLOOR", "0"), "RETENTION_FLOOR is 0; it must be at least 1");
        cases.put(Map.of("KEEP_LAST_MONTHLY", "-1"), "KEEP_LAST_MONTHLY is -1; it must be at least 0");
        cases.put(Map.of("UPLOADS_TTL_HOURS", "1.5"), "UPLOADS_TTL_HOURS is '1.5'; it must be a whole number");
        cases.put(Map.of("ORPHAN_GRACE_HOURS", "2"), "ORPHAN_GRACE_HOURS is 2; it must be at least 6");
        cases.put(Map.of("UPLOADS_CONTAINER", container), "UPLOADS_CONTAINER is '" + container
                + "', the same as BACKUP_CONTAINER");
        cases.put(Map.of("UPLOADS_CONTAINER", "operations"), "UPLOADS_CONTAINER is 'operations', the same as "
                + "OPERATIONS_CONTAINER: the uploads sweep deletes everything in it older than UPLOADS_TTL_HOURS");
        cases.put(Map.of("UPLOADS_CONTAINER", container + "-ops", "OPERATIONS_CONTAINER", container + "-ops"),
                "UPLOADS_CONTAINER is '" + container + "-ops', the same as OPERATIONS_CONTAINER");
        cases.put(Map.of("UPLOADS_CONTAINER", "audit"), "UPLOADS_CONTAINER is 'audit', the same as AUDIT_CONTAINER");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            Map<String, String> bad = new HashMap<>(env);
            bad.putAll(c.getKey());
            for (String[] args : List.of(new String[] {"prune"}, new String[] {"prune", "--dry-run"})) {
                CliRun run = CliRun.run(bad, args);
                assertEquals(2, run.exitCode(), c.getKey() + ": " + run.stderr());
                assertEquals(1, run.errorLines().size(), "one sentence: " + run.stderr());
                assertTrue(run.stderr().startsWith("shiftsync-backup: " + c.getValue()), run.stderr());
                assertEquals("", run.stdout());
            }
        }
        Map<String, String> bad = new HashMap<>(env);
        bad.put("LOCAL_RETENTION_DAYS", "seven");
        CliRun backup = CliRun.run(bad, "backup");
        assertEquals(2, backup.exitCode(), backup.stderr());
        assertEquals("shiftsync-backup: LOCAL_RETENTION_DAYS is 'seven'; it must be a whole number",
                backup.stderr().strip(), "refused before any backup is attempted (DATABASE_URL is not even set)");
    }

    @Test
    @DisplayName("a tier whose every backup lost its archive: prune refuses to empty it, says why, exits 1")
    void refusal() {
        env.remove("AZURE_STORAGE_CONNECTION_STRING");
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        Instant now = Instant.now();
        List<Manifest> weekly = new ArrayList<>();
        for (int j = 5; j < 8; j++) {
            Manifest m = SimulatedBackups.backup(local, Tier.WEEKLY, now.minus(Duration.ofDays(7L * j)));
            local.deleteArchive(Tier.WEEKLY, BackupId.parse(m.id()));
            weekly.add(m);
        }
        SimulatedBackups.backup(local, Tier.DAILY, now.minus(Duration.ofDays(1)));
        CliRun run = CliRun.run(env, "prune");
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals("shiftsync-backup: refused to delete all 3 weekly backup(s) in local: that would leave none, "
                + "and none of them has its archive, so the safety floor protects none", run.stderr().strip());
        assertEquals(4, local.list().size(), "nothing was deleted");
        assertTrue(run.stdout().contains("deletion refused"), run.stdout());
    }

    private static BlobContainerClient blob(String name) {
        return StorageClients.byConnectionString(Azurite.shared().connectionString()).getBlobContainerClient(name);
    }

    private static Set<String> ids(BackupStore store) {
        return store.list().stream().map(Manifest::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> toDelete(JsonNode store) {
        List<String> ids = new ArrayList<>();
        store.get("plan").get("decisions").forEach(d -> {
            if (d.get("action").asText().equals("delete")) {
                ids.add(d.get("id").asText());
            }
        });
        return ids;
    }

    private static List<String> deletedIds(JsonNode report, int store) {
        List<String> ids = new ArrayList<>();
        report.get("stores").get(store).get("deleted").forEach(d -> ids.add(d.asText()));
        return ids;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
