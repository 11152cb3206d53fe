package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.port.AuditLog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The audit log in Blob Storage: one append blob per UTC day,
 * {@code <yyyy>/<MM>/<dd>.jsonl} in the audit container, one record per block
 * ({@link AppendBlobLines}: a full day continues in {@code <dd>.2.jsonl}, ...). Append blobs cannot be changed, only added to, which suits an
 * audit log; put an immutability policy on the container for tamper-proofing.
 */
public final class BlobAuditLog implements AuditLog {
    /** The service's own limit of blocks in one append blob. */
    public static final int MAX_BLOCKS = AppendBlobLines.MAX_BLOCKS;
    private static final int MAX_PARTS = 1_000;
    /** Bounds each call, retries included: an HTTP restore request must answer within 230 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Logger LOG = Logger.getLogger(BlobAuditLog.class.getName());

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;
    private final AppendBlobLines lines;

    public BlobAuditLog(BlobContainerClient container) {
        this(container, MAX_BLOCKS);
    }

    /** @param blocksPerBlob records per blob before the next part is started (tests use a few) */
    public BlobAuditLog(BlobContainerClient container, int blocksPerBlob) {
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.lines = new AppendBlobLines(container, blocksPerBlob, MAX_PARTS, TIMEOUT, "audit blob");
    }

    @Override
    public void append(AuditRecord record) {
        ensured.forWriting();
        lines.append(base(LocalDate.ofInstant(record.time(), ZoneOffset.UTC)), record.toJsonLine());
    }

    @Override
    public List<AuditRecord> read(LocalDate day) {
        List<AuditRecord> records = new ArrayList<>();
        try {
            if (!ensured.exists()) {
                return records;
            }
            for (AppendBlobLines.Line line : lines.read(base(day))) {
                try {
                    records.add(Json.read(line.text().getBytes(StandardCharsets.UTF_8), AuditRecord.class));
                } catch (RuntimeException e) {
                    LOG.warning("skipping an unreadable line in audit blob " + line.blob());
                }
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not read the audit log of " + day + " in " + describe(), e);
        }
        return records;
    }

    @Override
    public String describe() {
        return "append blobs <yyyy>/<MM>/<dd>.jsonl in Blob container " + container.getBlobContainerName() + " at "
                + container.getAccountUrl();
    }

    private static String base(LocalDate day) {
        return String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }
}
