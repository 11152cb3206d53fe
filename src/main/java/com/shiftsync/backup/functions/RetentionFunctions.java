package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.prune.PruneEvents;
import com.shiftsync.backup.prune.PruneReport;

import java.util.Map;

/**
 * The hourly {@code prune}: the same {@link com.shiftsync.backup.prune.PruneJob} as the CLI,
 * every rule at once (Blob backups, the uploads sweep, and a local folder if there is one).
 * The schedule is the app setting {@code retentionPrune}. A refused deletion, a failed store
 * or bad settings fail the invocation, so the portal shows it; one event says what happened.
 */
public class RetentionFunctions {
    private final App app;

    public RetentionFunctions() {
        this(App.shared());
    }

    public RetentionFunctions(App app) {
        this.app = app;
    }

    @FunctionName("retentionPrune")
    public void retentionPrune(@TimerTrigger(name = "timer", schedule = "%retentionPrune%") String timer,
                               ExecutionContext context) {
        PruneReport report = Invocations.run(app.reporter(context.getLogger()), PruneEvents.FAILED,
                Map.of("dryRun", false), reporter -> app.pruneJob().run(false, reporter));
        if (report.failed()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, String.join("; ", report.problems()));
        }
    }
}
