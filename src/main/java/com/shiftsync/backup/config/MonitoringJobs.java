package com.shiftsync.backup.config;

import com.shiftsync.backup.monitor.ClientWatch;
import com.shiftsync.backup.monitor.MonitorJob;
import com.shiftsync.backup.report.DashboardJob;

import java.time.Clock;

/**
 * The wiring of what watches the backups: the monitor (alerts and status), the dashboard and
 * history, and which PostgreSQL clients each command would use; each is built when asked, over
 * the app's {@link Adapters}.
 */
public final class MonitoringJobs {
    private final Adapters adapters;
    private final RecoveryJobs recovery;
    private final Clock clock;

    MonitoringJobs(Adapters adapters, RecoveryJobs recovery, Clock clock) {
        this.adapters = adapters;
        this.recovery = recovery;
        this.clock = clock;
    }

    /**
     * The monitor; its size band also reads the history, so it looks past what retention kept,
     * and it reads which client each command would use against DATABASE_URL's server.
     */
    public MonitorJob monitorJob() {
        return new MonitorJob(clock, MonitorSettings.from(adapters.settings), adapters.historyLog,
                recovery.drillPolicy(), () -> adapters.operationStore.get().list()).withClients(clientWatch());
    }

    /** Which pg_dump and pg_restore each command would use against DATABASE_URL's server, read when asked. */
    public ClientWatch clientWatch() {
        return new ClientWatch(adapters.login, adapters.database, adapters.dumpTool);
    }

    /** The page (GET /api/dashboard, report --html) and the history (history). */
    public DashboardJob dashboardJob() {
        return new DashboardJob(clock, monitorJob(), adapters.historyLog);
    }
}
