package com.shiftsync.backup.queued;

import com.shiftsync.backup.backup.BackupJob;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A backup of tier manual asked for over HTTP ({@code POST /api/backups}): {@link #start}
 * records the operation and puts a message on {@code backup-requests}; {@link #run} is the
 * queue worker, which runs the same {@link BackupJob} as the timers (straight to Blob) and
 * records the outcome, with the new backup's id, in the operation.
 */
public final class OnDemandBackupJob {
    private final Supplier<String> databaseName;
    private final Supplier<BackupJob> backupJob;
    private final OperationStore operations;
    private final Supplier<WorkQueue> queue;
    private final Clock clock;

    /**
     * @param databaseName DATABASE_URL's database, read without any password look-up (checked at the request)
     * @param backupJob    the export to Blob, built only by the worker (it needs pg_dump)
     * @param queue        backup-requests
     */
    public OnDemandBackupJob(Supplier<String> databaseName, Supplier<BackupJob> backupJob, OperationStore operations,
                             Supplier<WorkQueue> queue, Clock clock) {
        this.databaseName = databaseName;
        this.backupJob = backupJob;
        this.operations = operations;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * What a delivery of a message came to.
     *
     * @param operation the operation as it now stands
     * @param result    the backup, when it was made
     * @param failure   why it failed, or null
     * @param duplicate the operation had finished before this delivery: nothing was done
     * @param duration  how long this delivery's backup ran (also when it failed)
     */
    public record Outcome(Operation operation, BackupResult result, ShiftSyncException failure, boolean duplicate,
                          Duration duration) {
        public boolean succeeded() {
            return operation.status() == OperationStatus.Succeeded;
        }
    }

    /** Records the operation and queues the backup. */
    public Operation start(Caller caller, Map<String, String> parameters) {
        Instant now = clock.instant();
        String database = databaseName.get();
        WorkQueue requests = queue.get();
        Operation operation = Operation.start(OperationKind.BACKUP, Tier.MANUAL.folder(), caller, now, parameters,
                Map.of("database", database));
        return QueuedWork.enqueue(operations, requests, operation,
                new BackupMessage(operation.id(), Tier.MANUAL).toJson(), clock);
    }

    /** The worker: makes the backup a message asks for, once; a finished operation does nothing. */
    public Outcome run(String text) {
        BackupMessage message = BackupMessage.parse(text);
        Operation op = QueuedWork.recorded(operations, message.operationId(), "no backup was made");
        if (op.kind() != OperationKind.BACKUP) {
            throw ShiftSyncException.badInput("the message asks for a backup, but operation " + op.id() + " is a "
                    + op.kind() + "; no backup was made");
        }
        if (op.status().finished()) {
            return new Outcome(op, null, null, true, Duration.ZERO);
        }
        int attempt = Integer.parseInt(op.tracking().getOrDefault(FromBackupRestoreJob.ATTEMPTS, "0")) + 1;
        Operation running = op.started(clock.instant(), Map.of(FromBackupRestoreJob.ATTEMPTS,
                String.valueOf(attempt)), Map.of());
        operations.save(running);
        long start = System.nanoTime();
        try {
            BackupResult result = backupJob.get().run(message.tier());
            Manifest m = result.manifest();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("backupId", m.id());
            details.put("sizeBytes", String.valueOf(m.sizeBytes()));
            details.put("tables", String.valueOf(m.rowCounts().size()));
            details.put("rowTotal", String.valueOf(m.totalRows()));
            details.put("sha256", m.sha256());
            details.put("durationMs", String.valueOf(result.duration().toMillis()));
            details.put("stores", String.join(", ", result.stores()));
            Operation done = running.succeeded(clock.instant(), details);
            operations.trySave(done);
            return new Outcome(done, result, null, false, result.duration());
        } catch (RuntimeException e) {
            ShiftSyncException error = ShiftSyncException.wrap(e);
            Operation failed = running.failed(clock.instant(), Operation.Failure.of(error));
            operations.trySave(failed);
            return new Outcome(failed, null, error, false, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
