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
    /** A point-in-time or geo-restore ended ready to use: completion and verification passed, with its durations. */
    public static final String RECOVERY_COMPLETED = "ShiftSync.Recovery.Completed";
    /** A point-in-time or geo-restore ended without a server ready to use (Azure failed, or the verification). */
    public static final String RECOVERY_FAILED = "ShiftSync.Recovery.Failed";
    /** ShiftSync was pointed at a restored server (the cutover secret rewritten). */
    public static final String RECOVERY_CUT_OVER = "ShiftSync.Recovery.CutOver";
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
        RolesOutcome roles = result.check().roles();
        if (roles != null) {
            f.put("rolesCreated", roles.created());
            f.put("rolesWithoutPassword", roles.withoutPassword());
            f.put("roleWarnings", roles.warnings());
            f.put("ownersAndGrants", roles.ownersAndGrants());
        }
        reporter.event(Event.of(result.passed(), SUCCEEDED, FAILED, f));
        RestoreCheck check = result.check();
        List<String> differing = check.differences().stream().map(TableDifference::table).limit(20).toList();
        reporter.history(HistoryEntry.of(check.checkedAt(), HistoryEntry.RESTORE, result.manifest().id(),
                        result.manifest().tier().folder(), result.passed())
                .withDuration(result.duration().toMillis()).withRecovery(result.duration().toMillis())
                .withRowTotal(result.manifest().totalRows()).withSize(result.manifest().sizeBytes())
                .withReason(result.passed() ? null : check.summary())
                .withDetail("store", check.store()).withDetail("target", check.targetDatabase() + " on "
                        + check.targetServer()).withDetail("differingTables", differing.isEmpty() ? null : differing)
                .withDetail("rolesCreated", check.roles() == null || check.roles().created().isEmpty() ? null
                        : check.roles().created()));
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

    /**
     * A recovery that has ended: its scenario and the guide's target, the measured durations
     * of each phase, the verification, and what still needs a person.
     */
    static void recovered(Operation operation, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        f.putAll(operation.recoveryTime(operation.finishedAt()));
        com.shiftsync.backup.domain.Completion c = operation.completion();
        f.put("verified", c.verifiedGood());
        if (c.verification() != null && c.verification().comparedWith() != null) {
            f.put("comparedWith", c.verification().comparedWith());
        }
        f.put("firewallRulesCopied", c.firewallRulesCopied().size());
        f.put("parametersCopied", c.parametersCopied().size());
        f.put("followUps", c.followUps().size());
        if (operation.error() != null) {
            f.put("code", operation.error().code());
            f.put("reason", operation.error().message());
        }
        reporter.event(Event.of(operation.status() == OperationStatus.Succeeded, RECOVERY_COMPLETED, RECOVERY_FAILED,
                f));
        history(operation, reporter);
        if (operation.status() == OperationStatus.Succeeded) {
            reporter.record(com.shiftsync.backup.domain.Metric.RECOVERY_DURATION,
                    operation.duration().orElseThrow().toSeconds(), Map.of("kind", operation.kind().id(), "drill",
                            String.valueOf(operation.details().containsKey("drillId"))));
        }
    }

    /** A server restore's Azure part that has just finished, with its duration from request to Azure's end. */
    static void serverFinished(Operation operation, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        java.time.Instant end = operation.completion() != null && operation.completion().azureFinishedAt() != null
                ? operation.completion().azureFinishedAt() : operation.finishedAt();
        if (end != null) {
            f.put("durationSeconds", Math.max(0, java.time.Duration.between(operation.requestedAt(), end).toSeconds()));
        }
        String status = operation.completion() != null ? "Succeeded" : operation.status().name();
        f.put("status", status);
        if (operation.completion() == null && operation.error() != null) {
            f.put("upstreamCode", operation.error().code());
            f.put("reason", operation.error().message());
        }
        reporter.event(Event.of("Succeeded".equals(status), SERVER_SUCCEEDED, SERVER_FAILED, f));
        if (operation.completion() == null && operation.status().finished()) {
            history(operation, reporter);
        }
    }

    /**
     * The history line of a server restore at its end: Azure's failure, or the end of the
     * completion (a verified server, or why not); its duration is the measured recovery time.
     */
    private static void history(Operation operation, Reporter reporter) {
        boolean succeeded = operation.status() == OperationStatus.Succeeded;
        Long ms = operation.duration().map(java.time.Duration::toMillis).orElse(null);
        reporter.history(HistoryEntry.of(operation.finishedAt() != null ? operation.finishedAt() : operation.updatedAt(),
                        HistoryEntry.SERVER_RESTORE, operation.id(), null, succeeded).withDuration(ms).withRecovery(ms)
                .withReason(operation.error() == null ? null : operation.error().message())
                .withDetail("method", operation.kind().id()).withDetail("target", operation.target())
                .withDetail("drill", operation.details().containsKey("drillId") ? "true" : null)
                .withDetail("upstreamCode", operation.error() == null ? null : operation.error().code()));
    }
}
