package com.shiftsync.backup.report;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.time.Duration;
import java.time.Instant;

/**
 * How far back the page and {@code history} look: whole days up to now, 90 by default (the
 * issue's window: three months of nightly backups and three monthly restore tests).
 *
 * @param days from 1 to {@value #MAX_DAYS}
 */
public record Window(int days) {
    public static final int DEFAULT_DAYS = 90;
    /** A little over a year: the history is a file or blob per month, read whole. */
    public static final int MAX_DAYS = 400;

    public Window {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("a window is 1 to " + MAX_DAYS + " days");
        }
    }

    public static Window defaultWindow() {
        return new Window(DEFAULT_DAYS);
    }

    /** {@code days} as given by the caller through {@code name} (--days, ?days=); null means the default. */
    public static Window of(Integer days, String name) {
        if (days == null) {
            return defaultWindow();
        }
        if (days < 1 || days > MAX_DAYS) {
            throw ShiftSyncException.badInput(name + " is " + days + "; use a whole number of days from 1 to " + MAX_DAYS);
        }
        return new Window(days);
    }

    /** As {@link #of(Integer, String)}, from text (a query parameter); blank means the default. */
    public static Window parse(String text, String name) {
        if (text == null || text.isBlank()) {
            return defaultWindow();
        }
        try {
            return of(Integer.parseInt(text.trim()), name);
        } catch (NumberFormatException e) {
            throw ShiftSyncException.badInput(name + " is '" + text.trim() + "'; use a whole number of days from 1 to "
                    + MAX_DAYS);
        }
    }

    /** The window's start, {@code days} before {@code now}. */
    public Instant from(Instant now) {
        return now.minus(Duration.ofDays(days));
    }
}
