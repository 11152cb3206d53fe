package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.Encryption;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Progress;
import com.shiftsync.backup.domain.RolesFile;
import com.shiftsync.backup.domain.Tier;
import picocli.CommandLine;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Every command runs in a fresh JVM, where the first use of some things costs hundreds of
 * milliseconds of class loading and interpreted code, measured on a backup's path: the JSON
 * mapper, the PBKDF2 of the database login's SCRAM-SHA-256 (4096 rounds of HMAC-SHA-256, which
 * the JIT compiles only after many of them), and the mapper's first look at a manifest (a
 * record it reads by reflection), which signing, listing and pruning all need. Done once on a
 * spare thread while picocli, the wiring and pg_dump run, none of it waits on the backup's path.
 * On a backup, what it needs only once the dump is done waits for the dump's first bytes: before
 * pg_dump starts, every core is already busy with the path to it (class loading, the login, the
 * JIT), and the warm-up would only slow that down (0.09 s on 2 cores).
 */
final class WarmUp {
    private WarmUp() {
    }

    /** Released when a backup's dump has started (or at once, for any other command). */
    private static final CountDownLatch DUMP_STARTED = new CountDownLatch(1);

    /**
     * Starts the warm-up on a daemon thread; the command never waits for it. For {@code backup},
     * the steps {@link #AFTER_DUMP} wait for {@link #whenDumpStarts}.
     */
    static void start(String command) {
        if (!"backup".equals(command)) {
            DUMP_STARTED.countDown();
        }
        Thread thread = new Thread(WarmUp::run, "warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** {@code progress}, which also lets the rest of the warm-up go at the dump's first bytes. */
    static Progress whenDumpStarts(Progress progress) {
        return bytes -> {
            DUMP_STARTED.countDown(); // once released, a read of the count and nothing more
            progress.written(bytes);
        };
    }

    private static void run() {
        runAll(BEFORE_DUMP);
        try {
            DUMP_STARTED.await();
        } catch (InterruptedException e) {
            return;
        }
        runAll(AFTER_DUMP);
    }

    private static void runAll(List<Step> steps) {
        for (Step step : steps) {
            try {
                step.run();
            } catch (GeneralSecurityException | RuntimeException ignored) {
                // only speed is lost
            }
        }
    }

    /** One thing warmed; a failure only costs speed, so a test runs each to see that it still warms anything. */
    interface Step {
        void run() throws GeneralSecurityException;
    }

    /** What a backup needs before pg_dump starts, in that order. */
    static final List<Step> BEFORE_DUMP = List.of(
            // picocli's classes are older than class-data sharing takes (Java 5): each run loads and verifies them
            () -> new CommandLine(new Main()),
            // SCRAM-SHA-256's own parameters: the same methods get compiled that the login then runs
            () -> SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec("warm-up".toCharArray(), new byte[16], 4096, 256)));

    /** What a backup needs once its dump is done (and every other command early). */
    static final List<Step> AFTER_DUMP = List.of(
            () -> Json.read(Json.write(Map.of("at", Instant.EPOCH, "n", List.of(1L))).getBytes(StandardCharsets.UTF_8),
                    Map.class),
            // a manifest as written, signed (the MAC's canonical form is its JSON tree) and read back
            () -> {
                String hash = "0".repeat(64);
                Manifest manifest = new Manifest("warm-up", "warm-up", Tier.DAILY, Instant.EPOCH, Instant.EPOCH, 1, hash,
                        "17", "17", Manifest.CUSTOM_FORMAT, "1.16", 17, "zstd:1", Map.of("public.t", 1L),
                        new RolesFile("warm-up", 1, hash, List.of("r")),
                        new Encryption(Encryption.AGE, List.of("r"), 1, hash), "m", null);
                Json.MAPPER.valueToTree(manifest);
                Json.read(Json.write(manifest).getBytes(StandardCharsets.UTF_8), Manifest.class);
            });
}
