package com.shiftsync.backup.config;

import com.azure.core.credential.TokenCredential;
import com.shiftsync.backup.access.AdminAccess;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.backup.OnDemandBackup;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.ClientWatch;
import com.shiftsync.backup.monitor.MonitorJob;
import com.shiftsync.backup.operations.OperationStep;
import com.shiftsync.backup.operations.OperationWorker;
import com.shiftsync.backup.operations.Operations;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SecretSource;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.prune.HoldJob;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.queued.QueuedWork;
import com.shiftsync.backup.report.DashboardJob;
import com.shiftsync.backup.restore.BackupSources;
import com.shiftsync.backup.restore.FromBackupRestore;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.telemetry.LogRedaction;
import com.shiftsync.backup.telemetry.LogReporter;
import com.shiftsync.backup.verify.OffsiteCheckJob;
import com.shiftsync.backup.verify.VerifyJob;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one wiring class of the doors: builds every job once, on first use, from
 * {@link Settings}, over the {@link Adapters} (so a command that needs no Blob storage works
 * without storage settings, and a bad setting is refused, by name, by the first job that
 * needs it). Functions and the CLI get their jobs here and build nothing themselves.
 * Setting rules live in the config value types ({@link RetentionSettings}, ...).
 */
public final class App {
    private static volatile App shared;

    private final Clock clock;
    private final Adapters adapters;
    private final Supplier<RetentionSettings> retention;
    private final Supplier<DumpSettings> dump;
    private final Supplier<BackupJob> backupToLocal;
    private final Supplier<BackupJob> backupToAzure;
    private final Supplier<BackupJob> backupToBoth;
    private final Supplier<RestoreJob> restoreJob;
    private final Supplier<QueuedWork> queuedWork;
    private final Supplier<FromBackupRestore> fromBackupRestore;
    private final Supplier<OnDemandBackup> onDemandBackup;
    private final Supplier<Operations> operations;
    private final Supplier<OperationWorker> operationWorker;
    private final Reminders reminders;
    private final RecoveryJobs recovery;

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
        this.retention = Once.of(() -> RetentionSettings.from(settings, a.timeout()));
        this.dump = Once.of(() -> DumpSettings.from(settings, Runtime.getRuntime().availableProcessors()));
        this.backupToLocal = Once.of(() -> backupJob(List.of(localStore())));
        this.backupToAzure = Once.of(() -> backupJob(List.of(azureStore())));
        this.backupToBoth = Once.of(() -> backupJob(List.of(localStore(), azureStore())));
        this.restoreJob = Once.of(() -> new RestoreJob(a.database, a.dumpTool, a.serverRoles,
                Path.of(System.getProperty("java.io.tmpdir"), "shiftsync-restore"), clock, a.keys.decryption(),
                witness(), dump.get().restoreJobs()));
        this.reminders = new Reminders(a.azure.hasStorage() ? Lazy.of(WorkQueue.class,
                () -> workQueue(WorkQueue.OPERATION_UPDATES)) : null, RetryPolicy.DEFAULT);
        this.recovery = new RecoveryJobs(a, clock, readableStores(), reminders, this::restoreJob);
        this.queuedWork = Once.of(() -> new QueuedWork(operationStore(), reminders, clock));
        this.fromBackupRestore = Once.of(() -> new FromBackupRestore(azureStore(), a.login, a.database,
                restoreJob(), queuedWork(), Lazy.of(WorkQueue.class,
                () -> workQueue(WorkQueue.RESTORE_REQUESTS)), clock));
        this.onDemandBackup = Once.of(() -> new OnDemandBackup(() -> a.login.configuredUrl().database(),
                backupToAzure(), queuedWork(), Lazy.of(WorkQueue.class,
                () -> workQueue(WorkQueue.BACKUP_REQUESTS)), clock));
        this.operations = Once.of(() -> new Operations(operationStore(), queuedWork(), clock));
        this.operationWorker = Once.of(() -> new OperationWorker(operationStore(), Map.of(
                OperationKind.POINT_IN_TIME, Lazy.of(OperationStep.class, recovery::serverRestoreJob),
                OperationKind.GEO, Lazy.of(OperationStep.class, recovery::serverRestoreJob),
                OperationKind.DRILL, Lazy.of(OperationStep.class, recovery::drillJob),
                OperationKind.FROM_BACKUP, queuedWork().step(fromBackupRestore()),
                OperationKind.BACKUP, queuedWork().step(onDemandBackup())), reminders, clock));
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

