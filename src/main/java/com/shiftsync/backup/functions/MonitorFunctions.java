package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.access.CallerCheck;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.monitor.MonitorEvents;

import java.util.Map;
import java.util.Optional;

/**
 * {@code backupMonitor} evaluates the backups in Blob every 15 minutes; the monitor job
 * reports one event per run plus one {@code ShiftSync.Alert} per alert, and updates the
 * gauges; an alert does not fail the invocation (the monitor did its job; the alert is the
 * signal). {@code GET /api/status} needs the function key only (monitoring probes call it) and
 * answers the health view ({@link com.shiftsync.backup.monitor.StatusReport#health()}: health,
 * alert codes, ages); a caller with the admin role gets what {@code status --json} prints, and
 * that read is audited. It raises no alert events of its own.
 */
public class MonitorFunctions {
    private final App app;

    public MonitorFunctions() {
        this(App.shared());
    }

    public MonitorFunctions(App app) {
        this.app = app;
    }

    @FunctionName("backupMonitor")
    public void backupMonitor(@TimerTrigger(name = "timer", schedule = "%backupMonitor%") String timer,
                              ExecutionContext context) {
        Invocations.run(app.reporter(context.getLogger()), MonitorEvents.FAILED, Map.of("store", "azure"),
                reporter -> app.monitoring().monitorJob().run(app.stores().azure(), reporter));
    }

    @FunctionName("backupStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, route = "status",
                    authLevel = AuthorizationLevel.FUNCTION) HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return HttpAnswers.ok(request, context, app.reporter(context.getLogger()), MonitorEvents.FAILED,
                MonitorEvents.FAILED, Map.of("store", "azure"), () -> {
                    Optional<Caller> admin = app.adminAccess().admin(request.getHeaders());
                    if (admin.isEmpty()) {
                        return app.monitoring().monitorJob().read(app.stores().azure()).health();
                    }
                    return app.auditTrail().perform(AuditActions.STATUS_READ, Map.of(), CallerCheck.known(admin.get()),
                            caller -> app.monitoring().monitorJob().read(app.stores().azure()), report -> null);
                });
    }
}
