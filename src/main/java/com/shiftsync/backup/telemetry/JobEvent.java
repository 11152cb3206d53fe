package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.RetentionPlan.Decision;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.StatusReport;
import com.shiftsync.backup.port.SweepResult;
import com.shiftsync.backup.prune.OrphanArchive;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.prune.StoreOutcome;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.restore.TableDifference;
import com.shiftsync.backup.verify.OffsiteCopy;
import com.shiftsync.backup.verify.OffsiteReport;
import com.shiftsync.backup.verify.Verification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One structured log event per job outcome: a single JSON line whose {@code event} field
 * has a stable name ({@code ShiftSync.Backup.Succeeded}, ...), so an alert rule is a
 * simple query: {@code traces | where message has "ShiftSync.Backup.Failed"}.
 *
 * @param name   the stable event name
 * @param fields what the event carries
 */
public record JobEvent(String name, Map<String, Object> fields) {
    public static final String BACKUP_SUCCEEDED = "ShiftSync.Backup.Succeeded";
    public static final String BACKUP_FAILED = "ShiftSync.Backup.Failed";
    /** A point-in-time or geo-restore was accepted by Resource Manager. */
    public static final String SERVER_RESTORE_STARTED = "ShiftSync.ServerRestore.Started";
    /** A restore request was refused: bad input, a conflict, or a caller without access. */
    public static final String SERVER_RESTORE_REFUSED = "ShiftSync.ServerRestore.Refused";
    /** A started restore finished, as a status check saw: with its measured duration (RTO evidence). */
    public static final String SERVER_RESTORE_SUCCEEDED = "ShiftSync.ServerRestore.Succeeded";
    /** A restore could not be started, or a started one failed in Azure. */
    public static final String SERVER_RESTORE_FAILED = "ShiftSync.ServerRestore.Failed";
    public static final String VERIFY_PASSED = "ShiftSync.Verify.Passed";
    public static final String VERIFY_FAILED = "ShiftSync.Verify.Failed";
    public static final String OFFSITE_PASSED = "ShiftSync.Offsite.Passed";
    public static final String OFFSITE_FAILED = "ShiftSync.Offsite.Failed";
    public static final String MONITOR_HEALTHY = "ShiftSync.Monitor.Healthy";
    public static final String MONITOR_ALERTING = "ShiftSync.Monitor.Alerting";
    public static final String MONITOR_FAILED = "ShiftSync.Monitor.Failed";
    public static final String RESTORE_SUCCEEDED = "ShiftSync.Restore.Succeeded";
    public static final String RESTORE_FAILED = "ShiftSync.Restore.Failed";
    /** A restore from a backup was accepted over HTTP and put on queue restore-requests. */
    public static final String RESTORE_QUEUED = "ShiftSync.Restore.Queued";
    /** A restore from a backup was refused: bad input, no such backup, an existing target, a caller without access. */
    public static final String RESTORE_REFUSED = "ShiftSync.Restore.Refused";
    /** An on-demand backup was accepted over HTTP and put on queue backup-requests. */
    public static final String BACKUP_QUEUED = "ShiftSync.Backup.Queued";
    /** A backup request or a backup list read was refused: bad input or a caller without access. */
    public static final String BACKUP_REFUSED = "ShiftSync.Backup.Refused";
    /** GET /api/backups could not read the backups. */
    public static final String BACKUP_LIST_FAILED = "ShiftSync.Backup.ListFailed";
    /** A queue message whose operation had already finished: nothing was done again. */
    public static final String QUEUE_DUPLICATE = "ShiftSync.Queue.Duplicate";
    /** One per alert, whatever raised it: {@code code}, {@code tier}, {@code reason}, {@code source}. */
    public static final String ALERT = "ShiftSync.Alert";
    public static final String PRUNE_COMPLETED = "ShiftSync.Prune.Completed";
    public static final String PRUNE_FAILED = "ShiftSync.Prune.Failed";

