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
 * copy whose messages are redacted. Our own code redacts before it logs; this is the net
 * under code that is not ours.
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
