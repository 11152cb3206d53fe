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
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.HistoryLog;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The history in Blob Storage: one append blob per UTC month,
 * {@code history/<yyyy-MM>.jsonl} in the backup container, one entry per block (each append
 * is atomic, so the timers, the queue workers and CLI runs never interleave within a line).
 * Nothing that deletes backups reads this prefix: the app's pruning lists only the tier
 * folders, and the lifecycle rules in infra/ match only those folders and the uploads
 * container (InfraStorageTest checks), so the history outlives every backup it describes.
 * A month past the service's 50,000 blocks continues in {@code <yyyy-MM>.2.jsonl}.
 */
public final class BlobHistoryLog implements HistoryLog {
    /** The folder of the history in the backup container. */
    public static final String PREFIX = "history/";
    private static final int MAX_PARTS = 100;
    /** Bounds each call, retries included: a failed append must not hold up the job that reports. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern PART = Pattern.compile("^history/\\d{4}-\\d{2}(?:\\.(\\d+))?\\.jsonl$");
    private static final Logger LOG = Logger.getLogger(BlobHistoryLog.class.getName());

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;
    private final int blocksPerBlob;
    private YearMonth currentMonth;
    private int currentPart = 1;

    public BlobHistoryLog(BlobContainerClient container) {
        this(container, BlobAuditLog.MAX_BLOCKS);
    }

    /** @param blocksPerBlob entries per blob before the next part is started (tests use a few) */
    public BlobHistoryLog(BlobContainerClient container, int blocksPerBlob) {
        if (blocksPerBlob < 1 || blocksPerBlob > BlobAuditLog.MAX_BLOCKS) {
            throw new IllegalArgumentException("blocksPerBlob must be 1 to " + BlobAuditLog.MAX_BLOCKS);
        }
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.blocksPerBlob = blocksPerBlob;
    }

    @Override
    public synchronized void append(HistoryEntry entry) {
        ensured.forWriting();
        YearMonth month = YearMonth.from(entry.time().atOffset(ZoneOffset.UTC));
        byte[] line = (entry.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        int part = month.equals(currentMonth) ? currentPart : 1;
        for (int tries = 0; tries < MAX_PARTS; tries++) {
            AppendBlobClient blob = container.getBlobClient(name(month, part)).getAppendBlobClient();
            try {
                AppendBlobItem item = appendTo(blob, line);
                Integer blocks = item.getBlobCommittedBlockCount();
                currentMonth = month;
                currentPart = blocks != null && blocks >= blocksPerBlob ? part + 1 : part;
                return;
            } catch (BlobStorageException e) {
                if (BlobErrorCode.BLOCK_COUNT_EXCEEDS_LIMIT.equals(e.getErrorCode())) {
                    part++;
                    continue;
                }
                throw failure(month, part, e);
            } catch (RuntimeException e) {
                throw failure(month, part, e);
            }
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the history of " + month + " in " + describe()
                + " has " + MAX_PARTS + " full parts; no entry could be added");
    }

    private static AppendBlobItem appendTo(AppendBlobClient blob, byte[] line) {
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
    public List<HistoryEntry> read(Instant from, Instant to) {
        List<HistoryEntry> entries = new ArrayList<>();
        try {
            if (!ensured.exists()) {
                return entries;
            }
            for (YearMonth month : HistoryLog.months(from, to)) {
                List<BlobItem> parts = new ArrayList<>();
                for (BlobItem item : container.listBlobs(new ListBlobsOptions()
                        .setPrefix(PREFIX + HistoryLog.monthName(month) + "."), TIMEOUT)) {
                    if (PART.matcher(item.getName()).matches()) {
                        parts.add(item);
                    }
                }
                parts.sort(Comparator.comparingInt(item -> partOf(item.getName())));
                for (BlobItem item : parts) {
                    String text = container.getBlobClient(item.getName())
                            .downloadContentWithResponse(null, null, TIMEOUT, null).getValue().toString();
                    for (String line : text.split("\n")) {
                        if (line.isBlank()) {
                            continue;
                        }
                        try {
                            HistoryEntry entry = HistoryEntry.read(line);
                            if (!entry.time().isBefore(from) && entry.time().isBefore(to)) {
                                entries.add(entry);
                            }
                        } catch (RuntimeException e) {
                            LOG.warning("skipping an unreadable line in history blob " + item.getName());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not read the history in " + describe(), e);
        }
        entries.sort(Comparator.comparing(HistoryEntry::time));
        return entries;
    }

    @Override
    public String describe() {
        return "append blobs " + PREFIX + "<yyyy-MM>.jsonl in Blob container " + container.getBlobContainerName()
                + " at " + container.getAccountUrl();
    }

    static String name(YearMonth month, int part) {
        return PREFIX + HistoryLog.monthName(month) + (part == 1 ? "" : "." + part) + ".jsonl";
    }

    private static int partOf(String name) {
        Matcher m = PART.matcher(name);
        return m.matches() && m.group(1) != null ? Integer.parseInt(m.group(1)) : 1;
    }

    private ShiftSyncException failure(YearMonth month, int part, RuntimeException e) {
        return StorageErrors.failure("could not append to history blob " + container.getBlobContainerName() + "/"
                + name(month, part), e);
    }
}
