package com.shiftsync.backup.operations;

import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;

/**
 * How operations of one kind move on: a server restore follows Resource Manager and then
 * completes the new server, a drill restores, verifies and deletes, queued work checks its
 * time limits. Only the {@link OperationWorker} calls it, under the operation's claim; a
 * status read never does.
 */
public interface OperationStep {

    /**
     * One bounded step of {@code op}: the operation as it now stands ({@code op} itself when
     * nothing changed). What the step acts on it checks against Azure and the settings first,
     * never taking it from the stored record alone. {@code reporter} takes what the step
     * itself reports.
     */
    Operation step(Operation op, Reporter reporter);

    /** Reports what a {@link #step} changed (the end of a phase, the end of the operation). */
    void changed(Operation before, Operation after, Reporter reporter);

    /** How long the worker waits before the next step of {@code op}, which still runs. */
    default java.time.Duration nextStepAfter(Operation op, java.time.Instant now,
                                             com.shiftsync.backup.domain.RetryPolicy policy) {
        return policy.stepDelay();
    }
}
