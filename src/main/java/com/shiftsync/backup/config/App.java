package com.shiftsync.backup.config;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.queue.QueueServiceClient;
import com.shiftsync.backup.access.AdminAccess;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.adapter.azure.AzureCredentials;
import com.shiftsync.backup.adapter.azure.EntraTokenSource;
import com.shiftsync.backup.adapter.azure.KeyVaultSecretSource;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.BlobOperationStore;
import com.shiftsync.backup.adapter.blob.BlobUploadStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.env.EnvironmentSecretSource;
import com.shiftsync.backup.adapter.local.LocalAuditLog;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.local.LocalOperationStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.adapter.queue.QueueClients;
import com.shiftsync.backup.adapter.queue.StorageQueue;
import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.MonitorJob;
import com.shiftsync.backup.monitor.MonitorPolicy;
import com.shiftsync.backup.port.AccessTokenSource;
import com.shiftsync.backup.port.AuditLog;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.SecretSource;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.queued.FromBackupRestoreJob;
import com.shiftsync.backup.queued.OnDemandBackupJob;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.serverrestore.ServerRestoreJob;
import com.shiftsync.backup.telemetry.LogRedaction;
import com.shiftsync.backup.telemetry.Metrics;
import com.shiftsync.backup.verify.OffsiteCheckJob;
import com.shiftsync.backup.verify.VerifyJob;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one wiring class: builds every adapter and job once, from {@link Settings}. Both
 * doors (Functions and the CLI) get their jobs here and build nothing themselves.
 * Everything is built on first use, so a CLI command that needs no Blob storage works
 * without storage settings.
 */
public final class App {
    private static volatile App shared;

    private final Settings settings;
    private final Clock clock;
    private final Supplier<DumpTool> dumpTool;
    private final Supplier<Optional<TokenCredential>> credential;
    private final Supplier<Optional<BlobServiceClient>> blobService;
    private final Supplier<Optional<QueueServiceClient>> queueService;
    private final Supplier<SecretSource> secretSource;
    private final Supplier<AccessTokenSource> tokenSource;
    private final ConfiguredLogin login;
    private final Supplier<ServerAdmin> serverAdmin;
    private final Supplier<AuditLog> auditLog;
    private final ArmServerAdmin.Tuning armTuning;
    private final Database database = new JdbcDatabase();
    private final Supplier<Metrics> metrics;

    public App(Settings settings, Clock clock) {
        this(settings, clock, null, ArmServerAdmin.Tuning.DEFAULT, GlobalOpenTelemetry::get);
    }

    /**
     * An app with an explicit Azure credential instead of the one the settings describe,
     * and its own Resource Manager retry and timeout tuning: for tests (a loopback
     * managed-identity fake, short retries) and embedding.
     *
     * @param credential the credential for Storage and Resource Manager, or null for the settings' one
     */
    public App(Settings settings, Clock clock, TokenCredential credential, ArmServerAdmin.Tuning armTuning) {
        this(settings, clock, credential, armTuning, GlobalOpenTelemetry::get);
    }

    /** With the OpenTelemetry to record metrics in; by default the global one (the Application Insights agent's, or a no-op). */
    public App(Settings settings, Clock clock, Supplier<OpenTelemetry> openTelemetry) {
        this(settings, clock, null, ArmServerAdmin.Tuning.DEFAULT, openTelemetry);
    }

