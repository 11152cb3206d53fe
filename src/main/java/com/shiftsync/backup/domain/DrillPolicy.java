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
 */
public record DrillPolicy(boolean enabled, String resourceGroup, String restorePoint, int maxHours, int maxAgeDays) {
    public DrillPolicy {
        if (maxHours < 1 || maxAgeDays < 1) {
            throw new IllegalArgumentException("drill limits must be at least 1");
        }
    }

    public static DrillPolicy defaults() {
        return new DrillPolicy(false, null, ServerRestoreRequest.LATEST, 6, 35);
    }

    public Duration maxAge() {
        return Duration.ofDays(maxAgeDays);
    }

    public Duration maxServerAge() {
        return Duration.ofHours(maxHours);
    }
}
