package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.Locale;

/** {@code DATABASE_AUTH}: how the app proves who it is to PostgreSQL. */
public enum DatabaseAuth {
    /** A password: DATABASE_URL's own, else the secret DATABASE_PASSWORD_SECRET names. */
    PASSWORD,
    /** A Microsoft Entra token for Azure Database for PostgreSQL as the password: nothing stored at all. */
    ENTRA;

    public static DatabaseAuth parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "password" -> PASSWORD;
            case "entra" -> ENTRA;
            default -> throw ShiftSyncException.badInput("DATABASE_AUTH is '" + value + "': use password or entra");
        };
    }
}
