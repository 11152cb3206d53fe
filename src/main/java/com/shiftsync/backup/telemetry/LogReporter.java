package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.port.Reporter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Reporter} of both doors: events as one JSON line each on a logger (the
 * invocation's logger in Azure Functions, which Application Insights collects; the CLI's
 * own log), metrics in the app's {@link Metrics}, audit records through the app's
 * {@link AuditTrail}, outcomes in the app's {@link HistoryLog}. Cheap to make: one per
 * invocation or command.
 */
public final class LogReporter implements Reporter {
    /** A job's own audit record (a committed backup) could not be written (the record is in the event); the job went on. */
    public static final String WITNESS_WRITE_FAILED = "ShiftSync.Audit.WitnessWriteFailed";
    /** A history entry could not be written (the full entry is in the event); the job went on. */
    public static final String HISTORY_WRITE_FAILED = "ShiftSync.History.WriteFailed";
    private static final Logger LOG = Logger.getLogger(LogReporter.class.getName());

    private final Logger log;
    private final Metrics metrics;
    private final Supplier<AuditTrail> audit;
    private final Supplier<HistoryLog> history;

    public LogReporter(Logger log, Metrics metrics, AuditTrail audit) {
        this(log, metrics, () -> audit, () -> HistoryLog.NONE);
    }

    /**
     * @param audit   the audit log, got when a record is written
     * @param history where outcomes go; got only when one is reported, so a bad storage setting fails no job
     */
    public LogReporter(Logger log, Metrics metrics, Supplier<AuditTrail> audit, Supplier<HistoryLog> history) {
        this.log = log;
        this.metrics = metrics;
        this.audit = audit;
        this.history = history;
    }

    @Override
    public void event(Event event) {
        log.log(switch (event.level()) {
            case INFO -> Level.INFO;
            case WARNING -> Level.WARNING;
            case SEVERE -> Level.SEVERE;
        }, event.toJson());
    }

    @Override
    public void record(Metric metric, double value, Map<String, String> dimensions) {
        metrics.record(metric, value, dimensions);
    }

    @Override
    public void reset(Metric metric) {
        metrics.reset(metric);
    }

    @Override
    public void audit(AuditRecord record) {
        audit.get().record(record);
    }

    /**
     * Appends {@code record}; one that cannot be written is the job's own warning event
     * {@value #WITNESS_WRITE_FAILED}, with the record whole, beside the job's other events (the
     * CLI's log, Application Insights): the backup it witnesses is made either way.
     */
    @Override
    public void witness(AuditRecord record) {
        try {
            audit.get().append(record);
        } catch (RuntimeException e) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("reason", ShiftSyncException.wrap(e).getMessage());
            f.put("record", record);
            event(Event.warning(WITNESS_WRITE_FAILED, f));
        }
    }

    /**
     * Appends {@code entry}; one that cannot be written goes to the log whole, as
     * {@value #HISTORY_WRITE_FAILED} (a warning on the CLI's stderr, a trace in Application
     * Insights), and the job goes on: the history is a record of outcomes, not one of them.
     */
    @Override
    public void history(HistoryEntry entry) {
        try {
            history.get().append(entry);
        } catch (RuntimeException e) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("reason", e instanceof ShiftSyncException sse ? sse.getMessage() : e.getClass().getSimpleName()
                    + ": " + e.getMessage());
            f.put("entry", entry);
            Event failed = Event.warning(HISTORY_WRITE_FAILED, f);
            LOG.warning(failed.toJson());
        }
    }
}
