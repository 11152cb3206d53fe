package com.shiftsync.backup.domain;

import java.time.Duration;

/**
 * How recovery drills run, from their settings.
 *
 * @param enabled       DRILL_ENABLED: the recoveryDrill timer drills, and status watches that drills pass
 * @param resourceGroup DRILL_RESOURCE_GROUP, or null for the source server's group
 * @param restorePoint  DRILL_RESTORE_POINT: latest or fast
 * @param maxHours      DRILL_MAX_HOURS: an ended drill's server older than this is deleted by the sweeper
 * @param maxAgeDays    DRILL_MAX_AGE_DAYS: while enabled, a passed drill must be this recent
 * @param method        DRILL_METHOD: the method of a drill asked for without one, or null for
 *                      {@value #ALTERNATE} (the method the last drill on record did not use)
 */
public record DrillPolicy(boolean enabled, String resourceGroup, String restorePoint, int maxHours, int maxAgeDays,
                          DrillState.Method method) {
    /** DRILL_METHOD's default: each drill takes the method the last one did not. */
    public static final String ALTERNATE = "alternate";

    public DrillPolicy {
        if (maxHours < 1 || maxAgeDays < 1) {
            throw new IllegalArgumentException("drill limits must be at least 1");
        }
    }

    /** Drills that alternate between the methods. */
    public DrillPolicy(boolean enabled, String resourceGroup, String restorePoint, int maxHours, int maxAgeDays) {
        this(enabled, resourceGroup, restorePoint, maxHours, maxAgeDays, null);
    }

    public static DrillPolicy defaults() {
        return new DrillPolicy(false, null, ServerRestoreRequest.LATEST, 6, 35);
    }

    /**
     * The method of a drill asked for with {@code asked} (null: none), when the last drill on
     * record used {@code last} (null: there is none): the one asked for, else DRILL_METHOD's,
     * else the one the last drill did not use (point-in-time first).
     */
    public DrillState.Method methodFor(DrillState.Method asked, DrillState.Method last) {
        if (asked != null) {
            return asked;
        }
        if (method != null) {
            return method;
        }
        return last == null ? DrillState.Method.POINT_IN_TIME : last.other();
    }

    public Duration maxAge() {
        return Duration.ofDays(maxAgeDays);
    }

    public Duration maxServerAge() {
        return Duration.ofHours(maxHours);
    }
}
