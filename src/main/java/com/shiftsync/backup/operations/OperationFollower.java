package com.shiftsync.backup.operations;

import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;

/**
 * How operations of one kind move on between status reads: a server restore asks Resource
 * Manager, queued work checks its time limits. Registered per kind with {@link Operations}.
 */
public interface OperationFollower {

    /** The operation as it stands now: {@code op} itself when nothing changed. */
    Operation follow(Operation op);

    /** Reports an operation this follower has just seen finish (its event). */
    void finished(Operation op, Reporter reporter);
}
