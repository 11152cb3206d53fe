package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.operations.OperationWorker;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.recovery.RecoveryPlan;
import com.shiftsync.backup.restore.RestoreEvents;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recovery over HTTP, admin role only, audited like restores: {@code POST /api/recovery/plan}
 * answers which way to recover and what each way loses, starting nothing;
 * {@code POST /api/restores/{operationId}/cutover} points ShiftSync at a verified restored
 * server; {@code operationUpdater}, triggered by queue {@code operation-updates}, moves
 * running operations on (a restore's completion) without anyone reading their status.
 */
public class RecoveryFunctions {
    private static final String PLAN_EXAMPLE = "{\"scenario\": \"corruption\", \"to\": \"2024-01-15T10:30:00Z\"}";

    private final App app;

    public RecoveryFunctions() {
        this(App.shared());
    }

    public RecoveryFunctions(App app) {
        this.app = app;
    }

    @FunctionName("recoveryPlan")
    public HttpResponseMessage plan(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "recovery/plan") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        RequestFields fields = RequestFields.parseOptional(request.getBody(), PLAN_EXAMPLE);
        Reporter reporter = app.reporter(context.getLogger());
        try {
            RecoveryPlan plan = app.auditTrail().perform(AuditActions.RECOVERY_PLAN, fields.values(),
                    app.adminAccess().check(request.getHeaders(), "plan a recovery"), caller -> {
                        fields.allowOnly(Set.of("scenario", "to"));
                        String scenario = fields.get("scenario");
                        String to = fields.get("to");
                        return app.recovery().planner().plan(scenario == null || scenario.isBlank() ? null
                                : RecoveryScenario.parse("scenario", scenario), to == null || to.isBlank() ? null
                                : ServerRestoreRequest.parseTime("to", to).toInstant(), reporter);
                    }, p -> null);
            return HttpAnswers.json(request, 200, plan);
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, RestoreEvents.SERVER_REFUSED,
                    RestoreEvents.SERVER_FAILED, Map.of("action", AuditActions.RECOVERY_PLAN), e);
        }
    }

    @FunctionName("restoreCutover")
    public HttpResponseMessage cutover(
            @HttpTrigger(name = "request", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "restores/{operationId}/cutover") HttpRequestMessage<Optional<String>> request,
            @BindingName("operationId") String operationId,
            ExecutionContext context) {
        Reporter reporter = app.reporter(context.getLogger());
        Map<String, String> parameters = Map.of("operationId", String.valueOf(operationId));
        try {
            Operation op = app.auditTrail().perform(AuditActions.RESTORE_CUTOVER, parameters,
                    app.adminAccess().check(request.getHeaders(), "cut over to a restored server"),
                    caller -> app.recovery().cutoverJob().cutover(caller, operationId, reporter), Operation::id);
            return HttpAnswers.json(request, 200, op.view(app.clock().instant()));
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, RestoreEvents.SERVER_REFUSED,
                    RestoreEvents.SERVER_FAILED, Map.of("action", AuditActions.RESTORE_CUTOVER, "operationId",
                            String.valueOf(operationId)), e);
        }
    }

    /** One step of a running operation, and the next reminder while it runs. */
    @FunctionName("operationUpdater")
    public void updater(@QueueTrigger(name = "message", queueName = WorkQueue.OPERATION_UPDATES,
            connection = QueueConnection.NAME) String message, ExecutionContext context) {
        Invocations.run(app.reporter(context.getLogger()), OperationWorker.FAILED, Map.of("queue",
                WorkQueue.OPERATION_UPDATES), reporter -> app.queued().operationWorker().run(message, reporter));
    }
}
