package com.shiftsync.backup.faults;

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
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Manifests written by someone with write access to the stores, as they would plant them:
 * one dated an hour ahead of the clock (a VM clock ahead, or a bid to pass for the newest
 * backup and meet the RPO forever), and a valid manifest copied under another backup's name
 * or into another tier's folder. Each in a local folder and in Azurite, seen through the
 * packaged command line as an operator sees it.
 */
class PlantedManifestsIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;
    Map<String, String> env;
    String container;
    LocalBackupStore local;
    BlobBackupStore azure;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("planted");
    }

    @BeforeEach
    void environment() {
        container = "planted-" + Long.toHexString(System.nanoTime());
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", container);
        // an audit log of the test's own: two tests' backups of the same database in one second share an id
        env.put("AUDIT_CONTAINER", container + "-audit");
        env.put("UPLOADS_CONTAINER", container + "-uploads");
        local = new LocalBackupStore(dir.resolve("backups"));
        azure = new BlobBackupStore(blobs());
    }

    BlobContainerClient blobs() {
        return StorageClients.byConnectionString(Azurite.shared().connectionString()).getBlobContainerClient(container);
    }

    /** A real backup in both stores. */
    Manifest backup() {
        CliRun run = CliRun.run(env, "backup", "--upload");
        assertEquals(0, run.exitCode(), run.stderr());
        return local.find(run.stdout().strip()).orElseThrow();
    }

    /** The backup {@code m} again, in {@code store}, as a backup that started at {@code at}: a complete one. */
    static Manifest copy(BackupStore store, Manifest m, Instant at) {
        BackupId id = new BackupId(m.backupId().label(), at);
        try (InputStream in = store.openArchive(m.tier(), m.backupId());
             ArchiveWriter w = store.createArchive(m.tier(), id)) {
            byte[] buffer = in.readAllBytes();
            w.write(buffer, 0, buffer.length);
            w.commit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Manifest copy = new Manifest(id.toString(), m.database(), m.tier(), id.startedAt(), id.startedAt().plusSeconds(9),
                m.sizeBytes(), m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), m.rowCounts());
        store.putManifest(copy);
        return copy;
    }

    String target() {
        return "postgresql://postgres@127.0.0.1:" + pg.port() + "/planted_" + Long.toHexString(System.nanoTime());
    }

    /** restore --backup latest from each store in turn: {@code expected} restored, the warnings naming what was passed over. */
    void restoreLatestFromEachStore(Manifest expected, String... warnings) {
        for (String source : List.of("local", "azure")) {
            String target = "planted_" + Long.toHexString(System.nanoTime());
            CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--source", source, "--target-url",
                    "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
            assertEquals(0, restore.exitCode(), restore.stderr());
            assertTrue(restore.stdout().startsWith("restored " + expected.id() + " from "), restore.stdout());
            for (String w : warnings) {
                assertTrue(restore.stderr().contains(w), w + ": " + restore.stderr());
            }
            assertEquals(Fingerprint.data(pg, db), Fingerprint.data(pg, target));
            pg.dropDatabase(target);
        }
    }

    static JsonNode json(CliRun run) throws IOException {
        assertEquals(0, run.exitCode(), run.stderr());
        return Json.MAPPER.readTree(run.stdout());
    }

    static List<String> codes(JsonNode status) {
        List<String> codes = new ArrayList<>();
        status.get("alerts").forEach(a -> codes.add(a.get("code").asText() + " " + a.path("tier").asText()));
        return codes;
    }

    static JsonNode decision(JsonNode prune, String store, String id) {
        for (JsonNode s : prune.get("stores")) {
            if (s.get("store").asText().equals(store)) {
                for (JsonNode d : s.get("plan").get("decisions")) {
                    if (d.get("id").asText().equals(id)) {
                        return d;
                    }
                }
            }
        }
        throw new AssertionError("no decision on " + id + " in " + store + ": " + prune);
    }

    @Test
    @DisplayName("a backup dated an hour ahead, in the local folder and in Blob: never latest for restore, the RPO and "
            + "its alert as if it were absent, backup-from-the-future raised, not the prune floor, and kept by prune; "
            + "one 4 minutes ahead is an ordinary backup")
    void fromTheFuture() throws IOException {
        Manifest real = backup();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // the only backup there is started 30 hours ago: past the RPO and the daily backup's limit
        Manifest old = null;
        for (BackupStore store : List.of(local, azure)) {
            old = copy(store, real, now.minus(Duration.ofHours(30)));
            store.deleteManifest(Tier.DAILY, real.backupId());
            store.deleteArchive(Tier.DAILY, real.backupId());
        }
        JsonNode before = json(CliRun.run(env, "status", "--json"));
        assertEquals(old.id(), before.get("rpo").get("newestBackupId").asText());
        assertFalse(before.get("rpo").get("met").asBoolean());
        assertTrue(codes(before).contains("backup-missing daily"), codes(before).toString());

        Manifest future = null;
        for (BackupStore store : List.of(local, azure)) {
            future = copy(store, old, now.plus(Duration.ofHours(1)));
        }
        assertTrue(Files.exists(dir.resolve("backups/daily/" + future.backupId().manifestName())));
        assertTrue(blobs().getBlobClient("daily/" + future.backupId().manifestName()).exists());

        JsonNode after = json(CliRun.run(env, "status", "--json"));
        assertEquals(before.get("rpo").get("newestBackupId"), after.get("rpo").get("newestBackupId"),
                "the RPO is measured as if the future backup were not there");
        assertFalse(after.get("rpo").get("met").asBoolean());
        assertEquals(old.id(), after.get("tiers").get(0).get("newestBackupId").asText());
        List<String> expected = new ArrayList<>(codes(before));
        expected.add("backup-from-the-future daily");
        assertEquals(expected.stream().sorted().toList(), codes(after).stream().sorted().toList());
        String reason = "";
        for (JsonNode a : after.get("alerts")) {
            if (a.get("code").asText().equals("backup-from-the-future")) {
                reason = a.get("reason").asText();
            }
        }
        assertTrue(reason.startsWith("daily backup " + future.id() + " started ") && reason.contains(
                "ahead of this machine's clock") && reason.contains("never latest"), reason);

        restoreLatestFromEachStore(old, "warning: daily backup " + future.id(),
                "so it is not latest; using " + old.id() + " instead");

        // a day's retention: the 30-hour-old backup is kept only by the floor, which the future one does not take
        env.put("LOCAL_RETENTION_DAYS", "1");
        env.put("AZURE_RETENTION_DAYS", "1");
        JsonNode plan = json(CliRun.run(env, "prune", "--dry-run", "--json"));
        for (String store : List.of("local", "azure")) {
            JsonNode kept = decision(plan, store, old.id());
            assertEquals("keep", kept.get("action").asText());
            assertEquals("newest complete daily backup (safety floor)", kept.get("reason").asText());
            JsonNode ahead = decision(plan, store, future.id());
            assertEquals("keep", ahead.get("action").asText());
            assertTrue(ahead.get("reason").asText().matches("started \\d+ min after now \\(a clock ahead, or a planted "
                    + "manifest\\): not expired, so kept, but it counts for no rule, not even the safety floor"),
                    ahead.get("reason").asText());
        }
        CliRun prune = CliRun.run(env, "prune");
        assertEquals(0, prune.exitCode(), prune.stderr());
        for (BackupStore store : List.of(local, azure)) {
            assertEquals(List.of(future.id(), old.id()), store.list().stream().map(Manifest::id).toList(),
                    "prune deleted neither in " + store.name());
        }

        Manifest soon = null;
        for (BackupStore store : List.of(local, azure)) {
            soon = copy(store, old, now.plus(Duration.ofMinutes(4)));
        }
        JsonNode ok = json(CliRun.run(env, "status", "--json"));
        assertEquals(soon.id(), ok.get("rpo").get("newestBackupId").asText(), "4 minutes ahead: two clocks differ");
        assertTrue(ok.get("rpo").get("met").asBoolean());
        assertEquals(List.of("backup-from-the-future daily"), codes(ok).stream()
                .filter(c -> !c.startsWith("verification-stale") && !c.startsWith("manifests-unauthenticated")).toList(),
                codes(ok).toString());
        for (String source : List.of("local", "azure")) {
            CliRun download = CliRun.run(env, "download", "--backup", "latest", "--source", source, "--to",
                    dir.resolve(source + ".dump").toString());
            assertEquals(0, download.exitCode(), download.stderr());
            assertTrue(download.stderr().contains("downloaded " + soon.id() + " from "), download.stderr());
        }
    }

    @Test
    @DisplayName("a valid manifest copied under a newer backup's name and into the weekly folder, in the local folder "
            + "and in Blob: damaged (manifest misplaced) in list and status, never latest, never deleted by prune")
    void misplacedManifest() throws IOException {
        Manifest real = backup();
        BackupId newer = new BackupId(real.backupId().label(), real.backupId().startedAt().plusSeconds(60));
        String manifest = "daily/" + real.backupId().manifestName();
        String archive = "daily/" + real.backupId().archiveName();
        // from, to: the manifest and its archive under a newer id's name, and in the weekly folder
        List<String[]> copies = List.of(new String[] {manifest, "daily/" + newer.manifestName()},
                new String[] {archive, "daily/" + newer.archiveName()},
                new String[] {manifest, "weekly/" + real.backupId().manifestName()},
                new String[] {archive, "weekly/" + real.backupId().archiveName()});
        Path folder = dir.resolve("backups");
        Files.createDirectories(folder.resolve("weekly"));
        for (String[] c : copies) {
            Files.copy(folder.resolve(c[0]), folder.resolve(c[1]));
            blobs().getBlobClient(c[1]).upload(BinaryData.fromBytes(blobs().getBlobClient(c[0]).downloadContent()
                    .toBytes()));
        }

        CliRun listed = CliRun.run(env, "list", "--json");
        JsonNode list = json(listed);
        List<String> rows = new ArrayList<>();
        list.forEach(r -> rows.add(r.get("store").asText() + " " + r.get("tier").asText() + " " + r.get("id").asText()
                + " " + r.get("condition").asText()));
        assertEquals(List.of(
                "azure daily " + newer + " damaged: manifest misplaced",
                "local daily " + newer + " damaged: manifest misplaced",
                "azure daily " + real.id() + " complete",
                "azure weekly " + real.id() + " damaged: manifest misplaced",
                "local daily " + real.id() + " complete",
                "local weekly " + real.id() + " damaged: manifest misplaced"), rows);
        String damage = list.get(0).get("damage").asText();
        assertTrue(damage.contains("its manifest is not its own (it names daily backup " + real.id() + ", not the "
                + "daily backup " + newer + " its file is named for"), damage);

        restoreLatestFromEachStore(real, "warning: daily backup " + newer, "manifest is not its own");
        CliRun named = CliRun.run(env, "restore", "--backup", newer.toString(), "--target-url", target());
        assertEquals(1, named.exitCode(), named.stderr());
        assertTrue(named.stderr().contains("backup " + newer + " cannot be read"), named.stderr());

        JsonNode status = json(CliRun.run(env, "status", "--json"));
        assertEquals(real.id(), status.get("rpo").get("newestBackupId").asText());
        assertTrue(status.get("tiers").get(1).get("newestBackupId").isNull(), "no good weekly backup: " + status);
        long damaged = 0;
        for (JsonNode a : status.get("alerts")) {
            damaged += a.get("code").asText().equals("backup-damaged") ? 1 : 0;
        }
        assertEquals(4, damaged, "each misplaced manifest in each store: " + status);

        CliRun prune = CliRun.run(env, "prune");
        assertEquals(0, prune.exitCode(), prune.stderr());
        assertTrue(prune.stdout().lines().anyMatch(l -> l.contains(newer.toString())
                && l.contains("prune never deletes it nor its archive")), prune.stdout());
        for (String[] c : copies) {
            assertTrue(Files.exists(folder.resolve(c[1])), c[1]);
            assertTrue(blobs().getBlobClient(c[1]).exists(), c[1]);
        }
    }
}
