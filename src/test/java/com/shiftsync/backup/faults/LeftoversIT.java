package com.shiftsync.backup.faults;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
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
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 3: the partial file of a run killed outright (SIGKILL, power loss) used to stay
 * forever. Now prune lists it, deletes it after ORPHAN_GRACE_HOURS, and never touches the
 * partial file of a run that is alive.
 */
class LeftoversIT {
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;
    Map<String, String> env;
    Path gate;
    Path bin;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("leftovers");
    }

    @BeforeEach
    void environment() throws IOException {
        env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        gate = dir.resolve("gate");
        bin = PgWrappers.create(Files.createDirectories(dir.resolve("bin")),
                "while [ ! -e '" + gate + "' ]; do sleep 0.05; done", "");
    }

    private Process startHeld() throws InterruptedException {
        Map<String, String> held = new HashMap<>(env);
        held.put("PG_BIN_DIR", bin.toString());
        Process p = CliRun.start(held, "backup");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (partials().isEmpty()) {
            assertTrue(p.isAlive(), "the backup ended before it wrote its partial file");
            assertTrue(System.nanoTime() < deadline, "no partial file within 120 s");
            Thread.sleep(20);
        }
        return p;
    }

    private List<Path> partials() {
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void age(Path file, long hours) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(hours, ChronoUnit.HOURS)));
    }

    @Test
    @DisplayName("after kill -9 mid-backup: prune --dry-run lists the partial file, keeps it within the grace, deletes it past the grace; the backups stay")
    void killedRunsPartialFile() throws Exception {
        CliRun good = CliRun.run(env, "backup");
        assertEquals(0, good.exitCode(), good.stderr());
        Process p = startHeld();
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Files.createFile(gate);
        Path partial = partials().get(0);
        String name = partial.getFileName().toString();

        CliRun fresh = CliRun.run(env, "prune", "--dry-run");
        assertEquals(0, fresh.exitCode(), fresh.stderr());
        assertTrue(fresh.stdout().lines().anyMatch(l -> l.contains("keep") && l.contains(name)
                && l.contains("within the 24 h grace period")), fresh.stdout());

        age(partial, 25);
        CliRun plan = CliRun.run(env, "prune", "--dry-run");
        assertTrue(plan.stdout().lines().anyMatch(l -> l.contains("delete") && l.contains(name)
                && l.contains("past the 24 h grace period")), plan.stdout());
        assertTrue(plan.stdout().contains("1 partial file(s) of dead runs"), plan.stdout());
        assertTrue(Files.exists(partial), "a dry run deletes nothing");

        CliRun prune = CliRun.run(env, "prune", "--json");
        assertEquals(0, prune.exitCode(), prune.stderr());
        assertFalse(Files.exists(partial));
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).list().size(), "the good backup stays");
        assertTrue(prune.events().stream().anyMatch(e -> e.get("event").asText().equals("ShiftSync.Prune.Completed")
                && e.get("partialsDeleted").asInt() == 1), prune.rawStderr());
    }

    @Test
    @DisplayName("the partial file of a live run is never deleted, however old it looks; the run then finishes its backup")
    void liveRunsPartialFile() throws Exception {
        Process p = startHeld();
        Path partial = partials().get(0);
        age(partial, 48);
        CliRun prune = CliRun.run(env, "prune");
        assertEquals(0, prune.exitCode(), prune.stderr());
        assertTrue(Files.exists(partial), prune.stdout());
        assertTrue(prune.stdout().lines().anyMatch(l -> l.contains("keep") && l.contains(partial.getFileName().toString())
                && l.contains("partial file of the backup running now (pid " + p.pid())), prune.stdout());
        Files.createFile(gate);
        CliRun finished = CliRun.await(p);
        assertEquals(0, finished.exitCode(), finished.stderr());
        assertEquals(1, new LocalBackupStore(dir.resolve("backups")).list().size());
        assertEquals(List.of(), partials());
    }
}
