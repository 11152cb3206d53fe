package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.port.HistoryLog;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger(BlobHistoryLog.class.getName());

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;
    private final AppendBlobLines lines;

    public BlobHistoryLog(BlobContainerClient container) {
        this(container, AppendBlobLines.MAX_BLOCKS);
    }

    /** @param blocksPerBlob entries per blob before the next part is started (tests use a few) */
    public BlobHistoryLog(BlobContainerClient container, int blocksPerBlob) {
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.lines = new AppendBlobLines(container, blocksPerBlob, MAX_PARTS, TIMEOUT, "history blob");
    }

    @Override
    public void append(HistoryEntry entry) {
        ensured.forWriting();
        lines.append(base(YearMonth.from(entry.time().atOffset(ZoneOffset.UTC))), entry.toJsonLine());
    }

    @Override
    public List<HistoryEntry> read(Instant from, Instant to) {
        List<HistoryEntry> entries = new ArrayList<>();
        try {
            if (!ensured.exists()) {
                return entries;
            }
            for (YearMonth month : HistoryLog.months(from, to)) {
                for (AppendBlobLines.Line line : lines.read(base(month))) {
                    try {
                        HistoryEntry entry = HistoryEntry.read(line.text());
                        if (!entry.time().isBefore(from) && entry.time().isBefore(to)) {
                            entries.add(entry);
                        }
                    } catch (RuntimeException e) {
                        LOG.warning("skipping an unreadable line in history blob " + line.blob());
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

    private static String base(YearMonth month) {
        return PREFIX + HistoryLog.monthName(month);
    }
}
