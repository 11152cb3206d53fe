package com.shiftsync.backup.cli;

import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.PgWrappers;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BACKUP_COMPRESSION and RESTORE_JOBS as an operator meets them with the packaged CLI: a bad
 * value is refused in one sentence naming the setting (exit 2); a 17 server's backup is zstd;
 * {@code restore --target-url} into a database it creates runs pg_restore with --jobs, and over
 * an existing one (--confirm) in one transaction, with the same rows either way.
 */
class CompressionCliIT {
    static PostgresCluster pg17;
    static String db17;

    @TempDir
    Path dir;
    Map<String, String> env;
    Path w15;
    Path w17;

    @BeforeAll
    static void seed() {
        pg17 = PostgresCluster.postgres17();
        db17 = pg17.seededDatabase("cli_squeeze");
    }

    @BeforeEach
    void environment() throws IOException {
        w15 = PgWrappers.recording(Files.createDirectories(dir.resolve("pg15")), PostgresCluster.serverBinaries());
        w17 = PgWrappers.recording(Files.createDirectories(dir.resolve("pg17")), PostgresCluster.postgres17Binaries());
        env = new HashMap<>();
        env.put("DATABASE_URL", pg17.urlText(db17));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("PG_BIN_DIR", w15 + ":" + w17);
    }

    @Test
    @DisplayName("a bad BACKUP_COMPRESSION or RESTORE_JOBS is refused in one sentence naming it, exit 2, before anything runs")
    void badSettings() {
        env.put("BACKUP_COMPRESSION", "zstd:99");
        CliRun backup = CliRun.run(env, "backup", "--quiet");
        assertEquals(2, backup.exitCode(), backup.stderr());
        assertEquals(List.of("shiftsync-backup: BACKUP_COMPRESSION is 'zstd:99' (zstd levels are 1 to 22); use auto, "
                + "gzip[:1-9], zstd[:1-22], lz4[:1-12] or none"), backup.errorLines());
        assertFalse(Files.exists(dir.resolve("backups").resolve("daily")), "nothing was stored");
        assertEquals(List.of(), PgWrappers.commandLines(w17).stream().filter(c -> c.contains("--snapshot")).toList());

        env.remove("BACKUP_COMPRESSION");
        env.put("RESTORE_JOBS", "64");
        CliRun restore = CliRun.run(env, "restore", "--backup", "latest", "--target-url", pg17.urlText("never"));
        assertEquals(2, restore.exitCode(), restore.stderr());
        assertEquals(List.of("shiftsync-backup: RESTORE_JOBS is '64'; use auto (one job per core) or a whole number "
                + "from 1 to 32"), restore.errorLines());
    }

    @Test
    @DisplayName("restore --target-url into a database it creates runs pg_restore --jobs=RESTORE_JOBS; with --confirm over it, one transaction; the same rows")
    void restoreJobs() {
        env.put("RESTORE_JOBS", "2");
        CliRun backup = CliRun.run(env, "backup", "--quiet", "--json");
        assertEquals(0, backup.exitCode(), backup.stderr());
        assertTrue(backup.stdout().contains("\"compression\" : \"zstd:1\""), backup.stdout());
        assertTrue(PgWrappers.commandLines(w17).stream().anyMatch(c -> c.contains(" --compress=zstd:1 --snapshot=")),
                PgWrappers.commandLines(w17).toString());

        String target = "cli_par_" + Long.toHexString(System.nanoTime());
        CliRun fresh = CliRun.run(env, "restore", "--backup", "latest", "--target-url", pg17.urlText(target));
        assertEquals(0, fresh.exitCode(), fresh.stderr());
        List<String> restores = PgWrappers.commandLines(w17).stream().filter(c -> c.contains(" --clean ")).toList();
        assertEquals(1, restores.size(), restores.toString());
        assertTrue(restores.get(0).contains(" --jobs=2 ") && !restores.get(0).contains("--single-transaction"),
                restores.get(0));
        var source = Fingerprint.data(pg17, db17);
        assertEquals(source, Fingerprint.data(pg17, target));

        CliRun over = CliRun.run(env, "restore", "--backup", "latest", "--target-url", pg17.urlText(target), "--confirm");
        assertEquals(0, over.exitCode(), over.stderr());
        List<String> again = PgWrappers.commandLines(w17).stream().filter(c -> c.contains(" --clean ")).toList();
        assertEquals(2, again.size(), again.toString());
        String second = again.stream().filter(c -> !c.equals(restores.get(0))).findFirst().orElseThrow();
        assertTrue(second.contains(" --single-transaction ") && !second.contains("--jobs"), second);
        assertEquals(source, Fingerprint.data(pg17, target));
        pg17.dropDatabase(target);
    }
}
