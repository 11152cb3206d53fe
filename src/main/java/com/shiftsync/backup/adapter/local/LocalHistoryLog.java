package com.shiftsync.backup.adapter.local;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.HistoryLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The history of CLI runs without Blob Storage: {@code BACKUP_DIR/history/<yyyy-MM>.jsonl},
 * one JSON line per outcome, appended under a file lock so that two runs at once never
 * interleave within a line. Files 0600, the folder 0700, like the backups beside it; pruning
 * only ever looks into the tier folders, never here.
 */
public final class LocalHistoryLog implements HistoryLog {
    private static final Logger LOG = Logger.getLogger(LocalHistoryLog.class.getName());
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;

    public LocalHistoryLog(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public void append(HistoryEntry entry) {
        Path file = file(YearMonth.from(entry.time().atOffset(ZoneOffset.UTC)));
        byte[] line = (entry.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, attributes("rwx------"));
            }
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, attributes("rw-------"));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another run created it first: append to theirs
                }
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                 FileLock ignored = channel.lock()) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not append to history file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<HistoryEntry> read(Instant from, Instant to) {
        List<HistoryEntry> entries = new ArrayList<>();
        for (YearMonth month : HistoryLog.months(from, to)) {
            Path file = file(month);
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read history file " + file + ": "
                        + e.getMessage(), e);
            }
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    HistoryEntry entry = HistoryEntry.read(line);
                    if (!entry.time().isBefore(from) && entry.time().isBefore(to)) {
                        entries.add(entry);
                    }
                } catch (RuntimeException e) {
                    LOG.warning("skipping an unreadable line in " + file);
                }
            }
        }
        entries.sort(java.util.Comparator.comparing(HistoryEntry::time));
        return entries;
    }

    @Override
    public String describe() {
        return "local files " + dir + "/<yyyy-MM>.jsonl";
    }

    private Path file(YearMonth month) {
        return dir.resolve(HistoryLog.monthName(month) + ".jsonl");
    }

    private static FileAttribute<?>[] attributes(String permissions) {
        if (!POSIX) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> p = PosixFilePermissions.fromString(permissions);
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(p)};
    }
}
