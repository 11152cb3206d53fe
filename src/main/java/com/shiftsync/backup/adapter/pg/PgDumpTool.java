package com.shiftsync.backup.adapter.pg;

import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.Compression;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.DumpProcess;
import com.shiftsync.backup.port.DumpTool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link DumpTool} on the machine's pg_dump and pg_restore, every major {@link PgBinaries} finds. */
public final class PgDumpTool implements DumpTool {
    private static final Duration LIST_TIMEOUT = Duration.ofMinutes(10);

    private final PgBinaries binaries;
    private final Duration restoreTimeout;
    private PgClients clients;

    public PgDumpTool(PgBinaries binaries, Duration restoreTimeout) {
        this.binaries = binaries;
        this.restoreTimeout = restoreTimeout;
    }

    /** Asked once; a second caller meanwhile waits for the first's answer instead of asking again. */
    @Override
    public synchronized PgClients clients() {
        if (clients == null) {
            clients = binaries.clients();
        }
        return clients;
    }

    @Override
    public DumpProcess startDump(PgClients.Client client, DatabaseUrl source, String snapshot,
                                 Compression compression) {
        List<String> argv = new ArrayList<>(List.of(tool(client, "pg_dump"), "--format=custom", "--no-password"));
        argv.addAll(compression.pgDumpArguments(client.major()));
        argv.addAll(List.of("--snapshot=" + snapshot, "--dbname=" + source.toLibpqUri()));
        PgProcess process = PgProcess.start("pg_dump", argv, source);
        return new DumpProcess() {
            @Override
            public PgClients.Client client() {
                return client;
            }

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

    private static String tool(PgClients.Client client, String name) {
        return Path.of(client.folder()).resolve(name).toString();
    }

    @Override
    public void checkArchive(InputStream archive) {
        // the newest pg_restore reads the archives of every pg_dump here
        PgClients.Client newest = clients().newest().orElseThrow();
        try (PgProcess process = PgProcess.start("pg_restore", List.of(tool(newest, "pg_restore"), "--list"), null)) {
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
    public void restore(PgClients.Client client, Path archive, DatabaseUrl target, int jobs,
                        boolean ownersAndGrants) {
        List<String> argv = new ArrayList<>(List.of(tool(client, "pg_restore"), "--clean", "--if-exists",
                "--no-password", "--exit-on-error"));
        if (!ownersAndGrants) {
            argv.addAll(List.of("--no-owner", "--no-privileges"));
        }
        if (jobs <= 1) {
            argv.add("--single-transaction");
        } else {
            argv.add("--jobs=" + jobs);
        }
        run(argv, archive, target, Cancellation.none());
    }

    @Override
    public void restoreSandboxed(PgClients.Client client, Path archive, DatabaseUrl sandbox, Cancellation cancel) {
        run(new ArrayList<>(List.of(tool(client, "pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
                "--no-password", "--exit-on-error")), archive, sandbox, cancel);
    }

    private void run(List<String> argv, Path archive, DatabaseUrl target, Cancellation cancel) {
        argv.add("--dbname=" + target.toLibpqUri());
        argv.add(archive.toString());
        try (PgProcess process = PgProcess.start("pg_restore", argv, target);
             Cancellation.Registration stop = cancel.whenCancelled(process::close)) {
            process.stdout().transferTo(OutputStream.nullOutputStream());
            process.awaitSuccess(restoreTimeout);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read pg_restore's output", e);
        }
    }
}
