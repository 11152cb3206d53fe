package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.port.Reporter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What restores report: a dump restored into a database (CLI or queue), and point-in-time and geo-restores. */
public final class RestoreEvents {
    public static final String SUCCEEDED = "ShiftSync.Restore.Succeeded";
    public static final String FAILED = "ShiftSync.Restore.Failed";
    /** A restore from a backup was accepted over HTTP and put on queue restore-requests. */
    public static final String QUEUED = "ShiftSync.Restore.Queued";
    /** A restore from a backup was refused: bad input, no such backup, an existing target, a caller without access. */
    public static final String REFUSED = "ShiftSync.Restore.Refused";
    /** A point-in-time or geo-restore was accepted by Resource Manager. */
    public static final String SERVER_STARTED = "ShiftSync.ServerRestore.Started";
    /** A server restore request was refused: bad input, a conflict, or a caller without access. */
    public static final String SERVER_REFUSED = "ShiftSync.ServerRestore.Refused";
    /** A started server restore finished, as a status check saw: with its measured duration (RTO evidence). */
    public static final String SERVER_SUCCEEDED = "ShiftSync.ServerRestore.Succeeded";
    /** A server restore could not be started, or a started one failed in Azure. */
    public static final String SERVER_FAILED = "ShiftSync.ServerRestore.Failed";

    private RestoreEvents() {
    }

    /** A finished restore into a named database, with its integrity check, and its duration. */
    public static void restored(RestoreResult result, Reporter reporter) {
        reporter.record(Metric.RESTORE_DURATION, result.duration().toMillis() / 1000.0,
                Map.of("kind", "restore", "tier", result.manifest().tier().folder()));
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
        reporter.event(Event.of(result.passed(), SUCCEEDED, FAILED, f));
        RestoreCheck check = result.check();
        List<String> differing = check.differences().stream().map(TableDifference::table).limit(20).toList();
        reporter.history(HistoryEntry.of(check.checkedAt(), HistoryEntry.RESTORE, result.manifest().id(),
                        result.manifest().tier().folder(), result.passed())
                .withDuration(result.duration().toMillis()).withRecovery(result.duration().toMillis())
                .withRowTotal(result.manifest().totalRows()).withSize(result.manifest().sizeBytes())
                .withReason(result.passed() ? null : check.summary())
                .withDetail("store", check.store()).withDetail("target", check.targetDatabase() + " on "
                        + check.targetServer()).withDetail("differingTables", differing.isEmpty() ? null : differing));
    }

    /** A restore into a named database that failed before its check: nothing restored, or not all of it. */
    static void failed(String backup, String target, Instant at, RuntimeException error, Reporter reporter) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("backupId", backup);
        context.put("target", target);
        Event event = Event.failed(FAILED, context, error);
        reporter.event(event);
        if (HistoryEntry.isOutcome(error)) {
            reporter.history(HistoryEntry.of(at, HistoryEntry.RESTORE, backup, null, false)
                    .withReason(String.valueOf(event.fields().get("reason"))).withDetail("target", target)
                    .withDetail("code", HistoryEntry.codeOf(error)));
        }
    }

    /** A started server restore: what, into which server, and the operation that follows it. */
    static void serverStarted(Operation operation, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        f.put("requestedBy", operation.requestedBy());
        f.putAll(operation.parameters());
        reporter.event(Event.info(SERVER_STARTED, f));
    }

    /** A server restore that has just finished, with its duration from request to end. */
    static void serverFinished(Operation operation, Reporter reporter) {
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
        boolean succeeded = operation.status() == OperationStatus.Succeeded;
        reporter.event(Event.of(succeeded, SERVER_SUCCEEDED, SERVER_FAILED, f));
        Long ms = operation.duration().map(java.time.Duration::toMillis).orElse(null);
        reporter.history(HistoryEntry.of(operation.finishedAt() != null ? operation.finishedAt() : operation.updatedAt(),
                        HistoryEntry.SERVER_RESTORE, operation.id(), null, succeeded).withDuration(ms).withRecovery(ms)
                .withReason(operation.error() == null ? null : operation.error().message())
                .withDetail("method", operation.kind().id()).withDetail("target", operation.target())
                .withDetail("upstreamCode", operation.error() == null ? null : operation.error().code()));
    }
}
