package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The command line's own parsing rules, beyond what picocli checks: each refusal is one
 * sentence naming the option (exit 2).
 */
final class OptionValues {
    private OptionValues() {
    }

    /** A whole number of at least {@code min}. */
    static int atLeast(int value, int min, String option) {
        if (value < min) {
            throw ShiftSyncException.badInput(option + " must be at least " + min + ", not " + value);
        }
        return value;
    }

    /** A file to write: its folder must exist, and it must not be a folder itself. */
    static Path outputFile(Path file, String option) {
        Path target = file.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw ShiftSyncException.badInput(option + " " + file + " is a folder; name a file in it, e.g. "
                    + target.resolve("shiftsync-backup.html"));
        }
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw ShiftSyncException.badInput(option + " " + file + ": the folder " + dir + " does not exist");
        }
        return target;

    }

    /** What picocli refused (an unknown option, a missing one), as the one error shape. */
    static ShiftSyncException usageError(String message) {
        return ShiftSyncException.badInput(message);
    }

    /** A whole number of seconds, at least 1. */
    static Duration seconds(String option, int value) {
        if (value < 1) {
            throw ShiftSyncException.badInput(option + " must be at least 1 (seconds), not " + value);
        }
        return Duration.ofSeconds(value);
    }

    /** A file to write that must not exist yet: nothing is ever overwritten. */
    static Path newFile(String option, String value) {
        if (value == null || value.isBlank()) {
            throw ShiftSyncException.badInput(option + " needs a file name");
        }
        Path file = Path.of(value).toAbsolutePath().normalize();
        if (java.nio.file.Files.exists(file)) {
            throw ShiftSyncException.badInput(option + " " + file + " exists already; choose another file (nothing "
                    + "is overwritten)");
        }
        if (file.getParent() != null && !java.nio.file.Files.isDirectory(file.getParent())) {
            throw ShiftSyncException.badInput(option + " " + file + ": folder " + file.getParent() + " does not exist");
        }
        return file;
    }
}
