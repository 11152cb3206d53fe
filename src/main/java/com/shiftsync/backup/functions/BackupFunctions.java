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
import com.shiftsync.backup.backup.BackupEvents;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.verify.BackupListing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The backups over HTTP, admin role only: {@code GET /api/backups} lists the backups in
 * Blob as {@code list --source azure --json} prints them (each with its restore test);
 * {@code POST /api/backups} queues an on-demand backup of tier manual and answers 202
 * with an operation id, readable at {@code GET /api/restores/{id}} like every operation;
 * {@code onDemandBackupWorker}, triggered by queue {@code backup-requests}, makes it with
 * the same {@link com.shiftsync.backup.backup.BackupJob} as the timers.
 */
public class BackupFunctions {
    private final App app;

    public BackupFunctions() {
        this(App.shared());
    }

    public BackupFunctions(App app) {
        this.app = app;
    }

    @FunctionName("listBackups")
    public HttpResponseMessage list(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "backups") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return HttpAnswers.ok(request, context, app.reporter(context.getLogger()), BackupEvents.REFUSED,
                BackupEvents.LIST_FAILED, Map.of("action", AuditActions.BACKUPS_LIST), () -> {
                    app.auditTrail().identify(AuditActions.BACKUPS_LIST, Map.of(),
                            app.adminAccess().check(request.getHeaders(), "list the backups"));
                    List<BackupListing.Row> rows = BackupListing.of(List.of(app.stores().azure()));
                    return BackupListing.toJson(rows,
                            app.monitoring().clientWatch().read(BackupListing.newestComplete(rows)));
                });
    }

    @FunctionName("onDemandBackup")
    public HttpResponseMessage request(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "backups") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parseOptional(request.getBody(), "{\"tier\": \"manual\"} or no body");
        Reporter reporter = app.reporter(context.getLogger());
        try {
            Operation operation = app.auditTrail().perform(AuditActions.BACKUP_ON_DEMAND, fields.values(),
                    app.adminAccess().check(request.getHeaders(), "start a backup"),
                    caller -> app.queued().onDemandBackup().start(caller, fields.allowOnly(Set.of("tier")).get("tier"),
                            reporter), Operation::id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", operation.status().name());
            body.put("kind", operation.kind().id());
            body.put("tier", operation.target());
            return HttpAnswers.accepted(request, operation.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, BackupEvents.REFUSED, BackupEvents.FAILED,
                    Map.of("action", AuditActions.BACKUP_ON_DEMAND), e);
        }
    }

    /**
     * Makes one queued backup, reporting the same events as the timers. A failed backup
     * fails the invocation after its operation is marked Failed; the host's redelivery then
     * finds it finished and does nothing.
     */
    @FunctionName("onDemandBackupWorker")
    public void worker(@QueueTrigger(name = "message", queueName = WorkQueue.BACKUP_REQUESTS,
            connection = QueueConnection.NAME) String message, ExecutionContext context) {
        app.queued().queuedWork().run(message, app.queued().onDemandBackup(), app.reporter(context.getLogger()));
    }
}
