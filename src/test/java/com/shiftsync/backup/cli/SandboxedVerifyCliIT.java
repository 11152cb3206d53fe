package com.shiftsync.backup.cli;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PlantedDumps;
import com.shiftsync.backup.testing.TempFolders;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.ScratchDatabases;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shiftsync-backup verify}, run as the packaged jar, restores only as a throwaway role:
 * planted dumps change nothing on the server and fail with one sentence; an archive of
 * 64 MiB or more is still restored in one transaction (VERIFY_RESTORE_JOBS is ignored), as
 * the role, with no password on the command line; and Ctrl-C stops pg_restore, drops the
 * scratch database and role, and records no result.
 */
class SandboxedVerifyCliIT {
    private static final long MIB = 1024 * 1024;

    static PostgresCluster pg;
    static PlantedDumps.Targets targets;

    @TempDir
    Path dir;

    @BeforeAll
    static void cluster() {
        pg = PostgresCluster.shared();
        targets = PlantedDumps.targets(pg);
    }

    @AfterEach
    void nothingLeft() {
        assertEquals(List.of(), ScratchDatabases.on(pg), "no scratch database outlives a run");
        assertEquals(List.of(), ScratchDatabases.rolesOn(pg), "no throwaway role outlives a run");
    }

    private Map<String, String> env(String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", databaseUrl);
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        return env;
    }

    /** The Azure-like admin's DATABASE_URL: CREATEROLE and CREATEDB, no superuser. */
    private String azureAdminUrl(String database) {
        return "postgresql://" + targets.adminRole() + ":" + targets.adminPassword() + "@127.0.0.1:" + pg.port() + "/"
                + database;
    }

    private String backup(String database) {
        CliRun run = CliRun.run(env(pg.urlText(database)), "backup");
        assertEquals(0, run.exitCode(), run.stderr());
        return run.stdout().strip();
    }

    @Test
    @DisplayName("verify of a planted dump (view and index running CREATE ROLE, ALTER ROLE, ALTER DATABASE), as a "
            + "superuser and as an Azure-like admin: exit 1, one sentence naming what the dump tried, nothing changed")
    void plantedFunction() {
        String source = PlantedDumps.database(pg, targets, true);
        String id = backup(source);
        List<String> before = PlantedDumps.serverState(pg);
        long attempts = 2L * PlantedDumps.attacks(targets).size();

        for (String admin : List.of(pg.urlText(source), azureAdminUrl(source))) {
            CliRun verify = CliRun.run(env(admin), "verify", "--backup", id);
            CapturedOutput.record(verify.stderr());

            assertEquals(1, verify.exitCode(), verify.stderr());
            assertEquals(List.of("shiftsync-backup: backup " + id + " failed its restore test: 1 of 2 tables differ "
                    + "from the manifest: public.planted_attempts: " + attempts + " rows restored, the manifest "
                    + "counted 0"), verify.errorLines());
            assertEquals(before, PlantedDumps.serverState(pg), "roles and databases unchanged");
        }
    }

    @Test
    @DisplayName("verify of an archive whose table of contents runs CREATE ROLE: exit 1, refused, nothing changed")
    void plantedTocEntry() {
        String source = PlantedDumps.databaseForTocEntry(pg);
        String id = backup(source);
        Path daily = dir.resolve("backups").resolve(Tier.DAILY.folder());
        PlantedDumps.plantTocEntry(daily.resolve(id + ".dump"), daily.resolve(id + ".manifest.json"),
                "CREATE ROLE planted_toc LOGIN; ALTER ROLE " + targets.victimRole() + " SUPERUSER");
        // the sandbox is the last line: here the audit log has no record to contradict the planted
        // manifest (as for a backup made before the record existed), so only the restore test stands
        TempFolders.delete(dir.resolve("backups").resolve("audit"));
        List<String> before = PlantedDumps.serverState(pg);

        CliRun verify = CliRun.run(env(azureAdminUrl(source)), "verify", "--backup", id);
        CapturedOutput.record(verify.stderr());

        assertEquals(1, verify.exitCode(), verify.stderr());
        assertEquals(1, verify.errorLines().size(), verify.stderr());
        assertTrue(verify.errorLines().get(0).startsWith("shiftsync-backup: backup " + id + " failed its restore "
                + "test: pg_restore failed with exit code 1: could not execute query: ERROR:  permission denied to "
                + "create role"), verify.stderr());
        assertEquals(before, PlantedDumps.serverState(pg));
    }

