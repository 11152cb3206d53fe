package com.shiftsync.backup.adapter.local;

import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AuditLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The audit log of CLI runs without Blob Storage: {@code <dir>/<yyyy>/<MM>/<dd>.jsonl}
 * ({@code BACKUP_DIR/audit}), one JSON line per record, appended under a file lock so
 * two CLI runs at once never interleave within a line.
 */
public final class LocalAuditLog implements AuditLog {
    private static final Logger LOG = Logger.getLogger(LocalAuditLog.class.getName());

    private final Path dir;

    public LocalAuditLog(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public void append(AuditRecord record) {
        Path file = file(LocalDate.ofInstant(record.time(), ZoneOffset.UTC));
        byte[] line = (record.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND); FileLock ignored = channel.lock()) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not append to audit log " + file + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<AuditRecord> read(LocalDate day) {
        Path file = file(day);
        List<AuditRecord> records = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return records;
        } catch (IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read audit log " + file + ": "
                    + e.getMessage(), e);
        }
        for (String line : lines) {
            if (!line.isBlank()) {
                try {
                    records.add(Json.read(line.getBytes(StandardCharsets.UTF_8), AuditRecord.class));
                } catch (RuntimeException e) {
                    LOG.warning("skipping an unreadable line in " + file);
                }
            }
        }
        return records;
    }

    @Override
    public String describe() {
        return "local files " + dir + "/<yyyy>/<MM>/<dd>.jsonl";
    }

    private Path file(LocalDate day) {
        return dir.resolve(String.format("%04d", day.getYear())).resolve(String.format("%02d", day.getMonthValue()))
                .resolve(String.format("%02d.jsonl", day.getDayOfMonth()));
    }
}
