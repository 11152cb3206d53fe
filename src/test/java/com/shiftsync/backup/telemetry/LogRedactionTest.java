package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.RawLogRecords;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LogRedactionTest {

    @Test
    @DisplayName("a log line from code that is not ours (the Azure SDK) reaches the handlers redacted, parameters and exception too")
    void sdkLogLinesAreRedacted() {
        String secret = TestSecrets.random("log-secret-");
        Redaction.register(secret);
        List<LogRecord> published = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    published.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        try {
            LogRedaction.install();
            LogRedaction.install();
            Logger sdk = Logger.getLogger("com.azure.identity." + RawLogRecords.PLANTED);
            sdk.log(Level.WARNING, "token request to {0} failed with {1}",
                    new Object[] {"https://login.example/x?client_secret=" + secret, "Bearer " + secret});
            sdk.log(Level.WARNING, "boom", new IllegalStateException("carried " + secret));
        } finally {
            root.removeHandler(handler);
        }

        assertEquals(2, published.size());
        assertEquals("token request to https://login.example/x?client_secret=***** failed with Bearer *****",
                published.get(0).getMessage());
        assertEquals("java.lang.IllegalStateException: carried *****", published.get(1).getThrown().toString());
        published.forEach(r -> CapturedOutput.record(r.getMessage() + " " + r.getThrown()));
        assertFalse(String.valueOf(published.get(1).getThrown().getMessage()).contains(secret));
    }
}
