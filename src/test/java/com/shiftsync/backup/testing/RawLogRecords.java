package com.shiftsync.backup.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record as the Application Insights agent sees it: the agent captures a record
 * when it is logged, before any handler or filter (so before {@code LogRedaction}) runs.
 * Installed first among the root logger's handlers for the whole test run (by
 * {@link RawLogRecordsExtension}), and fed by {@link FakeExecutionContext}'s logger, it keeps
 * each record whole — logger, message, parameters, the thrown exception with every cause
 * and suppressed one — and hands it to {@link CapturedOutput}, so the secrets scan that runs
 * last checks every record every test produced. {@link #since} gives a test its own.
 */
public final class RawLogRecords extends Handler {
    /**
     * The last part of a logger's name under which a test plants a secret in a record on
     * purpose (to show LogRedaction masks it): such records are not the product's.
     */
    public static final String PLANTED = "planted-by-test";
    private static final RawLogRecords INSTANCE = new RawLogRecords();
    private static final List<String> RECORDS = new CopyOnWriteArrayList<>();

    private RawLogRecords() {
    }

    /** Puts the recorder ahead of every other root handler; calling it again changes nothing. */
    public static synchronized void install() {
        Logger root = Logger.getLogger("");
        List<Handler> others = new ArrayList<>();
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
            if (h != INSTANCE) {
                others.add(h);
            }
        }
        root.addHandler(INSTANCE);
        others.forEach(root::addHandler);
    }

    /** Whether the recorder is the first handler of the root logger (nothing runs ahead of it). */
    public static boolean installedFirst() {
        Handler[] handlers = Logger.getLogger("").getHandlers();
        return handlers.length > 0 && handlers[0] == INSTANCE;
    }

    /** Records {@code record} as it is now (a logger that does not reach the root logger calls this itself). */
    public static void record(LogRecord record) {
        if (record.getLoggerName() != null && record.getLoggerName().endsWith("." + PLANTED)) {
            return;
        }
        String text = describe(record);
        RECORDS.add(text);
        CapturedOutput.record(text);
    }

    /** How many records were seen so far: a mark for {@link #since}. */
    public static int mark() {
        return RECORDS.size();
    }

    /** The records seen after {@code mark}, each as one text. */
    public static List<String> since(int mark) {
        return List.copyOf(RECORDS.subList(Math.min(mark, RECORDS.size()), RECORDS.size()));
    }

    @Override
    public void publish(LogRecord record) {
        record(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Logger, level, raw message, each parameter, and the whole thrown chain. */
    static String describe(LogRecord r) {
        StringBuilder s = new StringBuilder();
        s.append(r.getLoggerName()).append(' ').append(r.getLevel()).append(' ').append(r.getMessage());
        if (r.getParameters() != null) {
            for (Object p : r.getParameters()) {
                s.append("\n  parameter: ").append(p);
            }
        }
        throwable(r.getThrown(), s, Collections.newSetFromMap(new IdentityHashMap<>()));
        return s.toString();
    }

    private static void throwable(Throwable t, StringBuilder s, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        s.append("\n  thrown: ").append(t.getClass().getName()).append(": ").append(t.getMessage())
                .append(" | ").append(t);
        for (Throwable suppressed : t.getSuppressed()) {
            throwable(suppressed, s, seen);
        }
        throwable(t.getCause(), s, seen);
    }
}
