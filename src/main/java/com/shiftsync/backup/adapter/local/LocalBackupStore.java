package com.shiftsync.backup.adapter.local;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
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
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Backups in a local folder ({@code BACKUP_DIR}), one sub-folder per tier:
 * {@code <dir>/<tier>/<id>.dump}, its side files ({@code <id>.roles.sql}) and {@code <id>.manifest.json}.
 * Files are written under a hidden temporary name, flushed to disk, then linked into place,
 * which fails rather than replace an existing file. Backups hold the whole database, so files are 0600 and
 * folders 0700.
 *
 * <p>Single flight is an OS file lock on {@code .locks/<tier>.lock}, which the OS releases
 * when its process dies (a killed run never leaves it held). The holder writes who it is
 * (pid, host, since) into the file, so a second run can say who is running, and a partial
 * file in the tier's folder is known to belong to a live run.
 */
public final class LocalBackupStore implements BackupStore {
    private static final Logger LOG = Logger.getLogger(LocalBackupStore.class.getName());
    private static final String ARCHIVE_SUFFIX = ".dump";
    private static final String MANIFEST_SUFFIX = ".manifest.json";
    /** Files a run writes before it links them into place: {@code .<id>.dump.partial}, {@code .<name>.tmp}. */
    private static final Pattern LEFTOVER = Pattern.compile("^\\.((.+_backup_\\d{8}_\\d{6})\\..*|.*)\\.(partial|tmp)$");
    /** A record beside a backup, {@code <id>.<kind>.json} ({@link BackupId#recordName}). */
    private static final Pattern RECORD = Pattern.compile("^(.+_backup_\\d{8}_\\d{6})\\.[a-z][a-z0-9-]{0,30}\\.json$");

    private final Path root;
    private final Supplier<Optional<ManifestKey>> manifestKey;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** A folder whose manifests are read without a key (MANIFEST_KEY_SECRET not set). */
    public LocalBackupStore(Path root) {
        this(root, Optional::empty);
    }

