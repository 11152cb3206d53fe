package com.shiftsync.backup.backup;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One machine, two majors: a PostgreSQL 15 and a PostgreSQL 17 server, and the real pg_dump and
 * pg_restore of both (PG_BIN_DIR lists the two folders, through recording wrappers that show
 * which binary ran). Each server is dumped by its own major; a 15 archive restores into both
 * servers, each time with the pg_restore of the target's major; a 17 archive is refused by the
 * 15 server before anything is touched.
 */
class ClientPerServerIT {
    static PostgresCluster pg15;
    static PostgresCluster pg17;
    static String db15;
    static String db17;

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        pg15 = PostgresCluster.shared();
        pg17 = PostgresCluster.postgres17();
        db15 = pg15.createDatabase("across");
        pg15.executeResource(db15, "/seed/shiftsync.sql");
        db17 = pg17.createDatabase("across");
        pg17.executeResource(db17, "/seed/shiftsync.sql");
    }

    /** Recording wrappers of the 15 and the 17 client, listed in PG_BIN_DIR's form. */
    private Path[] wrappers() throws IOException {
        Path w15 = PgWrappers.recording(Files.createDirectories(dir.resolve("pg15")), PostgresCluster.serverBinaries());
        Path w17 = PgWrappers.recording(Files.createDirectories(dir.resolve("pg17")), PostgresCluster.postgres17Binaries());
        return new Path[] {w15, w17};
    }

    private static PgDumpTool tool(Path... folders) {
        return new PgDumpTool(PgBinaries.locate(String.join(":", java.util.Arrays.stream(folders)
                .map(Path::toString).toList())), Duration.ofMinutes(10));
    }

    private static Manifest backup(PostgresCluster pg, String db, LocalBackupStore store, PgDumpTool tool) {
        return new BackupJob(() -> pg.url(db), new JdbcDatabase(), tool, List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10)).run(Tier.DAILY, Reporter.NONE).manifest();
    }

    private static boolean ran(Path wrapper, String tool, String argument) {
        return PgWrappers.commandLines(wrapper).stream()
                .anyMatch(c -> c.contains(wrapper.resolve(tool) + " ") && c.contains(argument));
    }

    @Test
    @DisplayName("with clients 15 and 17, the 17 server is dumped by pg_dump 17 and the 15 server by pg_dump 15, as the manifests record")
    void eachServerItsOwnPgDump() throws IOException {
        Path[] w = wrappers();
        PgDumpTool tool = tool(w[0], w[1]);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));

        Manifest of17 = backup(pg17, db17, store, tool);
        assertEquals(17, of17.pgDumpMajor());
        assertEquals("1.16", of17.archiveFormatVersion(), "read from the archive's header");
        assertTrue(of17.pgDumpVersion().startsWith("pg_dump (PostgreSQL) 17."), of17.pgDumpVersion());
        assertTrue(of17.serverVersion().startsWith("17."), of17.serverVersion());
        assertTrue(ran(w[1], "pg_dump", "--snapshot="), "pg_dump 17 dumped: " + PgWrappers.commandLines(w[1]));

        Manifest of15 = backup(pg15, db15, store, tool);
        assertEquals(15, of15.pgDumpMajor());
        assertEquals("1.14", of15.archiveFormatVersion());
        assertTrue(of15.pgDumpVersion().startsWith("pg_dump (PostgreSQL) 15."), of15.pgDumpVersion());
        assertTrue(ran(w[0], "pg_dump", "--snapshot="), "pg_dump 15 dumped: " + PgWrappers.commandLines(w[0]));

        assertEquals(of17, store.list().stream().filter(m -> m.id().equals(of17.id())).findFirst().orElseThrow(),
                "the stored manifest carries the fields");
    }

    @Test
    @DisplayName("a 15 archive restores into the 15 server and into the 17 server with the same rows, each with the pg_restore of the target's major")
    void fifteenArchiveIntoBoth() throws IOException {
        Path[] w = wrappers();
        PgDumpTool tool = tool(w[0], w[1]);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(pg15, db15, store, tool);
        var expected = Fingerprint.data(pg15, db15);

        for (PostgresCluster target : List.of(pg15, pg17)) {
            String name = "into" + (target == pg15 ? "15" : "17") + "_" + Long.toHexString(System.nanoTime());
            RestoreResult result = new RestoreJob(new JdbcDatabase(), tool, dir.resolve("scratch"))
                    .run(store, m.id(), target.url(name), Reporter.NONE);
            assertTrue(result.check().passed(), "every table's rows as in the manifest: " + result.check());
            assertEquals(expected, Fingerprint.data(target, name), "the same rows in " + name);
            Path used = target == pg15 ? w[0] : w[1];
            Path other = target == pg15 ? w[1] : w[0];
            assertTrue(ran(used, "pg_restore", "/" + name), "restored by " + used + ": " + PgWrappers.commandLines(used));
            assertFalse(ran(other, "pg_restore", "/" + name), "not by " + other);
            target.dropDatabase(name);
        }
    }

    @Test
    @DisplayName("a 17 archive into the 15 server is refused in one sentence naming what it needs, and nothing is restored or created")
    void seventeenArchiveRefusedByFifteen() throws IOException {
        Path[] w = wrappers();
        PgDumpTool tool = tool(w[0], w[1]);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(pg17, db17, store, tool);
        String name = "refused_" + Long.toHexString(System.nanoTime());

        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> new RestoreJob(new JdbcDatabase(), tool,
                dir.resolve("scratch")).run(store, m.id(), pg15.url(name), Reporter.NONE));
        assertEquals("backup " + m.id() + " was made by pg_dump 17 (archive format 1.16), which only pg_restore 17 or "
                + "newer reads, and none of those can restore into the PostgreSQL 15 server at 127.0.0.1:" + pg15.port()
                + " (a newer pg_restore sets parameters an older server does not know): restore it into a PostgreSQL "
                + "17 or newer server (a new one, or this one upgraded); nothing was restored", e.getMessage());
        assertFalse(new JdbcDatabase().exists(pg15.url("postgres"), name), "no target database was created");
        assertFalse(ran(w[0], "pg_restore", "--clean") || ran(w[1], "pg_restore", "--clean"), "pg_restore never ran");
        assertTrue(Files.notExists(dir.resolve("scratch")) || Files.list(dir.resolve("scratch")).findAny().isEmpty(),
                "nothing was even fetched");
    }
}