    private App(Settings settings, Clock clock, TokenCredential credential, ArmServerAdmin.Tuning armTuning,
                Supplier<OpenTelemetry> openTelemetry) {
        this.settings = settings;
        this.clock = clock;
        this.armTuning = armTuning;
        this.metrics = memoize(() -> new Metrics(openTelemetry.get(), clock));
        this.dumpTool = memoize(() -> new PgDumpTool(
                PgBinaries.locate(settings.text(Setting.PG_BIN_DIR).orElse(null)), timeout()));
        this.credential = credential != null ? () -> Optional.of(credential) : memoize(() -> AzureCredentials.fromSettings(
                settings.text(Setting.IDENTITY_ENDPOINT).orElse(null),
                settings.text(Setting.IDENTITY_HEADER).orElse(null),
                settings.text(Setting.AZURE_CLIENT_ID).orElse(null),
                settings.text(Setting.AZURE_TENANT_ID).orElse(null),
                settings.text(Setting.AZURE_CLIENT_SECRET).orElse(null)));
        this.blobService = memoize(this::buildBlobService);
        this.queueService = memoize(this::buildQueueService);
        this.secretSource = memoize(this::buildSecretSource);
        this.tokenSource = memoize(() -> new EntraTokenSource(
                AzureCredentials.require(credential(), "DATABASE_AUTH=entra")));
        this.login = new ConfiguredLogin(settings, secretSource, tokenSource);
        this.serverAdmin = memoize(this::buildServerAdmin);
        this.auditLog = memoize(this::buildAuditLog);
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
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The database to back up; each {@link DatabaseLogin#current()} looks its password up
     * anew (Key Vault, the environment, or a Microsoft Entra token), and every job asks at
     * its start.
     */
    public DatabaseLogin login() {
        return login;
    }

    /**
     * {@code target} with a password: DATABASE_URL's (looked up now) when the target is the
     * same server and user, else PGPASSWORD's, else none (the server may not need one).
     */
    public DatabaseUrl passwordFor(DatabaseUrl target) {
        if (target.passwordIfAny().isPresent()) {
            return target;
        }
        if (settings.isSet(Setting.DATABASE_URL)) {
            DatabaseUrl configured = login.configuredUrl();
            if (configured.host().equalsIgnoreCase(target.host()) && configured.port() == target.port()
                    && configured.user().equals(target.user())) {
                Optional<String> password = login.current().passwordIfAny();
                if (password.isPresent()) {
                    return target.withPassword(password.get());
                }
            }
        }
        return settings.text(Setting.PGPASSWORD).map(target::withPassword).orElse(target);
    }

    /** Where DATABASE_PASSWORD_SECRET is read: Key Vault when KEY_VAULT_URL is set, else the environment. */
    public SecretSource secretSource() {
        return secretSource.get();
    }

    public Database database() {
        return database;
    }

    public DumpTool dumpTool() {
        return dumpTool.get();
    }

    public LocalBackupStore localStore() {
        return new LocalBackupStore(Path.of(settings.text(Setting.BACKUP_DIR).orElseThrow()));
    }

    public boolean hasAzureStore() {
        return settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING) || settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL);
    }

    public BlobBackupStore azureStore() {
        return new BlobBackupStore(blobService().getBlobContainerClient(
                settings.text(Setting.BACKUP_CONTAINER).orElseThrow()));
    }

    /** "local" or "azure". */
    public BackupStore store(String name) {
        return switch (name == null ? "" : name.trim()) {
            case "local" -> localStore();
            case "azure" -> azureStore();
            default -> throw ShiftSyncException.badInput("unknown source '" + name + "': use local or azure");
        };
    }

    /** A backup into the local folder, Blob, or both (the CLI's --upload). */
    public BackupJob backupJob(boolean local, boolean azure) {
        List<BackupStore> stores = new ArrayList<>();
        if (local) {
            stores.add(localStore());
        }
        if (azure) {
            stores.add(azureStore());
        }
        return new BackupJob(login(), database, dumpTool(), stores, clock, timeout());
    }

    public RestoreJob restoreJob() {
        return new RestoreJob(database, dumpTool(), Path.of(System.getProperty("java.io.tmpdir"), "shiftsync-restore"),
                clock);
    }

    /** The restore test, into a scratch database on DATABASE_URL's server. */
    public VerifyJob verifyJob() {
        return new VerifyJob(login(), database, dumpTool(), restoreJob(), clock, VerifyJob.jobsFor(
                settings.text(Setting.VERIFY_RESTORE_JOBS).orElse("auto"), Runtime.getRuntime().availableProcessors()));
    }

    public OffsiteCheckJob offsiteCheckJob() {
        return new OffsiteCheckJob(clock);
    }

