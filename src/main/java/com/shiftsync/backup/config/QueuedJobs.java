package com.shiftsync.backup.config;

import com.shiftsync.backup.backup.OnDemandBackup;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.operations.OperationStep;
import com.shiftsync.backup.operations.OperationWorker;
import com.shiftsync.backup.operations.Operations;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.WorkQueue;
import com.shiftsync.backup.queued.QueuedWork;
import com.shiftsync.backup.restore.FromBackupRestore;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The wiring of long-running operations: the queue workers (restores from a backup, on-demand
 * backups), the one worker that moves every operation on, and the status reads. Each is built
 * once, on first use; the queues only when a worker first sends to one.
 */
public final class QueuedJobs {
    private final Adapters adapters;
    private final Reminders reminders;
    private final Supplier<QueuedWork> queuedWork;
    private final Supplier<FromBackupRestore> fromBackupRestore;
    private final Supplier<OnDemandBackup> onDemandBackup;
    private final Supplier<Operations> operations;
    private final Supplier<OperationWorker> operationWorker;

    QueuedJobs(Adapters a, BackupStores stores, BackupJobs backups, RecoveryJobs recovery, Reminders reminders,
               Clock clock) {
        this.adapters = a;
        this.reminders = reminders;
        this.queuedWork = Once.of(() -> new QueuedWork(a.operationStore.get(), reminders, clock));
        this.fromBackupRestore = Once.of(() -> new FromBackupRestore(stores.azure(), a.login, a.database,
                backups.restoreJob(), queuedWork(), Lazy.of(WorkQueue.class,
                () -> workQueue(WorkQueue.RESTORE_REQUESTS)), clock));
        this.onDemandBackup = Once.of(() -> new OnDemandBackup(() -> a.login.configuredUrl().database(),
                backups.toAzure(), queuedWork(), Lazy.of(WorkQueue.class,
                () -> workQueue(WorkQueue.BACKUP_REQUESTS)), clock));
        this.operations = Once.of(() -> new Operations(a.operationStore.get(), queuedWork(), clock));
        this.operationWorker = Once.of(() -> new OperationWorker(a.operationStore.get(), Map.of(
                OperationKind.POINT_IN_TIME, Lazy.of(OperationStep.class, recovery::serverRestoreJob),
                OperationKind.GEO, Lazy.of(OperationStep.class, recovery::serverRestoreJob),
                OperationKind.DRILL, Lazy.of(OperationStep.class, recovery::drillJob),
                OperationKind.FROM_BACKUP, queuedWork().step(fromBackupRestore()),
                OperationKind.BACKUP, queuedWork().step(onDemandBackup())), reminders, clock));
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
}
