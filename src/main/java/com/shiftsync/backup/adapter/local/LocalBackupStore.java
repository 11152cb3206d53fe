package com.shiftsync.backup.adapter.local;

import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.StoredArchive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Backups in a local folder ({@code BACKUP_DIR}), one sub-folder per tier:
 * {@code <dir>/<tier>/<id>.dump} and {@code <id>.manifest.json}. Files are written under a
 * hidden temporary name, flushed to disk, then linked into place, which fails rather than
 * replace an existing file. Backups hold the whole database, so files are 0600 and
 * folders 0700.
 */
public final class LocalBackupStore implements BackupStore {
    private static final Logger LOG = Logger.getLogger(LocalBackupStore.class.getName());
    private static final String ARCHIVE_SUFFIX = ".dump";
    private static final String MANIFEST_SUFFIX = ".manifest.json";

    private final Path root;

    public LocalBackupStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String describe() {
        return "local folder " + root;
    }

    @Override
    public Lease lock(Tier tier) {
        Path lockFile = folder(".locks").resolve(tier.folder() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not open lock file " + lockFile + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new ShiftSyncException(ErrorCode.IN_PROGRESS, "a " + tier + " backup is already running in "
                    + describe() + " (lock " + lockFile + " is held); this run made no backup");
        }
        FileLock held = lock;
        return new Lease() {
            @Override
            public void verifyHeld() {
                if (!held.isValid()) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED, "lost the lock " + lockFile);
                }
            }

            @Override
            public void close() {
                try {
                    held.release();
                } catch (IOException ignored) {
                    // closing the channel releases it too
                }
                closeQuietly(channel);
            }
        };
    }

    @Override
    public ArchiveWriter createArchive(Tier tier, BackupId id) {
        Path target = folder(tier.folder()).resolve(id.archiveName());
        Path partial = target.resolveSibling("." + id.archiveName() + ".partial");
        if (Files.exists(target)) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "archive " + target + " exists already");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            restrict(partial);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not create " + partial + ": " + e.getMessage(), e);
        }
        return new ArchiveWriter() {
            private long written;
            private boolean committed;

            @Override
            public void write(byte[] buffer, int offset, int length) {
                try {
                    ByteBuffer bb = ByteBuffer.wrap(buffer, offset, length);
                    while (bb.hasRemaining()) {
                        written += channel.write(bb);
                    }
                } catch (IOException e) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                            "could not write " + partial + ": " + e.getMessage(), e);
                }
            }

            @Override
            public long commit() {
                try {
                    channel.force(true);
                    channel.close();
                    publish(partial, target);
                    committed = true;
                    return written;
                } catch (IOException e) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                            "could not store " + target + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                closeQuietly(channel);
                if (!committed) {
                    deleteQuietly(partial);
                }
            }
        };
    }

    @Override
    public InputStream openArchive(Tier tier, BackupId id) {
        Path file = root.resolve(tier.folder()).resolve(id.archiveName());
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new ShiftSyncException(ErrorCode.NOT_FOUND, "archive " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Path> archiveFile(Tier tier, BackupId id) {
        Path file = root.resolve(tier.folder()).resolve(id.archiveName());
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public void putManifest(Manifest manifest) {
        BackupId id = manifest.backupId();
        write(folder(manifest.tier().folder()).resolve(id.manifestName()), Json.pretty(manifest), false);
    }

    @Override
    public List<Manifest> list() {
        List<Manifest> manifests = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            for (Path file : files(tier, MANIFEST_SUFFIX)) {
                try {
                    manifests.add(Json.read(Files.readAllBytes(file), Manifest.class));
                } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                    LOG.warning("skipping unreadable manifest " + file + ": " + Redaction.redact(e.getMessage()));
                }
            }
        }
        manifests.sort(Comparator.comparing(Manifest::backupId));
        return manifests;
    }

    @Override
    public boolean contains(BackupId id) {
        for (Tier tier : Tier.values()) {
            Path dir = root.resolve(tier.folder());
            if (Files.exists(dir.resolve(id.archiveName())) || Files.exists(dir.resolve(id.manifestName()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<StoredArchive> listArchives() {
        List<StoredArchive> archives = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            for (Path file : files(tier, ARCHIVE_SUFFIX)) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - ARCHIVE_SUFFIX.length());
                if (!BackupId.isValid(id)) {
                    continue;
                }
                try {
                    archives.add(new StoredArchive(tier, BackupId.parse(id), Files.size(file),
                            Files.getLastModifiedTime(file).toInstant()));
                } catch (IOException e) {
                    LOG.warning("skipping " + file + ": " + Redaction.redact(e.getMessage()));
                }
            }
        }
        archives.sort(Comparator.comparing(StoredArchive::id));
        return archives;
    }

    @Override
    public void deleteManifest(Tier tier, BackupId id) {
        delete(root.resolve(tier.folder()).resolve(id.manifestName()));
    }

    @Override
    public void deleteArchive(Tier tier, BackupId id) {
        delete(root.resolve(tier.folder()).resolve(id.archiveName()));
    }

    @Override
    public void putRecord(Tier tier, BackupId id, String kind, String json) {
        write(folder(tier.folder()).resolve(id.recordName(kind)), json, true);
    }

    /**
     * Writes {@code text} under a hidden temporary name, flushes it to disk, then puts it in
     * place in one step: replacing what is there ({@code replace}), or refusing to.
     */
    private static void write(Path target, String text, boolean replace) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            restrict(temp);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not write " + temp + ": " + e.getMessage(), e);
        }
        try {
            if (replace) {
                Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                publish(temp, target);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not store " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> getRecord(Tier tier, BackupId id, String kind) {
        Path file = root.resolve(tier.folder()).resolve(id.recordName(kind));
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteRecords(Tier tier, BackupId id) {
        String prefix = id + ".";
        for (Path file : files(tier, ".json")) {
            String name = file.getFileName().toString();
            if (name.startsWith(prefix) && !name.equals(id.manifestName())) {
                delete(file);
            }
        }
    }


    private List<Path> files(Tier tier, String suffix) {
        Path dir = root.resolve(tier.folder());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(suffix) && !n.startsWith(".");
            }).toList();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not list " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path folder(String name) {
        Path dir = root.resolve(name);
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                restrictFolder(root);
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                restrictFolder(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not create folder " + dir + ": " + e.getMessage()
                    + " (set BACKUP_DIR to a folder you may write)", e);
        }
    }

    /** Moves {@code from} to {@code to}, failing if {@code to} exists: a hard link cannot replace a file. */
    private static void publish(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
            Files.delete(from);
            fsyncFolder(to.getParent());
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException linkUnsupported) {
            if (Files.exists(to)) {
                throw new FileAlreadyExistsException(to.toString());
            }
            Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void fsyncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system lets a folder be synced; the data itself was
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a leftover hidden .partial file is never taken for a backup
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system
        }
    }

    private static void restrictFolder(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system, or not ours to change
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing more to do
        }
    }
}