    public MonitorJob monitorJob() {
        return new MonitorJob(clock, new MonitorPolicy(settings.integer(Setting.RPO_TARGET_HOURS, 1),
                settings.integer(Setting.RTO_TARGET_MINUTES, 1), settings.integer(Setting.MISSING_BACKUP_HOURS, 1),
                percent(Setting.SIZE_ANOMALY_PERCENT), settings.integer(Setting.VERIFY_MAX_AGE_DAYS, 1)));
    }

    /** The store {@code status} looks at when none is named: Blob when configured (where the timers back up), else the folder. */
    public BackupStore monitoredStore() {
        return hasAzureStore() ? azureStore() : localStore();
    }

    /** One per app: its gauges are registered once. */
    public Metrics metrics() {
        return metrics.get();
    }

    private int percent(Setting setting) {
        int n = settings.integer(setting, 1);
        if (n > 99) {
            throw ShiftSyncException.badInput(setting.name() + " is " + n + "; it must be from 1 to 99");
        }
        return n;
    }

    /**
     * Every retention rule: the local folder, Blob when storage is configured, and the uploads
     * sweep with it. All retention settings are checked here, before anything is read or
     * deleted; a bad one is refused with its name.
     */
    public PruneJob pruneJob() {
        RetentionPolicy local = retentionPolicy("local");
        RetentionPolicy azure = retentionPolicy("azure");
        Duration grace = orphanGrace();
        Duration ttl = uploadsTtl();
        List<PruneJob.Target> targets = new ArrayList<>();
        targets.add(new PruneJob.Target(localStore(), local));
        PruneJob.UploadsTtl uploads = null;
        if (hasAzureStore()) {
            targets.add(new PruneJob.Target(azureStore(), azure));
            uploads = new PruneJob.UploadsTtl(uploadStore(), ttl);
        }
        return new PruneJob(targets, uploads, grace, clock);
    }

    /**
     * What {@code backup [--keep-days N]} prunes after its backup: the local folder's backups of
     * {@code tier} under the local policy, kept {@code keepDays} instead when given.
     */
    public PruneJob localPruneJob(Tier tier, Integer keepDays) {
        RetentionPolicy policy = retentionPolicy("local");
        if (keepDays != null) {
            if (keepDays < 1) {
                throw ShiftSyncException.badInput("--keep-days must be at least 1, not " + keepDays);
            }
            policy = policy.withMaxAge(tier, Duration.ofDays(keepDays));
        }
        return new PruneJob(List.of(new PruneJob.Target(localStore(), policy, Set.of(tier))), null, orphanGrace(),
                clock);
    }

    /**
     * The rules of the "local" or "azure" store. Daily and manual backups: LOCAL_ or
     * AZURE_RETENTION_DAYS; weekly backups: WEEKLY_RETENTION_DAYS in both stores, as the guide's
     * weekly cron line keeps them 30 days ({@code --keep-days 30}) wherever they are.
     */
    public RetentionPolicy retentionPolicy(String store) {
        int days = settings.integer("local".equals(store) ? Setting.LOCAL_RETENTION_DAYS : Setting.AZURE_RETENTION_DAYS, 1);
        return RetentionPolicy.of(days, settings.integer(Setting.WEEKLY_RETENTION_DAYS, 1),
                settings.integer(Setting.RETENTION_FLOOR, 1), settings.integer(Setting.KEEP_LAST_DAILY, 0),
                settings.integer(Setting.KEEP_LAST_WEEKLY, 0), settings.integer(Setting.KEEP_LAST_MONTHLY, 0));
    }

    /** At least the backup timeout: a backup's archive may wait that long for its manifest. */
    public Duration orphanGrace() {
        int hours = settings.integer(Setting.ORPHAN_GRACE_HOURS, 1);
        long timeoutHours = (timeout().toMinutes() + 59) / 60;
        if (hours < timeoutHours) {
            throw ShiftSyncException.badInput("ORPHAN_GRACE_HOURS is " + hours + "; it must be at least " + timeoutHours
                    + ", the backup timeout (BACKUP_TIMEOUT_MINUTES): a backup's archive may wait that long for its "
                    + "manifest and must not be taken for an orphan");
        }
        return Duration.ofHours(hours);
    }

