package com.shiftsync.backup.queued;

import com.shiftsync.backup.domain.AuditRecord.AuditCaller;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationState;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.operations.OperationStep;
import com.shiftsync.backup.operations.Reminders;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one lifecycle of work that must not run inside an HTTP call (a restore from a
 * backup, an on-demand backup): {@link #enqueue} records the operation and then sends its
 * message; {@link #run} is every queue worker: read the message, find its operation, check
 * they agree, do nothing for a finished operation (a redelivery), count the attempt, do the
 * work, record the outcome, report it and audit it, and fail the invocation when the work
 * failed. A {@link Task} only says what its work is.
 *
 * <p>The time limits: a worker marks its operation Failed before it gives up, but a worker
 * the host stops (host.json's functionTimeout, a crash on every delivery) cannot; nor can
 * one that never receives the message (it expired). Such an operation would stay
 * InProgress for ever, so past these limits ({@link RetryPolicy}) a status read shows it
 * Failed ({@link #asOf}), the operation-updates worker, reminded at each limit when the
 * work is queued, records it so once ({@link #step}), and a message that still arrives
 * afterwards finds it finished and does nothing.
 */
public final class QueuedWork {
    /** A queue message delivered again for finished work: nothing was done. */
    public static final String DUPLICATE = "ShiftSync.Queue.Duplicate";

    private final OperationStore operations;
    private final Reminders reminders;
    private final RetryPolicy policy;
    private final Clock clock;

    /** @param reminders the operation-updates worker's, which records an abandoned operation once */
    public QueuedWork(OperationStore operations, Reminders reminders, Clock clock) {
        this.operations = operations;
        this.reminders = reminders;
        this.policy = reminders.policy();
        this.clock = clock;
    }

    /**
     * Records a step of the work before what follows it, so a redelivery knows how far an
     * interrupted delivery got (a restore marks "restoring" before pg_restore).
     */
    public interface Progress {
        /** Stores the operation with its state at {@code next}; throws when it could not be stored. */
        Operation record(OperationState next);
    }

    /**
     * One kind of queued work.
     *
     * @param <M> its queue message
     */
    public interface Task<M> {
        OperationKind kind();

        /** The queue its messages go on. */
        String queue();

        /** The queue-triggered function that runs it, as the audit log names the worker. */
        String worker();

        /** The audit action of the work's outcome, e.g. {@code restore.from-backup.run}. */
        String auditAction();

        /** The event of accepted work. */
        String queuedEvent();

        /** The event of failed work. */
        String failedEvent();

        /** How a refusal ends its sentence: "nothing was restored". */
        String nothingDone();

        /** The message in {@code text}, or a refusal (bad input) that says what is wrong with it. */
        M parse(String text);

        String operationId(M message);

        /** Refuses (bad input) a message that disagrees with its recorded operation. */
        void check(M message, Operation op);

        /** The state of {@code op} once delivery {@code attempt} took it up. */
        OperationState taken(Operation op, int attempt);

        /** How many deliveries took {@code op} up so far. */
        int attempts(Operation op);

        /**
         * Does the work. Throws when it failed; a run that ended but did not hold up (row
         * counts that differ) returns {@link Result#failed}.
         *
         * @param attempt  1 for the first delivery that started the work
         * @param progress stores a step of the work before what follows it
         * @param reporter reports the job's own events (with the operation id)
         */
        Result run(M message, Operation running, int attempt, Progress progress, Reporter reporter);

        /** What the audit record of the outcome names: the backup, the target. */
        Map<String, String> auditParameters(Operation op);

        /** The audit record's sentence for work that succeeded. */
        String succeededOutcome(Operation done);
    }

    /**
     * What the work came to.
     *
     * @param state   the operation's state at its end
     * @param failure why it did not hold up, or null when it succeeded
     */
    public record Result(OperationState state, Operation.Failure failure, ShiftSyncException error) {
        public static Result succeeded(OperationState state) {
            return new Result(state, null, null);
        }

        public static Result failed(OperationState state, Operation.Failure failure, ShiftSyncException error) {
            return new Result(state, failure, error);
        }
    }

    /**
     * Records a new operation, reports it accepted, then queues its message. A message that
     * cannot be sent marks the operation Failed (NotQueued), so its status never waits for a
     * worker that will not come, and the error is thrown on.
     */
    public Operation enqueue(WorkQueue queue, Operation operation, String message, Task<?> task, Reporter reporter) {
        operations.create(operation);
        try {
            queue.send(message, policy.messageTtl());
        } catch (RuntimeException e) {
            operations.trySave(operation.failed(clock.instant(),
                    new Operation.Failure("NotQueued", ShiftSyncException.wrap(e).getMessage())));
            throw e;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        f.put("requestedBy", operation.requestedBy());
        f.putAll(operation.details());
        reporter.event(Event.info(task.queuedEvent(), f));
        reminders.remind(operation.id(), policy.messageTtl().plus(policy.grace()).plusMinutes(1), 0);
        return operation;
    }

    /**
     * One delivery of a message: runs the work it asks for, once. Returns the operation as it
     * ends (or as it was, for finished work); throws when the message is refused or the work
     * failed, after recording and reporting it, so the invocation fails.
     */
    public <M> Operation run(String text, Task<M> task, Reporter reporter) {
        M message;
        Operation op;
        try {
            message = task.parse(text);
            String id = task.operationId(message);
            op = operations.find(id).orElseThrow(() -> new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "there is no operation " + id + " in " + operations.describe()
                            + ": the request that queued this message was never recorded; " + task.nothingDone()));
            task.check(message, op);
        } catch (RuntimeException e) {
            reporter.event(Event.failed(task.failedEvent(), Map.of("queue", task.queue()), e));
            throw ShiftSyncException.wrap(e);
        }
        op = asOf(op, clock.instant());
        if (op.status().finished()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("operationId", op.id());
            f.put("kind", op.kind().id());
            f.put("queue", task.queue());
            f.put("status", op.status().name());
            reporter.event(Event.info(DUPLICATE, f));
            return op;
        }
        int attempt = task.attempts(op) + 1;
        Operation running = op.started(clock.instant(), task.taken(op, attempt));
        operations.save(running);

        Reporter.Watched watched = reporter.with("operationId", op.id()).watched();
        Operation[] latest = {running};
        Progress progress = next -> {
            Operation stepped = latest[0].with(clock.instant(), next);
            operations.save(stepped);
            latest[0] = stepped;
            return stepped;
        };
        Operation end;
        ShiftSyncException failure;
        try {
            Result result = task.run(message, running, attempt, progress, watched);
            failure = result.error();
            end = result.failure() == null ? latest[0].succeeded(clock.instant(), result.state())
                    : latest[0].failed(clock.instant(), result.failure(), result.state());
        } catch (RuntimeException e) {
            failure = ShiftSyncException.wrap(e);
            end = latest[0].failed(clock.instant(), Operation.Failure.of(failure));
        }
        operations.trySave(end);
        if (failure != null && !watched.reported(task.failedEvent())) {
            reporter.event(failedEvent(end, task.failedEvent()));
        }
        boolean succeeded = failure == null;
        reporter.audit(new AuditRecord(clock.instant(), AuditCaller.of(Caller.worker(task.worker(), op.requestedBy())),
                task.auditAction(), task.auditParameters(end), succeeded ? AuditRecord.SUCCEEDED : AuditRecord.FAILED,
                op.id(), succeeded ? task.succeededOutcome(end) : end.error().message(),
                succeeded ? null : end.error().code(), null));
        if (failure != null) {
            throw failure;
        }
        return end;
    }

    /**
     * The operation-updates worker's step of queued work: past the time limits the operation
     * is recorded Failed, once, with the task's failure event; before them, the next reminder
     * comes at the next limit.
     */
    public OperationStep step(Task<?> task) {
        return new OperationStep() {
            @Override
            public Operation step(Operation op, Reporter reporter) {
                return abandoned(op, clock.instant()).orElse(op);
            }

            @Override
            public void changed(Operation before, Operation after, Reporter reporter) {
                if (after.status().finished()) {
                    reporter.event(failedEvent(after, task.failedEvent()));
                }
            }

            @Override
            public Duration nextStepAfter(Operation op, Instant now, RetryPolicy p) {
                Instant limit = op.startedAt() == null ? op.requestedAt().plus(p.messageTtl()).plus(p.grace())
                        : op.updatedAt().plus(p.functionTimeout()).plus(p.grace());
                Duration wait = Duration.between(now, limit).plusMinutes(1);
                return wait.isNegative() ? p.stepDelay() : wait;
            }
        };
    }

    /** {@code op} as a status read shows it at {@code now}: Failed once no worker can still finish it. */
    public Operation asOf(Operation op, Instant now) {
        return abandoned(op, now).orElse(op);
    }

    /** {@code op} as Failed when no worker can still be running or start it at {@code now}; else empty. */
    public Optional<Operation> abandoned(Operation op, Instant now) {
        return abandoned(op, now, policy);
    }

    /** {@code op} as Failed when, by {@code policy}'s time limits, no worker can still finish it at {@code now}. */
    public static Optional<Operation> abandoned(Operation op, Instant now, RetryPolicy policy) {
        if (op.status().finished() || !op.kind().queued()) {
            return Optional.empty();
        }
        if (op.startedAt() == null) {
            if (now.isAfter(op.requestedAt().plus(policy.messageTtl()).plus(policy.grace()))) {
                return Optional.of(op.failed(now, new Operation.Failure("NeverStarted", "no worker took up the "
                        + "request within " + policy.messageTtl().toHours() + " h and its queue message has expired, "
                        + "so nothing was done; is the Function App running? Send the request again")));
            }
        } else if (now.isAfter(op.updatedAt().plus(policy.functionTimeout()).plus(policy.grace()))) {
            return Optional.of(op.failed(now, new Operation.Failure("WorkerLost", "the worker that started at "
                    + op.updatedAt() + " never reported back, and the Functions host stops any run after "
                    + policy.functionTimeout().toHours() + " h: the work did not finish (a restore runs in one "
                    + "transaction, so an interrupted one left the target's tables as they were); "
                    + "send the request again")));
        }
        return Optional.empty();
    }

    /** Queued work that failed, or that a status read found abandoned: the operation's code and reason. */
    private static Event failedEvent(Operation operation, String name) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operationId", operation.id());
        f.put("kind", operation.kind().id());
        f.put("target", operation.target());
        String backupId = operation.details().get("backupId");
        if (backupId != null) {
            f.put("backupId", backupId);
        }
        if (operation.error() != null) {
            f.put("code", operation.error().code());
            f.put("reason", operation.error().message());
        }
        return Event.severe(name, f);
    }
}
