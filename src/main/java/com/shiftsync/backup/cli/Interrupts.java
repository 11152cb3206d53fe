package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.Cancellation;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * SIGTERM and SIGINT (Ctrl-C, a cron job stopped, systemd) while a job runs: the JVM runs
 * this shutdown hook, which cancels the job (it stops pg_dump, discards its partial files and
 * uncommitted blocks, releases its lock and lease), waits for it to clean up, and says what
 * became of the run; the JVM then exits 143 or 130 as usual for a signal. A SIGKILL runs
 * nothing: the next run recognises the lock it left (see the stores' lock messages).
 */
final class Interrupts {
    /** How long the hook waits for the job to clean up before the JVM ends anyway. */
    private static final long CLEANUP_SECONDS = 60;
    private static volatile boolean requested;

    private Interrupts() {
    }

    /** Whether a signal asked this process to stop: the error it causes was already explained. */
    static boolean requested() {
        return requested;
    }

    /**
     * Runs {@code job} so that a signal cancels it.
     *
     * @param nothingDone what the hook prints when the job did not finish, e.g. "interrupted: no backup was made"
     */
    static <T> T run(PrintWriter err, String nothingDone, Function<Cancellation, T> job) {
        Cancellation cancel = new Cancellation();
        CountDownLatch ended = new CountDownLatch(1);
        boolean[] finished = {false};
        Thread hook = new Thread(() -> {
            if (ended.getCount() == 0) {
                return;
            }
            requested = true;
            cancel.cancel("interrupted");
            try {
                ended.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!finished[0]) {
                err.println("shiftsync-backup: " + nothingDone);
                err.flush();
            }
        }, "shiftsync-backup-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            T result = job.apply(cancel);
            finished[0] = true;
            return result;
        } finally {
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it reports
            }
        }
    }
}
