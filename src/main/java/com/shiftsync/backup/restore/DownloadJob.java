package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Progress;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * The first step of the guide's "Restore from Azure Blob" ({@code az storage blob download}),
 * for our layout and with the check the guide leaves out: the backup is chosen by the store
 * rule ({@link BackupSources}: {@code latest} is the newest complete backup), its archive is
 * streamed through SHA-256 into a hidden file next to the target, and only an archive whose
 * size and digest match its manifest is put in place under the name asked for. A damaged or
 * altered archive leaves no file. The backup's roles file, checked against its manifest too,
 * goes beside it as {@code <file>.roles.sql}, for psql before pg_restore on a new server. Both
 * are 0600 (the archive holds the whole database) and never replace an existing file.
 */
public final class DownloadJob {
    private static final int CHUNK = 1024 * 1024;

    private final java.time.Clock clock;

    /** @param clock now: a backup dated after it is never latest */
    public DownloadJob(java.time.Clock clock) {
        this.clock = clock;
    }

    /**
     * A downloaded backup.
     *
     * @param manifest its manifest
     * @param store    the store it was read from ("local", "azure")
     * @param location where that store is
     * @param file      the file written
     * @param rolesFile the backup's roles file written beside it ({@code <file>.roles.sql}), or null when the
     *                  backup has none (made before backups carried their roles)
     * @param duration  how long it took
     */
    public record Downloaded(Manifest manifest, String store, String location, Path file, Path rolesFile,
                             Duration duration) {
    }

    /** Where the roles file of a download to {@code to} goes: {@code <to>.roles.sql}, beside it. */
    public static Path rolesFileFor(Path to) {
        return to.resolveSibling(to.getFileName() + "." + RolesScript.KIND);
    }

    /** Writes the archive of {@code backup} ("latest" or an id) to {@code to}, which must not exist. */
    public Downloaded run(BackupSources sources, String backup, Path to, Progress progress, Reporter reporter) {
        try {
            Downloaded d = download(sources, backup, to, progress);
            DownloadEvents.downloaded(d, reporter);
            return d;
        } catch (RuntimeException e) {
            DownloadEvents.failed(backup, to.toString(), e, reporter);
            throw e;
        }
    }

    private Downloaded download(BackupSources sources, String backup, Path to, Progress progress) {
        long start = System.nanoTime();
        BackupSources.Chosen chosen = sources.choose(backup, clock.instant());
        BackupStore store = chosen.store();
        Manifest m = chosen.manifest();
        Path partial = to.resolveSibling("." + to.getFileName() + ".partial");
        Path rolesTo = m.roles() == null ? null : rolesFileFor(to);
        Path rolesPartial = rolesTo == null ? null : rolesTo.resolveSibling("." + rolesTo.getFileName() + ".partial");
        if (rolesTo != null && Files.exists(rolesTo)) {
            throw ShiftSyncException.badInput(rolesTo + " exists already, and the backup's roles file goes there "
                    + "beside " + to + ": choose another file (nothing is overwritten)");
        }
        // checked before the archive is read: a damaged roles file leaves no file at all
        byte[] roles = rolesTo == null ? null : RestoreJob.checkedRolesFile(store, m, "no file was written");
        MessageDigest sha = Sha256.digest();
        long size = 0;
        try {
            Files.deleteIfExists(partial);
            if (rolesPartial != null) {
                Files.deleteIfExists(rolesPartial);
                Files.write(rolesPartial, roles, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                restrict(rolesPartial);
            }
            try (InputStream in = store.openArchive(m.tier(), m.backupId());
                 OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE)) {
                restrict(partial);
                byte[] buffer = new byte[CHUNK];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                    progress.written(size);
                }
            }
            String actual = Sha256.hex(sha);
            if (size != m.sizeBytes() || !actual.equals(m.sha256())) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the archive of " + m.id() + " in "
                        + store.describe() + " does not match its manifest (" + size + " bytes, SHA-256 " + actual
                        + "; expected " + m.sizeBytes() + " bytes, " + m.sha256() + "): it is damaged or was altered, "
                        + "and no file was written");
            }
            if (rolesTo != null) {
                publish(rolesPartial, rolesTo);
            }
            publish(partial, to);
            return new Downloaded(m, store.name(), store.describe(), to, rolesTo,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not write " + to + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
                if (rolesPartial != null) {
                    Files.deleteIfExists(rolesPartial);
                }
            } catch (IOException ignored) {
                // a hidden partial file holds no more than the backup itself; the next try replaces it
            }
        }
    }

    /** Puts a checked partial file in place under {@code to}, never replacing a file that appeared meanwhile. */
    private static void publish(Path partial, Path to) throws IOException {
        try {
            Files.createLink(to, partial);
            Files.delete(partial);
        } catch (FileAlreadyExistsException e) {
            throw ShiftSyncException.badInput(to + " was created meanwhile; it was not replaced");
        } catch (UnsupportedOperationException | IOException noLinks) {
            if (Files.exists(to)) {
                throw ShiftSyncException.badInput(to + " was created meanwhile; it was not replaced");
            }
            Files.move(partial, to);
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system
        }
    }
}
