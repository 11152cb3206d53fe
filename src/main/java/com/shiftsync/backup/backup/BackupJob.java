package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.DumpProcess;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SnapshotSession;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One backup, fail-closed: lock the tier in every store, export a snapshot, count rows in
 * it while pg_dump dumps that same snapshot, stream the archive through SHA-256 into
 * every store at once, check pg_dump's exit and stderr, commit, read each stored archive's
 * table of contents back, and only then write the manifests. Whatever fails, nothing
 * that looks like a backup is left behind and earlier backups are never touched.
 */
public final class BackupJob {
    /** A custom-format archive of even an empty database is larger than this. */
    static final long MIN_ARCHIVE_BYTES = 256;
    private static final int CHUNK = 1024 * 1024;

    private final DatabaseLogin login;
    private final Database database;
    private final DumpTool dumpTool;
    private final List<BackupStore> stores;
    private final Clock clock;
    private final Duration timeout;

    /**
     * @param stores  every store the backup goes to, all or nothing (the CLI's {@code --upload} gives two)
     * @param timeout how long pg_dump may run
     */
    public BackupJob(DatabaseLogin login, Database database, DumpTool dumpTool, List<BackupStore> stores,
                     Clock clock, Duration timeout) {
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("a backup needs at least one store");
        }
        this.login = login;
        this.database = database;
        this.dumpTool = dumpTool;
        this.stores = List.copyOf(stores);
        this.clock = clock;
        this.timeout = timeout;
    }

    public List<BackupStore> stores() {
        return stores;
    }

    /** Makes one backup of {@code tier} and reports it (event and metrics), succeeded or failed. */
    public BackupResult run(Tier tier, Reporter reporter) {
        long startNanos = System.nanoTime();
        try {
            BackupResult result = backUp(tier, startNanos);
            BackupEvents.succeeded(result, reporter);
            return result;
        } catch (RuntimeException e) {
            BackupEvents.failed(tier, clock.instant(), Duration.ofNanos(System.nanoTime() - startNanos), e, reporter);
            throw e;
        }
    }

    private BackupResult backUp(Tier tier, long startNanos) {
        List<Lease> leases = new ArrayList<>();
        // credentials first: a password or token that cannot be had fails the run before any store is touched
        DatabaseUrl source = login.current();
        try {
            for (BackupStore store : stores) {
                leases.add(store.lock(tier));
            }
            BackupId id = freshId(source.database());
            Manifest manifest = dumpAndStore(tier, id, source, leases);
            return new BackupResult(manifest, Duration.ofNanos(System.nanoTime() - startNanos),
                    stores.stream().map(BackupStore::name).toList());
        } finally {
            leases.forEach(Lease::close);
        }
    }

    /**
     * An id no store holds yet, in any tier: ids have one-second resolution, and a daily and
     * a manual backup may start in the same second. The tier's lease keeps its own tier
     * from racing us here.
     */
    private BackupId freshId(String databaseName) {
        for (int attempt = 0; attempt < 5; attempt++) {
            BackupId id = BackupId.of(databaseName, clock.instant());
            if (stores.stream().noneMatch(s -> s.contains(id))) {
                return id;
            }
            try {
                Thread.sleep(1000 - clock.instant().getNano() / 1_000_000 + 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                "could not find an unused backup id: backups of " + databaseName + " keep starting in the same second");
    }

    private Manifest dumpAndStore(Tier tier, BackupId id, DatabaseUrl source, List<Lease> leases) {
        List<ArchiveWriter> writers = new ArrayList<>();
        List<BackupStore> committed = new ArrayList<>();
        List<BackupStore> withManifest = new ArrayList<>();
        boolean done = false;
        try (SnapshotSession snapshot = database.openSnapshot(source);
             DumpProcess dump = dumpTool.startDump(source, snapshot.snapshotId())) {
            CompletableFuture<Map<String, Long>> counts = CompletableFuture.supplyAsync(snapshot::countRows);
            for (BackupStore store : stores) {
                writers.add(store.createArchive(tier, id));
            }
            Streamed streamed = pump(dump.output(), writers);
            dump.awaitSuccess(timeout);
            Map<String, Long> rowCounts = join(counts);
            if (streamed.bytes() < MIN_ARCHIVE_BYTES) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "pg_dump produced an implausibly small archive ("
                        + streamed.bytes() + " bytes); nothing was stored");
            }
            leases.forEach(Lease::verifyHeld);
            for (int i = 0; i < stores.size(); i++) {
                long stored = writers.get(i).commit();
                committed.add(stores.get(i));
                if (stored != streamed.bytes()) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED, stores.get(i).describe() + " stored " + stored
                            + " bytes of an archive of " + streamed.bytes());
                }
            }
            for (BackupStore store : stores) {
                try (InputStream archive = store.openArchive(tier, id)) {
                    dumpTool.checkArchive(archive);
                } catch (IOException e) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                            "could not read back the archive in " + store.describe(), e);
                }
            }
            Manifest manifest = new Manifest(id.toString(), source.database(), tier, id.startedAt(), clock.instant(),
                    streamed.bytes(), streamed.sha256(), snapshot.serverVersion(), dumpTool.version(),
                    Manifest.CUSTOM_FORMAT, rowCounts);
            leases.forEach(Lease::verifyHeld);
            for (BackupStore store : stores) {
                store.putManifest(manifest);
                withManifest.add(store);
            }
            done = true;
            return manifest;
        } finally {
            writers.forEach(ArchiveWriter::close);
            if (!done) {
                undo(tier, id, committed, withManifest);
            }
        }
    }

    /** Removes what a failed run stored: manifests first, so no reader ever sees a backup without its archive. */
    private static void undo(Tier tier, BackupId id, List<BackupStore> committed, List<BackupStore> withManifest) {
        for (BackupStore store : withManifest) {
            try {
                store.deleteManifest(tier, id);
            } catch (RuntimeException ignored) {
                // the first failure is the one reported; prune removes what is left
            }
        }
        for (BackupStore store : committed) {
            try {
                store.deleteArchive(tier, id);
            } catch (RuntimeException ignored) {
                // an archive without a manifest is not a backup, and prune removes it later
            }
        }
    }

    private static Streamed pump(InputStream in, List<ArchiveWriter> writers) {
        MessageDigest sha = Sha256.digest();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
                for (ArchiveWriter writer : writers) {
                    writer.write(buffer, 0, n);
                }
                total += n;
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read pg_dump's output: " + e.getMessage(), e);
        }
        return new Streamed(total, Sha256.hex(sha));
    }

    private static Map<String, Long> join(CompletableFuture<Map<String, Long>> counts) {
        try {
            return counts.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "interrupted while counting rows", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ShiftSyncException sse) {
                throw sse;
            }
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not count rows: " + e.getCause(), e.getCause());
        }
    }


    private record Streamed(long bytes, String sha256) {
    }

}
