package com.shiftsync.backup.adapter.local;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.OperationStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Operations as {@code <dir>/<id>.json} files, for CLI runs without Blob Storage
 * ({@code BACKUP_DIR/operations}). Each write goes to a temporary file first and is then
 * moved into place, so a reader never sees half a document.
 */
public final class LocalOperationStore implements OperationStore {
    private static final Logger LOG = Logger.getLogger(LocalOperationStore.class.getName());
    private final Path dir;

    public LocalOperationStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public void create(Operation operation) {
        Path file = file(operation.id());
        if (Files.exists(file)) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "operation " + operation.id() + " exists already in "
                    + describe());
        }
        write(operation, file);
    }

    @Override
    public void save(Operation operation) {
        write(operation, file(operation.id()));
    }

    @Override
    public Optional<Operation> find(String id) {
        try {
            return Optional.of(Operation.read(Files.readAllBytes(file(id)), id, describe()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read operation " + id + " in " + describe()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Operation> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Operation> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().startsWith(".")).toList()) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - ".json".length());
                try {
                    all.add(Operation.read(Files.readAllBytes(f), id, describe()));
                } catch (ShiftSyncException e) {
                    LOG.warning(ShiftSyncException.wrap(e).getMessage());
                } catch (IOException e) {
                    LOG.warning("could not read operation " + id + " in " + describe() + ": "
                            + Redaction.redact(e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not list " + describe() + ": " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing(Operation::requestedAt).reversed());
        return all;
    }

    /**
     * An OS file lock on {@code <dir>/.<id>.step}: held by one process (and one claim in this
     * JVM) at a time, released by the OS when a process dies.
     */
    @Override
    public Optional<Lease> claimStep(String id) {
        Path file = dir.resolve("." + id + ".step");
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not open " + file + " to take a step of "
                    + "operation " + id + ": " + Redaction.redact(e.getMessage()), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was held
            }
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(new Lease() {
            @Override
            public void verifyHeld() {
                if (!held.isValid()) {
                    throw new ShiftSyncException(ErrorCode.JOB_FAILED, "lost the lock " + file + " of operation "
                            + id + "; the step was not recorded");
                }
            }

            @Override
            public void close() {
                try {
                    held.release();
                    channel.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock; the OS does at exit
                }
            }
        });
    }

    @Override
    public String describe() {
        return "local folder " + dir;
    }

    private void write(Operation operation, Path file) {
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + operation.id(), ".tmp");
            try {
                Files.writeString(temp, Json.pretty(operation), StandardCharsets.UTF_8);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "operation " + operation.id() + " exists already in "
                    + describe(), e);
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not store operation " + operation.id() + " in "
                    + describe() + ": " + e.getMessage(), e);
        }
    }

    private Path file(String id) {
        return dir.resolve(Operation.checkId(id) + ".json");
    }
}
