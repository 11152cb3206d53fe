package com.shiftsync.backup.verify;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.restore.TableDifference;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PlantedDumps;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.ScratchDatabases;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore test runs a dump's SQL only as a throwaway role that owns its scratch database
 * and may do nothing else: dumps with planted SQL (a materialized view and an index that call
 * a function running CREATE ROLE, ALTER ROLE and ALTER DATABASE of another database, and a
 * table-of-contents entry rewritten into CREATE ROLE) change nothing on the server, whether
 * DATABASE_URL's user is a superuser or an Azure-like admin (CREATEROLE and CREATEDB, no
 * superuser); and where that role cannot be had (no password logins, no CREATEROLE) the test
 * fails with one sentence, never restoring as DATABASE_URL's user instead.
 */
class SandboxedRestoreIT {
    static PostgresCluster pg;
    static PlantedDumps.Targets targets;

    @TempDir
    Path dir;
    Path bin;

    @BeforeAll
    static void cluster() {
        pg = PostgresCluster.shared();
        targets = PlantedDumps.targets(pg);
    }

    @BeforeEach
    void wrappers() throws IOException {
        bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")), "", "");
    }

    @AfterEach
    void nothingLeft() {
        assertEquals(List.of(), ScratchDatabases.on(pg), "no scratch database outlives a run");
        assertEquals(List.of(), ScratchDatabases.rolesOn(pg), "no throwaway role outlives a run");
    }

    private DatabaseUrl superuser(String database) {
        return pg.url(database);
    }

    /** The Azure-like admin: may create roles and databases, is no superuser. */
    private DatabaseUrl azureAdmin(String database) {
        return pg.url(database).withLogin(targets.adminRole(), targets.adminPassword());
    }

    private VerifyJob job(DatabaseUrl admin) {
        PgDumpTool tool = new PgDumpTool(PgBinaries.locate(bin.toString()), Duration.ofMinutes(10));
        JdbcDatabase database = new JdbcDatabase();
        return new VerifyJob(() -> admin, database, tool, new RestoreJob(database, tool, dir.resolve("scratch")),
                Clock.systemUTC());
    }

