package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Progress;
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
 * altered archive leaves no file. The file is 0600 (it holds the whole database) and never
 * replaces an existing one.
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
     * @param file     the file written
     * @param duration how long it took
     */
    public record Downloaded(Manifest manifest, String store, String location, Path file, Duration duration) {
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
        MessageDigest sha = Sha256.digest();
        long size = 0;
        try {
            Files.deleteIfExists(partial);
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
            return new Downloaded(m, store.name(), store.describe(), to, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not write " + to + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a hidden partial file holds no more than the backup itself; the next try replaces it
            }
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
