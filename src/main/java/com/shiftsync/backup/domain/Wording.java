package com.shiftsync.backup.domain;

import java.time.Duration;
import java.util.Locale;

/** How sizes and spans of time are written for people, the same in every message, report and alert. */
public final class Wording {
    private Wording() {
    }

    /** "512 B", "1.5 KiB", "794.2 MiB". */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A measured duration: "4.2 s", "3 min 12 s", "2 h 5 min". */
    public static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %d min", s / 3600, (s % 3600) / 60);
    }

    /** An age or a limit, coarse: "12 min", "2 h 30 min", "50 h", "3 days 2 h". */
    public static String span(Duration d) {
        if (d.isNegative()) {
            return "0 min";
        }
        long minutes = d.toMinutes();
        if (minutes < 120) {
            return minutes + " min";
        }
        long hours = d.toHours();
        if (hours < 72) {
            return hours + " h" + (hours < 10 && minutes % 60 != 0 ? " " + minutes % 60 + " min" : "");
        }
        long days = d.toDays();
        long rest = hours - days * 24;
        return days + " days" + (rest == 0 ? "" : " " + rest + " h");
    }

    /** "1,234,567". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
