package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 */
public final class RestoreJob {
    private final Database database;
    private final DumpTool dumpTool;
    private final Path scratchFolder;
    private final Clock clock;

    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder, Clock clock) {
        this.database = database;
        this.dumpTool = dumpTool;
        this.scratchFolder = scratchFolder;
        this.clock = clock;
    }

    public RestoreJob(Database database, DumpTool dumpTool, Path scratchFolder) {
        this(database, dumpTool, scratchFolder, Clock.systemUTC());
    }

    /** The manifest of {@code backup} ("latest" or an id) in {@code store}. */
    public static Manifest find(BackupStore store, String backup) {
        if (backup == null || backup.isBlank()) {
            throw ShiftSyncException.badInput("name a backup: an id such as shiftsync_backup_20240115_020000, or latest");
        }
        if (backup.trim().equalsIgnoreCase("latest")) {
            return store.latest().orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND,
                    "there is no backup in " + store.describe()));
        }
        BackupId id = BackupId.parse(backup);
        return store.find(id.toString()).orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND,
                "backup " + id + " does not exist in " + store.describe()));
    }

    /**
     * Restores {@code backup} into {@code target}, then compares the target's row counts with
     * the manifest, records the result next to the backup and reports it. A difference does
     * not throw: the result says {@link RestoreResult#passed()} false and names the tables.
     */
    public RestoreResult run(BackupStore store, String backup, DatabaseUrl target, Reporter reporter) {
        try {
            RestoreResult result = restore(store, backup, target);
            RestoreEvents.restored(result, reporter);
            return result;
        } catch (RuntimeException e) {
            RestoreEvents.failed(backup, target.withoutPassword().toString(), clock.instant(), e, reporter);
            throw e;
        }
    }

    private RestoreResult restore(BackupStore store, String backup, DatabaseUrl target) {
        long start = System.nanoTime();
        Manifest manifest = find(store, backup);
        boolean created = false;
        long restoreNanos;
        try (CheckedArchive archive = fetchAndCheck(store, manifest)) {
            if (!database.exists(target, target.database())) {
                database.create(target, target.database());
                created = true;
            }
            long restoreStart = System.nanoTime();
            dumpTool.restore(archive.file(), target, 1);
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
     * The archive of {@code manifest} as a local file whose size and SHA-256 match the
     * manifest; refused (nothing restored) when they do not.
     */
    public CheckedArchive fetchAndCheck(BackupStore store, Manifest manifest) {
        BackupId id = manifest.backupId();
        Optional<Path> inPlace = store.archiveFile(manifest.tier(), id);
        Path file;
        boolean temporary;
        MessageDigest sha = Sha256.digest();
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
                try (InputStream in = store.openArchive(manifest.tier(), id);
                     OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                    in.transferTo(out);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "could not read the archive of " + id + " from " + store.describe() + ": " + e.getMessage(), e);
        }
        CheckedArchive archive = new CheckedArchive(file, temporary);
        try {
            long size = Files.size(file);
            String actual = Sha256.hex(sha);
            if (size != manifest.sizeBytes() || !actual.equals(manifest.sha256())) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the archive of " + id + " in " + store.describe()
                        + " does not match its manifest (" + size + " bytes, SHA-256 " + actual + "; expected "
                        + manifest.sizeBytes() + " bytes, " + manifest.sha256()
                        + "): it is damaged or was altered, and nothing was restored");
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
