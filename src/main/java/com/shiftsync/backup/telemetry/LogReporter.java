package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.port.Reporter;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Reporter} of both doors: events as one JSON line each on a logger (the
 * invocation's logger in Azure Functions, which Application Insights collects; the CLI's
 * own log), metrics in the app's {@link Metrics}, audit records through the app's
 * {@link AuditTrail}. Cheap to make: one per invocation or command.
 */
public final class LogReporter implements Reporter {
    private final Logger log;
    private final Metrics metrics;
    private final AuditTrail audit;

    public LogReporter(Logger log, Metrics metrics, AuditTrail audit) {
        this.log = log;
        this.metrics = metrics;
        this.audit = audit;
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
        audit.record(record);
    }
}
