package com.shiftsync.backup.verify;

import com.azure.storage.blob.BlobContainerClient;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SnapshotSession;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.TableDifference;
import com.shiftsync.backup.testing.ForwardingDumpTool;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.ScratchDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monthly restore test against real PostgreSQL and Azurite: a good backup passes, a
 * count that differs fails naming the table, a damaged archive is refused before anything
 * is created or restored, and no scratch database outlives a run, whatever happened.
 */
class VerifyJobIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;

    /** Counts what the job asked of the server, to show what a refused archive never reached. */
    final AtomicInteger creates = new AtomicInteger();
    final AtomicInteger restores = new AtomicInteger();

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("verified");
    }

    @AfterEach
    void noScratchDatabaseLeft() {
        assertEquals(List.of(), ScratchDatabases.on(pg), "no scratch database outlives a run");
        assertEquals(List.of(), ScratchDatabases.rolesOn(pg), "no throwaway role outlives a run");
    }

    static PgDumpTool dumpTool() {
        return new PgDumpTool(PgBinaries.locate(null), Duration.ofMinutes(10));
    }

    static BlobContainerClient container(String prefix) {
        return StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(prefix + "-" + Long.toHexString(System.nanoTime()));
    }

    static Manifest backup(BackupStore store, Tier tier) {
        return new BackupJob(() -> pg.url(db), new JdbcDatabase(), dumpTool(), List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10)).run(tier, Reporter.NONE).manifest();
    }

    private VerifyJob job() {
        return job(dumpTool());
    }

    private VerifyJob job(DumpTool tool) {
        Database counting = countingDatabase(new JdbcDatabase());
        DumpTool countingTool = countingTool(tool);
        return new VerifyJob(() -> pg.url(db), counting, countingTool,
                new RestoreJob(counting, countingTool, dir.resolve("scratch")), Clock.systemUTC());
    }

    @Test
    @DisplayName("a good backup in Blob passes: every table compared, the result recorded next to it, the scratch database dropped")
    void passesFromBlob() {
        BlobBackupStore blob = new BlobBackupStore(container("verify"));
        Manifest m = backup(blob, Tier.DAILY);
        Instant before = Instant.now();

        Verification v = job().run(blob, "latest", Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertTrue(v.passed(), v.toString());
        assertEquals(m.id(), v.backupId());
        assertEquals("azure", v.store());
        assertEquals(5, v.tablesCompared());
        assertEquals(List.of(), v.differences());
        assertNull(v.reason());
        assertTrue(v.scratchDatabase().startsWith(VerifyJob.SCRATCH_PREFIX), v.scratchDatabase());
        assertTrue(v.scratchDropped());
        assertTrue(v.restoreMs() > 0 && v.durationMs() >= v.restoreMs() + v.fetchMs(), v.toString());
        assertFalse(v.verifiedAt().isBefore(before));
        assertEquals(1, creates.get());
        Verification recorded = Verification.read(blob.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow());
        assertEquals(v, recorded);
        assertTrue(blob.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow().contains("\"passed\" : true"),
                "retention reads the boolean \"passed\"");
    }

    @Test
    @DisplayName("a manifest whose count for one table differs fails the test, naming that table")
    void countDiffers() throws Exception {
        LocalBackupStore real = new LocalBackupStore(dir.resolve("real"));
        Manifest good = backup(real, Tier.DAILY);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("planted"));
        Map<String, Long> counts = new TreeMap<>(good.rowCounts());
        counts.put("public.shifts", counts.get("public.shifts") + 1);
        plant(real, good, store, counts);

        Verification v = job().run(store, "latest", Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertFalse(v.passed());
        assertEquals("compare", v.stage());
        assertEquals(List.of(new TableDifference("public.shifts", 2001, 2000L)), v.differences());
        assertTrue(v.reason().contains("public.shifts: 2,000 rows restored, the manifest counted 2,001"), v.reason());
        assertTrue(v.summary().startsWith("backup " + good.id() + " failed its restore test: 1 of 5 tables differ"),
                v.summary());
        assertTrue(v.scratchDropped());
        assertFalse(Verification.read(store.getRecord(Tier.DAILY, good.backupId(), "verification").orElseThrow()).passed());
    }

    @Test
    @DisplayName("an archive with one byte changed is refused before any database is created or restored")
    void tamperedArchive() throws Exception {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(local, Tier.DAILY);
        Path archive = local.archiveFile(Tier.DAILY, m.backupId()).orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        assertEquals(m.sizeBytes(), Files.size(archive), "same size: only the checksum can tell");

        Verification v = job().run(local, m.id(), Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertRefused(v, m);
        assertFalse(Verification.read(local.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow()).passed());
    }

    @Test
    @DisplayName("an altered archive in Blob is refused before any database is created or restored; a truncated one is never chosen")
    void truncatedArchiveInBlob() throws Exception {
        BlobContainerClient container = container("truncated");
        BlobBackupStore blob = new BlobBackupStore(container);
        Manifest m = backup(blob, Tier.DAILY);
        byte[] whole;
        try (InputStream in = blob.openArchive(Tier.DAILY, m.backupId())) {
            whole = in.readAllBytes();
        }
        byte[] altered = whole.clone();
        altered[altered.length / 2] ^= 0x20;
        container.getBlobClient("daily/" + m.backupId().archiveName())
                .upload(com.azure.core.util.BinaryData.fromBytes(altered), true);

        Verification v = job().run(blob, "latest", Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertRefused(v, m);
        assertTrue(v.reason().contains("(" + altered.length + " bytes"), v.reason());
        assertEquals(List.of(), List.of(dir.resolve("scratch").toFile().list() == null ? new String[0]
                : dir.resolve("scratch").toFile().list()), "the downloaded copy is deleted");

        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 100);
        container.getBlobClient("daily/" + m.backupId().archiveName())
                .upload(com.azure.core.util.BinaryData.fromBytes(cut), true);
        int before = creates.get();
        ShiftSyncException e = org.junit.jupiter.api.Assertions.assertThrows(ShiftSyncException.class,
                () -> job().run(blob, "latest", Reporter.NONE));
        CapturedOutput.record(e.getMessage());
        assertTrue(e.getMessage().contains("is damaged: its archive is " + cut.length + " bytes, its manifest says "
                + whole.length), e.getMessage());
        assertEquals(before, creates.get(), "no scratch database was created");
    }

    @Test
    @DisplayName("a pg_restore that fails still leaves no scratch database, and the failure is recorded")
    void restoreFails() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(local, Tier.DAILY);
        DumpTool failing = new DelegatingTool(dumpTool()) {
            @Override
            public void restoreSandboxed(PgClients.Client client, Path archive, DatabaseUrl sandbox,
                                         Cancellation cancel) {
                super.restoreSandboxed(client, archive, sandbox, cancel);
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "pg_restore: error: simulated failure");
            }
        };
        Verification v = job(failing).run(local, m.id(), Reporter.NONE);
        assertFalse(v.passed());
        assertEquals("restore", v.stage());
        assertEquals("pg_restore: error: simulated failure", v.reason());
        assertTrue(v.scratchDropped());
        assertEquals(1, creates.get());
    }

    @Test
    @DisplayName("scratch databases of killed tests, over a day old and idle, are dropped by the next test; "
            + "a younger one, one in use and other names stay")
    void leftoversOfKilledTests() throws Exception {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(local, Tier.DAILY);
        String killed = VerifyJob.SCRATCH_PREFIX + "20260101020000_0a1b2c";
        String inUse = VerifyJob.SCRATCH_PREFIX + "20260101020000_3d4e5f";
        String running = VerifyJob.SCRATCH_PREFIX + java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusHours(5)) + "_abcdef";
        String notOurs = VerifyJob.SCRATCH_PREFIX + "notes";
        for (String name : List.of(killed, inUse, running, notOurs)) {
            pg.execute("postgres", "CREATE DATABASE \"" + name + "\"");
        }
        try (java.sql.Connection session = pg.connect(inUse)) {
            Verification v = job().run(local, m.id(), Reporter.NONE);
            CapturedOutput.record(v.toJson());

            assertTrue(v.passed(), v.toString());
            assertEquals(List.of(killed), v.leftoversDropped());
            assertEquals("scratch databases older than 24 h left in place because sessions are connected to them: "
                    + inUse, v.leftoversProblem());
            assertEquals(List.of(inUse, running, notOurs), ScratchDatabases.on(pg));
            assertEquals(v, Verification.read(local.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow()));
        } finally {
            for (String name : List.of(inUse, running, notOurs)) {
                pg.dropDatabase(name);
            }
        }
    }

    @Test
    @DisplayName("no such backup: NOT_FOUND, nothing created; a bad id: BAD_INPUT")
    void nothingToTest() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("empty"));
        ShiftSyncException none = assertThrows(ShiftSyncException.class, () -> job().run(local, "latest", Reporter.NONE));
        assertEquals(ErrorCode.NOT_FOUND, none.code());
        ShiftSyncException bad = assertThrows(ShiftSyncException.class, () -> job().run(local, "last-tuesday", Reporter.NONE));
        assertEquals(ErrorCode.BAD_INPUT, bad.code());
        assertEquals(0, creates.get());
    }

    private void assertRefused(Verification v, Manifest m) {
        assertFalse(v.passed());
        assertEquals("archive", v.stage());
        assertTrue(v.reason().contains("does not match its manifest") && v.reason().contains("nothing was restored"),
                v.reason());
        assertTrue(v.reason().contains(m.sha256()), "names the expected checksum: " + v.reason());
        assertEquals(0, creates.get(), "no scratch database was created");
        assertEquals(0, restores.get(), "pg_restore never ran");
        assertEquals(0, v.restoreMs());
    }

    /** Copies {@code good}'s archive into {@code target} under a manifest with other row counts. */
    static void plant(LocalBackupStore from, Manifest good, LocalBackupStore target, Map<String, Long> counts)
            throws Exception {
        BackupId id = good.backupId();
        Path dest = target.root().resolve(good.tier().folder());
        Files.createDirectories(dest);
        Files.copy(from.archiveFile(good.tier(), id).orElseThrow(), dest.resolve(id.archiveName()));
        target.putManifest(new Manifest(good.id(), good.database(), good.tier(), good.startedAt(), good.finishedAt(),
                good.sizeBytes(), good.sha256(), good.serverVersion(), good.pgDumpVersion(), good.format(), counts));
    }

    private Database countingDatabase(Database real) {
        return new Database() {
            @Override
            public SnapshotSession openSnapshot(DatabaseUrl url) {
                return real.openSnapshot(url);
            }

            @Override
            public Map<String, Long> countRows(DatabaseUrl url) {
                return real.countRows(url);
            }

            @Override
            public boolean exists(DatabaseUrl server, String database) {
                return real.exists(server, database);
            }

            @Override
            public String serverVersion(DatabaseUrl server) {
                return real.serverVersion(server);
            }

            @Override
            public void create(DatabaseUrl server, String database) {
                creates.incrementAndGet();
                real.create(server, database);
            }

            @Override
            public void drop(DatabaseUrl server, String database) {
                real.drop(server, database);
            }

            @Override
            public DatabaseUrl createSandbox(DatabaseUrl server, String name) {
                creates.incrementAndGet();
                return real.createSandbox(server, name);
            }

            @Override
            public void dropSandbox(DatabaseUrl server, String name) {
                real.dropSandbox(server, name);
            }

            @Override
            public boolean dropSandboxIfIdle(DatabaseUrl server, String name) {
                return real.dropSandboxIfIdle(server, name);
            }

            @Override
            public List<String> sandboxesStartingWith(DatabaseUrl server, String prefix) {
                return real.sandboxesStartingWith(server, prefix);
            }

            @Override
            public java.util.Optional<Facts> facts(DatabaseUrl url) {
                return real.facts(url);
            }
        };
    }

    private DumpTool countingTool(DumpTool real) {
        return new DelegatingTool(real) {
            @Override
            public void restore(PgClients.Client client, Path archive, DatabaseUrl target, int jobs,
                                boolean ownersAndGrants) {
                restores.incrementAndGet();
                super.restore(client, archive, target, jobs, ownersAndGrants);
            }

            @Override
            public void restoreSandboxed(PgClients.Client client, Path archive, DatabaseUrl sandbox,
                                         Cancellation cancel) {
                restores.incrementAndGet();
                super.restoreSandboxed(client, archive, sandbox, cancel);
            }
        };
    }

    static class DelegatingTool extends ForwardingDumpTool {
        DelegatingTool(DumpTool real) {
            super(real);
        }
    }
}
