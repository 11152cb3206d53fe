package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.queued.FromBackupRestoreJob;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.telemetry.JobEvent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Restore of a backup into a database over HTTP: {@code POST /api/restores/from-backup}
 * checks the request (admin role, audited), records the operation and queues it, and
 * answers 202 with the operation id and its status URL ({@code GET /api/restores/{id}});
 * {@code restoreFromBackupWorker}, triggered by queue {@code restore-requests}, runs the
 * same {@link com.shiftsync.backup.restore.RestoreJob} as the CLI's {@code restore}. The
 * restore never runs inside the HTTP call.
 */
public class FromBackupFunctions {
    static final String ACTION = "restore.from-backup";
    /** The audit action of the worker's outcome. */
    static final String RUN = "restore.from-backup.run";
    static final String WORKER = "restoreFromBackupWorker";
    private static final String EXAMPLE = "{\"backupId\": \"shiftsync_backup_20240115_020000\", "
            + "\"targetDatabase\": \"shiftsync_restored\"}";

    private final App app;

    public FromBackupFunctions() {
        this(App.shared());
    }

    public FromBackupFunctions(App app) {
        this.app = app;
    }

    @FunctionName("restoreFromBackup")
    public HttpResponseMessage request(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/from-backup") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parse(request.getBody(), EXAMPLE);
        try {
            Operation operation = app.auditTrail().perform(ACTION, fields.values(),
                    app.adminAccess().check(request.getHeaders(), "restore a backup"),
                    caller -> {
                        fields.allowOnly(FromBackupRestoreJob.FIELDS);
                        return app.fromBackupRestoreJob().start(caller, new FromBackupRestoreJob.Request(
                                fields.get(FromBackupRestoreJob.BACKUP_ID),
                                fields.get(FromBackupRestoreJob.TARGET_DATABASE),
                                fields.flag(FromBackupRestoreJob.OVERWRITE_EXISTING),
                                fields.flag(FromBackupRestoreJob.CONFIRM_PRODUCTION)), fields.values());
                    }, Operation::id);
            context.getLogger().info(JobEvent.queued(operation).toJson());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", operation.status().name());
            body.put("kind", operation.kind().id());
            body.put("target", operation.target());
            body.putAll(operation.details());
            return HttpAnswers.accepted(request, operation.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, JobEvent.RESTORE_REFUSED, JobEvent.RESTORE_FAILED,
                    Map.of("action", ACTION), e);
        }
    }

    /**
     * Runs one queued restore. A failed restore fails the invocation after its operation
     * is marked Failed; the host's redelivery then finds it finished and does nothing.
     */
    @FunctionName("restoreFromBackupWorker")
    public void worker(@QueueTrigger(name = "message", queueName = WorkQueue.RESTORE_REQUESTS,
            connection = QueueConnection.NAME) String message, ExecutionContext context) {
        FromBackupRestoreJob.Outcome outcome;
        try {
            outcome = app.fromBackupRestoreJob().run(message);
        } catch (RuntimeException e) {
            context.getLogger().severe(JobEvent.failed(JobEvent.RESTORE_FAILED,
                    Map.of("queue", WorkQueue.RESTORE_REQUESTS), e).toJson());
            throw ShiftSyncException.wrap(e);
        }
        Operation op = outcome.operation();
        if (outcome.duplicate()) {
            context.getLogger().info(JobEvent.duplicate(op, WorkQueue.RESTORE_REQUESTS).toJson());
            return;
        }
        RestoreResult result = outcome.result();
        if (result != null) {
            app.metrics().restored(result);
            String event = JobEvent.restored(result).with("operationId", op.id()).toJson();
            if (outcome.succeeded()) {
                context.getLogger().info(event);
            } else {
                context.getLogger().severe(event);
            }
        } else {
            context.getLogger().severe(JobEvent.queuedWorkFailed(op).toJson());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("backupId", op.details().get("backupId"));
        parameters.put("targetDatabase", op.target());
        parameters.put("targetServer", op.details().get("targetServer"));
        app.auditTrail().outcome(RUN, parameters, Caller.worker(WORKER, op.requestedBy()), op.id(),
                outcome.succeeded(), outcome.succeeded()
                        ? "restored " + op.details().get("backupId") + " into " + op.target() + ": "
                        + op.details().get("integrity")
                        : op.error().message(),
                outcome.succeeded() ? null : op.error().code());
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
    }
}
