package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the folders of pg_dump and pg_restore: those {@code PG_BIN_DIR} lists (separated by
 * {@code :}), else every Debian/Ubuntu {@code /usr/lib/postgresql/<major>/bin}, else the first
 * on the PATH; and asks each folder's pg_dump its version, so the jobs can choose the client
 * of each server's major ({@link PgClients}).
 */
public final class PgBinaries {
    private static final long VERSION_TIMEOUT_SECONDS = 30;

    private final List<Path> folders;

    private PgBinaries(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    public static PgBinaries locate(String configuredFolders) {
        if (configuredFolders != null && !configuredFolders.isBlank()) {
            List<Path> folders = new ArrayList<>();
            for (String entry : configuredFolders.split(":")) {
                if (entry.isBlank()) {
                    continue;
                }
                Path dir = Path.of(entry.strip());
                for (String tool : List.of("pg_dump", "pg_restore")) {
                    if (!Files.isExecutable(dir.resolve(tool))) {
                        throw new ShiftSyncException(ErrorCode.BAD_INPUT, "PG_BIN_DIR '" + configuredFolders
                                + "' names folder " + dir + ", which holds no executable " + tool);
                    }
                }
                folders.add(dir);
            }
            if (!folders.isEmpty()) {
                return new PgBinaries(folders);
            }
        }
        List<Path> debian = debianFolders();
        if (!debian.isEmpty()) {
            return new PgBinaries(debian);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "pg_dump"))) {
                return new PgBinaries(List.of(Path.of(entry)));
            }
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                "pg_dump was not found: install the PostgreSQL client of the server's major "
                        + "(apt install postgresql-client-<major>) or set PG_BIN_DIR");
    }

    /** Every /usr/lib/postgresql/<major>/bin holding pg_dump and pg_restore, oldest major first. */
    private static List<Path> debianFolders() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> majors = Files.list(root)) {
            return majors.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/pg_dump"))
                            && Files.isExecutable(p.resolve("bin/pg_restore")))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The folders found, in PG_BIN_DIR's order (or oldest major first). */
    public List<Path> folders() {
        return folders;
    }

    /** Each folder's client, its version asked of its pg_dump; a folder whose pg_dump does not answer is refused by name. */
    public PgClients clients() {
        List<PgClients.Client> found = new ArrayList<>();
        for (Path folder : folders) {
            String version = versionOf(folder.resolve("pg_dump"));
            Integer major = PgClients.major(version);
            if (major == null) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, folder.resolve("pg_dump")
                        + " --version printed no version ('" + version + "'): check PG_BIN_DIR");
            }
            found.add(new PgClients.Client(major, folder.toString(), version));
        }
        return new PgClients(found);
    }

    private static String versionOf(Path pgDump) {
        try {
            Process p = new ProcessBuilder(pgDump.toString(), "--version").redirectErrorStream(true).start();
            // one short line, far below a pipe's buffer: waiting first cannot block the child
            if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, pgDump + " --version did not answer within "
                        + VERSION_TIMEOUT_SECONDS + " s");
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not run " + pgDump + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "interrupted while asking " + pgDump + " its version", e);
        }
    }
}
