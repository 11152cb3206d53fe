package com.shiftsync.backup.config;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceClient;
import com.shiftsync.backup.adapter.azure.AzureCredentials;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.monitor.MonitorJob;
import com.shiftsync.backup.monitor.MonitorPolicy;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DatabaseLogin;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.prune.PruneJob;
import com.shiftsync.backup.restore.RestoreJob;
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
    private final Database database = new JdbcDatabase();
    private final Supplier<Metrics> metrics;

    public App(Settings settings, Clock clock) {
        this(settings, clock, GlobalOpenTelemetry::get);
    }

    /** With the OpenTelemetry to record metrics in; by default the global one (the Application Insights agent's, or a no-op). */
    public App(Settings settings, Clock clock, Supplier<OpenTelemetry> openTelemetry) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = memoize(() -> new Metrics(openTelemetry.get(), clock));
        this.dumpTool = memoize(() -> new PgDumpTool(
                PgBinaries.locate(settings.text(Setting.PG_BIN_DIR).orElse(null)), timeout()));
        this.credential = memoize(() -> AzureCredentials.fromSettings(
                settings.text(Setting.IDENTITY_ENDPOINT).orElse(null),
                settings.text(Setting.AZURE_CLIENT_ID).orElse(null),
                settings.text(Setting.AZURE_TENANT_ID).orElse(null),
                settings.text(Setting.AZURE_CLIENT_SECRET).orElse(null)));
        this.blobService = memoize(this::buildBlobService);
    }

    /** The app as configured by this process's environment; built once (Functions keep it across invocations). */
    public static App shared() {
        App app = shared;
        if (app == null) {
            synchronized (App.class) {
                app = shared;
                if (app == null) {
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

    /** The database to back up, with its password looked up now (every job asks at its start). */
    public DatabaseLogin login() {
        return () -> DatabaseUrl.parse(settings.required(Setting.DATABASE_URL,
                "give the database to back up as a URL such as postgresql://shiftsync_admin@db.example.com:5432/shiftsync"));
    }

    /**
     * {@code target} with a password: DATABASE_URL's when the target is the same server and
     * user, else PGPASSWORD's, else none (the server may not need one).
     */
    public DatabaseUrl passwordFor(DatabaseUrl target) {
        if (target.passwordIfAny().isPresent()) {
            return target;
        }
        if (settings.isSet(Setting.DATABASE_URL)) {
            DatabaseUrl source = login().current();
            if (source.host().equalsIgnoreCase(target.host()) && source.port() == target.port()
                    && source.user().equals(target.user()) && source.passwordIfAny().isPresent()) {
                return target.withPassword(source.password());
            }
        }
        return settings.text(Setting.PGPASSWORD).map(target::withPassword).orElse(target);
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
        BlobServiceClient service = blobService.get().orElseThrow(() -> ShiftSyncException.badInput(
                "Azure storage is not configured: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL "
                        + "with a managed identity"));
        return new BlobBackupStore(service.getBlobContainerClient(settings.text(Setting.BACKUP_CONTAINER).orElseThrow()));
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

    public PruneJob pruneJob() {
        return new PruneJob(clock);
    }

    public Optional<TokenCredential> credential() {
        return credential.get();
    }

    private Duration timeout() {
        return Duration.ofMinutes(settings.integer(Setting.BACKUP_TIMEOUT_MINUTES, 1));
    }

    private Optional<BlobServiceClient> buildBlobService() {
        Optional<String> connectionString = settings.isSet(Setting.AZURE_STORAGE_CONNECTION_STRING)
                ? settings.text(Setting.AZURE_STORAGE_CONNECTION_STRING) : Optional.empty();
        if (connectionString.isPresent()) {
            return Optional.of(StorageClients.byConnectionString(connectionString.get()));
        }
        if (settings.isSet(Setting.AZURE_STORAGE_ACCOUNT_URL)) {
            return Optional.of(StorageClients.byIdentity(settings.text(Setting.AZURE_STORAGE_ACCOUNT_URL).orElseThrow(),
                    AzureCredentials.require(credential(), "AZURE_STORAGE_ACCOUNT_URL")));
        }
        return Optional.empty();
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
