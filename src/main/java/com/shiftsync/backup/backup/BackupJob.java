package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.ArchiveFormat;
import com.shiftsync.backup.domain.BackupCompression;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Cancellation;
import com.shiftsync.backup.domain.Compression;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.Encryption;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.PgClients;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.ManifestMac;
import com.shiftsync.backup.domain.Progress;
import com.shiftsync.backup.domain.RoleSet;
import com.shiftsync.backup.domain.RolesFile;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveCipher;
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
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * One backup, fail-closed per store: lock the tier in every store, export a snapshot, read
 * the roles the database needs and count rows in it while pg_dump dumps that same snapshot,
 * stream the archive through SHA-256 into every store at once, check pg_dump's exit and
 * stderr, commit, read each stored archive's table of contents back, store the roles file
 * ({@link RolesScript}) beside it, and only then write the manifests, which cover both. Whatever fails,
 * nothing that looks like a backup is left behind and earlier backups are never touched.
 *
 * <p>Stores stand alone: a store that fails (Blob Storage unreachable mid-upload, a full
 * local disk) drops out with its reason and its partial copy discarded, and the others go
 * on, so a good copy is never thrown away because another could not be made. The result
 * says which stores hold the backup and which failed; the good copies carry a
 * {@link PendingCopy} record, and the next run into the failed store copies the backup
 * there from a good one ({@link CopyRepair}). The run fails only when no store holds the
 * backup, or when pg_dump itself fails (then no store does).
 *
 * <p>A run can be stopped from outside ({@link Cancellation}: the CLI's SIGTERM and SIGINT):
 * pg_dump is stopped at once, and the run cleans up as after any failure.
 *
 * <p>With BACKUP_ENCRYPTION_RECIPIENTS set, the archive is encrypted ({@link ArchiveCipher}) as
 * it streams, before it reaches any store; the table-of-contents check reads the stored bytes
 * back through decryption. With MANIFEST_KEY_SECRET set, the manifest carries its MAC
 * ({@link ManifestMac}); the key is got before any store is touched, like the password.
 */
public final class BackupJob {
    /** A custom-format archive of even an empty database is larger than this. */
    static final long MIN_ARCHIVE_BYTES = 256;
    private static final int CHUNK = 1024 * 1024;
    private static final String NOTHING = "no backup was made";

    private final DatabaseLogin login;
    private final Database database;
    private final DumpTool dumpTool;
    private final List<BackupStore> stores;
    private final Clock clock;
    private final Duration timeout;
    private final BackupCompression compression;
    private final ArchiveCipher cipher;
    private final Supplier<Optional<ManifestKey>> manifestKey;

    /**
     * Backups stored as pg_dump writes them, with manifests without a MAC.
     *
     * @param stores  every store the backup goes to (the CLI's {@code --upload} gives two)
     * @param timeout how long pg_dump may run
     */
    public BackupJob(DatabaseLogin login, Database database, DumpTool dumpTool, List<BackupStore> stores,
                     Clock clock, Duration timeout) {
        this(login, database, dumpTool, stores, clock, timeout, BackupCompression.AUTO, ArchiveCipher.NONE,
                Optional::empty);
    }

    /**
     * @param stores      every store the backup goes to (the CLI's {@code --upload} gives two)
     * @param timeout     how long pg_dump may run
     * @param compression BACKUP_COMPRESSION: what pg_dump is asked to compress with
     * @param cipher      what encrypts the archive ({@link ArchiveCipher#NONE}: nothing)
     * @param manifestKey MANIFEST_KEY_SECRET's key, got at the start of every run; empty when it is not set
     */
    public BackupJob(DatabaseLogin login, Database database, DumpTool dumpTool, List<BackupStore> stores,
                     Clock clock, Duration timeout, BackupCompression compression, ArchiveCipher cipher,
                     Supplier<Optional<ManifestKey>> manifestKey) {
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("a backup needs at least one store");
        }
        this.login = login;
        this.database = database;
        this.dumpTool = dumpTool;
        this.stores = List.copyOf(stores);
        this.clock = clock;
        this.timeout = timeout;
        this.compression = compression;
        this.cipher = cipher;
        this.manifestKey = manifestKey;
    }

    public List<BackupStore> stores() {
        return stores;
    }

    /** Makes one backup of {@code tier} and reports it (event and metrics), succeeded or failed. */
    public BackupResult run(Tier tier, Reporter reporter) {
        return run(tier, reporter, Progress.NONE, Cancellation.none());
    }

    /**
     * Makes one backup of {@code tier}, telling {@code progress} how far it got, stopping when
     * {@code cancel} says so, and reports it. Returns when at least one store holds the backup
     * ({@link BackupResult#complete()} says whether all do); throws when none does.
     */
    public BackupResult run(Tier tier, Reporter reporter, Progress progress, Cancellation cancel) {
        long startNanos = System.nanoTime();
        try {
            BackupResult result = backUp(tier, startNanos, progress, cancel);
            if (result.complete()) {
                BackupEvents.succeeded(result, reporter);
            } else {
                BackupEvents.partlyStored(result, reporter);
            }
            return result;
        } catch (RuntimeException e) {
            BackupEvents.failed(tier, clock.instant(), Duration.ofNanos(System.nanoTime() - startNanos), e, reporter);
            throw e;
        }
    }

    /** One store's part of the run. */
    private static final class Copy {
        final BackupStore store;
        Lease lease;
        ArchiveWriter writer;
        boolean committed;
        boolean withSideFiles;
        boolean withManifest;
        RuntimeException failure;

        Copy(BackupStore store) {
            this.store = store;
        }

        boolean alive() {
            return failure == null;
        }

        /** This store drops out: its partial copy is discarded, the other stores go on. */
        void fail(RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
            if (writer != null) {
                writer.close();
            }
        }

        StoreResult result() {
            return new StoreResult(store.name(), store.describe(), alive(), alive() ? null
                    : ShiftSyncException.wrap(failure).getMessage() + "; no backup was committed there");
        }
    }

    private BackupResult backUp(Tier tier, long startNanos, Progress progress, Cancellation cancel) {
        // the clients' versions are asked (a process per folder) while the credentials, locks and snapshot are had,
        // not after them: all of it comes before pg_dump can start
        CompletableFuture.runAsync(dumpTool::clients);
        // credentials first: a password, token or key that cannot be had fails the run before any store is touched
        DatabaseUrl source = login.current();
        Optional<ManifestKey> key = manifestKey.get();
        List<Copy> copies = stores.stream().map(Copy::new).toList();
        try {
            for (Copy c : copies) {
                try {
                    c.lease = c.store.lock(tier);
                } catch (ShiftSyncException e) {
                    if (e.code() == ErrorCode.IN_PROGRESS) {
                        throw e;
                    }
                    c.fail(e);
                }
            }
            requireOne(copies);
            cancel.check(NOTHING);
            BackupId id = freshId(source.database(), copies);
            Manifest manifest = dumpAndStore(tier, id, source, key, copies, progress, cancel);
            List<StoreResult> results = copies.stream().map(Copy::result).toList();
            List<String> holders = copies.stream().filter(Copy::alive).map(c -> c.store.name()).toList();
            List<String> caughtUp = new ArrayList<>();
            if (stores.size() > 1) {
                for (CopyRepair.Copied c : CopyRepair.repair(stores, Set.copyOf(holders))) {
                    if (!c.backupId().equals(manifest.id())) {
                        caughtUp.add(c.reason());
                    }
                }
            }
            return new BackupResult(manifest, Duration.ofNanos(System.nanoTime() - startNanos), holders, results,
                    caughtUp);
        } finally {
            for (Copy c : copies) {
                if (c.lease != null) {
                    c.lease.close();
                }
            }
        }
    }

    /** Throws the first store's failure when no store is left: nothing can hold the backup. */
    private static void requireOne(List<Copy> copies) {
        if (copies.stream().noneMatch(Copy::alive)) {
            RuntimeException first = copies.get(0).failure;
            if (copies.size() == 1) {
                throw first;
            }
            ShiftSyncException e = ShiftSyncException.wrap(first);
            throw new ShiftSyncException(e.code(), String.join("; ", copies.stream()
                    .map(c -> ShiftSyncException.wrap(c.failure).getMessage()).toList()) + "; " + NOTHING,
                    e.upstreamCode(), first);
        }
    }

    /**
     * An id no store holds yet, in any tier: ids have one-second resolution, and a daily and
     * a manual backup may start in the same second. The tier's lease keeps its own tier
     * from racing us here.
     */
    private BackupId freshId(String databaseName, List<Copy> copies) {
        for (int attempt = 0; attempt < 5; attempt++) {
            BackupId id = BackupId.of(databaseName, clock.instant());
            boolean taken = false;
            for (Copy c : copies) {
                if (c.alive()) {
                    try {
                        taken |= c.store.contains(id);
                    } catch (RuntimeException e) {
                        c.fail(e);
                    }
                }
            }
            requireOne(copies);
            if (!taken) {
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

    private Manifest dumpAndStore(Tier tier, BackupId id, DatabaseUrl source, Optional<ManifestKey> key,
                                  List<Copy> copies, Progress progress, Cancellation cancel) {
        boolean done = false;
        try (SnapshotSession snapshot = database.openSnapshot(source);
             DumpProcess dump = startDump(snapshot, source);
             Cancellation.Registration stop = cancel.whenCancelled(dump::close)) {
            // before the count starts: both read on the snapshot's one session
            RoleSet roles = snapshot.neededRoles();
            CompletableFuture<Map<String, Long>> counts = CompletableFuture.supplyAsync(snapshot::countRows);
            for (Copy c : copies) {
                if (c.alive()) {
                    try {
                        c.writer = c.store.createArchive(tier, id);
                    } catch (RuntimeException e) {
                        c.fail(e);
                    }
                }
            }
            requireOne(copies);
            Stored stored = new Stored(copies);
            ArchiveCipher.Encrypting encrypting = cipher.encrypts() ? cipher.encrypt(stored) : null;
            Streamed streamed = pump(dump.output(), encrypting, stored, progress, cancel);
            cancel.check(NOTHING);
            dump.awaitSuccess(timeout);
            Map<String, Long> rowCounts = join(counts);
            if (streamed.dumpBytes() < MIN_ARCHIVE_BYTES) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "pg_dump produced an implausibly small archive ("
                        + streamed.dumpBytes() + " bytes); nothing was stored");
            }
            each(copies, c -> c.lease.verifyHeld());
            cancel.check(NOTHING);
            each(copies, c -> {
                long kept = c.writer.commit();
                c.committed = true;
                if (kept != streamed.bytes()) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED, c.store.describe() + " stored " + kept
                            + " bytes of an archive of " + streamed.bytes());
                }
            });
            each(copies, c -> {
                try (InputStream archive = c.store.openArchive(tier, id)) {
                    dumpTool.checkArchive(encrypting == null ? archive : encrypting.readBack(archive));
                } catch (IOException e) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                            "could not read back the archive in " + c.store.describe(), e);
                }
            });
            byte[] rolesScript = RolesScript.render(roles, id).getBytes(StandardCharsets.UTF_8);
            each(copies, c -> {
                c.withSideFiles = true;
                c.store.putSideFile(tier, id, RolesScript.KIND, rolesScript);
            });
            Encryption encryption = encrypting == null ? null : new Encryption(Encryption.AGE, cipher.recipients(),
                    streamed.dumpBytes(), streamed.dumpSha256());
            Manifest unsigned = new Manifest(id.toString(), source.database(), tier, id.startedAt(), clock.instant(),
                    streamed.bytes(), streamed.sha256(), snapshot.serverVersion(), dump.client().pgDumpVersion(),
                    Manifest.CUSTOM_FORMAT, streamed.formatVersion(), dump.client().major(),
                    compressionFor(dump.client(), source).text(), rowCounts,
                    RolesFile.of(id, rolesScript, roles.names()), encryption, null, null);
            Manifest manifest = key.map(k -> ManifestMac.sign(unsigned, k)).orElse(unsigned);
            each(copies, c -> c.lease.verifyHeld());
            cancel.check(NOTHING);
            each(copies, c -> {
                c.store.putManifest(manifest);
                c.withManifest = true;
            });
            done = true;
            recordMissing(copies, manifest);
            return manifest;
        } finally {
            for (Copy c : copies) {
                if (c.writer != null) {
                    c.writer.close();
                }
                if (!done || !c.alive()) {
                    undo(tier, id, c);
                }
            }
        }
    }

    /** pg_dump of the client chosen for the snapshot's server, with the compression BACKUP_COMPRESSION gives it. */
    private DumpProcess startDump(SnapshotSession snapshot, DatabaseUrl source) {
        PgClients.Client client = dumpClient(snapshot, source);
        return dumpTool.startDump(client, source, snapshot.snapshotId(), compressionFor(client, source));
    }

    /** What {@code client} is asked to compress with; a set compression it cannot write is refused by name. */
    private Compression compressionFor(PgClients.Client client, DatabaseUrl source) {
        return compression.forDump(client, dumpTool.clients(), "at " + source.host() + ":" + source.port());
    }

    /** The pg_dump of the server's major, else the nearest newer one; none fits: one sentence naming the package to install. */
    private PgClients.Client dumpClient(SnapshotSession snapshot, DatabaseUrl source) {
        return dumpTool.clients().forBackup(PgClients.major(snapshot.serverVersion()),
                "at " + source.host() + ":" + source.port()).orElseThrow("; " + NOTHING);
    }

    /** Runs {@code step} on every store still in the run; a store whose step fails drops out. */
    private static void each(List<Copy> copies, java.util.function.Consumer<Copy> step) {
        for (Copy c : copies) {
            if (c.alive()) {
                try {
                    step.accept(c);
                } catch (RuntimeException e) {
                    c.fail(e);
                }
            }
        }
        requireOne(copies);
    }

    /** The good copies say which stores lack the backup, for the monitor and the next run. */
    private void recordMissing(List<Copy> copies, Manifest manifest) {
        List<Copy> failed = copies.stream().filter(c -> !c.alive()).toList();
        if (failed.isEmpty()) {
            return;
        }
        PendingCopy pending = new PendingCopy(manifest.id(), failed.stream().map(c -> c.store.name()).toList(),
                String.join("; ", failed.stream().map(c -> ShiftSyncException.wrap(c.failure).getMessage()).toList()),
                clock.instant());
        for (Copy c : copies) {
            if (c.alive()) {
                try {
                    c.store.putRecord(manifest.tier(), manifest.backupId(), PendingCopy.KIND, pending.toJson());
                } catch (RuntimeException ignored) {
                    // the run's own result names the missing copy; only the reminder is lost
                }
            }
        }
    }

    /**
     * Removes what a store kept of a failed copy: manifest first, so no reader ever sees a backup
     * without its archive; then its side files, then the archive.
     */
    private static void undo(Tier tier, BackupId id, Copy c) {
        if (c.withManifest) {
            try {
                c.store.deleteManifest(tier, id);
            } catch (RuntimeException ignored) {
                // the first failure is the one reported; prune removes what is left
            }
        }
        if (c.withSideFiles) {
            try {
                c.store.deleteSideFiles(tier, id);
            } catch (RuntimeException ignored) {
                // a side file without a manifest belongs to no backup; prune removes it with its orphan archive
            }
        }
        if (c.committed) {
            try {
                c.store.deleteArchive(tier, id);
            } catch (RuntimeException ignored) {
                // an archive without a manifest is not a backup, and prune removes it later
            }
        }
    }

    /**
     * What reaches the stores: every byte goes through SHA-256 into every store still in the run;
     * a store that cannot take it drops out, and when none is left the write fails.
     */
    private static final class Stored extends OutputStream {
        private final List<Copy> copies;
        private final MessageDigest sha = Sha256.digest();
        private long bytes;

        Stored(List<Copy> copies) {
            this.copies = copies;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            sha.update(buffer, offset, length);
            for (Copy c : copies) {
                if (c.alive()) {
                    try {
                        c.writer.write(buffer, offset, length);
                    } catch (RuntimeException e) {
                        c.fail(e);
                    }
                }
            }
            requireOne(copies);
            bytes += length;
        }
    }

    /**
     * pg_dump's output into the stores: as it is, or through {@code encrypting} (whose last chunk
     * is written when its plaintext stream is closed). The dump's own size and SHA-256 are taken
     * too when it is encrypted.
     */
    private static Streamed pump(InputStream in, ArchiveCipher.Encrypting encrypting, Stored stored,
                                 Progress progress, Cancellation cancel) {
        MessageDigest dumpSha = encrypting == null ? null : Sha256.digest();
        OutputStream out = encrypting == null ? stored : encrypting.plaintext();
        byte[] buffer = new byte[CHUNK];
        byte[] head = new byte[ArchiveFormat.HEADER_BYTES];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (dumpSha != null) {
                    dumpSha.update(buffer, 0, n);
                }
                if (total < head.length) {
                    System.arraycopy(buffer, 0, head, (int) total, (int) Math.min(n, head.length - total));
                }
                write(out, buffer, n);
                total += n;
                progress.written(total);
            }
        } catch (IOException e) {
            cancel.check(NOTHING);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read pg_dump's output: " + e.getMessage(), e);
        }
        if (encrypting != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not finish the encrypted archive: "
                        + e.getMessage(), e);
            }
        }
        String storedSha = Sha256.hex(stored.sha);
        return new Streamed(stored.bytes, storedSha, total, dumpSha == null ? storedSha : Sha256.hex(dumpSha),
                ArchiveFormat.versionOf(head, (int) Math.min(total, head.length)));
    }

    /** Writes to the stores, directly or through the cipher; a cipher's I/O failure is named as one. */
    private static void write(OutputStream out, byte[] buffer, int n) {
        try {
            out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not encrypt the archive: " + e.getMessage(), e);
        }
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


    /**
     * @param bytes         what the stores hold (encrypted, when the archive is)
     * @param sha256        its SHA-256
     * @param dumpBytes     what pg_dump wrote
     * @param dumpSha256    its SHA-256 (the stored one when nothing encrypted it)
     * @param formatVersion the archive format version pg_dump's header carries (or null)
     */
    private record Streamed(long bytes, String sha256, long dumpBytes, String dumpSha256, String formatVersion) {
    }

}
