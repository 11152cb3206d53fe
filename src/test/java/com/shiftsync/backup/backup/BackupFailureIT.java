package com.shiftsync.backup.backup;

import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.domain.Compression;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.DumpProcess;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.testing.ForwardingDumpTool;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup that fails half-way leaves nothing that looks like a backup, and the backups
 * made before it are still listed and restore.
 */
class BackupFailureIT {
    static PostgresCluster pg;
    static String bulk;

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        bulk = pg.seededDatabase("bulk");
        // about 30 MB of poorly compressible rows: the archive spans several 8 MiB blocks
        pg.execute(bulk, "CREATE TABLE noise AS SELECT g AS id, md5(random()::text) || md5(random()::text) "
                + "|| md5(random()::text) AS a, md5(random()::text) AS b FROM generate_series(1, 250000) g");
    }

    private BackupJob job(BackupStore store, DumpTool tool) {
        return new BackupJob(() -> pg.url(bulk), new JdbcDatabase(), tool, List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10));
    }

    @Test
    @DisplayName("pg_dump killed mid-stream: the run fails, nothing is committed, the earlier backup still restores")
    void pgDumpKilled() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("local"));
        BlobBackupStore blob = new BlobBackupStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient("killed-" + Long.toHexString(System.nanoTime())));
        Manifest good = new BackupJob(() -> pg.url(bulk), new JdbcDatabase(), BackupRoundTripIT.dumpTool(),
                List.of(local, blob), Clock.systemUTC(), Duration.ofMinutes(10)).run(Tier.DAILY, Reporter.NONE).manifest();
        sleepPastTheSecond();

        DumpTool killing = afterBytes(BackupRoundTripIT.dumpTool(), 2 * 1024 * 1024, BackupFailureIT::killPgDump);
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new BackupJob(() -> pg.url(bulk), new JdbcDatabase(), killing, List.of(local, blob),
                        Clock.systemUTC(), Duration.ofMinutes(10)).run(Tier.DAILY, Reporter.NONE));
        CapturedOutput.record(e.getMessage());

        assertEquals(ErrorCode.JOB_FAILED, e.code());
        assertTrue(e.getMessage().startsWith("pg_dump was killed by signal 9"), e.getMessage());
        assertOnly(good, local);
        assertOnly(good, blob);
        assertNoPartialFiles(local.root());
        assertRestores(good, blob);
    }

    @Test
    @DisplayName("storage unreachable mid-upload: the run fails, no blob is committed, the earlier backup is intact")
    void storageDiesMidUpload() {
        try (Azurite own = Azurite.startNew()) {
            BlobBackupStore blob = new BlobBackupStore(StorageClients.byConnectionString(own.connectionString())
                    .getBlobContainerClient("dying"));
            Manifest good = job(blob, BackupRoundTripIT.dumpTool()).run(Tier.DAILY, Reporter.NONE).manifest();
            // let Azurite save the good backup: the kill below must not be what loses it
            own.stop();
            own.restart();
            sleepPastTheSecond();

            DumpTool cutting = afterBytes(BackupRoundTripIT.dumpTool(), 17 * 1024 * 1024, own::kill);
            ShiftSyncException e = assertThrows(ShiftSyncException.class,
                    () -> job(blob, cutting).run(Tier.DAILY, Reporter.NONE));
            CapturedOutput.record(e.getMessage());
            assertEquals(ErrorCode.UPSTREAM_FAILED, e.code(), "Storage failed, not the job");
            assertTrue(e.getMessage().contains("could not upload blob dying/daily/")
                    || e.getMessage().contains("could not commit blob dying/daily/"), e.getMessage());
            // bounded retries, counted (a busy machine makes each try slower, never more numerous)
            assertTrue(e.getMessage().contains(" after 4 attempts"), e.getMessage());

            own.restart();
            BlobBackupStore after = new BlobBackupStore(StorageClients.byConnectionString(own.connectionString())
                    .getBlobContainerClient("dying"));
            assertOnly(good, after);
            assertRestores(good, after);
        }
    }

    @Test
    @DisplayName("a wrong password fails before anything is written")
    void wrongPassword() {
        LocalBackupStore local = new LocalBackupStore(dir.resolve("local"));
        DatabaseUrl wrong = pg.url(bulk).withPassword("not-the-password");
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> new BackupJob(() -> wrong,
                new JdbcDatabase(), BackupRoundTripIT.dumpTool(), List.of(local), Clock.systemUTC(),
                Duration.ofMinutes(1)).run(Tier.DAILY, Reporter.NONE));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertTrue(!e.getMessage().contains("not-the-password"), "no password in messages");
        assertEquals(List.of(), local.list());
        assertEquals(List.of(), local.listArchives());
    }

    private static void assertOnly(Manifest good, BackupStore store) {
        assertEquals(List.of(good), store.list(), "exactly the earlier backup is listed in " + store.name());
        assertEquals(List.of(good.backupId()), store.listArchives().stream().map(a -> a.id()).toList(),
                "no other archive was committed in " + store.name());
    }

    private void assertRestores(Manifest good, BackupStore store) {
        String target = "after_failure_" + Long.toHexString(System.nanoTime());
        new RestoreJob(new JdbcDatabase(), BackupRoundTripIT.dumpTool(), dir.resolve("scratch"))
                .run(store, good.id(), pg.url(target), Reporter.NONE);
        assertEquals(good.rowCounts(), Fingerprint.rowCounts(pg, target));
        pg.dropDatabase(target);
    }

    private static void assertNoPartialFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<String> leftovers = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".partial") || n.endsWith(".tmp")).toList();
            assertEquals(List.of(), leftovers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ids have one-second resolution: the next backup must start in a later second. */
    private static void sleepPastTheSecond() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void killPgDump() {
        ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** The real tool, with {@code action} run once when {@code limit} bytes of the archive have been read. */
    static DumpTool afterBytes(DumpTool real, long limit, Runnable action) {
        return new ForwardingDumpTool(real) {
            @Override
            public DumpProcess startDump(PgClients.Client client, DatabaseUrl source, String snapshot,
                                         Compression compression) {
                DumpProcess dump = real.startDump(client, source, snapshot, compression);
                InputStream tripwire = new FilterInputStream(dump.output()) {
                    private long read;
                    private boolean fired;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        read += Math.max(n, 0);
                        if (!fired && read >= limit) {
                            fired = true;
                            action.run();
                        }
                        return n;
                    }
                };
                return new DumpProcess() {
                    @Override
                    public PgClients.Client client() {
                        return dump.client();
                    }

                    @Override
                    public InputStream output() {
                        return tripwire;
                    }

                    @Override
                    public void awaitSuccess(Duration timeout) {
                        dump.awaitSuccess(timeout);
                    }

                    @Override
                    public void close() {
                        dump.close();
                    }
                };
            }
        };
    }
}
