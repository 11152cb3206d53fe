package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.domain.Redaction;

import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Puts {@link Redaction} between every log record and the root logger's handlers, where
 * the Azure SDK's own log lines (slf4j to java.util.logging) end up too: the message is
 * formatted with its parameters, then redacted, and a thrown exception is replaced by a
 * copy whose messages are redacted. It is a net for what handlers print (the console, a
 * file), not for Application Insights: the agent captures a record when it is logged,
 * before any handler or filter runs. So our own code redacts at the source — every log call
 * gets text that has been through {@link Redaction} (ArchitectureTest checks the calls;
 * RawLogRecordsIT checks every job's records as the agent sees them) — and the Azure SDK's
 * INFO chatter is not logged at all in the image (the Dockerfile's logging.properties).
 */
public final class LogRedaction implements Filter {
    private static final Formatter PLAIN = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };

    private final Filter next;

    private LogRedaction(Filter next) {
        this.next = next;
    }

    /** Installs the filter on every handler of the root logger; calling it again changes nothing. */
    public static synchronized void install() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (!(handler.getFilter() instanceof LogRedaction)) {
                handler.setFilter(new LogRedaction(handler.getFilter()));
            }
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (next != null && !next.isLoggable(record)) {
            return false;
        }
        String message = record.getMessage() == null ? null : PLAIN.formatMessage(record);
        record.setMessage(Redaction.redact(message));
        record.setParameters(null);
        if (record.getThrown() != null) {
            record.setThrown(Redaction.scrub(record.getThrown()));
        }
        return true;
    }
}