    /**
     * A prune: {@link #PRUNE_COMPLETED}, or {@link #PRUNE_FAILED} when a deletion was refused or
     * a store or the sweep failed (then {@code code} and {@code reason} say why). Either way it
     * carries what was deleted, per store and tier (count and bytes), what was kept and refused.
     */
    public static JobEvent pruned(PruneReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dryRun", report.dryRun());
        long deleted = 0;
        long bytes = 0;
        long kept = 0;
        long refused = 0;
        long orphans = 0;
        List<Map<String, Object>> stores = new ArrayList<>();
        for (StoreOutcome s : report.stores()) {
            Map<String, Object> store = new LinkedHashMap<>();
            store.put("store", s.store());
            Map<String, Map<String, Long>> byTier = new LinkedHashMap<>();
            for (Tier tier : Tier.values()) {
                byTier.put(tier.folder(), new LinkedHashMap<>(Map.of("count", 0L, "bytes", 0L)));
            }
            long storeKept = 0;
            long storeRefused = 0;
            if (s.plan() != null) {
                Set<String> done = Set.copyOf(s.deleted());
                Set<Tier> refusedTiers = s.plan().refusals().stream().map(r -> r.tier())
                        .collect(java.util.stream.Collectors.toSet());
                for (Decision d : s.plan().decisions()) {
                    if (d.deleted() && (report.dryRun() || done.contains(d.id()))) {
                        Map<String, Long> t = byTier.get(d.tier().folder());
                        t.merge("count", 1L, Long::sum);
                        t.merge("bytes", d.sizeBytes(), Long::sum);
                        deleted++;
                        bytes += d.sizeBytes();
                    } else if (!d.deleted()) {
                        storeKept++;
                        if (refusedTiers.contains(d.tier())) {
                            storeRefused++;
                        }
                    }
                }
            }
            Set<String> orphanDone = Set.copyOf(s.orphansDeleted());
            long orphanCount = 0;
            long orphanBytes = 0;
            for (OrphanArchive o : s.orphans()) {
                if (o.deleted() && (report.dryRun() || orphanDone.contains(o.id()))) {
                    orphanCount++;
                    orphanBytes += o.sizeBytes();
                }
            }
            store.put("deleted", byTier);
            store.put("kept", storeKept);
            store.put("refused", storeRefused);
            store.put("orphansDeleted", orphanCount);
            store.put("orphanBytes", orphanBytes);
            stores.add(store);
            kept += storeKept;
            refused += storeRefused;
            orphans += orphanCount;
        }
        f.put("deletedCount", deleted);
        f.put("deletedBytes", bytes);
        f.put("keptCount", kept);
        f.put("refusedCount", refused);
        f.put("orphansDeleted", orphans);
        f.put("stores", stores);
        SweepResult u = report.uploads();
        if (u != null) {
            Map<String, Object> up = new LinkedHashMap<>();
            up.put("location", u.location());
            up.put("missing", u.missing());
            up.put("deleted", u.deleted());
            up.put("deletedBytes", u.deletedBytes());
            up.put("kept", u.kept());
            up.put("skipped", u.skipped());
            up.put("failed", u.failed());
            f.put("uploads", up);
        }
        if (report.failed()) {
            f.put("code", ErrorCode.JOB_FAILED.id());
            f.put("reason", Redaction.redact(String.join("; ", report.problems())));
            return new JobEvent(PRUNE_FAILED, f);
        }
        return new JobEvent(PRUNE_COMPLETED, f);
    }

    public static JobEvent backupSucceeded(BackupResult result) {
        Manifest m = result.manifest();
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
        return new JobEvent(BACKUP_SUCCEEDED, f);
    }

