package com.shiftsync.backup.cli;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.LeaseStateType;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup interrupted half-way, as cron, systemd or a person at the terminal does it: pg_dump
 * is held at its start by a gate file (no sleeps, no timing), then the CLI gets SIGTERM,
 * SIGINT or SIGKILL. The user-visible outcome is checked: the exit code and message, what is
 * left in the folder and in Blob Storage, and what the next run says and does.
 */
class InterruptedBackupCliIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;
    Map<String, String> env;
    Path gate;
    Path bin;
    Path log;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("interrupted");
    }

    @BeforeEach
    void environment() throws IOException {
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "interrupted-" + Long.toHexString(System.nanoTime()));
        gate = dir.resolve("gate");
        bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")),
                "while [ ! -e '" + gate + "' ]; do sleep 0.05; done", "");
        log = dir.resolve("backup.log");
    }

    /** Starts {@code backup --upload} and returns once its pg_dump waits at the gate and its partial file exists. */
    private Process startHeld(String... more) throws Exception {
        Map<String, String> held = new HashMap<>(env);
        held.put("PG_BIN_DIR", bin.toString());
        String[] args = Stream.concat(Stream.of("backup", "--upload"), Stream.of(more)).toArray(String[]::new);
        Process p = CliRun.startInterruptible(held, log, args);
        awaitState(p, () -> PgWrappers.commandLines(bin).stream().anyMatch(c -> c.contains("--snapshot="))
                && !partials().isEmpty());
        return p;
    }

    private static void awaitState(Process p, BooleanSupplier reached) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!reached.getAsBoolean()) {
            assertTrue(p.isAlive(), "the backup ended before reaching the state under test");
            assertTrue(System.nanoTime() < deadline, "the backup did not reach the state under test within 120 s");
            Thread.sleep(20);
        }
    }

    private List<Path> partials() {
        Path daily = dir.resolve("backups/daily");
        if (!Files.isDirectory(daily)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(daily)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private BlobContainerClient container() {
        return StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(env.get("BACKUP_CONTAINER"));
    }

    private String logText() throws IOException {
        String raw = Files.readString(log);
        CapturedOutput.record(raw);
        return raw;
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the CLI did not end within 120 s");
        return p.exitValue();
    }

    private void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor());
    }

    @Test
    @DisplayName("SIGTERM mid-backup: exit 143, 'interrupted: no backup was made', no partial file, lease released; an immediate retry succeeds")
    void sigterm() throws Exception {
        interruptAndRetry("TERM", 143);
    }

    @Test
    @DisplayName("SIGINT (Ctrl-C) mid-backup: exit 130, 'interrupted: no backup was made', no partial file, lease released; an immediate retry succeeds")
    void sigint() throws Exception {
        interruptAndRetry("INT", 130);
    }

    private void interruptAndRetry(String signal, int expectedExit) throws Exception {
        Process p = startHeld();
        signal(p, signal);
        assertEquals(expectedExit, exit(p));
        String text = CliRun.forPeople(logText());
        assertTrue(text.contains("shiftsync-backup: interrupted: no backup was made"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("shiftsync-backup: ")).count(), "one sentence: " + text);
        assertEquals(List.of(), partials(), "no partial file left");
        assertEquals(List.of(), new LocalBackupStore(dir.resolve("backups")).catalog().archives());
        assertNotEquals(LeaseStateType.LEASED, container().getBlobClient("locks/daily.lock").getProperties()
                .getLeaseState(), "the blob lease was released");
        assertFalse(container().listBlobs().stream().anyMatch(b -> b.getName().startsWith("daily/")),
                "nothing committed in Blob Storage");

        CliRun retry = CliRun.run(env, "backup", "--upload");
        assertEquals(0, retry.exitCode(), retry.stderr());
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).list().size());
    }

    @Test
    @DisplayName("after a SIGKILL the retry says the lease belongs to a run that is gone and when it expires, not that a backup is running; the partial file is left for prune")
    void sigkill() throws Exception {
        Process p = startHeld();
        p.destroyForcibly();
        assertEquals(137, exit(p));
        // the orphaned pg_dump wrapper is still waiting at the gate: let it go
        Files.createFile(gate);
        assertEquals(1, partials().size(), "a killed run cannot clean up");

        CliRun retry = CliRun.run(env, "backup", "--upload");
        assertEquals(1, retry.exitCode(), retry.stderr());
        assertEquals(1, retry.errorLines().size(), retry.stderr());
        String message = retry.errorLines().get(0);
        assertTrue(message.contains("is still held by a run that is gone (pid " + p.pid() + " on host "), message);
        assertTrue(message.contains("its lease expires at ") && message.contains(" s from now): retry after that"),
                message);
        assertFalse(message.contains("already running"), message);

        CliRun plan = CliRun.run(env, "prune", "--dry-run");
        assertEquals(0, plan.exitCode(), plan.stderr());
        assertTrue(plan.stdout().contains(partials().get(0).getFileName().toString())
                && plan.stdout().contains("partial file of a run that did not finish"), plan.stdout());
    }

    @Test
    @DisplayName("stderr to a file (cron): every line timestamped, a progress line every --progress-every seconds, --quiet none")
    void progressInALog() throws Exception {
        Process p = startHeld("--progress-every", "1");
        awaitState(p, () -> {
            try {
                return Files.readString(log).lines().filter(l -> l.contains("backup in progress: ")).count() >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        Files.createFile(gate);
        assertEquals(0, exit(p));
        String raw = logText();
        assertTrue(raw.lines().allMatch(l -> CliRun.STAMP.matcher(l).find()), "every line timestamped: " + raw);
        List<String> progress = raw.lines().filter(l -> l.contains("backup in progress: ")).toList();
        assertTrue(progress.size() >= 2, raw);
        assertTrue(progress.get(0).matches(CliRun.STAMP.pattern() + "backup in progress: .* written, .*/s, .* elapsed"),
                progress.get(0));
        assertTrue(CliRun.forPeople(raw).contains("backup " + db + "_backup_"), raw);

        Path quietLog = dir.resolve("quiet.log");
        Process q = CliRun.startInterruptible(env, quietLog, "backup", "--quiet", "--progress-every", "1");
        assertEquals(0, exit(q));
        String quiet = Files.readString(quietLog);
        CapturedOutput.record(quiet);
        assertFalse(quiet.contains("in progress"), quiet);
    }
}
