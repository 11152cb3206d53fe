package com.shiftsync.backup.backup;

import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.domain.BackupCompression;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveCipher;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TwoMajors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BACKUP_COMPRESSION and RESTORE_JOBS on real PostgreSQL 15 and 17 servers with their real
 * clients (through recording wrappers, which show each pg_dump's and pg_restore's argv): the
 * compression chosen per pair of clients and recorded in the manifest, a zstd backup that
 * restores with the same rows, a refusal where only a 15 client is here, and a parallel restore
 * into a new database that gives the same rows as a single-transaction one.
 */
class CompressionIT extends TwoMajors {
    private Manifest backup(PgDumpTool tool, PostgresCluster pg, String db, BackupCompression compression) {
        return new BackupJob(() -> pg.url(db), new JdbcDatabase(), tool, List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10), compression, ArchiveCipher.NONE, Optional::empty).run(Tier.DAILY, Reporter.NONE).manifest();
    }

    private static List<String> runs(Path wrapper, String tool, String argument) {
        return PgWrappers.commandLines(wrapper).stream()
                .filter(c -> c.contains(wrapper.resolve(tool) + " ") && c.contains(argument)).toList();
    }

    @Test
    @DisplayName("auto with clients 15 and 17: the 17 server's backup is zstd:1 (pg_dump 17 asked for it), the 15 server's gzip; the manifests say so")
    void autoPerClientPair() {
        PgDumpTool both = tool(w15, w17);
        Manifest of17 = backup(both, pg17, db17, BackupCompression.AUTO);
        assertEquals("zstd:1", of17.compression());
        assertEquals(17, of17.pgDumpMajor());
        assertEquals(1, runs(w17, "pg_dump", " --compress=zstd:1 --snapshot=").size(), PgWrappers.commandLines(w17)
                .toString());
        assertEquals(of17, store.list().stream().filter(m -> m.id().equals(of17.id())).findFirst().orElseThrow(),
                "the stored manifest carries the field");

        Manifest of15 = backup(both, pg15, db15, BackupCompression.AUTO);
        assertEquals("gzip", of15.compression());
        assertEquals(15, of15.pgDumpMajor());
        List<String> dumps15 = runs(w15, "pg_dump", "--snapshot=");
        assertEquals(1, dumps15.size());
        assertFalse(dumps15.get(0).contains("--compress"), "pg_dump 15's own default, gzip: " + dumps15.get(0));
    }

    @Test
    @DisplayName("with only the 15 client here, auto is gzip, and zstd is refused in one sentence naming BACKUP_COMPRESSION before pg_dump runs")
    void onlyFifteen() throws IOException {
        PgDumpTool only15 = tool(w15);
        assertEquals("gzip", backup(only15, pg15, db15, BackupCompression.AUTO).compression());
        int before = store.list().size();

        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> backup(only15, pg15, db15, BackupCompression.parse("zstd:3")));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertEquals("BACKUP_COMPRESSION is zstd:3, which only pg_dump 16 or newer writes, and the server at 127.0.0.1:"
                + pg15.port() + " is dumped by pg_dump " + only15.clients().all().get(0).version() + " (" + w15
                + "): set BACKUP_COMPRESSION to auto or gzip (auto takes zstd wherever the server and its client are 16 "
                + "or newer); no backup was made", e.getMessage());
        assertEquals(1, runs(w15, "pg_dump", "--snapshot=").size(), "no second pg_dump ran");
        assertEquals(before, store.list().size(), "no backup was added");
        try (var files = Files.list(dir.resolve("backups").resolve("daily"))) {
            assertEquals(3, files.count(), "one archive, its roles file and its manifest, nothing partial");
        }
    }

    @Test
    @DisplayName("a zstd backup restores with the same rows; with only a 15 pg_restore here it is refused in one sentence naming postgresql-client-17 and PG_BIN_DIR, nothing created")
    void zstdRestores() {
        Manifest m = backup(tool(w15, w17), pg17, db17, BackupCompression.AUTO);
        assertEquals("zstd:1", m.compression());
        String name = "zstd_" + Long.toHexString(System.nanoTime());
        RestoreResult result = new RestoreJob(new JdbcDatabase(), tool(w15, w17), dir.resolve("scratch"),
                Clock.systemUTC(), 2).run(store, m.id(), pg17.url(name), Reporter.NONE);
        assertTrue(result.check().passed(), result.check().toString());
        assertEquals(Fingerprint.data(pg17, db17), Fingerprint.data(pg17, name), "the same rows");
        pg17.dropDatabase(name);

        String refused = "refused_" + Long.toHexString(System.nanoTime());
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> new RestoreJob(new JdbcDatabase(),
                tool(w15), dir.resolve("scratch")).run(store, m.id(), pg17.url(refused), Reporter.NONE));
        assertTrue(e.getMessage().startsWith("restoring backup " + m.id() + ", made by pg_dump 17 (archive format 1.16, "
                + "compressed with zstd:1), into the PostgreSQL 17 server at 127.0.0.1:" + pg17.port()
                + " needs pg_restore 17"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": install postgresql-client-17 and make sure PG_BIN_DIR, when set, lists its "
                + "folder (/usr/lib/postgresql/17/bin); nothing was restored"), e.getMessage());
        assertFalse(e.getMessage().matches("(?s).*\\.\\s+[A-Z].*"), "one sentence: " + e.getMessage());
        assertFalse(new JdbcDatabase().exists(pg17.url("postgres"), refused), "no target database was created");
    }

    @Test
    @DisplayName("a restore into a new database runs pg_restore --jobs (RESTORE_JOBS) and gives the same rows as one over an existing database, which stays one transaction")
    void parallelIntoNewDatabase() {
        PgDumpTool tool = tool(w15, w17);
        Manifest m = backup(tool, pg17, db17, BackupCompression.AUTO);
        RestoreJob restore = new RestoreJob(new JdbcDatabase(), tool, dir.resolve("scratch"), Clock.systemUTC(), 3);

        String fresh = "par_" + Long.toHexString(System.nanoTime());
        assertTrue(restore.run(store, m.id(), pg17.url(fresh), Reporter.NONE).createdDatabase());
        String existing = pg17.createDatabase("one");
        assertFalse(restore.run(store, m.id(), pg17.url(existing), Reporter.NONE).createdDatabase());

        var source = Fingerprint.data(pg17, db17);
        assertEquals(source, Fingerprint.data(pg17, fresh), "the parallel restore's rows");
        assertEquals(source, Fingerprint.data(pg17, existing), "the single-transaction restore's rows");
        List<String> parallel = runs(w17, "pg_restore", "/" + fresh + "?");
        assertEquals(1, parallel.size(), PgWrappers.commandLines(w17).toString());
        assertTrue(parallel.get(0).contains(" --jobs=3 ") && !parallel.get(0).contains("--single-transaction"),
                parallel.get(0));
        List<String> single = runs(w17, "pg_restore", "/" + existing + "?");
        assertEquals(1, single.size());
        assertTrue(single.get(0).contains(" --single-transaction ") && !single.get(0).contains("--jobs"), single.get(0));
        pg17.dropDatabase(fresh);
        pg17.dropDatabase(existing);
    }
}