    @Test
    @DisplayName("an archive of 64 MiB or more, with VERIFY_RESTORE_JOBS=8: restored in one transaction as the "
            + "throwaway role (no --jobs, no password on the command line) and passes")
    void largeArchiveOneTransaction() throws Exception {
        String source = pg.createDatabase("verify_large");
        // about 70 MiB of random bytes, which no compression shrinks: 72,000 rows of 1 KiB
        pg.execute(source, "CREATE TABLE big AS SELECT g AS id, decode((SELECT string_agg(md5(random()::text || g || i), "
                + "'') FROM generate_series(1, 64) i), 'hex') AS b FROM generate_series(1, 72000) g");
        String id = backup(source);
        Manifest m = new LocalBackupStore(dir.resolve("backups")).list().get(0);
        assertTrue(m.sizeBytes() >= 64 * MIB, "the archive is " + m.sizeBytes() + " bytes");
        // the wrapper keeps the throwaway role's password, which pg_restore gets in its environment, for the checks below
        Path kept = dir.resolve("sandbox-password");
        Path bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")), "",
                "case \"$*\" in *--single-transaction*) printf %s \"$PGPASSWORD\" > '" + kept + "';; esac");
        Map<String, String> env = env(azureAdminUrl(source));
        env.put("PG_BIN_DIR", bin.toString());
        env.put("VERIFY_RESTORE_JOBS", "8");

        CliRun verify = CliRun.run(env, "verify", "--backup", id);
        CapturedOutput.record(verify.stdout() + verify.rawStderr());

        assertEquals(0, verify.exitCode(), verify.stderr());
        assertTrue(verify.stdout().startsWith("verified " + id + " from local folder " + dir.resolve("backups")
                + ": 1 tables match the manifest's row counts; restored in "), verify.stdout());
        assertTrue(verify.stdout().contains("(one transaction, as a throwaway role), scratch database and role "
                + "shiftsync_verify_"), verify.stdout());
        List<String> restores = PgWrappers.commandLines(bin).stream()
                .filter(c -> c.contains("pg_restore") && !c.contains("--list")).toList();
        assertEquals(1, restores.size(), restores.toString());
        String argv = restores.get(0);
        assertTrue(argv.contains(" --no-owner --no-privileges --single-transaction "), argv);
        assertFalse(argv.contains("--jobs"), argv);
        assertTrue(argv.matches(".* --dbname=postgresql://(shiftsync_verify_\\d{14}_[0-9a-f]{6})@127\\.0\\.0\\.1:"
                + pg.port() + "/\\1\\?sslmode=prefer .*"), "logged in as the throwaway role, no password: " + argv);
        assertFalse(argv.contains(targets.adminPassword()), argv);
        // a random password of its own, only in pg_restore's environment: never printed, logged or recorded (and,
        // registered, it is looked for in everything the suite captured: NoSecretLeaksIT)
        String password = TestSecrets.register(Files.readString(kept));
        assertTrue(password.matches("[0-9a-f]{64}"), "a 256-bit random password");
        assertFalse(argv.contains(password));
        assertFalse(verify.stdout().contains(password) || verify.rawStderr().contains(password));
        assertFalse(Files.readString(dir.resolve("backups/daily/" + id + ".verification.json")).contains(password));
        pg.dropDatabase(source);
    }

    @Test
    @DisplayName("Ctrl-C while pg_restore runs: exit 130, one sentence, the scratch database and role dropped, no "
            + "result recorded")
    void interrupted() throws Exception {
        String source = pg.seededDatabase("verify_int");
        String id = backup(source);
        Path gate = dir.resolve("gate");
        // the sandboxed pg_restore waits at a gate that is never opened: only the interrupt ends it
        Path bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")), "",
                "case \"$*\" in *--single-transaction*) while [ ! -e '" + gate + "' ]; do sleep 0.05; done;; esac");
        Map<String, String> env = env(azureAdminUrl(source));
        env.put("PG_BIN_DIR", bin.toString());
        Path log = dir.resolve("verify.log");

        Process p = CliRun.startInterruptible(env, log, "verify", "--backup", id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (PgWrappers.commandLines(bin).stream().noneMatch(c -> c.contains("--single-transaction"))) {
            assertTrue(p.isAlive(), "verify ended before its pg_restore started");
            assertTrue(System.nanoTime() < deadline, "pg_restore did not start within 120 s");
            Thread.sleep(20);
        }
        assertEquals(1, ScratchDatabases.rolesOn(pg).size(), "the throwaway role exists while pg_restore runs");
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "verify did not end within 120 s");

        String text = CliRun.forPeople(Files.readString(log));
        CapturedOutput.record(text);
        assertEquals(130, p.exitValue(), text);
        assertEquals(List.of("shiftsync-backup: interrupted: the restore test stopped; no result was recorded"),
                text.lines().filter(l -> l.startsWith("shiftsync-backup: ")).toList(), text);
        assertFalse(Files.exists(dir.resolve("backups/daily/" + id + ".verification.json")), "no result recorded");
    }
}
