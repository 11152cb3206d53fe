package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.report.DashboardEvents;
import com.shiftsync.backup.report.DashboardPage;
import com.shiftsync.backup.report.Window;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/dashboard[?days=N]}: the page to look at, admin role only (like
 * {@code GET /api/backups}; a denial is audited): the status of the backups in Blob, the
 * backups, and charts over the history, as one self-contained HTML document under a strict
 * Content-Security-Policy. {@code report --html} writes the very same page to a file.
 */
public class DashboardFunctions {
    private final App app;

    public DashboardFunctions() {
        this(App.shared());
    }

    public DashboardFunctions(App app) {
        this.app = app;
    }

    @FunctionName("backupDashboard")
    public HttpResponseMessage dashboard(
            @HttpTrigger(name = "request", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "dashboard") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        Reporter reporter = app.reporter(context.getLogger());
        try {
            app.auditTrail().identify(AuditActions.DASHBOARD_READ, Map.of(),
                    app.adminAccess().check(request.getHeaders(), "read the dashboard"));
            Window window = Window.parse(request.getQueryParameters().get("days"), "days");
            DashboardPage.Page page = DashboardPage.render(app.monitoring().dashboardJob().build(app.stores().azure(),
                    List.of(app.stores().azure()), window), app.version());
            return HttpAnswers.html(request, page.html(), page.policy());
        } catch (RuntimeException e) {
            return HttpAnswers.error(request, context, reporter, DashboardEvents.REFUSED, DashboardEvents.FAILED,
                    Map.of("action", AuditActions.DASHBOARD_READ), e);
        }
    }
}
