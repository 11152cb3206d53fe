package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.recovery.DrillEvents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recovery drills: the monthly {@code recoveryDrill} timer (it drills only when
 * DRILL_ENABLED is true, and says so when it does not), {@code POST /api/drills} (optional body
 * {@code {"method": "dump"|"point-in-time"}}) to start one by hand and {@code GET /api/drills/{id}}
 * to follow it, both admin only and audited.
 * A drill is never one long invocation: each step is taken by the {@code operationUpdater}
 * queue worker; a status read only reads.
 */
public class DrillFunctions {
    private final App app;

    public DrillFunctions() {
        this(App.shared());
    }

    public DrillFunctions(App app) {
        this.app = app;
    }

    @FunctionName("recoveryDrill")
    public void recoveryDrill(@TimerTrigger(name = "timer", schedule = "%recoveryDrill%") String timer,
                              ExecutionContext context) {
        Invocations.run(app.reporter(context.getLogger()), DrillEvents.FAILED, Map.of("trigger", "timer"),
                reporter -> app.recovery().drillJob().scheduled(reporter));
    }

    @FunctionName("startDrill")
    public HttpResponseMessage start(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "drills") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        Reporter reporter = app.reporter(context.getLogger());
        RequestFields fields = RequestFields.parseOptional(request.getBody(), "{\"method\": \"dump\"}");
        try {
            Map<String, String> parameters = new LinkedHashMap<>(Map.of("trigger", "http"));
            methodAsked(fields).ifPresent(m -> parameters.put("method", m));
            Operation drill = app.auditTrail().perform(AuditActions.RECOVERY_DRILL, parameters,
                    app.adminAccess().check(request.getHeaders(), "start a recovery drill"), caller -> {
                        fields.allowOnly(List.of("method"));
                        return app.recovery().drillJob().start(caller, "http",
                                DrillState.Method.of(fields.get("method"), "method"), reporter);
                    }, Operation::id);
            Drill view = app.recovery().drillJob().view(drill);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", view.status().name());
            body.put("step", view.step());
            body.put("server", view.server());
            body.put("method", view.method());
            if (view.error() != null) {
                body.put("error", Map.of("code", view.error().code(), "message", view.error().message()));
            }
            return HttpAnswers.accepted(request, "drills", drill.id(), body);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, DrillEvents.REFUSED, DrillEvents.FAILED,
                    Map.of("action", AuditActions.RECOVERY_DRILL), e);
        }
    }

    /** The method the body asks for, for the audit record; a malformed body is refused (and audited) later. */
    private static Optional<String> methodAsked(RequestFields fields) {
        try {
            return Optional.ofNullable(fields.check().get("method"));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @FunctionName("drillStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "drills/{id}") HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        Reporter reporter = app.reporter(context.getLogger());
        Map<String, String> parameters = Map.of("drillId", String.valueOf(id));
        return HttpAnswers.ok(request, context, reporter, DrillEvents.REFUSED, DrillEvents.FAILED,
                Map.of("action", AuditActions.RECOVERY_DRILL_STATUS, "drillId", String.valueOf(id)), () -> {
                    app.auditTrail().identify(AuditActions.RECOVERY_DRILL_STATUS, parameters,
                            app.adminAccess().check(request.getHeaders(), "read the status of a recovery drill"));
                    return app.recovery().drillJob().view(app.queued().operations().read(id));
                });
    }
}
