package com.shiftsync.backup.testing;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The world of the tests that show which client a server gets, one machine with two majors:
 * a PostgreSQL 15 and a PostgreSQL 17 server, each with a seeded database, and for each test
 * the real pg_dump and pg_restore of both through recording wrappers (a folder each, as
 * PG_BIN_DIR lists them, showing which binary ran) and a local store.
 */
public abstract class TwoMajors {
    protected static PostgresCluster pg15;
    protected static PostgresCluster pg17;
    protected static String db15;
    protected static String db17;

    @TempDir
    protected Path dir;
    /** Recording wrappers of the 15 and of the 17 client. */
    protected Path w15;
    protected Path w17;
    protected LocalBackupStore store;

    @BeforeAll
    protected static void seedBothMajors() {
        pg15 = PostgresCluster.shared();
        pg17 = PostgresCluster.postgres17();
        db15 = pg15.seededDatabase("majors");
        db17 = pg17.seededDatabase("majors");
    }

    @BeforeEach
    protected void recordingClients() throws IOException {
        w15 = PgWrappers.recording(Files.createDirectories(dir.resolve("pg15")), PostgresCluster.serverBinaries());
        w17 = PgWrappers.recording(Files.createDirectories(dir.resolve("pg17")), PostgresCluster.postgres17Binaries());
        store = new LocalBackupStore(dir.resolve("backups"));
    }

    /** pg_dump and pg_restore of the folders PG_BIN_DIR would list. */
    protected static PgDumpTool tool(Path... folders) {
        return new PgDumpTool(PgBinaries.locate(String.join(":", List.of(folders).stream().map(Path::toString)
                .toList())), Duration.ofMinutes(10));
    }
}
