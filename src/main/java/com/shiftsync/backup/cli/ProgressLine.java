package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.Progress;
import com.shiftsync.backup.domain.Wording;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long job's progress on stderr: on a terminal one line updated in place twice a second
 * (bytes written, rate, elapsed); otherwise (cron, a log file, the Functions host) one line
 * every {@code every}, so a log shows the run was alive and how fast it went. It prints on a
 * timer of its own, so a run that writes nothing yet (pg_dump starting on a busy server)
 * still says so.
 */
final class ProgressLine implements Progress, AutoCloseable {
    private final PrintWriter err;
    private final boolean terminal;
    private final String what;
    private final long startNanos = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final ScheduledExecutorService timer;
    private volatile boolean shown;

    /**
     * @param what  what is in progress, e.g. "backup"
     * @param every how often a line is written when stderr is not a terminal
     */
    ProgressLine(PrintWriter err, boolean terminal, String what, Duration every) {
        this.err = err;
        this.terminal = terminal;
        this.what = what;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 500 : Math.max(1, every.toMillis());
        timer.scheduleAtFixedRate(this::show, period, period, TimeUnit.MILLISECONDS);
    }

    /** No progress at all ({@code --quiet}). */
    static Progress quiet() {
        return Progress.NONE;
    }

    @Override
    public void written(long total) {
        bytes.set(total);
    }

    /** "backup in progress: 1.2 GiB written, 41.0 MiB/s, 30.0 s elapsed". */
    String line() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        long b = bytes.get();
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        return what + " in progress: " + Wording.bytes(b) + " written, " + Wording.bytes((long) (b / seconds))
                + "/s, " + Wording.duration(elapsed) + " elapsed";
    }

    private synchronized void show() {
        if (terminal) {
            err.print("\r" + line() + "\u001b[K");
        } else {
            err.println(line());
        }
        err.flush();
        shown = true;
    }

    /** Stops; on a terminal, clears the line so the next message starts clean. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (terminal && shown) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
