package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.prune.PruneEvents;
import com.shiftsync.backup.prune.PruneReport;
import com.shiftsync.backup.recovery.DrillEvents;
import com.shiftsync.backup.recovery.DrillSweeper;

import java.util.Map;
import java.util.Optional;

/**
 * The hourly {@code prune}: the same {@link com.shiftsync.backup.prune.PruneJob} as the CLI,
 * every rule at once (Blob backups, the uploads sweep, and a local folder if there is one).
 * Then the drill servers recovery drills left behind are swept ({@link DrillSweeper}), whatever
 * the pruning did. The schedule is the app setting {@code retentionPrune}. A refused deletion,
 * a failed store or bad settings fail the invocation, so the portal shows it; one event says
 * what happened.
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
        Reporter reporter = app.reporter(context.getLogger());
        RuntimeException failure = null;
        try {
            PruneReport report = Invocations.run(reporter, PruneEvents.FAILED, Map.of("dryRun", false),
                    r -> app.backups().pruneJob().run(false, r));
            if (report.failed()) {
                failure = new ShiftSyncException(ErrorCode.JOB_FAILED, String.join("; ", report.problems()));
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        // drill servers left behind cost money: swept whatever the backups' pruning did
        try {
            Optional<DrillSweeper.Sweep> sweep = Invocations.run(reporter, DrillEvents.SWEEP_FAILED, Map.of(),
                    r -> app.recovery().sweepDrillServers(r));
            if (failure == null && sweep.isPresent() && !sweep.get().failed().isEmpty()) {
                failure = new ShiftSyncException(ErrorCode.JOB_FAILED, "drill servers could not be deleted: "
                        + sweep.get().failed());
            }
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
