package com.shiftsync.backup.operations;

import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.port.Reporter;

/**
 * How operations of one kind move on between status reads: a server restore asks Resource
 * Manager, queued work checks its time limits. Registered per kind with {@link Operations}.
 */
public interface OperationFollower {

    /**
     * The operation as it stands now: {@code op} itself when nothing changed. {@code reporter}
     * takes what the step itself reports (a recovery drill starting its restore).
     */
    Operation follow(Operation op, Reporter reporter);

    /** Reports what a {@link #follow} step changed (the end of a phase, the end of the operation). */
    void changed(Operation before, Operation after, Reporter reporter);

    /**
     * A follower built on its first step: status reads of other kinds never build it, so its
     * settings (DRILL_* for drills, say) are read, and refused, only by what needs them.
     */
    static OperationFollower lazy(java.util.function.Supplier<? extends OperationFollower> follower) {
        return new OperationFollower() {
            @Override
            public Operation follow(Operation op, Reporter reporter) {
                return follower.get().follow(op, reporter);
            }

            @Override
            public void changed(Operation before, Operation after, Reporter reporter) {
                follower.get().changed(before, after, reporter);
            }
        };
    }
}
