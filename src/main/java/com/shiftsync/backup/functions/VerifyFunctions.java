package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.verify.OffsiteReport;
import com.shiftsync.backup.verify.Verification;
import com.shiftsync.backup.verify.VerifyEvents;

import java.util.Map;

/**
 * The guide's "Verification" section on a schedule: {@code monthlyVerify} restores the
 * newest Azure backup into a scratch database and compares every table's rows with the
 * manifest ({@link com.shiftsync.backup.verify.VerifyJob}); {@code offsiteCheck} reads the
 * newest Azure copy of each tier back and checks its SHA-256. Either fails its invocation
 * when the backup does not hold up, after the job reported its event.
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
        Verification result = Invocations.run(app.reporter(context.getLogger()), VerifyEvents.FAILED,
                Map.of("store", "azure"),
                reporter -> app.backups().verifyJob().run(app.stores().azure(), "latest", reporter));
        if (!result.passed()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, result.summary());
        }
    }

    @FunctionName("offsiteCheck")
    public void offsiteCheck(@TimerTrigger(name = "timer", schedule = "%offsiteCheck%") String timer,
                             ExecutionContext context) {
        OffsiteReport report = Invocations.run(app.reporter(context.getLogger()), VerifyEvents.OFFSITE_FAILED,
                Map.of("store", "azure"),
                reporter -> app.backups().offsiteCheckJob().run(app.stores().azure(), reporter));
        if (!report.passed()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the offsite check found " + report.alerts().size()
                    + " problem(s): " + String.join("; ", report.alerts().stream().map(Alert::reason).toList()));
        }
    }
}
