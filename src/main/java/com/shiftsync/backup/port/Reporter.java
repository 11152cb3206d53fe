package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Metric;

import java.time.Instant;
import java.util.Map;

/**
 * Where a job reports what became of it: one structured event per outcome, its metrics,
 * one entry in the history that outlives retention, and (for work an accepted request
 * started) the audit record of the outcome. Jobs report
 * through this themselves, so a run from the CLI reports exactly what the same run from a
 * timer does; the door only chooses where the reports go (the Functions logger, the CLI's
 * log).
 */
public interface Reporter {
    /** Reports nothing: for tests and embedding. */
    Reporter NONE = new Reporter() {
        @Override
        public void event(Event event) {
        }

        @Override
        public void record(Metric metric, double value, Map<String, String> dimensions) {
        }

        @Override
        public void reset(Metric metric) {
        }

        @Override
        public void audit(AuditRecord record) {
        }

        @Override
        public void history(HistoryEntry entry) {
        }

        @Override
        public void witness(AuditRecord record) {
        }
    };

    /** Logs one event. */
    void event(Event event);

    /**
     * Records a value: one more value of a histogram; the value of a gauge's series from now
     * on. For {@link Metric.Kind#AGE} use {@link #recordSince}.
     */
    void record(Metric metric, double value, Map<String, String> dimensions);

    /** An age gauge's series counts from {@code since}. */
    default void recordSince(Metric metric, Instant since, Map<String, String> dimensions) {
        record(metric, since.getEpochSecond(), dimensions);
    }

    /** Forgets every series of a gauge (the monitor's view replaces what this process knew). */
    void reset(Metric metric);

    /** Appends an audit record; a record that cannot be written is logged whole instead, never lost silently. */
    void audit(AuditRecord record);

    /**
     * Appends an audit record a job keeps of what it did itself (a committed backup: a second
     * witness beside its manifest). Never fails the job: one that cannot be written (the audit
     * log's storage is down with the backup's) is reported as the job's own warning event.
     */
    default void witness(AuditRecord record) {
        audit(record);
    }

    /**
     * Appends an outcome to the history. Never fails the job that reports it: an entry that
     * cannot be written is logged whole as a warning instead.
     */
    void history(HistoryEntry entry);

    /** This reporter, adding {@code field} to every event (e.g. the operation a queue worker runs). */
    default Reporter with(String field, Object value) {
        return new Forwarding(this) {
            @Override
            public void event(Event event) {
                super.event(event.with(field, value));
            }
        };
    }

    /** This reporter, remembering which events went through it. */
    default Watched watched() {
        return new Watched(this);
    }

    /** Passes everything on to another reporter; a decorator overrides what it changes. */
    class Forwarding implements Reporter {
        private final Reporter inner;

        protected Forwarding(Reporter inner) {
            this.inner = inner;
        }

        @Override
        public void event(Event event) {
            inner.event(event);
        }

        @Override
        public void record(Metric metric, double value, Map<String, String> dimensions) {
            inner.record(metric, value, dimensions);
        }

        @Override
        public void reset(Metric metric) {
            inner.reset(metric);
        }

        @Override
        public void audit(AuditRecord record) {
            inner.audit(record);
        }

        @Override
        public void history(HistoryEntry entry) {
            inner.history(entry);
        }

        @Override
        public void witness(AuditRecord record) {
            inner.witness(record);
        }
    }

    /**
     * A reporter that remembers the names of the events it passed on: so a door or the queue
     * lifecycle reports a failure only when the job did not report it already.
     */
    final class Watched extends Forwarding {
        private final java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private Watched(Reporter inner) {
            super(inner);
        }

        /** Whether an event of this name went through. */
        public boolean reported(String name) {
            return names.contains(name);
        }

        @Override
        public void event(Event event) {
            names.add(event.name());
            super.event(event);
        }
    }
}
