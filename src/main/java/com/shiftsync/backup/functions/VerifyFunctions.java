package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.telemetry.JobEvent;
import com.shiftsync.backup.verify.OffsiteReport;
import com.shiftsync.backup.verify.Verification;

import java.util.Map;

/**
 * The guide's "Verification" section on a schedule: {@code monthlyVerify} restores the
 * newest Azure backup into a scratch database and compares every table's rows with the
 * manifest ({@link com.shiftsync.backup.verify.VerifyJob}); {@code offsiteCheck} reads the
 * newest Azure copy of each tier back and checks its SHA-256. Either fails its invocation
 * when the backup does not hold up, after logging its event.
 */
public class VerifyFunctions {
    private final App app;

    public VerifyFunctions() {
        this(App.shared());
    }

    public VerifyFunctions(App app) {
        this.app = app;
    }

    @FunctionName("monthlyVerify")
    public void monthlyVerify(@TimerTrigger(name = "timer", schedule = "%monthlyVerify%") String timer,
                              ExecutionContext context) {
        Verification result;
        try {
            result = app.verifyJob().run(app.azureStore(), "latest");
        } catch (RuntimeException e) {
            context.getLogger().severe(JobEvent.failed(JobEvent.VERIFY_FAILED, Map.of("store", "azure"), e).toJson());
            throw ShiftSyncException.wrap(e);
        }
        app.metrics().verified(result);
        if (result.passed()) {
            context.getLogger().info(JobEvent.verified(result).toJson());
        } else {
            context.getLogger().severe(JobEvent.verified(result).toJson());
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, result.summary());
        }
    }

    @FunctionName("offsiteCheck")
    public void offsiteCheck(@TimerTrigger(name = "timer", schedule = "%offsiteCheck%") String timer,
                             ExecutionContext context) {
        OffsiteReport report;
        try {
            report = app.offsiteCheckJob().run(app.azureStore());
        } catch (RuntimeException e) {
            context.getLogger().severe(JobEvent.failed(JobEvent.OFFSITE_FAILED, Map.of("store", "azure"), e).toJson());
            throw ShiftSyncException.wrap(e);
        }
        if (report.passed()) {
            context.getLogger().info(JobEvent.offsite(report).toJson());
            return;
        }
        context.getLogger().severe(JobEvent.offsite(report).toJson());
        for (Alert alert : report.alerts()) {
            context.getLogger().warning(JobEvent.alert(alert, "offsiteCheck").toJson());
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the offsite check found " + report.alerts().size()
                + " problem(s): " + String.join("; ", report.alerts().stream().map(Alert::reason).toList()));
    }
}
