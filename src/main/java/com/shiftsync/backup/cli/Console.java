package com.shiftsync.backup.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The CLI's stderr, for people and for logs: on a terminal it is written for the person at
 * it; otherwise (cron, a log file, a pipe) every line starts with an ISO-8601 UTC timestamp,
 * and every job's structured events go there too, one JSON line each, the same events the
 * timer run of the job logs in Azure.
 */
final class Console {
    private final PrintWriter err;
    private final boolean terminal;
    private final Logger events;

    Console(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        PrintWriter log = err;
        this.events = Logger.getAnonymousLogger();
        events.setUseParentHandlers(false);
        events.setLevel(Level.INFO);
        if (!terminal) {
            events.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (isLoggable(record)) {
                        log.println(record.getMessage());
                        log.flush();
                    }
                }

                @Override
                public void flush() {
                    log.flush();
                }

                @Override
                public void close() {
                    log.flush();
                }
            });
        }
    }

    /** The process's stderr: as it is on a terminal, each line timestamped otherwise. */
    static Console forStderr(Clock clock) {
        boolean terminal = stderrIsTerminal();
        Writer raw = new OutputStreamWriter(System.err, StandardCharsets.UTF_8);
        return new Console(new PrintWriter(terminal ? raw : new TimestampedWriter(raw, clock), true), terminal);
    }

    /** Whether this process's stderr is a terminal (Linux: what fd 2 points at). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    PrintWriter err() {
        return err;
    }

    boolean terminal() {
        return terminal;
    }

    /** The handler of the CLI's own warnings: "shiftsync-backup: warning: ...", one line each. */
    Handler warnings() {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    String text = getFormatter().formatMessage(record);
                    String level = record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning";
                    err.println("shiftsync-backup: " + level + ": " + text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
                    err.flush();
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                err.flush();
            }
        };
        handler.setFormatter(new SimpleFormatter());
        return handler;
    }

    /** The logger jobs report their events on. */
    Logger events() {
        return events;
    }
}
