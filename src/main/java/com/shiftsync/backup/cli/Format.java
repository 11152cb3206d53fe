package com.shiftsync.backup.cli;

import com.shiftsync.backup.domain.Wording;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the CLI writes sizes, times and durations for people. */
final class Format {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Format() {
    }

    static String bytes(long n) {
        return Wording.bytes(n);
    }

    static String when(Instant instant) {
        return WHEN.format(instant);
    }

    static String duration(Duration d) {
        return Wording.duration(d);
    }

    static String count(long n) {
        return Wording.count(n);
    }
}
