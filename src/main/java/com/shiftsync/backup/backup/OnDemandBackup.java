package com.shiftsync.backup.backup;

import com.shiftsync.backup.audit.AuditActions;
import com.shiftsync.backup.domain.BackupRunState;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.queued.QueuedWork;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A backup of tier manual asked for over HTTP ({@code POST /api/backups}): {@link #start}
 * records the operation and puts a message on {@code backup-requests}; the queue worker
 * ({@link QueuedWork#run} with this task) runs the same {@link BackupJob} as the timers
 * (straight to Blob) and records the new backup's id in the operation.
 */
public final class OnDemandBackup implements QueuedWork.Task<BackupMessage> {
    private final Supplier<String> databaseName;
    private final BackupJob backupJob;
    private final QueuedWork queued;
    private final WorkQueue queue;
    private final Clock clock;

    /**
     * @param databaseName DATABASE_URL's database, read without any password look-up (checked at the request)
     * @param backupJob    the export to Blob
     * @param queue        backup-requests
     */
    public OnDemandBackup(Supplier<String> databaseName, BackupJob backupJob, QueuedWork queued, WorkQueue queue,
                          Clock clock) {
        this.databaseName = databaseName;
        this.backupJob = backupJob;
        this.queued = queued;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * Records the operation and queues the backup.
     *
     * @param tier the tier asked for, or null: on-demand backups are always of tier manual
     */
    public Operation start(Caller caller, String tier, Reporter reporter) {
        if (tier != null && Tier.parse(tier) != Tier.MANUAL) {
            throw ShiftSyncException.badInput("an on-demand backup is of tier manual; the daily and weekly ones are "
                    + "made by the timers nightlyExport and weeklyExport");
        }
        Instant now = clock.instant();
        Operation operation = Operation.start(OperationKind.BACKUP, Tier.MANUAL.folder(), caller, now,
                BackupRunState.queued(Tier.MANUAL, databaseName.get()));
        return queued.enqueue(queue, operation, new BackupMessage(operation.id(), Tier.MANUAL).toJson(), this,
                reporter);
    }

    @Override
    public OperationKind kind() {
        return OperationKind.BACKUP;
    }

    @Override
    public String queue() {
        return WorkQueue.BACKUP_REQUESTS;
    }

    @Override
    public String worker() {
        return "onDemandBackupWorker";
    }

    @Override
    public String auditAction() {
        return AuditActions.BACKUP_ON_DEMAND_RUN;
    }

    @Override
    public String queuedEvent() {
        return BackupEvents.QUEUED;
    }

    @Override
    public String failedEvent() {
        return BackupEvents.FAILED;
    }

    @Override
    public String nothingDone() {
        return "no backup was made";
    }

    @Override
    public BackupMessage parse(String text) {
        return BackupMessage.parse(text);
    }

    @Override
    public String operationId(BackupMessage message) {
        return message.operationId();
    }

    @Override
    public void check(BackupMessage message, Operation op) {
        if (op.kind() != OperationKind.BACKUP) {
            throw ShiftSyncException.badInput("the message asks for a backup, but operation " + op.id() + " is a "
                    + op.kind() + "; no backup was made");
        }
    }

    @Override
    public BackupRunState taken(Operation op, int attempt) {
        return op.state(BackupRunState.class).running(attempt);
    }

    @Override
    public int attempts(Operation op) {
        return op.state(BackupRunState.class).attempts();
    }

    @Override
    public QueuedWork.Result run(BackupMessage message, Operation running, int attempt, QueuedWork.Progress progress,
                                 Reporter reporter) {
        BackupResult result = backupJob.run(message.tier(), reporter);
        Manifest m = result.manifest();
        return QueuedWork.Result.succeeded(running.state(BackupRunState.class).ended(new BackupRunState.Made(m.id(),
                m.sizeBytes(), m.rowCounts().size(), m.totalRows(), m.sha256(), result.duration().toMillis(),
                String.join(", ", result.stores()))));
    }

    @Override
    public Map<String, String> auditParameters(Operation op) {
        return Map.of("tier", Tier.MANUAL.folder());
    }

    @Override
    public String succeededOutcome(Operation done) {
        BackupRunState.Made made = done.state(BackupRunState.class).made();
        return "backup " + made.backupId() + " made (" + made.sizeBytes() + " bytes)";
    }
}
