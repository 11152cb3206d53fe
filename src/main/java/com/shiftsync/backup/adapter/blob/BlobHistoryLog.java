package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.port.HistoryLog;

import com.azure.storage.blob.models.BlobItem;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.time.Clock;
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
 *
 * <p>In a container with version-level immutability a month's blobs get a locked retention
 * policy for {@link #SEALED_FOR} once the month is over (a day later, so a late entry of a
 * process whose clock lags still lands): from then on nobody can change or delete them. The
 * month being written cannot be locked, because a version-level policy ends appends; it is
 * append-only, and with versioning a delete leaves it as a previous version that the app's
 * identity (Storage Blob Data Contributor) cannot delete.
 */
public final class BlobHistoryLog implements HistoryLog {
    /** The folder of the history in the backup container. */
    public static final String PREFIX = "history/";
    private static final int MAX_PARTS = 100;
    /** Bounds each call, retries included: a failed append must not hold up the job that reports. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Logger LOG = Logger.getLogger(BlobHistoryLog.class.getName());
    /** How long a month of history stays locked after it ends, as the audit log's default immutability (365 days). */
    public static final Duration SEALED_FOR = Duration.ofDays(365);
    /** How long after a month's end it is sealed: late entries of a lagging clock still land. */
    static final Duration SEAL_AFTER = Duration.ofDays(1);

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;
    private final AppendBlobLines lines;
    private final BlobImmutability immutability;
    /** The newest month this instance has sealed (or found sealed) up to, to seal at most once a month. */
    private volatile YearMonth sealedThrough;

    public BlobHistoryLog(BlobContainerClient container) {
        this(container, AppendBlobLines.MAX_BLOCKS);
    }

    /** @param blocksPerBlob entries per blob before the next part is started (tests use a few) */
    public BlobHistoryLog(BlobContainerClient container, int blocksPerBlob) {
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.lines = new AppendBlobLines(container, blocksPerBlob, MAX_PARTS, TIMEOUT, "history blob");
        this.immutability = new BlobImmutability(container, TIMEOUT, Clock.systemUTC());
    }

    @Override
    public void append(HistoryEntry entry) {
        ensured.forWriting();
        lines.append(base(YearMonth.from(entry.time().atOffset(ZoneOffset.UTC))), entry.toJsonLine());
        sealPastMonths(entry.time());
    }

    /**
     * Locks every month that ended more than {@link #SEAL_AFTER} before {@code now}, once per
     * month per instance. A failure is logged: the line is written, and the next append tries again.
     */
    private void sealPastMonths(Instant now) {
        YearMonth last = YearMonth.from(now.minus(SEAL_AFTER).atOffset(ZoneOffset.UTC)).minusMonths(1);
        if (last.equals(sealedThrough)) {
            return;
        }
        try {
            if (immutability.enabled()) {
                for (BlobItem item : immutability.list(PREFIX, name -> name.endsWith(".jsonl"))) {
                    YearMonth month = monthOf(item.getName());
                    if (month != null && !month.isAfter(last)) {
                        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                        immutability.lock(item, end.plus(SEALED_FOR));
                    }
                }
            }
            sealedThrough = last;
        } catch (ShiftSyncException e) {
            LOG.warning("could not seal the history of past months in " + describe() + ": "
                    + Redaction.redact(e.getMessage()));
        }
    }

    /** The month of {@code history/<yyyy-MM>[.n].jsonl}, or null for any other name. */
    private static YearMonth monthOf(String name) {
        String rest = name.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        try {
            return dot == 7 ? YearMonth.parse(rest.substring(0, 7)) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
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
