package com.shiftsync.backup.faults;

import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.SeededCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 5: a restore into a new database that fails used to leave that database behind,
 * empty. pg_restore fails here as it does on a conflicting object (its own error line, exit 1),
 * through a wrapper: the database the restore created is dropped again and the message says
 * so; a failed restore into an existing database leaves it exactly as it was.
 */
class FailedRestoreIT extends SeededCli {
    @BeforeEach
    void environment() throws IOException {
        CliRun backup = CliRun.run(env, "backup");
        assertEquals(0, backup.exitCode(), backup.stderr());
        // pg_restore --list (the backup's own check) works; the restore itself fails as on a conflicting object
        Path bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")), "",
                "case \"$*\" in *--clean*) echo 'pg_restore: error: could not execute query: ERROR:  relation "
                        + "\"shifts\" already exists' >&2; exit 1;; esac");
        env.put("PG_BIN_DIR", bin.toString());
    }

    @Test
    @DisplayName("a failed restore into a new database drops that database again and says so")
    void newDatabaseDropped() {
        String target = "failed_new_" + Long.toHexString(System.nanoTime());
        CliRun run = CliRun.run(env, "restore", "--backup", "latest", "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.stderr().contains("pg_restore failed with exit code 1: could not execute query"), run.stderr());
        assertTrue(run.stderr().contains("database " + target + ", which this restore had created, was dropped again"),
                run.stderr());
        assertFalse(new JdbcDatabase().exists(pg.url("postgres"), target), "nothing left behind");
    }

    @Test
    @DisplayName("a restore into an existing database that fails on a conflicting object (the real pg_restore) leaves it exactly as it was")
    void existingDatabaseUntouched() {
        env.remove("PG_BIN_DIR");
        String target = pg.seededDatabase("failed_existing");
        pg.execute(target, "INSERT INTO organisations (name) VALUES ('only here')");
        // --clean drops each table of the backup; a view of the target's own depends on one, so that drop fails
        pg.execute(target, "CREATE VIEW local_report AS SELECT count(*) AS n FROM shifts");
        Object before = Fingerprint.data(pg, target);
        CliRun run = CliRun.run(env, "restore", "--backup", "latest", "--confirm", "--target-url",
                "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + target);
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("pg_restore failed"), run.stderr());
        assertFalse(run.stderr().contains("dropped"), run.stderr());
        assertEquals(before, Fingerprint.data(pg, target));
        assertTrue(new JdbcDatabase().exists(pg.url("postgres"), target));
        pg.dropDatabase(target);
    }
}