    public Duration uploadsTtl() {
        return Duration.ofHours(settings.integer(Setting.UPLOADS_TTL_HOURS, 1));
    }

    /** ShiftSync's uploads container; never the backup container, which the sweep would empty. */
    public BlobUploadStore uploadStore() {
        String uploads = settings.text(Setting.UPLOADS_CONTAINER).orElseThrow();
        String backups = settings.text(Setting.BACKUP_CONTAINER).orElseThrow();
        if (uploads.equals(backups)) {
            throw ShiftSyncException.badInput("UPLOADS_CONTAINER is '" + uploads + "', the same as BACKUP_CONTAINER: "
                    + "the uploads sweep deletes everything in it older than UPLOADS_TTL_HOURS, so it must never be "
                    + "the backup container");
        }
        BlobServiceClient service = blobService.get().orElseThrow(() -> ShiftSyncException.badInput(
                "Azure storage is not configured: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL "
                        + "with a managed identity"));
        return new BlobUploadStore(service.getBlobContainerClient(uploads));
    }

    /**
     * Point-in-time and geo-restores of the source server (POSTGRES_SERVER_NAME) through
     * Resource Manager, and the status of every operation. Resource Manager is built when
     * first needed, so reading the status of a restore from a backup needs no ARM settings.
     */
    public ServerRestoreJob serverRestoreJob() {
        return new ServerRestoreJob(serverAdmin, operationStore(), clock,
                settings.text(Setting.POSTGRES_SERVER_NAME).orElse(null));
    }

    /**
     * A queue of the storage account the backups are in (the connection string's
     * QueueEndpoint, or AZURE_STORAGE_ACCOUNT_URL's account with the app's identity):
     * {@link WorkQueue#RESTORE_REQUESTS} or {@link WorkQueue#BACKUP_REQUESTS}.
     */
    public WorkQueue workQueue(String name) {
        return new StorageQueue(queueService().getQueueClient(name));
    }

    /** Restores from a backup in Blob into a database on DATABASE_URL's server, through restore-requests. */
    public FromBackupRestoreJob fromBackupRestoreJob() {
        return new FromBackupRestoreJob(this::azureStore, login(), database, this::restoreJob, operationStore(),
                () -> workQueue(WorkQueue.RESTORE_REQUESTS), clock);
    }

    /** On-demand backups of tier manual to Blob, through backup-requests. */
    public OnDemandBackupJob onDemandBackupJob() {
        return new OnDemandBackupJob(() -> login.configuredUrl().database(), () -> backupJob(false, true),
                operationStore(), () -> workQueue(WorkQueue.BACKUP_REQUESTS), clock);
    }

    /** Resource Manager for the source server: built once, on first use. */
    public ServerAdmin serverAdmin() {
        return serverAdmin.get();
    }

    /** Long-running operations: in Blob (OPERATIONS_CONTAINER) when storage is configured, else BACKUP_DIR/operations. */
    public OperationStore operationStore() {
        if (hasAzureStore()) {
            return new BlobOperationStore(blobService().getBlobContainerClient(
                    settings.text(Setting.OPERATIONS_CONTAINER).orElseThrow()));
        }
        return new LocalOperationStore(Path.of(settings.text(Setting.BACKUP_DIR).orElseThrow(), "operations"));
    }

    /** The audit log: append blobs in AUDIT_CONTAINER when storage is configured, else BACKUP_DIR/audit. */
    public AuditLog auditLog() {
        return auditLog.get();
    }

    public AuditTrail auditTrail() {
        return new AuditTrail(auditLog(), clock);
    }

    /** The admin check of the HTTP endpoints (Easy Auth's principal and ADMIN_ROLE). */
    public AdminAccess adminAccess() {
        return new AdminAccess(settings.flag(Setting.WEBSITE_AUTH_ENABLED),
                settings.flag(Setting.TRUST_CLIENT_PRINCIPAL_HEADER), settings.text(Setting.ADMIN_ROLE).orElseThrow());
    }

