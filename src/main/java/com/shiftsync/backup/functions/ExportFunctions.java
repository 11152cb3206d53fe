package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FixedDelayRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.shiftsync.backup.backup.BackupEvents;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.domain.Tier;

import java.util.Map;

/**
 * The nightly and weekly exports: the same {@link com.shiftsync.backup.backup.BackupJob}
 * as the CLI, straight to Blob (a Function App has no lasting local disk). Schedules are
 * app settings named like the functions, defaulting to the guide's 02:00 daily and 03:00
 * on Sundays (UTC). A failed backup fails the invocation.
 */
public class ExportFunctions {
    private final App app;

    public ExportFunctions() {
        this(App.shared());
    }

    public ExportFunctions(App app) {
        this.app = app;
    }

    @FunctionName("nightlyExport")
    @FixedDelayRetry(maxRetryCount = 2, delayInterval = "00:15:00")
    public void nightlyExport(@TimerTrigger(name = "timer", schedule = "%nightlyExport%") String timer,
                              ExecutionContext context) {
        export(Tier.DAILY, context);
    }

    @FunctionName("weeklyExport")
    @FixedDelayRetry(maxRetryCount = 2, delayInterval = "00:15:00")
    public void weeklyExport(@TimerTrigger(name = "timer", schedule = "%weeklyExport%") String timer,
                             ExecutionContext context) {
        export(Tier.WEEKLY, context);
    }

    private void export(Tier tier, ExecutionContext context) {
        Invocations.run(app.reporter(context.getLogger()), BackupEvents.FAILED, Map.of("tier", tier.folder()),
                reporter -> app.backups().toAzure().run(tier, reporter));
    }
}
