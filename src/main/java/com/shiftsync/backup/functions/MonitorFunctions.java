package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.monitor.StatusReport;
import com.shiftsync.backup.telemetry.JobEvent;

import java.util.Map;
import java.util.Optional;

/**
 * {@code backupMonitor} evaluates the backups in Blob every 15 minutes and logs one event
 * per run plus one {@code ShiftSync.Alert} per alert, and updates the gauges; an alert does
 * not fail the invocation (the monitor did its job; the alert is the signal). {@code GET
 * /api/status} answers what {@code status --json} prints; it needs the function key only,
 * no admin role, and raises no alert events of its own.
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
        StatusReport report;
        try {
            report = app.monitorJob().run(app.azureStore());
        } catch (RuntimeException e) {
            context.getLogger().severe(JobEvent.failed(JobEvent.MONITOR_FAILED, Map.of("store", "azure"), e).toJson());
            throw ShiftSyncException.wrap(e);
        }
        app.metrics().monitored(report);
        if (report.healthy()) {
            context.getLogger().info(JobEvent.monitored(report).toJson());
            return;
        }
        context.getLogger().warning(JobEvent.monitored(report).toJson());
        for (Alert alert : report.alerts()) {
            context.getLogger().warning(JobEvent.alert(alert, "backupMonitor").toJson());
        }
    }

    @FunctionName("backupStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, route = "status",
                    authLevel = AuthorizationLevel.FUNCTION) HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        try {
            StatusReport report = app.monitorJob().run(app.azureStore());
            return request.createResponseBuilder(HttpStatus.OK).header("Content-Type", "application/json")
                    .body(Json.pretty(report)).build();
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            context.getLogger().severe(JobEvent.failed(JobEvent.MONITOR_FAILED, Map.of("store", "azure"), e).toJson());
            return request.createResponseBuilder(HttpStatus.valueOf(error.code().httpStatus()))
                    .header("Content-Type", "application/json")
                    .body(Json.write(Map.of("error", Map.of("code", error.code().id(), "message", error.getMessage()))))
                    .build();
        }
    }
}
