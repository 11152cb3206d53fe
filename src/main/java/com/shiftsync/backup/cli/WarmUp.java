package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.Json;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every command runs in a fresh JVM, where the first use of two things costs hundreds of
 * milliseconds of class loading and interpreted code, measured on the way to pg_dump's start:
 * the JSON mapper, and the PBKDF2 of the database login's SCRAM-SHA-256 (4096 rounds of
 * HMAC-SHA-256, which the JIT compiles only after many of them). Done once on a spare thread
 * while picocli and the wiring start, neither waits on the backup's path.
 */
final class WarmUp {
    private WarmUp() {
    }

    /** Starts the warm-up on a daemon thread; the command never waits for it. */
    static void start() {
        Thread thread = new Thread(WarmUp::run, "warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void run() {
        try {
            // SCRAM-SHA-256's own parameters: the same methods get compiled that the login then runs
            SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec("warm-up".toCharArray(), new byte[16], 4096, 256));
        } catch (GeneralSecurityException | RuntimeException ignored) {
            // only speed is lost
        }
        try {
            Json.read(Json.write(Map.of("at", Instant.EPOCH, "n", List.of(1L))).getBytes(StandardCharsets.UTF_8),
                    Map.class);
        } catch (RuntimeException ignored) {
            // only speed is lost
        }
    }
}
