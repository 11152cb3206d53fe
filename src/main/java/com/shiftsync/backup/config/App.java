package com.shiftsync.backup.config;

import com.azure.core.credential.TokenCredential;
import com.shiftsync.backup.access.AdminAccess;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SecretSource;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.telemetry.LogRedaction;
import com.shiftsync.backup.telemetry.LogReporter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

import java.time.Clock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one wiring class of the doors: builds every job once, on first use, from {@link Settings}, over the
 * {@link Adapters} (so a command that needs no Blob storage works without storage settings, and a bad setting
 * is refused, by name, by the first job that needs it). Functions and the CLI get their jobs here, by group
 * ({@link BackupStores}, {@link BackupJobs}, {@link RecoveryJobs}, {@link QueuedJobs}, {@link MonitoringJobs}),
 * and build nothing themselves. Setting rules live in the config value types ({@link RetentionSettings}, ...).
 */
public final class App {
    private static volatile App shared;

    private final Clock clock;
    private final Adapters adapters;
    private final BackupStores stores;
    private final BackupJobs backups;
    private final RecoveryJobs recovery;
    private final QueuedJobs queued;
    private final MonitoringJobs monitoring;

    public App(Settings settings, Clock clock) {
        this(settings, clock, null, ArmServerAdmin.Tuning.DEFAULT, GlobalOpenTelemetry::get);
    }

    /** With an explicit Azure credential and Resource Manager tuning: tests (loopback fakes), embedding. */
    public App(Settings settings, Clock clock, TokenCredential credential, ArmServerAdmin.Tuning armTuning) {
        this(settings, clock, credential, armTuning, GlobalOpenTelemetry::get);
    }

    /** With the OpenTelemetry to record metrics in (by default the Application Insights agent's, or a no-op). */
    public App(Settings settings, Clock clock, Supplier<OpenTelemetry> openTelemetry) {
        this(settings, clock, null, ArmServerAdmin.Tuning.DEFAULT, openTelemetry);
    }

    private App(Settings settings, Clock clock, TokenCredential credential, ArmServerAdmin.Tuning armTuning,
                Supplier<OpenTelemetry> openTelemetry) {
        this.clock = clock;
        Adapters a = new Adapters(settings, clock, credential, armTuning, openTelemetry);
        this.adapters = a;
        this.stores = new BackupStores(a);
        this.backups = new BackupJobs(a, stores, clock);
        Reminders reminders = new Reminders(a.azure.hasStorage() ? Lazy.of(WorkQueue.class,
                () -> a.azure.queue(WorkQueue.OPERATION_UPDATES)) : null, RetryPolicy.DEFAULT);
        this.recovery = new RecoveryJobs(a, clock, stores.readable(), reminders, backups::restoreJob);
        this.queued = new QueuedJobs(a, stores, backups, recovery, reminders, clock);
        this.monitoring = new MonitoringJobs(a, recovery, clock);
    }

    /** The app as configured by this process's environment; built once (Functions keep it across invocations). */
    public static App shared() {
        App app = shared;
        if (app == null) {
            synchronized (App.class) {
                app = shared;
                if (app == null) {
                    LogRedaction.install();
                    app = new App(Settings.fromEnvironment(), Clock.systemUTC());
                    shared = app;
                }
            }
        }
        return app;
    }

    public Settings settings() {
        return adapters.settings;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Where a job run reports: its events on {@code log}, the app's metrics, audit log and
     * history; the audit log's client is built while the job starts ({@link Adapters#auditTrailSoon}).
     */
    public Reporter reporter(Logger log) {
        return new LogReporter(log, adapters.metrics.get(), adapters.auditTrailSoon(), adapters.historyLog);
    }

    /** DATABASE_URL with a password looked up anew at every job's start (Key Vault, the environment, Entra). */
    public ConfiguredLogin login() {
        return adapters.login;
    }

    public SecretSource secretSource() {
        return adapters.azure.secrets().get();
    }

    public Database database() {
        return adapters.database;
    }

    /** The local folder and Blob Storage, and which of them a command reads. */
    public BackupStores stores() {
        return stores;
    }

    /** Backups, dump restores, the restore test, the off-site check, retention and holds. */
    public BackupJobs backups() {
        return backups;
    }

    /** Server restores, the recovery plan, the cutover and recovery drills. */
    public RecoveryJobs recovery() {
        return recovery;
    }

    /** Long-running operations: the queue workers, the operation worker and the status reads. */
    public QueuedJobs queued() {
        return queued;
    }

    /** The monitor, the dashboard and the client watch. */
    public MonitoringJobs monitoring() {
        return monitoring;
    }

    /** "shiftsync-backup 1.0.0": what made a page or report. */
    public String version() {
        String v = App.class.getPackage().getImplementationVersion();
        return "shiftsync-backup " + (v == null ? "development build" : v);
    }

    /** Long-running operations: in Blob (OPERATIONS_CONTAINER) when storage is configured, else BACKUP_DIR/operations. */
    public OperationStore operationStore() {
        return adapters.operationStore.get();
    }

    /** The audit log: append blobs in AUDIT_CONTAINER when storage is configured, else BACKUP_DIR/audit. */
    public AuditTrail auditTrail() {
        return adapters.auditTrail.get();
    }

    /**
     * The history of outcomes: append blobs {@code history/<yyyy-MM>.jsonl} in BACKUP_CONTAINER when
     * storage is configured, else BACKUP_DIR/history.
     */
    public HistoryLog historyLog() {
        return adapters.historyLog.get();
    }

    /** The admin check of the HTTP endpoints (Easy Auth's principal and ADMIN_ROLE). */
    public AdminAccess adminAccess() {
        return new AdminAccess(settings().flag(Setting.WEBSITE_AUTH_ENABLED),
                settings().flag(Setting.TRUST_CLIENT_PRINCIPAL_HEADER), adapters.text(Setting.ADMIN_ROLE));
    }
}
