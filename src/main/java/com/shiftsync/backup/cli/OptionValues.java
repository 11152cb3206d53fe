package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The command line's own parsing rules, beyond what picocli checks: each refusal is one
 * sentence naming the option (exit 2).
 */
final class OptionValues {
    private OptionValues() {
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
