package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.LinkedHashMap;
import java.util.Map;

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
