package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Rules of the command line's own options, refused before anything runs (exit 2, naming the option). */
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
}
