package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.DumpProcess;
import com.shiftsync.backup.port.DumpTool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link DumpTool} on the machine's pg_dump and pg_restore. */
public final class PgDumpTool implements DumpTool {
    private static final Duration LIST_TIMEOUT = Duration.ofMinutes(10);

    private final PgBinaries binaries;
    private final Duration restoreTimeout;
    private volatile String version;

    public PgDumpTool(PgBinaries binaries, Duration restoreTimeout) {
        this.binaries = binaries;
        this.restoreTimeout = restoreTimeout;
    }

    @Override
    public String version() {
        if (version == null) {
            try {
                Process p = new ProcessBuilder(binaries.pgDump(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor();
                version = out;
            } catch (IOException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not run " + binaries.pgDump(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "interrupted while asking pg_dump its version", e);
            }
        }
        return version;
    }

    @Override
    public DumpProcess startDump(DatabaseUrl source, String snapshot) {
        List<String> argv = List.of(binaries.pgDump(), "--format=custom", "--no-password",
                "--snapshot=" + snapshot, "--dbname=" + source.toLibpqUri());
        PgProcess process = PgProcess.start("pg_dump", argv, source);
        return new DumpProcess() {
            @Override
            public InputStream output() {
                return process.stdout();
            }

            @Override
            public void awaitSuccess(Duration timeout) {
                process.awaitSuccess(timeout);
            }

            @Override
            public void close() {
                process.close();
            }
        };
    }

    @Override
    public void checkArchive(InputStream archive) {
        try (PgProcess process = PgProcess.start("pg_restore",
                List.of(binaries.pgRestore(), "--list"), null)) {
            Thread feeder = new Thread(() -> feed(archive, process.stdin()), "pg_restore-list-feed");
            feeder.setDaemon(true);
            feeder.start();
            try (InputStream listing = process.stdout()) {
                listing.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read pg_restore --list output", e);
            }
            try {
                process.awaitSuccess(LIST_TIMEOUT);
            } catch (ShiftSyncException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                        "the stored archive is not readable by pg_restore: " + e.getMessage(), e);
            }
        }
    }

    /** Copies until pg_restore stops reading: --list reads the table of contents and exits. */
    private static void feed(InputStream archive, OutputStream stdin) {
        try (InputStream in = archive; OutputStream out = stdin) {
            in.transferTo(out);
        } catch (IOException expectedWhenListEndsEarly) {
            // pg_restore closed its stdin after the table of contents: that is success, its exit code tells
        }
    }

    @Override
    public void restore(Path archive, DatabaseUrl target, int jobs, boolean ownersAndGrants) {
        List<String> argv = new ArrayList<>(List.of(binaries.pgRestore(), "--clean", "--if-exists",
                "--no-password", "--exit-on-error"));
        if (!ownersAndGrants) {
            argv.addAll(List.of("--no-owner", "--no-privileges"));
        }
        if (jobs <= 1) {
            argv.add("--single-transaction");
        } else {
            argv.add("--jobs=" + jobs);
        }
        argv.add("--dbname=" + target.toLibpqUri());
        argv.add(archive.toString());
        try (PgProcess process = PgProcess.start("pg_restore", argv, target)) {
            process.stdout().transferTo(OutputStream.nullOutputStream());
            process.awaitSuccess(restoreTimeout);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read pg_restore's output", e);
        }
    }
}
