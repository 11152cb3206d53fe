package com.shiftsync.backup.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of databases this app creates (restore targets): PostgreSQL's rule for unquoted
 * identifiers, so the name works in psql and every tool without quoting.
 */
public final class DatabaseName {
    /** lowercase letters, digits and underscores, not starting with a digit. */
    private static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]*$");
    private static final int MAX = 63;
    private static final Set<String> SYSTEM = Set.of("postgres", "template0", "template1", "azure_maintenance",
            "azure_sys");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private DatabaseName() {
    }

    /**
     * {@code name} as a database name this app will create, or a refusal that says why not:
     * at most 63 characters, not a system database.
     *
     * @param field how the caller named it ({@code targetDatabase}, {@code --target-url}), for the message
     */
    public static String check(String field, String name) {
        if (name.length() > MAX) {
            throw ShiftSyncException.badInput(field + " '" + name + "' is " + name.length()
                    + " characters long; PostgreSQL database names have at most " + MAX);
        }
        if (!NAME.matcher(name).matches()) {
            String lower = name.toLowerCase(Locale.ROOT);
            String hint = NAME.matcher(lower).matches() ? " (use '" + lower + "')" : "";
            throw ShiftSyncException.badInput(field + " '" + name + "' is not a database name this app "
                    + "creates" + hint + ": use lowercase letters, digits and underscores, starting with a letter or "
                    + "underscore, e.g. shiftsync_restored, so the name works unquoted in psql and every tool");
        }
        if (SYSTEM.contains(name)) {
            throw ShiftSyncException.badInput(field + " '" + name + "' is a system database of the "
                    + "server: choose another name");
        }
        return name;
    }

    /** {@code <database>_restored_<yyyyMMdd_HHmmss>}: a new database for a request that names none. */
    public static String restoredName(String database, Instant now) {
        String suffix = "_restored_" + STAMP.format(LocalDateTime.ofInstant(now, ZoneOffset.UTC));
        String label = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (label.isEmpty() || Character.isDigit(label.charAt(0))) {
            label = "db_" + label;
        }
        if (label.length() + suffix.length() > MAX) {
            label = label.substring(0, MAX - suffix.length());
        }
        return label + suffix;
    }
}