    /** A started restore: what, into which server, and the operation that follows it. */
    public static JobEvent serverRestoreStarted(Operation operation) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        f.put("requestedBy", operation.requestedBy());
        f.putAll(operation.parameters());
        return new JobEvent(SERVER_RESTORE_STARTED, f);
    }

    /** A restore that has just finished, with its duration from request to end. */
    public static JobEvent serverRestoreFinished(Operation operation) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        f.put("status", operation.status().name());
        operation.duration().ifPresent(d -> f.put("durationSeconds", d.toSeconds()));
        if (operation.error() != null) {
            f.put("upstreamCode", operation.error().code());
            f.put("reason", operation.error().message());
        }
        return new JobEvent(operation.status() == OperationStatus.Succeeded ? SERVER_RESTORE_SUCCEEDED
                : SERVER_RESTORE_FAILED, f);
    }

    /** Work accepted over HTTP and queued: a restore from a backup or an on-demand backup. */
    public static JobEvent queued(Operation operation) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        f.put("requestedBy", operation.requestedBy());
        f.putAll(operation.details());
        return new JobEvent(operation.kind() == OperationKind.BACKUP ? BACKUP_QUEUED
                : RESTORE_QUEUED, f);
    }

    /** A delivery of a message whose operation had finished: what it was, and that nothing ran. */
    public static JobEvent duplicate(Operation operation, String queue) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("queue", queue);
        f.put("status", operation.status().name());
        return new JobEvent(QUEUE_DUPLICATE, f);
    }

    /** Queued work that failed, or that a status read found abandoned: the operation's code and reason. */
    public static JobEvent queuedWorkFailed(Operation operation) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        if (operation.details().containsKey("backupId")) {
            f.put("backupId", operation.details().get("backupId"));
        }
        if (operation.error() != null) {
            f.put("code", operation.error().code());
            f.put("reason", operation.error().message());
        }
        return new JobEvent(operation.kind() == OperationKind.BACKUP ? BACKUP_FAILED
                : RESTORE_FAILED, f);
    }

    /** This event with one more field (e.g. the operationId of a restore run from a queue). */
    public JobEvent with(String field, Object value) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put(field, value);
        return new JobEvent(name, f);
    }

    /** A finished restore test, passed or failed (differences, or the archive refused, or pg_restore failed). */
    public static JobEvent verified(Verification v) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", v.backupId());
        f.put("tier", v.tier().folder());
        f.put("store", v.store());
        f.put("passed", v.passed());
        f.put("stage", v.stage());
        if (v.reason() != null) {
            f.put("reason", v.reason());
        }
        f.put("tables", v.tablesCompared());
        f.put("differingTables", v.differences().stream().map(TableDifference::table).toList());
        f.put("durationMs", v.durationMs());
        f.put("restoreMs", v.restoreMs());
        f.put("jobs", v.jobs());
        f.put("scratchDatabase", v.scratchDatabase());
        f.put("scratchDropped", v.scratchDropped());
        if (!v.leftoversDropped().isEmpty()) {
            f.put("leftoversDropped", v.leftoversDropped());
        }
        if (v.leftoversProblem() != null) {
            f.put("leftoversProblem", v.leftoversProblem());
        }
        return new JobEvent(v.passed() ? VERIFY_PASSED : VERIFY_FAILED, f);
    }

    /** The weekly offsite check: every tier's copy, passed or not. */
    public static JobEvent offsite(OffsiteReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("store", report.store());
        List<Map<String, Object>> copies = new ArrayList<>();
        for (OffsiteCopy c : report.copies()) {
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("tier", c.tier().folder());
            copy.put("id", c.backupId());
            copy.put("passed", c.passed());
            copy.put("sizeBytes", c.sizeBytes());
            if (c.reason() != null) {
                copy.put("reason", c.reason());
            }
            copies.add(copy);
        }
        f.put("copies", copies);
        f.put("alerts", report.alerts().size());
        return new JobEvent(report.passed() ? OFFSITE_PASSED : OFFSITE_FAILED, f);
    }

    /** A monitor run: healthy, or alerting with every alert's code. */
    public static JobEvent monitored(StatusReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("store", report.store());
        f.put("alerts", report.alerts().size());
        f.put("codes", report.alerts().stream().map(a -> a.code().id()).distinct().toList());
        f.put("rpoMet", report.rpo().met());
        f.put("newestBackupId", report.rpo().newestBackupId());
        f.put("newestAgeHours", report.rpo().ageHours());
        return new JobEvent(report.healthy() ? MONITOR_HEALTHY : MONITOR_ALERTING, f);
    }

    /** One alert: {"event":"ShiftSync.Alert","code":"backup-missing","tier":"daily","reason":...}. */
    public static JobEvent alert(Alert alert, String source) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("code", alert.code().id());
        f.put("tier", alert.tier() == null ? null : alert.tier().folder());
        f.put("reason", alert.reason());
        f.put("source", source);
        return new JobEvent(ALERT, f);
    }

    /** A finished restore into a named database, with its integrity check. */
    public static JobEvent restored(RestoreResult result) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", result.manifest().id());
        f.put("tier", result.manifest().tier().folder());
        f.put("target", result.target());
        f.put("createdDatabase", result.createdDatabase());
        f.put("passed", result.passed());
        f.put("tables", result.check().tablesCompared());
        f.put("differingTables", result.check().differences().stream().map(TableDifference::table).toList());
        f.put("durationMs", result.duration().toMillis());
        f.put("restoreMs", result.check().restoreMs());
        return new JobEvent(result.passed() ? RESTORE_SUCCEEDED : RESTORE_FAILED, f);
    }

    /** A failed job: its code and one-sentence reason, plus whatever identifies the run. */
    public static JobEvent failed(String name, Map<String, Object> context, RuntimeException error) {
        Map<String, Object> f = new LinkedHashMap<>(context);
        if (error instanceof ShiftSyncException sse) {
            f.put("code", sse.code().id());
            if (sse.upstreamCode() != null) {
                f.put("upstreamCode", sse.upstreamCode());
            }
        } else {
            f.put("code", "unexpected");
        }
        f.put("reason", Redaction.redact(String.valueOf(error.getMessage())));
        return new JobEvent(name, f);
    }

    /** {"event":"ShiftSync.Backup.Succeeded","id":...} — redacted, one line. */
    public String toJson() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("event", name);
        all.putAll(fields);
        return Redaction.redact(Json.write(all));
    }

    @Override
    public String toString() {
        return toJson();
    }
}
