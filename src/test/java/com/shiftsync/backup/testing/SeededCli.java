package com.shiftsync.backup.testing;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The world most CLI tests start from, so that each states only what it adds: a seeded
 * database of its own on the shared cluster, and for each test a fresh folder and the
 * environment ({@link CliRun#localEnvironment}) of a CLI that backs that database up there.
 */
public abstract class SeededCli {
    protected static PostgresCluster pg;
    protected static String db;

    @TempDir
    protected Path dir;
    protected Map<String, String> env;

    /** A database named after the test class, so that a leftover says whose it is. */
    @BeforeAll
    protected static void seedDatabase(TestInfo test) {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase(test.getTestClass().orElseThrow().getSimpleName().toLowerCase(Locale.ROOT));
    }

    @BeforeEach
    protected void localEnvironment() {
        env = CliRun.localEnvironment(pg, db, dir);
    }
}
