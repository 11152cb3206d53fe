package com.shiftsync.backup.monitor;

import java.time.Duration;

/**
 * The thresholds the monitor applies, from settings.
 *
 * @param rpoTargetHours     RPO_TARGET_HOURS: the newest good backup of any tier should be younger
 * @param rtoTargetMinutes   RTO_TARGET_MINUTES: a measured restore should be faster
 * @param missingBackupHours MISSING_BACKUP_HOURS: a daily backup newer than this must exist
 * @param sizeBandPercent    SIZE_ANOMALY_PERCENT: the newest backup's size may differ this much from the median
 * @param verifyMaxAgeDays   VERIFY_MAX_AGE_DAYS: some backup must have passed a restore test this recently
 */
public record MonitorPolicy(int rpoTargetHours, int rtoTargetMinutes, int missingBackupHours, int sizeBandPercent,
                            int verifyMaxAgeDays) {
    /** A weekly tier in use must have a backup newer than this. */
    public static final Duration WEEKLY_LIMIT = Duration.ofDays(8);
    /** The size band needs at least this many earlier good backups of the tier. */
    public static final int MIN_SIZE_HISTORY = 3;
    /** The size median is taken over at most this many earlier good backups of the tier. */
    public static final int SIZE_HISTORY = 7;

    public MonitorPolicy {
        if (rpoTargetHours < 1 || rtoTargetMinutes < 1 || missingBackupHours < 1 || verifyMaxAgeDays < 1) {
            throw new IllegalArgumentException("monitor thresholds must be at least 1");
        }
        if (sizeBandPercent < 1 || sizeBandPercent > 99) {
            throw new IllegalArgumentException("the size band must be between 1 and 99 percent");
        }
    }

    public static MonitorPolicy defaults() {
        return new MonitorPolicy(24, 120, 26, 50, 35);
    }
}
