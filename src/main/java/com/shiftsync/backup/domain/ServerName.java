package com.shiftsync.backup.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name of a Flexible Server, checked by the rules Azure enforces: 3 to 63 characters,
 * letters and digits with single hyphens inside. Azure lower-cases names in practice
 * (they become DNS names), so upper-case letters are refused with the lower-case
 * spelling as the fix. Global uniqueness is Resource Manager's to check.
 *
 * @param value the name
 */
public record ServerName(String value) {
    private static final Pattern FORM = Pattern.compile("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$");

    public ServerName {
        String name = value == null ? "" : value.trim();
        if (name.isEmpty()) {
            throw ShiftSyncException.badInput("targetServerName is missing: give the name of the new server, "
                    + "e.g. shiftsync-db-restored");
        }
        if (name.length() < 3 || name.length() > 63) {
            throw ShiftSyncException.badInput("server name '" + shorten(name) + "' is " + name.length()
                    + " characters long; Azure needs 3 to 63");
        }
        if (!FORM.matcher(name).matches()) {
            throw ShiftSyncException.badInput("server name '" + shorten(name)
                    + "' may only hold letters, digits and single hyphens between them "
                    + "(no leading, trailing or double hyphens, no dots, underscores or spaces)");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.equals(name)) {
            throw ShiftSyncException.badInput("server name '" + name + "' has upper-case letters; Azure server "
                    + "names are lower case: use '" + lower + "'");
        }
        value = name;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    @Override
    public String toString() {
        return value;
    }
}
