package com.shiftsync.backup.testing;

import com.shiftsync.backup.telemetry.LogRedaction;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The test JVMs' only java.util.logging handler (src/test/resources/logging.properties, named
 * by the surefire and failsafe argLine): what the product and the SDKs log while tests provoke
 * failures on purpose is recorded in {@link CapturedOutput}, where the secrets scan reads it,
 * instead of printing SEVERE lines and stack traces a newcomer takes for failures. As in
 * production (App.shared and the CLI install it), records pass through LogRedaction first.
 */
public final class CapturedLogHandler extends Handler {
    public CapturedLogHandler() {
        setFormatter(new SimpleFormatter());
    }

    @Override
    public void publish(LogRecord record) {
        if (!(getFilter() instanceof LogRedaction)) {
            LogRedaction.install();
        }
        if (!isLoggable(record)) {
            return;
        }
        try {
            CapturedOutput.record(getFormatter().format(record));
        } catch (RuntimeException ignored) {
            // the JVM may be ending (the capture folder gone); a log line is not worth failing a test
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
