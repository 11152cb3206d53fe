package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.restore.FromBackupRestore;
import com.shiftsync.backup.restore.RestoreEvents;

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
        Reporter reporter = app.reporter(context.getLogger());
        try {
            Operation operation = app.auditTrail().perform(AuditActions.RESTORE_FROM_BACKUP, fields.values(),
                    app.adminAccess().check(request.getHeaders(), "restore a backup"),
                    caller -> {
                        fields.allowOnly(FromBackupRestore.FIELDS);
                        return app.queued().fromBackupRestore().start(caller, new FromBackupRestore.Request(
                                fields.get(FromBackupRestore.BACKUP_ID),
                                fields.get(FromBackupRestore.TARGET_DATABASE),
                                fields.flag(FromBackupRestore.OVERWRITE_EXISTING),
                                fields.flag(FromBackupRestore.CONFIRM_PRODUCTION)), reporter);
                    }, Operation::id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", operation.status().name());
            body.put("kind", operation.kind().id());
            body.put("target", operation.target());
            body.putAll(operation.details());
            return HttpAnswers.accepted(request, operation.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, RestoreEvents.REFUSED, RestoreEvents.FAILED,
                    Map.of("action", AuditActions.RESTORE_FROM_BACKUP), e);
        }
    }

    /**
     * Runs one queued restore. A failed restore fails the invocation after its operation
     * is marked Failed; the host's redelivery then finds it finished and does nothing.
     */
    @FunctionName("restoreFromBackupWorker")
    public void worker(@QueueTrigger(name = "message", queueName = WorkQueue.RESTORE_REQUESTS,
            connection = QueueConnection.NAME) String message, ExecutionContext context) {
        app.queued().queuedWork().run(message, app.queued().fromBackupRestore(), app.reporter(context.getLogger()));
    }
}
