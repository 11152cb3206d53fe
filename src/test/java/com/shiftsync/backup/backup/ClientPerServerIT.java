package com.shiftsync.backup.backup;

import com.shiftsync.backup.adapter.pg.JdbcDatabase;
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
import com.shiftsync.backup.testing.TwoMajors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
class ClientPerServerIT extends TwoMajors {
    PgDumpTool tool;

    @BeforeEach
    void bothClients() {
        tool = tool(w15, w17);
    }

    private Manifest backup(PostgresCluster pg, String db) {
        return new BackupJob(() -> pg.url(db), new JdbcDatabase(), tool, List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10)).run(Tier.DAILY, Reporter.NONE).manifest();
    }

    private static boolean ran(Path wrapper, String tool, String argument) {
        return PgWrappers.commandLines(wrapper).stream()
                .anyMatch(c -> c.contains(wrapper.resolve(tool) + " ") && c.contains(argument));
    }

    @Test
    @DisplayName("with clients 15 and 17, the 17 server is dumped by pg_dump 17 and the 15 server by pg_dump 15, as the manifests record")
    void eachServerItsOwnPgDump() {
        Manifest of17 = backup(pg17, db17);
        assertEquals(17, of17.pgDumpMajor());
        assertEquals("1.16", of17.archiveFormatVersion(), "read from the archive's header");
        assertTrue(of17.pgDumpVersion().startsWith("pg_dump (PostgreSQL) 17."), of17.pgDumpVersion());
        assertTrue(of17.serverVersion().startsWith("17."), of17.serverVersion());
        assertTrue(ran(w17, "pg_dump", "--snapshot="), "pg_dump 17 dumped: " + PgWrappers.commandLines(w17));

        Manifest of15 = backup(pg15, db15);
        assertEquals(15, of15.pgDumpMajor());
        assertEquals("1.14", of15.archiveFormatVersion());
        assertTrue(of15.pgDumpVersion().startsWith("pg_dump (PostgreSQL) 15."), of15.pgDumpVersion());
        assertTrue(ran(w15, "pg_dump", "--snapshot="), "pg_dump 15 dumped: " + PgWrappers.commandLines(w15));

        assertEquals(of17, store.list().stream().filter(m -> m.id().equals(of17.id())).findFirst().orElseThrow(),
                "the stored manifest carries the fields");
    }

    @Test
    @DisplayName("a 15 archive restores into the 15 server and into the 17 server with the same rows, each with the pg_restore of the target's major")
    void fifteenArchiveIntoBoth() {
        Manifest m = backup(pg15, db15);
        var expected = Fingerprint.data(pg15, db15);

        for (PostgresCluster target : List.of(pg15, pg17)) {
            String name = "into" + (target == pg15 ? "15" : "17") + "_" + Long.toHexString(System.nanoTime());
            RestoreResult result = new RestoreJob(new JdbcDatabase(), tool, dir.resolve("scratch"))
                    .run(store, m.id(), target.url(name), Reporter.NONE);
            assertTrue(result.check().passed(), "every table's rows as in the manifest: " + result.check());
            assertEquals(expected, Fingerprint.data(target, name), "the same rows in " + name);
            Path used = target == pg15 ? w15 : w17;
            Path other = target == pg15 ? w17 : w15;
            assertTrue(ran(used, "pg_restore", "/" + name), "restored by " + used + ": " + PgWrappers.commandLines(used));
            assertFalse(ran(other, "pg_restore", "/" + name), "not by " + other);
            target.dropDatabase(name);
        }
    }

    @Test
    @DisplayName("a 17 archive into the 15 server is refused in one sentence naming what it needs, and nothing is restored or created")
    void seventeenArchiveRefusedByFifteen() throws IOException {
        Manifest m = backup(pg17, db17);
        String name = "refused_" + Long.toHexString(System.nanoTime());

        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> new RestoreJob(new JdbcDatabase(), tool,
                dir.resolve("scratch")).run(store, m.id(), pg15.url(name), Reporter.NONE));
        // the 17 client writes zstd (BACKUP_COMPRESSION=auto), which the sentence names
        assertEquals("backup " + m.id() + " was made by pg_dump 17 (archive format 1.16, compressed with zstd:1), which "
                + "only pg_restore 17 or "
                + "newer reads, and none of those can restore into the PostgreSQL 15 server at 127.0.0.1:" + pg15.port()
                + " (a newer pg_restore sets parameters an older server does not know): restore it into a PostgreSQL "
                + "17 or newer server (a new one, or this one upgraded); nothing was restored", e.getMessage());
        assertFalse(new JdbcDatabase().exists(pg15.url("postgres"), name), "no target database was created");
        assertFalse(ran(w15, "pg_restore", "--clean") || ran(w17, "pg_restore", "--clean"), "pg_restore never ran");
        assertTrue(Files.notExists(dir.resolve("scratch")) || Files.list(dir.resolve("scratch")).findAny().isEmpty(),
                "nothing was even fetched");
    }
}
