package com.shiftsync.backup.backup;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a backup reports: its events, metrics and history entry, the same from the timers, the queue worker and the CLI. */
public final class BackupEvents {
    public static final String SUCCEEDED = "ShiftSync.Backup.Succeeded";
    public static final String FAILED = "ShiftSync.Backup.Failed";
    /** An on-demand backup was accepted over HTTP and put on queue backup-requests. */
    public static final String QUEUED = "ShiftSync.Backup.Queued";
    /** A backup request or a backup list read was refused: bad input or a caller without access. */
    public static final String REFUSED = "ShiftSync.Backup.Refused";
    /** GET /api/backups could not read the backups. */
    public static final String LIST_FAILED = "ShiftSync.Backup.ListFailed";

    private BackupEvents() {
    }

    public static void succeeded(BackupResult result, Reporter reporter) {
        Manifest m = result.manifest();
        Map<String, String> tier = Map.of("tier", m.tier().folder());
        reporter.record(Metric.BACKUP_SIZE, m.sizeBytes(), tier);
        reporter.record(Metric.BACKUP_DURATION, seconds(result.duration()),
                Map.of("tier", m.tier().folder(), "outcome", "succeeded"));
        reporter.recordSince(Metric.BACKUP_AGE, m.startedAt(), tier);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", m.id());
        f.put("tier", m.tier().folder());
        f.put("database", m.database());
        f.put("sizeBytes", m.sizeBytes());
        f.put("durationMs", result.duration().toMillis());
        f.put("tables", m.rowCounts().size());
        f.put("rowTotal", m.totalRows());
        f.put("sha256", m.sha256());
        f.put("stores", result.stores());
        f.put("storeResults", storeResults(result));
        if (!result.caughtUp().isEmpty()) {
            f.put("caughtUp", result.caughtUp());
        }
        reporter.event(Event.info(SUCCEEDED, f));
        committed(result, reporter);
        reporter.history(HistoryEntry.of(m.finishedAt(), HistoryEntry.BACKUP, m.id(), m.tier().folder(), true)
                .withSize(m.sizeBytes()).withDuration(result.duration().toMillis()).withRowTotal(m.totalRows())
                .withDetail("tables", m.rowCounts().size()).withDetail("stores", result.stores()));
    }

    /** A backup that made nothing, at {@code at} (the run's end). */
    public static void failed(Tier tier, Instant at, Duration duration, RuntimeException error, Reporter reporter) {
        reporter.record(Metric.BACKUP_DURATION, seconds(duration), Map.of("tier", tier.folder(), "outcome", "failed"));
        Event event = Event.failed(FAILED, Map.of("tier", tier.folder()), error);
        reporter.event(event);
        reporter.history(HistoryEntry.of(at, HistoryEntry.BACKUP, null, tier.folder(), false)
                .withDuration(duration.toMillis()).withReason(String.valueOf(event.fields().get("reason")))
                .withDetail("code", HistoryEntry.codeOf(error)));
    }

    /**
     * A backup that some stores hold and others could not take: a failure (the run exits 1;
     * {@code ShiftSync.Backup.Failed} with the backup's id), with every store's result.
     */
    public static void partlyStored(BackupResult result, Reporter reporter) {
        Manifest m = result.manifest();
        Map<String, String> tier = Map.of("tier", m.tier().folder());
        reporter.record(Metric.BACKUP_SIZE, m.sizeBytes(), tier);
        reporter.record(Metric.BACKUP_DURATION, seconds(result.duration()),
                Map.of("tier", m.tier().folder(), "outcome", "partial"));
        reporter.recordSince(Metric.BACKUP_AGE, m.startedAt(), tier);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("tier", m.tier().folder());
        f.put("id", m.id());
        f.put("stores", result.stores());
        f.put("storeResults", storeResults(result));
        f.put("code", com.shiftsync.backup.domain.ErrorCode.JOB_FAILED.id());
        f.put("reason", com.shiftsync.backup.domain.Redaction.redact(result.partialSummary()));
        reporter.event(Event.severe(FAILED, f));
        committed(result, reporter);
    }

    /** The audit log's record of what the stores now hold: a second witness beside the manifest. */
    private static void committed(BackupResult result, Reporter reporter) {
        Manifest m = result.manifest();
        reporter.witness(new AuditRecord(m.finishedAt(), AuditRecord.AuditCaller.job("backup"),
                AuditActions.BACKUP_COMMITTED, BackupWitness.committed(m, result.stores()), AuditRecord.SUCCEEDED,
                null, "committed " + m.tier() + " backup " + m.id() + " (" + m.sizeBytes() + " bytes, SHA-256 "
                + m.sha256() + ") to " + String.join(" and ", result.stores()), null, null));
    }

    private static java.util.List<Map<String, Object>> storeResults(BackupResult result) {
        return result.storeResults().stream().map(r -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("store", r.store());
            s.put("stored", r.stored());
            if (r.reason() != null) {
                s.put("reason", r.reason());
            }
            return s;
        }).toList();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
