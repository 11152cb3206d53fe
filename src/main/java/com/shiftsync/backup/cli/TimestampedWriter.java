package com.shiftsync.backup.cli;

import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Starts every line with an ISO-8601 UTC timestamp ({@code 2024-01-15T02:00:14Z }), so a
 * log that cron appends to ({@code /var/log/backup.log}) says when each line was written.
 */
final class TimestampedWriter extends Writer {
    private final Writer out;
    private final Clock clock;
    private boolean atLineStart = true;

    TimestampedWriter(Writer out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) throws IOException {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (atLineStart && buffer[i] != '\n') {
                out.write(buffer, start, i - start);
                start = i;
                out.write(DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)) + " ");
                atLineStart = false;
            }
            if (buffer[i] == '\n') {
                atLineStart = true;
            }
        }
        out.write(buffer, start, end - start);
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
