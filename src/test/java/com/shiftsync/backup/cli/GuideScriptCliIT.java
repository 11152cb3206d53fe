package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.HttpsFake;
import com.shiftsync.backup.testing.SeededCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's cron lines call /app/scripts/backup_database.sh: the guide's script put in
 * another folder, as a symlink or a copy, must still find the CLI.
 */
class GuideScriptCliIT extends SeededCli {
    @BeforeEach
    void environment() {
        env.put("SHIFTSYNC_JAVA_OPTS", "-Xmx160m " + String.join(" ", HttpsFake.childJvmOptions()));
        env.put("PATH", "/usr/bin:/bin");
    }

    private CliRun run(Path script, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(script.toString());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().clear();
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        pb.environment().putAll(env);
        return CliRun.await(pb.start());
    }

    private static Path checkoutScript() {
        return Path.of("bin", "backup_database.sh").toAbsolutePath();
    }

    @Test
    @DisplayName("backup_database.sh symlinked into /app/scripts-like folder makes a backup")
    void throughASymlink() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("app/scripts"));
        Path link = Files.createSymbolicLink(scripts.resolve("backup_database.sh"), checkoutScript());
        CliRun run = run(link, "--keep-days", "14");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(BackupId.isValid(run.stdout().strip()), run.stdout());
    }

    @Test
    @DisplayName("a copy in another folder finds the CLI through SHIFTSYNC_HOME, or says what it looked for and exits 127")
    void asACopy() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("app/scripts"));
        Path copy = Files.copy(checkoutScript(), scripts.resolve("backup_database.sh"));
        CliRun lost = run(copy);
        assertEquals(127, lost.exitCode(), lost.stderr());
        assertTrue(lost.stderr().contains("cannot find shiftsync-backup") && lost.stderr().contains("SHIFTSYNC_HOME")
                && lost.stderr().contains("no backup was made"), lost.stderr());

        env.put("SHIFTSYNC_HOME", Path.of("").toAbsolutePath().toString());
        CliRun found = run(copy);
        assertEquals(0, found.exitCode(), found.stderr());
        assertTrue(BackupId.isValid(found.stdout().strip()), found.stdout());
    }

    @Test
    @DisplayName("a copy finds shiftsync-backup on PATH, itself a symlink to bin/shiftsync-backup")
    void onPath() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("app/scripts"));
        Path copy = Files.copy(checkoutScript(), scripts.resolve("backup_database.sh"));
        Path binDir = Files.createDirectories(dir.resolve("usr-local-bin"));
        Files.createSymbolicLink(binDir.resolve("shiftsync-backup"), Path.of("bin", "shiftsync-backup").toAbsolutePath());
        env.put("PATH", binDir + ":/usr/bin:/bin");
        CliRun run = run(copy);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(BackupId.isValid(run.stdout().strip()), run.stdout());
    }
}
