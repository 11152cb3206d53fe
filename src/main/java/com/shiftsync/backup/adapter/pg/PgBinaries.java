package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds pg_dump and pg_restore: the folder {@code PG_BIN_DIR} names, else the newest
 * Debian/Ubuntu {@code /usr/lib/postgresql/<major>/bin} (pg_dump must be at least the
 * server's major version, so newest is safest), else the PATH.
 */
public final class PgBinaries {
    private final Path folder;

    private PgBinaries(Path folder) {
        this.folder = folder;
    }

    public static PgBinaries locate(String configuredFolder) {
        if (configuredFolder != null && !configuredFolder.isBlank()) {
            Path dir = Path.of(configuredFolder);
            if (!Files.isExecutable(dir.resolve("pg_dump"))) {
                throw new ShiftSyncException(ErrorCode.BAD_INPUT,
                        "PG_BIN_DIR '" + configuredFolder + "' holds no executable pg_dump");
            }
            return new PgBinaries(dir);
        }
        Optional<Path> debian = newestDebianFolder();
        if (debian.isPresent()) {
            return new PgBinaries(debian.get());
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "pg_dump"))) {
                return new PgBinaries(Path.of(entry));
            }
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                "pg_dump was not found: install the PostgreSQL client (apt install postgresql-client) or set PG_BIN_DIR");
    }

    private static Optional<Path> newestDebianFolder() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> majors = Files.list(root)) {
            return majors.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/pg_dump")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String pgDump() {
        return folder.resolve("pg_dump").toString();
    }

    public String pgRestore() {
        return folder.resolve("pg_restore").toString();
    }

    public Path folder() {
        return folder;
    }
}
