package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.HistoryEntry;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of outcomes (backups, restore tests, restores, recoveries, drills): append-only,
 * one JSON line per entry, one file (or append blob) per UTC month, kept apart from the
 * backups so that retention never deletes it.
 */
public interface HistoryLog {
    /** Keeps nothing, finds nothing: for tests and embedding. */
    HistoryLog NONE = new HistoryLog() {
        @Override
        public void append(HistoryEntry entry) {
        }

        @Override
        public List<HistoryEntry> read(Instant from, Instant to) {
            return List.of();
        }

        @Override
        public String describe() {
            return "no history";
        }
    };

    /** Appends one entry; throws a ShiftSyncException when it could not be stored. */
    void append(HistoryEntry entry);

    /** Entries whose time is in [{@code from}, {@code to}), oldest first; empty, never null. Unreadable lines are skipped. */
    List<HistoryEntry> read(Instant from, Instant to);

    /** Where the history is, for messages. */
    String describe();

    /** The UTC months that [{@code from}, {@code to}) touches, oldest first: the files or blobs to read. */
    static List<YearMonth> months(Instant from, Instant to) {
        List<YearMonth> months = new ArrayList<>();
        if (!to.isAfter(from)) {
            return months;
        }
        YearMonth last = YearMonth.from(to.minusNanos(1).atOffset(ZoneOffset.UTC));
        for (YearMonth m = YearMonth.from(from.atOffset(ZoneOffset.UTC)); !m.isAfter(last); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    /** The month file or blob name of an entry: {@code yyyy-MM}. */
    static String monthName(YearMonth month) {
        return String.format("%04d-%02d", month.getYear(), month.getMonthValue());
    }
}
