package com.shiftsync.backup.domain;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A request to stop a running job from outside it (the CLI's SIGTERM or SIGINT): the job
 * registers what stops its work at once (pg_dump, an upload), checks at each step whether
 * to go on, and then cleans up as after any failure, so an interrupted run leaves nothing
 * behind. Thread-safe; once cancelled, it stays cancelled.
 */
public final class Cancellation {
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private volatile String reason;

    /** A cancellation nobody will ever request. */
    public static Cancellation none() {
        return new Cancellation();
    }

    /** Cancels: runs every registered action once (failures are ignored: the job reports its own). */
    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        for (Runnable action : onCancel) {
            runQuietly(action);
        }
    }

    public boolean cancelled() {
        return reason != null;
    }

    /** Runs {@code action} when cancelled (at once if already); the returned handle forgets it. */
    public Registration whenCancelled(Runnable action) {
        onCancel.add(action);
        if (cancelled()) {
            runQuietly(action);
        }
        return () -> onCancel.remove(action);
    }

    /** Throws when cancelled: a job calls this between steps. */
    public void check(String nothingDone) {
        if (cancelled()) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, reason + ": " + nothingDone);
        }
    }

    /** A registered action, until closed. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // stopping is best effort; the job's own cleanup follows
        }
    }
}