    public Optional<TokenCredential> credential() {
        return credential.get();
    }

    private Duration timeout() {
        return Duration.ofMinutes(settings.integer(Setting.BACKUP_TIMEOUT_MINUTES, 1));
    }

    private SecretSource buildSecretSource() {
        if (settings.isSet(Setting.KEY_VAULT_URL)) {
            return new KeyVaultSecretSource(settings.text(Setting.KEY_VAULT_URL).orElseThrow(),
                    AzureCredentials.require(credential(), "KEY_VAULT_URL"));
        }
        return new EnvironmentSecretSource(settings::environmentVariable);
    }

    private String sourceServerName() {
        return settings.required(Setting.POSTGRES_SERVER_NAME, "restores need the name of the source Flexible Server");
    }

    private ServerAdmin buildServerAdmin() {
        return ArmServerAdmin.create(settings.text(Setting.AZURE_RESOURCE_MANAGER_ENDPOINT).orElseThrow(),
                AzureCredentials.require(credential(), "restores through Resource Manager"),
                settings.text(Setting.AZURE_TENANT_ID).orElse(null),
                settings.required(Setting.AZURE_SUBSCRIPTION_ID, "restores need the source server's subscription"),
                settings.required(Setting.POSTGRES_RESOURCE_GROUP, "restores need the source server's resource group"),
                sourceServerName(), armTuning);
    }

    private BlobServiceClient blobService() {
        return blobService.get().orElseThrow(() -> ShiftSyncException.badInput(
                "Azure storage is not configured: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL "
                        + "with a managed identity"));
    }

    private QueueServiceClient queueService() {
        return queueService.get().orElseThrow(() -> ShiftSyncException.badInput(
                "Azure storage is not configured, so there is no queue to hand the work to: set "
                        + "AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL with a managed identity"));
    }

    private Optional<QueueServiceClient> buildQueueService() {
        if (settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING)) {
            return Optional.of(fromConnectionString(() -> QueueClients.byConnectionString(
                    settings.text(Setting.AZURE_STORAGE_CONNECTION_STRING).orElseThrow())));
        }
        if (settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL)) {
            return Optional.of(QueueClients.byIdentity(settings.text(Setting.AZURE_STORAGE_ACCOUNT_URL).orElseThrow(),
                    AzureCredentials.require(credential(), "AZURE_STORAGE_ACCOUNT_URL")));
        }
        return Optional.empty();
    }

    private AuditLog buildAuditLog() {
        if (hasAzureStore()) {
            return new BlobAuditLog(blobService().getBlobContainerClient(
                    settings.text(Setting.AUDIT_CONTAINER).orElseThrow()));
        }
        return new LocalAuditLog(Path.of(settings.text(Setting.BACKUP_DIR).orElseThrow(), "audit"));
    }

    private Optional<BlobServiceClient> buildBlobService() {
        Optional<String> connectionString = settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING)
                ? settings.text(Setting.AZURE_STORAGE_CONNECTION_STRING) : Optional.empty();
        if (connectionString.isPresent()) {
            return Optional.of(fromConnectionString(() -> StorageClients.byConnectionString(connectionString.get())));
        }
        if (settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL)) {
            return Optional.of(StorageClients.byIdentity(settings.text(Setting.AZURE_STORAGE_ACCOUNT_URL).orElseThrow(),
                    AzureCredentials.require(credential(), "AZURE_STORAGE_ACCOUNT_URL")));
        }
        return Optional.empty();
    }

    /** A connection string the SDK refuses is bad configuration: named, never shown (it holds the account key). */
    private static <T> T fromConnectionString(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string: "
                    + "give the account's own (with DefaultEndpointsProtocol, AccountName, AccountKey and "
                    + "EndpointSuffix, from the portal's Access keys), or UseDevelopmentStorage=true for Azurite");
        }
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
