package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.serverrestore.ServerRestoreJob;
import com.shiftsync.backup.telemetry.JobEvent;

import java.util.Map;
import java.util.Optional;

/**
 * Point-in-time restore, geo-restore and their status over HTTP: the same
 * {@link ServerRestoreJob} as the CLI's {@code pitr}, {@code geo-restore} and
 * {@code restore-status}. The status endpoint answers for every operation, restores from
 * a backup and on-demand backups ({@link FromBackupFunctions}, {@link BackupFunctions})
 * included. Behind the function key, every call needs the admin app role
 * from Easy Auth; every restore request leaves one audit record. Starting answers 202 as
 * soon as Resource Manager has accepted the create (a restore takes far longer than the
 * 230 s an HTTP call may), with the operation id and the URL to follow it.
 */
public class RestoreFunctions {
    static final String PITR = "restore.point-in-time";
    static final String GEO = "restore.geo";
    static final String STATUS = "restore.status";
    private static final String PURPOSE = "start a restore";

    private final App app;

    public RestoreFunctions() {
        this(App.shared());
    }

    public RestoreFunctions(App app) {
        this.app = app;
    }

    @FunctionName("restorePointInTime")
    public HttpResponseMessage pointInTime(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/point-in-time") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parse(request.getBody(),
                "{\"restorePointInTime\": \"2024-01-15T10:30:00Z\", \"targetServerName\": \"shiftsync-db-restored\"}");
        return start(request, context, PITR, fields, caller -> app.serverRestoreJob().startPointInTime(caller,
                fields.check().get("restorePointInTime"), fields.get("targetServerName")));
    }

    @FunctionName("restoreGeo")
    public HttpResponseMessage geo(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/geo") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parse(request.getBody(),
                "{\"targetServerName\": \"shiftsync-db-geo\", \"location\": \"canadaeast\"}");
        return start(request, context, GEO, fields, caller -> app.serverRestoreJob().startGeo(caller,
                fields.check().get("targetServerName"), fields.get("location")));
    }

    @FunctionName("restoreStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/{operationId}") HttpRequestMessage<Optional<String>> request,
            @BindingName("operationId") String operationId,
            ExecutionContext context) {
        Map<String, Object> log = Map.of("action", STATUS, "operationId", String.valueOf(operationId));
        return HttpAnswers.ok(request, context, JobEvent.SERVER_RESTORE_REFUSED, JobEvent.SERVER_RESTORE_FAILED, log,
                () -> {
                    app.auditTrail().identify(STATUS, Map.of("operationId", String.valueOf(operationId)),
                            app.adminAccess().check(request.getHeaders(), "read the status of a restore"));
                    ServerRestoreJob.StatusCheck check = app.serverRestoreJob().status(operationId);
                    if (check.justFinished() && check.operation().kind().queued()) {
                        context.getLogger().severe(JobEvent.queuedWorkFailed(check.operation()).toJson());
                    } else if (check.justFinished()) {
                        context.getLogger().info(JobEvent.serverRestoreFinished(check.operation()).toJson());
                    }
                    return check.operation().view(app.clock().instant());
                });
    }

    private HttpResponseMessage start(HttpRequestMessage<Optional<String>> request, ExecutionContext context,
                                      String action, RequestFields fields,
                                      java.util.function.Function<com.shiftsync.backup.domain.Caller, Operation> work) {
        Map<String, Object> log = Map.of("action", action);
        try {
            Operation operation = app.auditTrail().perform(action, fields.values(),
                    app.adminAccess().check(request.getHeaders(), PURPOSE), work, Operation::id);
            context.getLogger().info(JobEvent.serverRestoreStarted(operation).toJson());
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("status", operation.status().name());
            body.put("kind", operation.kind().id());
            body.put("target", operation.target());
            return HttpAnswers.accepted(request, operation.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, JobEvent.SERVER_RESTORE_REFUSED,
                    JobEvent.SERVER_RESTORE_FAILED, log, e);
        }
    }
}
