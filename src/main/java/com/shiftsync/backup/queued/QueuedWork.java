package com.shiftsync.backup.queued;

import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.port.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time limits of work run from a queue, and what they mean for an operation no worker
 * reports on any more. A worker marks its operation Failed before it gives up, but a worker
 * the host stops (host.json's functionTimeout, a crash on every delivery) cannot; nor can
 * one that never receives the message (it expired). Such an operation would stay
 * InProgress for ever, so a status read past these limits reports it Failed, and a
 * message that still arrives afterwards finds it finished and does nothing.
 */
public final class QueuedWork {
    /** How long a request waits on its queue for a worker before the queue drops it. */
    public static final Duration MESSAGE_TTL = Duration.ofHours(24);
    /** host.json's functionTimeout: the Functions host stops any run that takes longer. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofHours(6);
    /** Slack for clocks and for the host's own retries. */
    static final Duration GRACE = Duration.ofMinutes(30);

    private QueuedWork() {
    }

    /**
     * Records a new operation, then queues its message. A message that cannot be sent marks
     * the operation Failed (NotQueued), so its status never waits for a worker that will not
     * come, and the error is thrown on.
     */
    static Operation enqueue(OperationStore operations, WorkQueue queue, Operation operation, String message,
                             Clock clock) {
        operations.create(operation);
        try {
            queue.send(message, MESSAGE_TTL);
        } catch (RuntimeException e) {
            operations.trySave(operation.failed(clock.instant(),
                    new Operation.Failure("NotQueued", ShiftSyncException.wrap(e).getMessage())));
            throw e;
        }
        return operation;
    }

    /**
     * The operation a queue message names.
     *
     * @param nothingDone how the message ends the sentence when there is none ("no backup was made")
     */
    static Operation recorded(OperationStore operations, String operationId, String nothingDone) {
        return operations.find(operationId).orElseThrow(() -> new ShiftSyncException(ErrorCode.JOB_FAILED,
                "there is no operation " + operationId + " in " + operations.describe()
                        + ": the request that queued this message was never recorded; " + nothingDone));
    }

    /** {@code op} as Failed when no worker can still be running or start it at {@code now}; else empty. */
    public static Optional<Operation> abandoned(Operation op, Instant now) {
        if (op.status().finished() || !op.kind().queued()) {
            return Optional.empty();
        }
        if (op.startedAt() == null) {
            if (now.isAfter(op.requestedAt().plus(MESSAGE_TTL).plus(GRACE))) {
                return Optional.of(op.failed(now, new Operation.Failure("NeverStarted", "no worker took up the "
                        + "request within " + MESSAGE_TTL.toHours() + " h and its queue message has expired, so "
                        + "nothing was done; is the Function App running? Send the request again")));
            }
        } else if (now.isAfter(op.updatedAt().plus(FUNCTION_TIMEOUT).plus(GRACE))) {
            return Optional.of(op.failed(now, new Operation.Failure("WorkerLost", "the worker that started at "
                    + op.updatedAt() + " never reported back, and the Functions host stops any run after "
                    + FUNCTION_TIMEOUT.toHours() + " h: the work did not finish (a restore runs in one "
                    + "transaction, so an interrupted one left the target's tables as they were); "
                    + "send the request again")));
        }
        return Optional.empty();
    }
}