    /** @param manifestKey MANIFEST_KEY_SECRET's key, got at every {@link #catalog()}, or empty when it is not set */
    public LocalBackupStore(Path root, Supplier<Optional<ManifestKey>> manifestKey) {
        this.root = root.toAbsolutePath().normalize();
        this.manifestKey = manifestKey;
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
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not open lock file " + lockFile + ": "
                    + because(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            String owner = owner(lockFile);
            throw new ShiftSyncException(ErrorCode.IN_PROGRESS, "a " + tier + " backup is already running in "
                    + describe() + " (" + (owner == null ? "lock " + lockFile + " is held" : owner
                    + " holds lock " + lockFile) + "); this run made no backup");
        }
        FileLock held = lock;
        writeOwner(channel);
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
                    channel.truncate(0);
                } catch (IOException ignored) {
                    // a stale owner names a process that is gone, which readers check
                }
                try {
                    held.release();
                } catch (IOException ignored) {
                    // closing the channel releases it too
                }
                closeQuietly(channel);
            }
        };
    }

    /**
     * Writes who holds the lock: {"pid": 4242, "host": "vm1", "since": "..."}. Written without
     * Jackson's object mapper: its first use in a fresh JVM costs some hundred milliseconds, which
     * here would delay pg_dump's start (the CLI warms it up on a spare thread meanwhile, cli/WarmUp).
     */
    private static void writeOwner(FileChannel channel) {
        String owner = "{\"pid\":" + ProcessHandle.current().pid() + ",\"host\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(hostName())) + "\",\"since\":\""
                + Instant.now() + "\"}";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException ignored) {
            // the lock holds without it; only the message of a second run is poorer
        }
    }

    /**
     * Who holds {@code lockFile} now ("pid 4242 on host vm1 since 2024-01-15T02:00:00Z"), or null
     * when the file names nobody or a process that is gone (a killed run: the OS released its lock).
     */
    private static String owner(Path lockFile) {
        try {
            if (!Files.exists(lockFile) || Files.size(lockFile) == 0) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> o = Json.MAPPER.readValue(Files.readAllBytes(lockFile), Map.class);
            long pid = ((Number) o.get("pid")).longValue();
            String host = String.valueOf(o.get("host"));
            boolean here = host.equals(hostName());
            if (here && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return "pid " + pid + " on host " + host + " since " + o.get("since");
            }
            return here ? null : "pid " + pid + " on host " + host + " since " + o.get("since");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
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
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not create " + partial + ": " + because(e), e);
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
                            "could not write " + partial + ": " + because(e), e);
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
                            "could not store " + target + ": " + because(e), e);
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
        return catalog().manifests();
    }

    @Override
    public BackupCatalog catalog() {
        List<Manifest> manifests = new ArrayList<>();
        List<BackupCatalog.UnreadableManifest> unreadable = new ArrayList<>();
        List<BackupCatalog.Archive> archives = new ArrayList<>();
        List<BackupCatalog.Leftover> leftovers = new ArrayList<>();
        Set<String> records = new HashSet<>();
        for (Tier tier : Tier.values()) {
            String owner = null;
            boolean ownerRead = false;
            for (Path file : entries(tier)) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    Matcher leftover = LEFTOVER.matcher(name);
                    if (!leftover.matches()) {
                        continue;
                    }
                    if (!ownerRead) {
                        owner = owner(root.resolve(".locks").resolve(tier.folder() + ".lock"));
                        ownerRead = true;
                    }
                    String id = leftover.group(2);
                    try {
                        leftovers.add(new BackupCatalog.Leftover(tier, name,
                                id != null && BackupId.isValid(id) ? BackupId.parse(id) : null, Files.size(file),
                                Files.getLastModifiedTime(file).toInstant(), owner));
                    } catch (IOException gone) {
                        // finished (linked into place) or deleted since the listing
                    }
                } else if (name.endsWith(MANIFEST_SUFFIX)) {
                    String id = name.substring(0, name.length() - MANIFEST_SUFFIX.length());
                    if (!BackupId.isValid(id)) {
                        continue;
                    }
                    try {
                        Manifest m = Json.read(Files.readAllBytes(file), Manifest.class);
                        BackupCatalog.misplaced(tier, BackupId.parse(id), m).ifPresentOrElse(misplaced -> {
                            unreadable.add(misplaced);
                            if (warned.add(file.toString())) {
                                LOG.warning("misplaced manifest " + file + ": " + misplaced.problem()
                                        + "; the backup counts as damaged and is never used");
                            }
                        }, () -> manifests.add(m));
                    } catch (NoSuchFileException gone) {
                        // deleted since the listing (a prune)
                    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                        String problem = e instanceof IOException io ? because(io) : Json.problem(e);
                        unreadable.add(new BackupCatalog.UnreadableManifest(tier, BackupId.parse(id), problem));
                        if (warned.add(file.toString())) {
                            LOG.warning("unreadable manifest " + file + ": " + unreadable.get(unreadable.size() - 1).problem()
                                    + "; the backup counts as damaged and its archive is kept");
                        }
                    }
                } else if (RECORD.matcher(name).matches()) {
                    records.add(tier.folder() + "/" + name);
                } else if (name.endsWith(ARCHIVE_SUFFIX)) {
                    String id = name.substring(0, name.length() - ARCHIVE_SUFFIX.length());
                    if (!BackupId.isValid(id)) {
                        continue;
                    }
                    try {
                        archives.add(new BackupCatalog.Archive(tier, BackupId.parse(id), Files.size(file),
                                Files.getLastModifiedTime(file).toInstant()));
                    } catch (IOException gone) {
                        // deleted since the listing
                    }
                }
            }
        }
        return new BackupCatalog(name(), describe(), manifests, unreadable, archives, leftovers, records,
                manifestKey.get().orElse(null));
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
        return catalog().archives().stream()
                .map(a -> new StoredArchive(a.tier(), a.id(), a.sizeBytes(), a.lastModified())).toList();
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
    public void deleteRecord(Tier tier, BackupId id, String kind) {
        delete(root.resolve(tier.folder()).resolve(id.recordName(kind)));
    }

    @Override
    public void deleteLeftover(Tier tier, String name) {
        if (name == null || name.contains("/") || !LEFTOVER.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not the name of a partial file");
        }
        delete(root.resolve(tier.folder()).resolve(name));
    }

    /** Written like a manifest: a hidden temporary file, flushed, then linked into place without replacing. */
    @Override
    public void putSideFile(Tier tier, BackupId id, String kind, byte[] content) {
        write(folder(tier.folder()).resolve(id.sideFileName(kind)), content, false);
    }

    @Override
    public Optional<byte[]> getSideFile(Tier tier, BackupId id, String kind) {
        Path file = root.resolve(tier.folder()).resolve(id.sideFileName(kind));
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read " + file + ": " + because(e), e);
        }
    }

    @Override
    public void deleteSideFiles(Tier tier, BackupId id) {
        deleteBeside(tier, id, BackupId::isSideFileKind);
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
        write(target, text.getBytes(StandardCharsets.UTF_8), replace);
    }

    private static void write(Path target, byte[] content, boolean replace) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            restrict(temp);
            ByteBuffer bytes = ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not write " + temp + ": " + because(e), e);
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
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not store " + target + ": " + because(e), e);
        }
    }

    @Override
    public Optional<String> getRecord(Tier tier, BackupId id, String kind) {
        Path file = root.resolve(tier.folder()).resolve(id.recordName(kind));
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read " + file + ": " + because(e), e);
        }
    }

    @Override
    public void deleteRecords(Tier tier, BackupId id) {
        deleteBeside(tier, id, rest -> rest.endsWith(".json") && !rest.equals("manifest.json"));
    }

    /** Deletes the files {@code <id>.<rest>} in the tier's folder whose {@code rest} is one of {@code which}. */
    private void deleteBeside(Tier tier, BackupId id, java.util.function.Predicate<String> which) {
        String prefix = id + ".";
        for (Path file : entries(tier)) {
            String name = file.getFileName().toString();
            if (name.startsWith(prefix) && which.test(name.substring(prefix.length()))) {
                delete(file);
            }
        }
    }


    /** Every file in the tier's folder, hidden ones included; none when the folder does not exist. */
    private List<Path> entries(Tier tier) {
        Path dir = root.resolve(tier.folder());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not list " + dir + ": " + because(e)
                    + " (BACKUP_DIR)", e);
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
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not create folder " + dir + ": " + because(e), e);
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
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not delete " + file + ": " + because(e), e);
        }
    }

    /**
     * An I/O failure in words, without the path the caller already names: "permission denied
     * for user backup (BACKUP_DIR must be a folder it may write)", "the disk is full".
     */
    static String because(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied for user " + System.getProperty("user.name")
                    + " (BACKUP_DIR must be a folder this user may write)";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left on device")) {
            return "the disk is full (No space left on device)";
        }
        if (msg.contains("Permission denied")) {
            return "permission denied for user " + System.getProperty("user.name")
                    + " (BACKUP_DIR must be a folder this user may write)";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it exists already";
        }
        if (e.getMessage() != null && e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return msg;
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
