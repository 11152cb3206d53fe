package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.monitor.MonitorEvents;

import java.util.Map;
import java.util.Optional;

/**
 * {@code backupMonitor} evaluates the backups in Blob every 15 minutes; the monitor job
 * reports one event per run plus one {@code ShiftSync.Alert} per alert, and updates the
 * gauges; an alert does not fail the invocation (the monitor did its job; the alert is the
 * signal). {@code GET /api/status} answers what {@code status --json} prints; it needs the
 * function key only, no admin role, and raises no alert events of its own.
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
                reporter -> app.monitorJob().run(app.azureStore(), reporter));
    }

    @FunctionName("backupStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, route = "status",
                    authLevel = AuthorizationLevel.FUNCTION) HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return HttpAnswers.ok(request, context, app.reporter(context.getLogger()), MonitorEvents.FAILED,
                MonitorEvents.FAILED, Map.of("store", "azure"), () -> app.monitorJob().read(app.azureStore()));
    }
}
