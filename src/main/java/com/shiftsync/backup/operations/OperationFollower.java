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

    /** Reports what a {@link #follow} step changed (the end of a phase, the end of the operation). */
    void changed(Operation before, Operation after, Reporter reporter);
}
