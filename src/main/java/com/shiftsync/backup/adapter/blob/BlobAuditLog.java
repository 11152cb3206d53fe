package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AppendBlobItem;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.AuditLog;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit log in Blob Storage: one append blob per UTC day,
 * {@code <yyyy>/<MM>/<dd>.jsonl} in the audit container, one record per block (each
 * append is atomic, so concurrent writers never interleave within a line). An append
 * blob takes at most 50,000 blocks; a full day continues in {@code <dd>.2.jsonl},
 * {@code <dd>.3.jsonl}, ... Append blobs cannot be changed, only added to, which suits an
 * audit log; put an immutability policy on the container for tamper-proofing.
 */
public final class BlobAuditLog implements AuditLog {
    /** The service's own limit of blocks in one append blob. */
    public static final int MAX_BLOCKS = 50_000;
    private static final int MAX_PARTS = 1_000;
    /** Bounds each call, retries included: an HTTP restore request must answer within 230 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern PART = Pattern.compile("^\\d{4}/\\d{2}/\\d{2}(?:\\.(\\d+))?\\.jsonl$");
    private static final Logger LOG = Logger.getLogger(BlobAuditLog.class.getName());

    private final BlobContainerClient container;
    private final int blocksPerBlob;
    private final EnsuredContainer ensured;
    private LocalDate currentDay;
    private int currentPart = 1;

    public BlobAuditLog(BlobContainerClient container) {
        this(container, MAX_BLOCKS);
    }

    /** @param blocksPerBlob records per blob before the next part is started (tests use a few) */
    public BlobAuditLog(BlobContainerClient container, int blocksPerBlob) {
        if (blocksPerBlob < 1 || blocksPerBlob > MAX_BLOCKS) {
            throw new IllegalArgumentException("blocksPerBlob must be 1 to " + MAX_BLOCKS);
        }
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.blocksPerBlob = blocksPerBlob;
    }

    @Override
    public synchronized void append(AuditRecord record) {
        ensured.forWriting();
        LocalDate day = LocalDate.ofInstant(record.time(), ZoneOffset.UTC);
        byte[] line = (record.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        int part = day.equals(currentDay) ? currentPart : 1;
        for (int tries = 0; tries < MAX_PARTS; tries++) {
            AppendBlobClient blob = container.getBlobClient(name(day, part)).getAppendBlobClient();
            try {
                AppendBlobItem item = appendTo(blob, line);
                Integer blocks = item.getBlobCommittedBlockCount();
                currentDay = day;
                currentPart = blocks != null && blocks >= blocksPerBlob ? part + 1 : part;
                return;
            } catch (BlobStorageException e) {
                if (BlobErrorCode.BLOCK_COUNT_EXCEEDS_LIMIT.equals(e.getErrorCode())) {
                    part++;
                    continue;
                }
                throw failure(day, part, e);
            } catch (RuntimeException e) {
                throw failure(day, part, e);
            }
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the audit log of " + day + " in " + describe()
                + " has " + MAX_PARTS + " full parts; no record could be added");
    }

    private AppendBlobItem appendTo(AppendBlobClient blob, byte[] line) {
        try {
            return appendBlock(blob, line);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
            blob.createIfNotExistsWithResponse(new AppendBlobCreateOptions()
                    .setHeaders(new BlobHttpHeaders().setContentType("application/x-ndjson")), TIMEOUT, null);
            return appendBlock(blob, line);
        }
    }

    private static AppendBlobItem appendBlock(AppendBlobClient blob, byte[] line) {
        return blob.appendBlockWithResponse(new ByteArrayInputStream(line), line.length, null, null, TIMEOUT, null)
                .getValue();
    }

    @Override
    public List<AuditRecord> read(LocalDate day) {
        List<AuditRecord> records = new ArrayList<>();
        try {
            if (!ensured.exists()) {
                return records;
            }
            List<BlobItem> parts = new ArrayList<>();
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix(day)), TIMEOUT)) {
                if (PART.matcher(item.getName()).matches()) {
                    parts.add(item);
                }
            }
            parts.sort(Comparator.comparingInt(item -> partOf(item.getName())));
            for (BlobItem item : parts) {
                String text = container.getBlobClient(item.getName())
                        .downloadContentWithResponse(null, null, TIMEOUT, null).getValue().toString();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        try {
                            records.add(Json.read(line.getBytes(StandardCharsets.UTF_8), AuditRecord.class));
                        } catch (RuntimeException e) {
                            LOG.warning("skipping an unreadable line in audit blob " + item.getName());
                        }
                    }
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

    static String name(LocalDate day, int part) {
        return prefix(day) + (part == 1 ? "" : "." + part) + ".jsonl";
    }

    private static String prefix(LocalDate day) {
        return String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }

    private static int partOf(String name) {
        Matcher m = PART.matcher(name);
        return m.matches() && m.group(1) != null ? Integer.parseInt(m.group(1)) : 1;
    }

    private ShiftSyncException failure(LocalDate day, int part, RuntimeException e) {
        return StorageErrors.failure("could not append to audit blob " + container.getBlobContainerName() + "/"
                + name(day, part), e);
    }
}