    private Manifest backup(String database, LocalBackupStore store) {
        PgDumpTool tool = new PgDumpTool(PgBinaries.locate(null), Duration.ofMinutes(10));
        return new BackupJob(() -> pg.url(database), new JdbcDatabase(), tool, List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10)).run(Tier.DAILY, Reporter.NONE).manifest();
    }

    /** The sandboxed pg_restore runs (the archive checks' pg_restore --list left out). */
    private List<String> restores() {
        return PgWrappers.commandLines(bin).stream().filter(c -> c.contains("pg_restore") && !c.contains("--list"))
                .toList();
    }

    @Test
    @DisplayName("superuser DATABASE_URL: a dump whose materialized view and index run CREATE ROLE, ALTER ROLE and "
            + "ALTER DATABASE of another database has every statement refused; the test fails on the attempts it "
            + "recorded, and the server's roles and databases are unchanged")
    void plantedFunctionAsSuperuser() {
        plantedFunction(superuser(pg.createDatabase("verify_su")));
    }

    @Test
    @DisplayName("Azure-like admin (CREATEROLE, CREATEDB, no superuser): the same planted dump changes nothing either")
    void plantedFunctionAsAzureAdmin() {
        plantedFunction(azureAdmin(pg.createDatabase("verify_az")));
    }

    private void plantedFunction(DatabaseUrl admin) {
        String source = PlantedDumps.database(pg, targets, true);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(source, store);
        assertEquals(0L, m.rowCounts().get("public.planted_attempts"), "backing up ran none of the planted SQL");
        List<String> before = PlantedDumps.serverState(pg);

        Verification v = job(admin).run(store, m.id(), Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertEquals(before, PlantedDumps.serverState(pg), "roles, memberships and databases are unchanged");
        assertFalse(v.passed());
        assertEquals("compare", v.stage());
        // the view's refresh and the index's build each ran every statement, and each was refused
        long attempts = 2L * PlantedDumps.attacks(targets).size();
        assertEquals(List.of(new TableDifference("public.planted_attempts", 0, attempts)), v.differences(),
                v.reason());
        assertTrue(v.scratchDropped());
        List<String> restores = restores();
        assertEquals(1, restores.size(), restores.toString());
        assertTrue(restores.get(0).contains(" --no-owner --no-privileges --single-transaction "), restores.get(0));
        assertTrue(restores.get(0).contains(" --dbname=postgresql://" + v.scratchDatabase() + "@127.0.0.1:"
                + pg.port() + "/" + v.scratchDatabase() + "?"), "logged in as the throwaway role, no password: "
                + restores.get(0));
        assertFalse(restores.get(0).contains("--jobs") || restores.get(0).contains("--clean"), restores.get(0));
    }

    @Test
    @DisplayName("a planted statement that is not caught fails the restore, which rolls back whole; nothing changed")
    void plantedFunctionUncaught() {
        String source = PlantedDumps.database(pg, targets, false);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(source, store);
        List<String> before = PlantedDumps.serverState(pg);

        Verification v = job(azureAdmin(source)).run(store, m.id(), Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertEquals(before, PlantedDumps.serverState(pg));
        assertFalse(v.passed());
        assertEquals("restore", v.stage());
        assertRoleCreationRefused(v.reason());
        assertTrue(v.scratchDropped());
    }

    @Test
    @DisplayName("a table-of-contents entry rewritten into CREATE ROLE and ALTER DATABASE: refused, nothing changed")
    void plantedTocEntry() {
        String source = PlantedDumps.databaseForTocEntry(pg);
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(source, store);
        Path daily = dir.resolve("backups").resolve(Tier.DAILY.folder());
        PlantedDumps.plantTocEntry(daily.resolve(m.backupId().archiveName()),
                daily.resolve(m.id() + ".manifest.json"), "CREATE ROLE planted_toc LOGIN; ALTER DATABASE "
                        + targets.victimDatabase() + " SET default_transaction_read_only = on");
        List<String> before = PlantedDumps.serverState(pg);

        Verification v = job(superuser(source)).run(store, m.id(), Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertEquals(before, PlantedDumps.serverState(pg));
        assertFalse(v.passed());
        assertEquals("restore", v.stage(), "the planted archive was accepted as the backup and ran: " + v.reason());
        assertRoleCreationRefused(v.reason());
        assertTrue(v.scratchDropped());
    }

    /** pg_restore stopped at a CREATE ROLE the server refused (PostgreSQL words it differently by version and attributes). */
    private static void assertRoleCreationRefused(String reason) {
        assertTrue(reason.startsWith("pg_restore failed with exit code 1: could not execute query: ERROR:"), reason);
        assertTrue(reason.contains("permission denied to create role")
                || reason.contains("must be superuser to create superusers"), reason);
    }

    @Test
    @DisplayName("an ordinary rich database (schemas, identity, enums, domains, partitions, triggers, a materialized "
            + "view) passes its restore test as the throwaway role of an Azure-like admin")
    void richDatabasePasses() {
        String source = pg.createDatabase("verify_rich");
        pg.executeResource(source, "/seed/rich.sql");
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(source, store);

        Verification v = job(azureAdmin(source)).run(store, m.id(), Reporter.NONE);
        CapturedOutput.record(v.toJson());

        assertTrue(v.passed(), v.toString());
        assertEquals(m.rowCounts().size(), v.tablesCompared());
        assertEquals(1, v.jobs());
    }

    @Test
    @DisplayName("DATABASE_URL's user without CREATEROLE: one sentence naming the fix; nothing created or restored")
    void noCreateRole() {
        String source = pg.seededDatabase("verify_nocr");
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(source, store);
        String role = "planted_nocreaterole_" + Long.toHexString(System.nanoTime());
        String password = TestSecrets.register("ncr-" + Long.toHexString(System.nanoTime()));
        pg.execute("postgres", "CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD '" + password + "'");
        try {
            Verification v = job(pg.url(source).withLogin(role, password)).run(store, m.id(), Reporter.NONE);
            CapturedOutput.record(v.toJson());

            assertFalse(v.passed());
            assertEquals("scratch-database", v.stage());
            assertEquals("could not create role " + v.scratchDatabase() + " on 127.0.0.1:" + pg.port() + " as " + role
                    + ": permission denied to create role: " + role + " needs CREATEROLE and CREATEDB (the Azure server "
                    + "admin has both); the restore test runs a dump's SQL only as a throwaway role, never as " + role
                    + ", so nothing was restored", v.reason());
            assertEquals(List.of(), restores(), "pg_restore never ran");
        } finally {
            pg.execute("postgres", "DROP ROLE " + role);
        }
    }

    @Test
    @DisplayName("a server that refuses the throwaway role's password login (Entra-only): one sentence asking for "
            + "password logins; never restored as DATABASE_URL's user, nothing left")
    void passwordLoginsRefused() throws Exception {
        String source = pg.seededDatabase("verify_entra");
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        Manifest m = backup(source, store);
        // a role logging in to the database of its own name (only the sandbox does) is refused
        try (HbaRule rule = HbaRule.prepend(pg, "host postgres postgres all scram-sha-256\n"
                + "host sameuser all all reject\n")) {
            Verification v = job(azureAdmin(source)).run(store, m.id(), Reporter.NONE);
            CapturedOutput.record(v.toJson());

            assertFalse(v.passed());
            assertEquals("scratch-database", v.stage());
            assertTrue(v.reason().startsWith("role " + v.scratchDatabase() + " could not log in with its password"),
                    v.reason());
            assertTrue(v.reason().endsWith("): the server must accept password logins (on Azure: authentication "
                    + "\"PostgreSQL and Microsoft Entra authentication\", not Microsoft Entra only); the restore test "
                    + "runs a dump's SQL only as a throwaway role, never as " + targets.adminRole() + ", so nothing was "
                    + "restored"), v.reason());
            assertEquals(List.of(), restores(), "pg_restore never ran, as the throwaway role or as anyone else");
        }
    }

    /**
     * Lines put at the top of the cluster's pg_hba.conf until closed, each change waited for
     * by the condition that a new session sees the configuration reloaded (no sleeps).
     */
    private record HbaRule(PostgresCluster pg, Path file, String original) implements AutoCloseable {
        static HbaRule prepend(PostgresCluster pg, String lines) throws Exception {
            Path file = Path.of(single(pg, "SHOW hba_file"));
            String original = Files.readString(file);
            HbaRule rule = new HbaRule(pg, file, original);
            rule.write(lines + original);
            return rule;
        }

        private void write(String text) throws Exception {
            long loaded = loadedAt(pg);
            Files.writeString(file, text);
            pg.execute("postgres", "SELECT pg_reload_conf()");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (loadedAt(pg) <= loaded) {
                assertTrue(System.nanoTime() < deadline, "the server did not reload pg_hba.conf within 60 s");
                Thread.sleep(20);
            }
        }

        /** When the server last read its configuration, in microseconds, as a new session sees it. */
        private static long loadedAt(PostgresCluster pg) throws Exception {
            return Long.parseLong(single(pg, "SELECT (extract(epoch FROM pg_conf_load_time()) * 1000000)::bigint"));
        }

        private static String single(PostgresCluster pg, String sql) throws Exception {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }

        @Override
        public void close() throws Exception {
            write(original);
        }
    }
}
