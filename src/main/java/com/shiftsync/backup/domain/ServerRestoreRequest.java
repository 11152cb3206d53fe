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
 * into the source region's pair. Built from what the caller typed, checked for form here;
 * the checks that need the clock or the source server are the job's.
 *
 * @param kind               POINT_IN_TIME or GEO
 * @param target             the new server's name
 * @param restorePointInTime the moment to restore to (point-in-time with a chosen time), with its offset, else null
 * @param restorePoint       {@link #LATEST}, {@link #FAST} (the newest full backup: no log replay) or {@link #CHOSEN}
 * @param location           the region of the new server (geo), as Resource Manager spells it, or null for the pair
 * @param network            the subnet and private DNS zone to restore into (private access), or null for the job to
 *                           choose (the source's for point-in-time; the settings' for geo)
 * @param scenario           the scenario the restore serves (its targets are measured against), or null for the default
 * @param restart            restart the new server when copied parameters need it
 * @param tags               tags for the new server (a recovery drill's)
 * @param resourceGroup      the new server's resource group, or null for the source's
 */
public record ServerRestoreRequest(OperationKind kind, ServerName target, OffsetDateTime restorePointInTime,
                                   String restorePoint, String location, TargetNetwork network,
                                   RecoveryScenario scenario, boolean restart, Map<String, String> tags,
                                   String resourceGroup) {
    public static final String LATEST = "latest";
    public static final String FAST = "fast";
    public static final String CHOSEN = "chosen";
    private static final Pattern REGION = Pattern.compile("^[a-z][a-z0-9]{1,39}$");
    private static final Pattern RESOURCE_ID = Pattern.compile("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
            + "[^/]+/.+$", Pattern.CASE_INSENSITIVE);

    public ServerRestoreRequest {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /**
     * The subnet and private DNS zone a private-access server is restored into.
     *
     * @param subnetId         a delegated subnet's resource id
     * @param privateDnsZoneId a private DNS zone's resource id
     */
    public record TargetNetwork(String subnetId, String privateDnsZoneId) {
        /** Both or neither, each a resource id; null when neither was given. */
        public static TargetNetwork of(String subnetId, String privateDnsZoneId) {
            boolean subnet = subnetId != null && !subnetId.isBlank();
            boolean zone = privateDnsZoneId != null && !privateDnsZoneId.isBlank();
            if (!subnet && !zone) {
                return null;
            }
            if (subnet != zone) {
                throw ShiftSyncException.badInput("give targetSubnetId and targetPrivateDnsZoneId together: a "
                        + "private-access server needs both its delegated subnet and its private DNS zone");
            }
            return new TargetNetwork(resourceId("targetSubnetId", subnetId, "virtualNetworks/"),
                    resourceId("targetPrivateDnsZoneId", privateDnsZoneId, "privateDnsZones/"));
        }

        private static String resourceId(String field, String value, String expected) {
            String v = value.trim();
            if (!RESOURCE_ID.matcher(v).matches() || !v.toLowerCase(Locale.ROOT).contains(expected.toLowerCase(
                    Locale.ROOT))) {
                throw ShiftSyncException.badInput(field + " '" + shorten(v) + "' is not a resource id such as "
                        + "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/" + expected + "...");
            }
            return v;
        }
    }

    /** From the request fields {@code restorePointInTime} and {@code targetServerName}. */
    public static ServerRestoreRequest pointInTime(String restorePointInTime, String targetServerName) {
        return pointInTime(restorePointInTime, targetServerName, null, null, false);
    }

    /**
     * A point-in-time restore: {@code restorePointInTime} is an ISO-8601 time with an offset,
     * {@code latest} or {@code fast}.
     */
    public static ServerRestoreRequest pointInTime(String restorePointInTime, String targetServerName,
                                                   TargetNetwork network, RecoveryScenario scenario, boolean restart) {
        String t = restorePointInTime == null ? "" : restorePointInTime.trim();
        boolean keyword = t.equalsIgnoreCase(LATEST) || t.equalsIgnoreCase(FAST);
        return new ServerRestoreRequest(OperationKind.POINT_IN_TIME, new ServerName(targetServerName),
                keyword ? null : parseTime(t), keyword ? t.toLowerCase(Locale.ROOT) : CHOSEN, null, network,
                scenario, restart, Map.of(), null);
    }

    /** From the request fields {@code targetServerName} and {@code location}. */
    public static ServerRestoreRequest geo(String targetServerName, String location) {
        return geo(targetServerName, location, null, null, false);
    }

    /** A geo-restore; {@code location} may be null or blank: the source region's pair. */
    public static ServerRestoreRequest geo(String targetServerName, String location, TargetNetwork network,
                                           RecoveryScenario scenario, boolean restart) {
        return new ServerRestoreRequest(OperationKind.GEO, new ServerName(targetServerName), null, LATEST,
                location == null || location.isBlank() ? null : region(location), network, scenario, restart, Map.of(),
                null);
    }

    /** This request into another resource group, with tags on the new server (a recovery drill). */
    public ServerRestoreRequest into(String group, Map<String, String> newTags) {
        return new ServerRestoreRequest(kind, target, restorePointInTime, restorePoint, location, network, scenario,
                restart, newTags, group);
    }

    /** The scenario the restore serves: the one asked for, else what the guide uses the method for. */
    public RecoveryScenario scenarioOrDefault() {
        return scenario != null ? scenario : RecoveryScenario.defaultFor(kind, CHOSEN.equals(restorePoint));
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
                    + "ISO-8601 with an offset, e.g. 2024-01-15T10:30:00Z, or latest, or fast (the newest full "
                    + "backup, restored without log replay)");
        }
        return parseTime("restorePointInTime", t);
    }

    /** {@code text} as an ISO-8601 time with an offset; refused, naming {@code field}, otherwise. */
    public static OffsetDateTime parseTime(String field, String text) {
        String t = text == null ? "" : text.trim();
        try {
            return OffsetDateTime.parse(t);
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(t);
                throw ShiftSyncException.badInput(field + " '" + t + "' has no UTC offset: add Z for UTC "
                        + "(" + t + "Z) or the local offset (e.g. " + t + "+01:00)");
            } catch (DateTimeParseException notEvenLocal) {
                throw ShiftSyncException.badInput(field + " '" + shorten(t) + "' is not an ISO-8601 time: "
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
        } else if (kind == OperationKind.POINT_IN_TIME) {
            p.put("restorePointInTime", restorePoint);
        }
        if (location != null) {
            p.put("location", location);
        }
        if (network != null) {
            p.put("targetSubnetId", network.subnetId());
            p.put("targetPrivateDnsZoneId", network.privateDnsZoneId());
        }
        if (scenario != null) {
            p.put("scenario", scenario.id());
        }
        if (restart) {
            p.put("restart", "true");
        }
        if (resourceGroup != null) {
            p.put("resourceGroup", resourceGroup);
        }
        return p;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
