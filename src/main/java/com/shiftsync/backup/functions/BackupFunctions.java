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
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.queued.OnDemandBackupJob;
import com.shiftsync.backup.telemetry.JobEvent;
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
    static final String LIST = "backups.list";
    static final String REQUEST = "backup.on-demand";
    /** The audit action of the worker's outcome. */
    static final String RUN = "backup.on-demand.run";
    static final String WORKER = "onDemandBackupWorker";

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
        return HttpAnswers.ok(request, context, JobEvent.BACKUP_REFUSED, JobEvent.BACKUP_LIST_FAILED,
                Map.of("action", LIST), () -> {
                    app.auditTrail().identify(LIST, Map.of(),
                            app.adminAccess().check(request.getHeaders(), "list the backups"));
                    return BackupListing.toJson(BackupListing.of(List.of(app.azureStore())));
                });
    }

    @FunctionName("onDemandBackup")
    public HttpResponseMessage request(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "backups") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parseOptional(request.getBody(), "{\"tier\": \"manual\"} or no body");
        try {
            Operation operation = app.auditTrail().perform(REQUEST, fields.values(),
                    app.adminAccess().check(request.getHeaders(), "start a backup"),
                    caller -> {
                        fields.allowOnly(Set.of("tier"));
                        String tier = fields.get("tier");
                        if (tier != null && Tier.parse(tier) != Tier.MANUAL) {
                            throw ShiftSyncException.badInput("an on-demand backup is of tier manual; the daily and "
                                    + "weekly ones are made by the timers nightlyExport and weeklyExport");
                        }
                        return app.onDemandBackupJob().start(caller, Map.of("tier", Tier.MANUAL.folder()));
                    }, Operation::id);
            context.getLogger().info(JobEvent.queued(operation).toJson());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", operation.status().name());
            body.put("kind", operation.kind().id());
            body.put("tier", operation.target());
            return HttpAnswers.accepted(request, operation.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, JobEvent.BACKUP_REFUSED, JobEvent.BACKUP_FAILED,
                    Map.of("action", REQUEST), e);
        }
    }

    /**
     * Makes one queued backup, logging the same events as the timers. A failed backup
     * fails the invocation after its operation is marked Failed; the host's redelivery then
     * finds it finished and does nothing.
     */
    @FunctionName("onDemandBackupWorker")
    public void worker(@QueueTrigger(name = "message", queueName = WorkQueue.BACKUP_REQUESTS,
            connection = QueueConnection.NAME) String message, ExecutionContext context) {
        OnDemandBackupJob.Outcome outcome;
        try {
            outcome = app.onDemandBackupJob().run(message);
        } catch (RuntimeException e) {
            context.getLogger().severe(JobEvent.failed(JobEvent.BACKUP_FAILED,
                    Map.of("tier", Tier.MANUAL.folder(), "queue", WorkQueue.BACKUP_REQUESTS), e).toJson());
            throw ShiftSyncException.wrap(e);
        }
        Operation op = outcome.operation();
        if (outcome.duplicate()) {
            context.getLogger().info(JobEvent.duplicate(op, WorkQueue.BACKUP_REQUESTS).toJson());
            return;
        }
        if (outcome.succeeded()) {
            app.metrics().backupSucceeded(outcome.result());
            context.getLogger().info(JobEvent.backupSucceeded(outcome.result()).with("operationId", op.id()).toJson());
        } else {
            app.metrics().backupFailed(Tier.MANUAL, outcome.duration());
            context.getLogger().severe(JobEvent.failed(JobEvent.BACKUP_FAILED, Map.of("tier", Tier.MANUAL.folder(),
                    "operationId", op.id()), outcome.failure()).toJson());
        }
        app.auditTrail().outcome(RUN, Map.of("tier", Tier.MANUAL.folder()), Caller.worker(WORKER, op.requestedBy()),
                op.id(), outcome.succeeded(), outcome.succeeded()
                        ? "backup " + op.details().get("backupId") + " made (" + op.details().get("sizeBytes")
                        + " bytes)" : op.error().message(),
                outcome.succeeded() ? null : op.error().code());
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
    }
}
