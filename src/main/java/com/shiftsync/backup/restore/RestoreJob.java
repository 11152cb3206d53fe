package com.shiftsync.backup.restore;

import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Wording;
import com.shiftsync.backup.port.ArchiveCipher;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Restores a backup into a database: find its manifest, get the archive as a file
 * (downloaded from Blob, or the local file itself), check its size and SHA-256 against the
 * manifest before anything is restored, create the target database if it does not exist,
 * then {@code pg_restore --clean --if-exists} in a single transaction, so a restore that
 * fails leaves the target as it was. Every restore ends with the guide's "verify data
 * integrity": the restored tables' row counts are compared with the manifest's, and the
 * result and the restore's duration are recorded next to the backup
 * ({@link RestoreCheck}, kind {@value RestoreCheck#KIND}).
 *
 * <p>A restore that created its target database drops it again when pg_restore fails, so a
 * failed restore leaves nothing behind; one into an existing database leaves it as it was
 * (the single transaction). From the command line ({@link Target}), a target that exists and
 * holds tables is refused unless the person confirmed it, with its size and table count.
 */
public final class RestoreJob {
    private final Database database;
    private final DumpTool dumpTool;
    private final Path scratchFolder;
    private final Clock clock;
    private final ArchiveCipher cipher;
    private final BackupWitness witness;

    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder, Clock clock) {
        this(database, dumpTool, scratchFolder, clock, ArchiveCipher.NONE, BackupWitness.none());
    }

    /**
     * @param cipher  what decrypts an encrypted archive (age, with BACKUP_ENCRYPTION_IDENTITY_SECRET's identity)
     * @param witness the audit log's records of committed backups, which a backup restored from one store
     *                ({@link #run(BackupStore, String, DatabaseUrl, Reporter)}) is held to
     */
    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder, Clock clock, ArchiveCipher cipher,
                      BackupWitness witness) {
        this.database = database;
        this.dumpTool = dumpTool;
        this.scratchFolder = scratchFolder;
        this.clock = clock;
        this.cipher = cipher;
        this.witness = witness;
    }

    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder) {
        this(database, dumpTool, scratchFolder, Clock.systemUTC());
    }

    /** The manifest of {@code backup} ("latest" or an id) in {@code store}: a complete backup only. */
    public static Manifest find(BackupStore store, String backup) {
        return BackupSources.of(store).choose(backup).manifest();
    }

    /**
     * A restore target as a person gave it on the command line.
     *
     * @param url           the target database
     * @param name          how the person gave it ("--target-url"), named in every refusal about it
     * @param passwordFrom  where the target's password comes from ("PGPASSWORD"), named when none was given
     * @param confirmOption what confirms a restore over a database that holds tables ("--confirm")
     * @param confirmed     whether it was given
     */
    public record Target(DatabaseUrl url, String name, String passwordFrom, String confirmOption, boolean confirmed) {
    }

    /**
     * Restores {@code backup} into {@code target}, then compares the target's row counts with
     * the manifest, records the result next to the backup and reports it. A difference does
     * not throw: the result says {@link RestoreResult#passed()} false and names the tables.
     */
    public RestoreResult run(BackupStore store, String backup, DatabaseUrl target, Reporter reporter) {
        return run(BackupSources.of(store).witnessedBy(witness), backup, target, null, reporter);
    }

    /**
     * The command line's restore: the backup is chosen by the store rule ({@link BackupSources}),
     * and a target that holds tables needs {@link Target#confirmed()}.
     */
    public RestoreResult run(BackupSources sources, String backup, Target target, Reporter reporter) {
        return run(sources, backup, target.url(), target, reporter);
    }

    private RestoreResult run(BackupSources sources, String backup, DatabaseUrl target, Target asGiven,
                              Reporter reporter) {
        try {
            RestoreResult result = restore(sources, backup, target, asGiven);
            RestoreEvents.restored(result, reporter);
            return result;
        } catch (RuntimeException e) {
            RestoreEvents.failed(backup, target.withoutPassword().toString(), clock.instant(), e, reporter);
            throw e;
        }
    }

    private RestoreResult restore(BackupSources sources, String backup, DatabaseUrl target, Target asGiven) {
        long start = System.nanoTime();
        BackupSources.Chosen chosen = sources.choose(backup);
        BackupStore store = chosen.store();
        Manifest manifest = chosen.manifest();
        if (asGiven != null) {
            refuseUnconfirmedOverwrite(target, asGiven, manifest);
        }
        boolean created = false;
        long restoreNanos;
        try (CheckedArchive archive = fetchAndCheck(store, manifest)) {
            if (!onTarget(asGiven, () -> database.exists(target, target.database()))) {
                onTarget(asGiven, () -> {
                    database.create(target, target.database());
                    return null;
                });
                created = true;
            }
            long restoreStart = System.nanoTime();
            try {
                dumpTool.restore(archive.file(), target, 1);
            } catch (RuntimeException e) {
                throw created ? dropCreated(target, e) : e;
            }
            restoreNanos = System.nanoTime() - restoreStart;
        }
        Map<String, Long> restored = database.countRows(target);
        IntegrityCheck integrity = IntegrityCheck.compare(manifest.rowCounts(), restored);
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        RestoreCheck check = new RestoreCheck(manifest.id(), manifest.tier(), store.name(),
                target.host() + ":" + target.port(), target.database(), created, clock.instant(), integrity.passed(),
                integrity.tablesCompared(), integrity.differences(), integrity.extraTables(),
                Duration.ofNanos(restoreNanos).toMillis(), total.toMillis());
        String recordError = null;
        try {
            store.putRecord(manifest.tier(), manifest.backupId(), RestoreCheck.KIND, check.toJson());
        } catch (RuntimeException e) {
            // the restore itself is done; the caller reports that its record is missing
            recordError = ShiftSyncException.wrap(e).getMessage();
        }
        return new RestoreResult(manifest, target.withoutPassword().toString(), created, total, check, recordError);
    }

    /**
     * pg_restore --clean replaces every table the backup holds: over a database that holds
     * tables, only when the person said so, told its size and table count.
     */
    private void refuseUnconfirmedOverwrite(DatabaseUrl target, Target asGiven, Manifest manifest) {
        if (asGiven.confirmed()) {
            return;
        }
        Optional<Database.Facts> facts = onTarget(asGiven, () -> database.facts(target));
        if (facts.isPresent() && !facts.get().empty()) {
            throw ShiftSyncException.badInput("database " + target.database() + " on " + target.host() + ":"
                    + target.port() + " is not empty (" + facts.get().tables() + " table"
                    + (facts.get().tables() == 1 ? "" : "s") + ", " + Wording.bytes(facts.get().sizeBytes())
                    + "): restoring " + manifest.id() + " replaces every table the backup holds with the backup's rows; "
                    + "add " + asGiven.confirmOption() + " to restore over it, or name a new database in "
                    + asGiven.name());
        }
    }

    /** A connection failure on the target names what the person gave: the URL option, the password's source. */
    private static <T> T onTarget(Target asGiven, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ShiftSyncException e) {
            String state = e.upstreamCode();
            if (asGiven == null || state == null) {
                throw e;
            }
            String fix;
            if (state.equals("08004") || state.startsWith("28")) {
                fix = "give the password of user " + asGiven.url().user() + " on " + asGiven.url().host() + " in "
                        + asGiven.passwordFrom() + " (or fix the user in " + asGiven.name() + ")";
            } else if (state.startsWith("08") || state.startsWith("3D")) {
                fix = "check the host, port and database in " + asGiven.name();
            } else {
                throw e;
            }
            throw new ShiftSyncException(e.code(), e.getMessage() + "; " + fix + "; nothing was restored", state, e);
        }
    }

    /** pg_restore failed in a database this restore created: drop it, so the failure leaves nothing behind. */
    private ShiftSyncException dropCreated(DatabaseUrl target, RuntimeException failure) {
        ShiftSyncException e = ShiftSyncException.wrap(failure);
        try {
            // from the server's maintenance database: a database cannot drop itself
            database.drop(target.withDatabase("postgres"), target.database());
            return new ShiftSyncException(e.code(), e.getMessage() + "; database " + target.database()
                    + ", which this restore had created, was dropped again", e.upstreamCode(), e);
        } catch (RuntimeException dropFailed) {
            return new ShiftSyncException(e.code(), e.getMessage() + "; database " + target.database()
                    + ", which this restore had created, could not be dropped ("
                    + ShiftSyncException.wrap(dropFailed).getMessage() + "): drop it by hand", e.upstreamCode(), e);
        }
    }

    /**
     * The archive of {@code manifest} as a local file whose size and SHA-256 match the
     * manifest; refused (nothing restored) when they do not. An encrypted archive is decrypted
     * as it is read, into a private temporary file (0600, deleted on close), and both the stored
     * bytes and the decrypted dump must match what the manifest recorded.
     */
    public CheckedArchive fetchAndCheck(BackupStore store, Manifest manifest) {
        BackupId id = manifest.backupId();
        Optional<Path> inPlace = manifest.encrypted() ? Optional.empty() : store.archiveFile(manifest.tier(), id);
        Path file;
        boolean temporary;
        MessageDigest sha = Sha256.digest();
        MessageDigest dumpSha = Sha256.digest();
        long[] storedBytes = {0};
        try {
            if (inPlace.isPresent()) {
                file = inPlace.get();
                temporary = false;
                try (InputStream in = Files.newInputStream(file);
                     OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
                    in.transferTo(out);
                }
            } else {
                Files.createDirectories(scratchFolder);
                file = Files.createTempFile(scratchFolder, "restore-" + id + "-", ".dump",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                temporary = true;
                try (InputStream stored = counted(new DigestInputStream(store.openArchive(manifest.tier(), id), sha),
                        storedBytes);
                     InputStream in = manifest.encrypted() ? cipher.decrypt(stored, manifest.encryption().recipients())
                             : stored;
                     OutputStream out = new DigestOutputStream(Files.newOutputStream(file), dumpSha)) {
                    in.transferTo(out);
                    // what decryption did not need (nothing, in a well-formed file) still counts for the SHA-256
                    stored.transferTo(OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read the archive of " + id + " from "
                    + store.describe() + (manifest.encrypted() ? " and decrypt it" : "") + ": " + e.getMessage(), e);
        }
        CheckedArchive archive = new CheckedArchive(file, temporary);
        try {
            long size = manifest.encrypted() ? storedBytes[0] : Files.size(file);
            String actual = Sha256.hex(sha);
            if (size != manifest.sizeBytes() || !actual.equals(manifest.sha256())) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the archive of " + id + " in " + store.describe()
                        + " does not match its manifest (" + size + " bytes, SHA-256 " + actual + "; expected "
                        + manifest.sizeBytes() + " bytes, " + manifest.sha256()
                        + "): it is damaged or was altered, and nothing was restored");
            }
            if (manifest.encrypted()) {
                long dumpSize = Files.size(file);
                String dumpActual = Sha256.hex(dumpSha);
                if (dumpSize != manifest.encryption().dumpSizeBytes()
                        || !dumpActual.equals(manifest.encryption().dumpSha256())) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the archive of " + id + " in "
                            + store.describe() + " decrypts to " + dumpSize + " bytes with SHA-256 " + dumpActual
                            + ", not the dump its manifest recorded (" + manifest.encryption().dumpSizeBytes()
                            + " bytes, " + manifest.encryption().dumpSha256() + "): nothing was restored");
                }
            }
            return archive;
        } catch (IOException | RuntimeException e) {
            archive.close();
            if (e instanceof ShiftSyncException sse) {
                throw sse;
            }
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not check the archive of " + id, e);
        }
    }

    /** {@code in}, adding every byte read to {@code count[0]}: the stored size, where the file holds the decrypted one. */
    private static InputStream counted(InputStream in, long[] count) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count[0]++;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count[0] += n;
                }
                return n;
            }
        };
    }

    /** An archive file that matched its manifest; a downloaded copy is deleted on close. */
    public record CheckedArchive(Path file, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover file in the scratch folder holds no secret beyond the backup itself
                }
            }
        }
    }
}
