package com.shiftsync.backup.domain;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A request for a new server restored from the source server's backups: to a point in
 * time (in the source's region) or, for a regional outage, from the geo-redundant copy
 * into another region. Built from what the caller typed, checked for form here; the
 * checks that need the clock or the source server are the job's.
 *
 * @param kind              POINT_IN_TIME or GEO
 * @param target            the new server's name
 * @param restorePointInTime the moment to restore to (point-in-time only), with its offset
 * @param location          the region of the new server (geo only), as Resource Manager spells it: {@code canadaeast}
 */
public record ServerRestoreRequest(OperationKind kind, ServerName target, OffsetDateTime restorePointInTime,
                                   String location) {
    private static final Pattern REGION = Pattern.compile("^[a-z][a-z0-9]{1,39}$");

    /** From the request fields {@code restorePointInTime} and {@code targetServerName}. */
    public static ServerRestoreRequest pointInTime(String restorePointInTime, String targetServerName) {
        return new ServerRestoreRequest(OperationKind.POINT_IN_TIME, new ServerName(targetServerName),
                parseTime(restorePointInTime), null);
    }

    /** From the request fields {@code targetServerName} and {@code location}. */
    public static ServerRestoreRequest geo(String targetServerName, String location) {
        return new ServerRestoreRequest(OperationKind.GEO, new ServerName(targetServerName), null,
                region(location));
    }

    /**
     * An ISO-8601 time with an offset ({@code 2024-01-15T10:30:00Z} or
     * {@code 2024-01-15T11:30:00+01:00}). A time without an offset is refused rather
     * than guessed: an hour's error in a restore point loses an hour of data.
     */
    public static OffsetDateTime parseTime(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw ShiftSyncException.badInput("restorePointInTime is missing: give the moment to restore to as "
                    + "ISO-8601 with an offset, e.g. 2024-01-15T10:30:00Z");
        }
        try {
            return OffsetDateTime.parse(t);
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(t);
                throw ShiftSyncException.badInput("restorePointInTime '" + t + "' has no UTC offset: add Z for UTC "
                        + "(" + t + "Z) or the local offset (e.g. " + t + "+01:00)");
            } catch (DateTimeParseException notEvenLocal) {
                throw ShiftSyncException.badInput("restorePointInTime '" + shorten(t) + "' is not an ISO-8601 time: "
                        + "write it like 2024-01-15T10:30:00Z");
            }
        }
    }

    /** "Canada East", "canadaeast" and "CanadaEast" are the same region to Resource Manager. */
    public static String region(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw ShiftSyncException.badInput("location is missing: a geo-restore needs the region of the new "
                    + "server, normally the source region's pair (e.g. canadaeast for canadacentral)");
        }
        String normal = t.replace(" ", "").toLowerCase(Locale.ROOT);
        if (!REGION.matcher(normal).matches()) {
            throw ShiftSyncException.badInput("location '" + shorten(t) + "' is not an Azure region name: "
                    + "use a name like canadaeast or westeurope (az account list-locations -o table)");
        }
        return normal;
    }

    /** The parameters as an audit record and the operation record keep them. */
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("targetServerName", target.value());
        if (restorePointInTime != null) {
            p.put("restorePointInTime", restorePointInTime.toString());
        }
        if (location != null) {
            p.put("location", location);
        }
        return p;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
