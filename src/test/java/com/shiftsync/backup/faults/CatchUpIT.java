package com.shiftsync.backup.faults;

import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.backup.PendingCopy;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.MonitorJob;
import com.shiftsync.backup.monitor.MonitorPolicy;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.ForwardingBackupStore;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-store outcome of a backup and its catch-up, at the job: a store that fails mid-run
 * (here Blob Storage refusing the archive, as after an outage) does not discard the local
 * copy; the event carries every store's result; the next run into that store uploads the
 * missing copy after checking its SHA-256, and never one that no longer matches its manifest.
 */
class CatchUpIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("catchup");
    }

    private BackupJob job(BackupStore... stores) {
        return new BackupJob(() -> pg.url(db), new JdbcDatabase(), new PgDumpTool(PgBinaries.locate(null),
                Duration.ofMinutes(10)), List.of(stores), Clock.systemUTC(), Duration.ofMinutes(10));
    }

    @Test
    @DisplayName("Blob fails: the local copy is committed with a pending-copy record, the event has per-store results, the monitor says offsite-missing; the next run uploads it (SHA-256 checked) and clears the record")
    void nextRunCatchesUp() throws Exception {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        BlobBackupStore realBlob = new BlobBackupStore(StorageClients.byConnectionString(
                Azurite.shared().connectionString()).getBlobContainerClient("catchup-" + Long.toHexString(System.nanoTime())));
        Refusing blob = new Refusing(realBlob);
        blob.refuse = true;
        List<Event> events = new ArrayList<>();
        Reporter recording = new Reporter.Forwarding(Reporter.NONE) {
            @Override
            public void event(Event event) {
                events.add(event);
            }
        };

        BackupResult partial = job(local, blob).run(Tier.DAILY, recording);
        assertFalse(partial.complete());
        assertEquals(List.of("local"), partial.stores());
        String id = partial.manifest().id();
        assertTrue(partial.failures().get(0).reason().contains("Storage answered 503 ServerBusy")
                && partial.failures().get(0).reason().endsWith("no backup was committed there"),
                partial.failures().get(0).reason());
        assertEquals(List.of(partial.manifest()), local.list(), "the good copy's manifest is committed");
        assertEquals(List.of(), realBlob.list());
        Event failed = events.get(events.size() - 1);
        CapturedOutput.record(failed.toJson());
        assertEquals("ShiftSync.Backup.Failed", failed.name());
        assertEquals(id, failed.fields().get("id"));
        assertEquals(2, ((List<?>) failed.fields().get("storeResults")).size());
        PendingCopy pending = PendingCopy.read(local.getRecord(Tier.DAILY, partial.manifest().backupId(),
                PendingCopy.KIND).orElseThrow());
        assertEquals(List.of("azure"), pending.missing());
        assertTrue(new MonitorJob(Clock.systemUTC(), MonitorPolicy.defaults()).read(List.of(local, realBlob))
                .alerts().stream().anyMatch(a -> a.code().id().equals("offsite-missing") && a.reason().contains(id)));

        // a second failure stacks a second pending copy; then one of the local copies is changed on disk
        BackupResult second = job(local, blob).run(Tier.DAILY, Reporter.NONE);
        assertFalse(second.complete());
        flipAByte(dir.resolve("backups/daily/" + second.manifest().backupId().archiveName()));

        blob.refuse = false;
        BackupResult caughtUp = job(local, blob).run(Tier.DAILY, Reporter.NONE);
        CapturedOutput.record(String.join("\n", caughtUp.caughtUp()));
        assertTrue(caughtUp.complete(), caughtUp.storeResults().toString());
        assertTrue(caughtUp.caughtUp().stream().anyMatch(l -> l.startsWith("daily backup " + id + " copied from local folder")
                && l.contains("SHA-256 checked")), caughtUp.caughtUp().toString());
        assertTrue(caughtUp.caughtUp().stream().anyMatch(l -> l.contains(second.manifest().id())
                && l.contains("does not match its manifest") && l.contains("it was not copied")),
                caughtUp.caughtUp().toString());
        BackupCatalog azure = realBlob.catalog();
        assertEquals(List.of(caughtUp.manifest().id(), id), azure.complete().stream().map(Manifest::id).toList(),
                "the good copy uploaded, the changed one not");
        assertTrue(azure.damaged().isEmpty());
        assertArrayEquals(local.getSideFile(Tier.DAILY, partial.manifest().backupId(), RolesScript.KIND).orElseThrow(),
                realBlob.getSideFile(Tier.DAILY, partial.manifest().backupId(), RolesScript.KIND).orElseThrow(),
                "its roles file goes with it");
        assertTrue(realBlob.getSideFile(Tier.DAILY, second.manifest().backupId(), RolesScript.KIND).isEmpty(),
                "nothing of the copy not made");
        assertTrue(local.getRecord(Tier.DAILY, partial.manifest().backupId(), PendingCopy.KIND).isEmpty(),
                "the record of the copy made is gone");
        assertTrue(local.getRecord(Tier.DAILY, second.manifest().backupId(), PendingCopy.KIND).isPresent(),
                "the copy not made is still pending");
    }

    @Test
    @DisplayName("every store failing: the run fails with each store's reason and leaves nothing; pg_dump failing leaves no copy anywhere")
    void nothingAnywhere() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("none"));
        Refusing a = new Refusing(local);
        a.refuse = true;
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> job(a).run(Tier.DAILY, Reporter.NONE));
        CapturedOutput.record(e.getMessage());
        assertTrue(e.getMessage().contains("Storage answered 503"), e.getMessage());
        assertEquals(List.of(), local.catalog().archives());
        assertEquals(List.of(), local.catalog().leftovers());
    }

    private static void flipAByte(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x01);
        }
    }

    @Test
    @DisplayName("a store that fails at the manifest, the last write: its roles file and archive are taken back, nothing of the run is left")
    void failedManifestTakesTheRolesFileBack() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        Refusing refusing = new Refusing(local);
        refusing.refuseManifests = true;
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> job(refusing).run(Tier.DAILY, Reporter.NONE));
        assertTrue(e.getMessage().contains("manifest refused"), e.getMessage());
        assertEquals(List.of(), local.catalog().archives());
        assertEquals(List.of(), local.catalog().leftovers());
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).toList(), "no roles file either");
        } catch (IOException io) {
            throw new IllegalStateException(io);
        }
    }

    /** A store that refuses new archives while {@code refuse} is set, as Blob Storage does while it is down. */
    static final class Refusing extends ForwardingBackupStore {
        volatile boolean refuse;
        volatile boolean refuseManifests;

        Refusing(BackupStore store) {
            super(store);
        }

        @Override
        public ArchiveWriter createArchive(Tier tier, BackupId id) {
            if (refuse) {
                throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, "could not upload " + id.archiveName()
                        + ": Storage answered 503 ServerBusy", "ServerBusy", null);
            }
            return store.createArchive(tier, id);
        }

        @Override
        public void putManifest(Manifest manifest) {
            if (refuseManifests) {
                throw new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, "manifest refused: Storage answered 503 "
                        + "ServerBusy", "ServerBusy", null);
            }
            store.putManifest(manifest);
        }
    }
}