    /** Where a job run reports: its events on {@code log}, the app's metrics, audit log and history. */
    public Reporter reporter(Logger log) {
        return new LogReporter(log, adapters.metrics.get(), auditTrail(), adapters.historyLog);
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

    public BackupStore localStore() {
        return adapters.localStore.get();
    }

    public boolean hasAzureStore() {
        return adapters.azure.hasStorage();
    }

    public BackupStore azureStore() {
        return adapters.azureStore;
    }

    /** "local" or "azure". */
    public BackupStore store(String name) {
        return switch (name == null ? "" : name.trim()) {
            case "local" -> localStore();
            case "azure" -> azureStore();
            default -> throw ShiftSyncException.badInput("unknown source '" + name + "': use local or azure");
        };
    }

    /** The store {@code status} looks at when none is named: Blob when configured (where the timers back up), else the folder. */
    public BackupStore monitoredStore() {
        return hasAzureStore() ? azureStore() : localStore();
    }

    /** Every store the CLI reads backups from, in order of preference: the local folder, then Blob when configured. */
    public List<BackupStore> stores() {
        List<BackupStore> stores = new ArrayList<>(List.of(localStore()));
        if (hasAzureStore()) {
            stores.add(azureStore());
        }
        return stores;
    }

    /**
     * The store rule of every CLI command that reads backups ({@link BackupSources}): every
     * configured store, or only {@code source} ("local", "azure") when given.
     */
    public BackupSources backupSources(String source) {
        if (source != null) {
            store(source);
        }
        return BackupSources.of(stores(), source).witnessedBy(witness());
    }

    /** The CLI's backup without --upload. */
    public BackupJob backupToLocal() {
        return backupToLocal.get();
    }

    /** The timers' and the queue worker's backup: straight to Blob (a Function App has no lasting disk). */
    public BackupJob backupToAzure() {
        return backupToAzure.get();
    }

    /** The CLI's {@code backup --upload}. */
    public BackupJob backupToLocalAndAzure() {
        return backupToBoth.get();
    }

    public RestoreJob restoreJob() {
        return restoreJob.get();
    }

    /**
     * The restore test, into a sandbox on DATABASE_URL's server (VERIFY_RESTORE_JOBS is no longer
     * read: the test restores in one transaction as a throwaway role, whatever the size).
     */
    public VerifyJob verifyJob() {
        return new VerifyJob(login(), database(), adapters.dumpTool, restoreJob(), clock).witnessedBy(witness());
    }

    public OffsiteCheckJob offsiteCheckJob() {
        return new OffsiteCheckJob(clock, witness());
    }

    /** The audit log's records of committed backups, which every reader holds the manifest it chose to. */
    public BackupWitness witness() {
        return new BackupWitness(day -> auditTrail().read(day));
    }

    /**
     * The monitor; its size band also reads the history, so it looks past what retention kept,
     * and it reads which client each command would use against DATABASE_URL's server.
     */
    public MonitorJob monitorJob() {
        return new MonitorJob(clock, MonitorSettings.from(settings()), adapters.historyLog, recovery.drillPolicy(),
                () -> operationStore().list()).withClients(clientWatch());
    }

    /** Which pg_dump and pg_restore each command would use against DATABASE_URL's server, read when asked. */
    public ClientWatch clientWatch() {
        return new ClientWatch(login(), database(), adapters.dumpTool);
    }

    /** The page (GET /api/dashboard, report --html) and the history (history). */
    public DashboardJob dashboardJob() {
        return new DashboardJob(clock, monitorJob(), adapters.historyLog);
    }

    /** "shiftsync-backup 1.0.0": what made a page or report. */
    public String version() {
        String v = App.class.getPackage().getImplementationVersion();
        return "shiftsync-backup " + (v == null ? "development build" : v);
    }

    /** Legal holds on Blob backups (hold, release). */
    public HoldJob holdJob() {
        return new HoldJob(azureStore());
    }

    /** Every retention rule: the local folder, and Blob and the uploads sweep when storage is configured. */
    public PruneJob pruneJob() {
        RetentionSettings rules = retention.get();
        List<PruneJob.Target> targets = new ArrayList<>(List.of(new PruneJob.Target(localStore(), rules.local())));
        PruneJob.UploadsTtl uploads = null;
        if (hasAzureStore()) {
            targets.add(new PruneJob.Target(azureStore(), rules.azure()));
            uploads = new PruneJob.UploadsTtl(adapters.uploadStore(), rules.uploadsTtl());
        }
        return new PruneJob(targets, uploads, rules.orphanGrace(), clock);
    }

    /** What {@code backup [--keep-days N]} prunes after its backup: the local folder's backups of {@code tier}. */
    public PruneJob localPruneJob(Tier tier, Integer keepDays) {
        RetentionSettings rules = retention.get();
        return new PruneJob(List.of(new PruneJob.Target(localStore(), rules.localKeeping(tier, keepDays),
                Set.of(tier))), null, rules.orphanGrace(), clock);
    }

    /** Server restores, the recovery plan, the cutover and recovery drills. */
    public RecoveryJobs recovery() {
        return recovery;
    }

    /** Status reads of every operation: reads only. */
    public Operations operations() {
        return operations.get();
    }

    /** The one thing that moves operations on: the operation-updates worker (and the CLI without a queue). */
    public OperationWorker operationWorker() {
        return operationWorker.get();
    }

    /** Whether a queue worker moves operations on (Azure storage is configured); else the CLI steps them. */
    public boolean hasOperationWorker() {
        return reminders.configured();
    }


    /** The lifecycle of every queue worker. */
    public QueuedWork queuedWork() {
        return queuedWork.get();
    }

    public FromBackupRestore fromBackupRestore() {
        return fromBackupRestore.get();
    }

    public OnDemandBackup onDemandBackup() {
        return onDemandBackup.get();
    }

    /** {@link WorkQueue#RESTORE_REQUESTS} or {@link WorkQueue#BACKUP_REQUESTS} of the backups' storage account. */
    public WorkQueue workQueue(String name) {
        return adapters.azure.queue(name);
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

    /** Every configured store: Blob when storage is configured, and the local folder. */
    private List<BackupStore> readableStores() {
        return hasAzureStore() ? List.of(azureStore(), localStore()) : List.of(localStore());
    }

    private BackupJob backupJob(List<BackupStore> stores) {
        return new BackupJob(login(), database(), adapters.dumpTool, stores, clock, adapters.timeout(),
                dump.get().compression(), adapters.keys.cipher(), adapters.keys::manifestKey);
    }
}
