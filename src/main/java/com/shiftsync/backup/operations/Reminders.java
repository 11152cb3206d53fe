package com.shiftsync.backup.operations;

import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.WorkQueue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Reminders {@code {"operationId": "..."}} on queue {@value WorkQueue#OPERATION_UPDATES}: each
 * waits a while, then the {@link OperationWorker} takes one step of its operation. Where no
 * queue is configured (the command line with a local folder) there are none, and
 * {@code restore-status} and {@code drill-status} take the steps in-process instead.
 */
public final class Reminders {
    private static final Logger LOG = Logger.getLogger(Reminders.class.getName());
    /** How long a reminder may wait on its queue once visible. */
    private static final Duration TTL = Duration.ofDays(1);

    private final WorkQueue queue;
    private final RetryPolicy policy;

    /** @param queue operation-updates, or null where no queue is configured */
    public Reminders(WorkQueue queue, RetryPolicy policy) {
        this.queue = queue;
        this.policy = policy;
    }

    /** Whether a worker takes the steps (a queue is configured): then the command line only reads. */
    public boolean configured() {
        return queue != null;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** The next step of {@code operationId}, after the policy's step delay. */
    public void remind(String operationId) {
        remind(operationId, policy.stepDelay(), 0);
    }

    /**
     * A reminder of {@code operationId} visible after {@code after}; {@code failures} counts the
     * steps that failed in a row before it. Never fails the caller: the operation is in the
     * store, and a later reminder (or, without a queue, a status command) takes the step.
     */
    public void remind(String operationId, Duration after, int failures) {
        if (queue == null) {
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("operationId", operationId);
        if (failures > 0) {
            message.put("failures", failures);
        }
        try {
            queue.send(Json.write(message), TTL.plus(after), after);
        } catch (RuntimeException e) {
            LOG.warning("operation " + operationId + " has no reminder: none could be queued ("
                    + ShiftSyncException.wrap(e).getMessage() + "); the next reminder or a status command takes its "
                    + "step");
        }
    }
}
