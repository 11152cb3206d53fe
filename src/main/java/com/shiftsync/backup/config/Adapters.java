package com.shiftsync.backup.config;

import com.azure.core.credential.TokenCredential;
import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.BlobHistoryLog;
import com.shiftsync.backup.adapter.blob.BlobOperationStore;
import com.shiftsync.backup.adapter.blob.BlobUploadStore;
import com.shiftsync.backup.adapter.local.LocalAuditLog;
import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.adapter.local.LocalHistoryLog;
import com.shiftsync.backup.adapter.local.LocalOperationStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.adapter.pg.JdbcServerRoles;
import com.shiftsync.backup.adapter.pg.PgBinaries;
import com.shiftsync.backup.adapter.pg.PgDumpTool;
import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Database;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.ServerAdmin;
import com.shiftsync.backup.port.ServerRoles;
import com.shiftsync.backup.port.UploadStore;
import com.shiftsync.backup.telemetry.Metrics;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every adapter the jobs use, each built once on first use: the database and its login, the
 * keys (manifests' and archives'), the dump tool, the backup stores, where operations, the audit log and the history are kept
 * (Blob when storage is configured, else BACKUP_DIR), the metrics, and the Azure clients
 * behind them.
 */
final class Adapters {
    final Settings settings;
    final AzureClients azure;
    final Database database = new JdbcDatabase();
    final ServerRoles serverRoles = new JdbcServerRoles();
    final ConfiguredLogin login;
    final ConfiguredKeys keys;
    final Supplier<Metrics> metrics;
    final Supplier<StorageSettings> storage;
    /** pg_dump and pg_restore, found on their first call. */
    final DumpTool dumpTool;
    final Supplier<LocalBackupStore> localStore;
    /** Blob Storage's backups, built on their first call. */
    final BackupStore azureStore;
    final Supplier<OperationStore> operationStore;
    final Supplier<AuditTrail> auditTrail;
    final Supplier<HistoryLog> historyLog;
    /** {@link #auditTrailSoon()}'s prefetch, started by its first call. */
    private Supplier<AuditTrail> auditTrailSoon;
    /** Resource Manager, built on its first call (its settings are refused by name only then). */
    final ServerAdmin serverAdmin;

    Adapters(Settings settings, Clock clock, TokenCredential credential, ArmServerAdmin.Tuning armTuning,
             Supplier<OpenTelemetry> openTelemetry) {
        this.settings = settings;
        this.azure = new AzureClients(settings, credential, armTuning);
        this.login = new ConfiguredLogin(settings, azure.secrets(), azure.tokens());
        this.keys = new ConfiguredKeys(settings, azure.secrets());
        this.serverAdmin = Lazy.of(ServerAdmin.class, azure.serverAdmin());
        this.metrics = Once.of(() -> new Metrics(openTelemetry.get(), clock));
        this.storage = Once.of(() -> StorageSettings.from(settings));
        this.dumpTool = Lazy.of(DumpTool.class, () -> new PgDumpTool(PgBinaries.locate(text(Setting.PG_BIN_DIR)),
                timeout()));
        this.localStore = Once.of(() -> new LocalBackupStore(backupDir(), keys::manifestKey));
        // backups in a container with version-level immutability stay locked for their tier's Blob retention
        Supplier<RetentionLock> lock = Once.of(() -> RetentionSettings.azureLock(settings));
        this.azureStore = Lazy.of(BackupStore.class, () -> new BlobBackupStore(azure.container(storage.get().backups()),
                lock, clock, keys::manifestKey));
        this.operationStore = Once.of(() -> azure.hasStorage()
                ? new BlobOperationStore(azure.container(storage.get().operations()))
                : new LocalOperationStore(backupDir().resolve("operations")));
        this.auditTrail = Once.of(() -> new AuditTrail(azure.hasStorage()
                ? new BlobAuditLog(azure.container(storage.get().audit()))
                : new LocalAuditLog(backupDir().resolve("audit")), clock));
        // in the backup container, beside the tier folders that pruning and the lifecycle rules touch, never inside them
        this.historyLog = Once.of(() -> azure.hasStorage()
                ? new BlobHistoryLog(azure.container(storage.get().backups()))
                : new LocalHistoryLog(backupDir().resolve("history")));
    }

    /**
     * The audit trail with its settings refused by name on the first call, and its Blob client
     * (some 0.3 s of the SDK's classes) built meanwhile on another thread: a job writes to it at
     * its end. Every later call (a Function App makes a reporter per invocation) gets the same.
     */
    synchronized Supplier<AuditTrail> auditTrailSoon() {
        if (auditTrailSoon == null) {
            if (azure.hasStorage()) {
                storage.get().audit();
                azure.checkStorage();
            }
            auditTrailSoon = Prefetch.of(auditTrail);
        }
        return auditTrailSoon;
    }

    /** ShiftSync's uploads container (never the backup container). */
    UploadStore uploadStore() {
        return new BlobUploadStore(azure.container(storage.get().checkedUploads()));
    }

    /** BACKUP_TIMEOUT_MINUTES: how long pg_dump and pg_restore may run. */
    Duration timeout() {
        return Duration.ofMinutes(settings.integer(Setting.BACKUP_TIMEOUT_MINUTES, 1));
    }

    String text(Setting setting) {
        return settings.text(setting).orElse(null);
    }

    private Path backupDir() {
        return Path.of(text(Setting.BACKUP_DIR));
    }
}
