package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreEvents;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Point-in-time restore, geo-restore and the status of every operation over HTTP: the same
 * {@link com.shiftsync.backup.restore.ServerRestoreJob} and
 * {@link com.shiftsync.backup.operations.Operations} as the CLI's {@code pitr},
 * {@code geo-restore} and {@code restore-status}. Behind the function key, every call needs
 * the admin app role from Easy Auth; every restore request leaves one audit record.
 * Starting answers 202 as soon as Resource Manager has accepted the create (a restore
 * takes far longer than the 230 s an HTTP call may), with the operation id and the URL to
 * follow it.
 */
public class RestoreFunctions {
    private static final String PURPOSE = "start a restore";
    private static final Set<String> POINT_IN_TIME_FIELDS = Set.of("restorePointInTime", "targetServerName",
            "targetSubnetId", "targetPrivateDnsZoneId", "scenario", "restart");
    private static final Set<String> GEO_FIELDS = Set.of("targetServerName", "location", "targetSubnetId",
            "targetPrivateDnsZoneId", "scenario", "restart");

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
        return start(request, context, AuditActions.RESTORE_POINT_IN_TIME, fields, (caller, reporter) -> {
            fields.allowOnly(POINT_IN_TIME_FIELDS);
            return app.recovery().serverRestoreJob().start(caller, ServerRestoreRequest.pointInTime(
                    fields.get("restorePointInTime"), fields.get("targetServerName"), network(fields),
                    scenario(fields), fields.flag("restart")), reporter);
        });
    }

    @FunctionName("restoreGeo")
    public HttpResponseMessage geo(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/geo") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parse(request.getBody(),
                "{\"targetServerName\": \"shiftsync-db-geo\"}");
        return start(request, context, AuditActions.RESTORE_GEO, fields, (caller, reporter) -> {
            fields.allowOnly(GEO_FIELDS);
            return app.recovery().serverRestoreJob().start(caller, ServerRestoreRequest.geo(fields.get("targetServerName"),
                    fields.get("location"), network(fields), scenario(fields), fields.flag("restart")), reporter);
        });
    }

    @FunctionName("restoreStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/{operationId}") HttpRequestMessage<Optional<String>> request,
            @BindingName("operationId") String operationId,
            ExecutionContext context) {
        Reporter reporter = app.reporter(context.getLogger());
        return HttpAnswers.ok(request, context, reporter, RestoreEvents.SERVER_REFUSED, RestoreEvents.SERVER_FAILED,
                Map.of("action", AuditActions.RESTORE_STATUS, "operationId", String.valueOf(operationId)), () -> {
                    app.auditTrail().identify(AuditActions.RESTORE_STATUS,
                            Map.of("operationId", String.valueOf(operationId)),
                            app.adminAccess().check(request.getHeaders(), "read the status of a restore"));
                    return app.queued().operations().read(operationId).view(app.clock().instant());
                });
    }

    private static ServerRestoreRequest.TargetNetwork network(RequestFields fields) {
        return ServerRestoreRequest.TargetNetwork.of(fields.get("targetSubnetId"), fields.get("targetPrivateDnsZoneId"));
    }

    private static RecoveryScenario scenario(RequestFields fields) {
        String s = fields.get("scenario");
        return s == null || s.isBlank() ? null : RecoveryScenario.parse("scenario", s);
    }

    private HttpResponseMessage start(HttpRequestMessage<Optional<String>> request, ExecutionContext context,
                                      String action, RequestFields fields,
                                      BiFunction<Caller, Reporter, Operation> work) {
        Reporter reporter = app.reporter(context.getLogger());
        try {
            Operation operation = app.auditTrail().perform(action, fields.values(),
                    app.adminAccess().check(request.getHeaders(), PURPOSE), caller -> work.apply(caller, reporter),
                    Operation::id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", operation.status().name());
            body.put("kind", operation.kind().id());
            body.put("target", operation.target());
            return HttpAnswers.accepted(request, operation.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, RestoreEvents.SERVER_REFUSED,
                    RestoreEvents.SERVER_FAILED, Map.of("action", action), e);
        }
    }
}
