package com.shiftsync.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PG_BIN_DIR of wrapper scripts: pg_dump and pg_restore that record what {@code ps} shows
 * of them (their own {@code /proc/<pid>/cmdline}, read by the process itself while it runs),
 * optionally run a shell snippet first (a pause, a lock; never for {@code --version}), then exec the real
 * binaries with the same arguments and environment. Because each wrapper records itself, a
 * test sees every invocation however short-lived it is: nothing depends on catching a
 * process in the act.
 */
public final class PgWrappers {
    private static final String LOG = "invocations";

    private PgWrappers() {
    }

    /** Wrappers in {@code folder} (which must exist) that pause {@code pauseSeconds} first; returns the folder. */
    public static Path create(Path folder, double pauseSeconds) {
        return create(folder, "sleep " + pauseSeconds, "sleep " + pauseSeconds);
    }

    /** Wrappers that run {@code beforeDump} / {@code beforeRestore} (shell, may be empty) before the real tool. */
    public static Path create(Path folder, String beforeDump, String beforeRestore) {
        return create(folder, PostgresCluster.serverBinaries(), beforeDump, beforeRestore);
    }

    /** Wrappers in {@code folder} that only record, of the tools in {@code real} (another major's client). */
    public static Path recording(Path folder, Path real) {
        return create(folder, real, "", "");
    }

    private static Path create(Path folder, Path real, String beforeDump, String beforeRestore) {
        try {
            Path log = Files.createDirectories(folder.resolve(LOG));
            write(folder.resolve("pg_dump"), log, beforeDump, real.resolve("pg_dump"));
            write(folder.resolve("pg_restore"), log, beforeRestore, real.resolve("pg_restore"));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path script, Path log, String before, Path real) throws IOException {
        // the app asks each folder's pg_dump its version before it dumps: that question never waits at a gate
        Files.writeString(script, "#!/bin/sh\n"
                + "cat /proc/$$/cmdline > '" + log + "'/$$.cmdline\n"
                + (before.isBlank() ? "" : "if [ \"$1\" != --version ]; then\n" + before + "\nfi\n")
                + "exec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The command line of every wrapper run so far (argv joined by spaces), as /proc showed it. */
    public static List<String> commandLines(Path folder) {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder.resolve(LOG))) {
            for (Path f : files.sorted().toList()) {
                lines.add(Files.readString(f).replace('\0', ' ').strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
