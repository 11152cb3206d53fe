package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;

import java.time.Duration;

/**
 * The retention settings, checked together before anything is read or deleted: a bad one is
 * refused with its name.
 *
 * @param local       the local folder's rules (LOCAL_RETENTION_DAYS for daily and manual backups)
 * @param azure       Blob's rules (AZURE_RETENTION_DAYS)
 * @param orphanGrace ORPHAN_GRACE_HOURS, at least the backup timeout
 * @param uploadsTtl  UPLOADS_TTL_HOURS
 */
public record RetentionSettings(RetentionPolicy local, RetentionPolicy azure, Duration orphanGrace,
                                Duration uploadsTtl) {

    /**
     * Reads and checks the settings. Weekly backups keep WEEKLY_RETENTION_DAYS in both stores,
     * as the guide's weekly cron line keeps them 30 days ({@code --keep-days 30}) wherever they are.
     */
    public static RetentionSettings from(Settings settings, Duration backupTimeout) {
        int hours = settings.integer(Setting.ORPHAN_GRACE_HOURS, 1);
        long timeoutHours = (backupTimeout.toMinutes() + 59) / 60;
        if (hours < timeoutHours) {
            throw ShiftSyncException.badInput("ORPHAN_GRACE_HOURS is " + hours + "; it must be at least " + timeoutHours
                    + ", the backup timeout (BACKUP_TIMEOUT_MINUTES): a backup's archive may wait that long for its "
                    + "manifest and must not be taken for an orphan");
        }
        return new RetentionSettings(policy(settings, Setting.LOCAL_RETENTION_DAYS),
                policy(settings, Setting.AZURE_RETENTION_DAYS), Duration.ofHours(hours),
                Duration.ofHours(settings.integer(Setting.UPLOADS_TTL_HOURS, 1)));
    }

    /**
     * How long Blob backups stay immutable where the container has version-level immutability:
     * Blob's retention of each tier (AZURE_RETENTION_DAYS, WEEKLY_RETENTION_DAYS). Read alone, so
     * a backup needs only the settings its lock depends on.
     */
    public static RetentionLock azureLock(Settings settings) {
        return RetentionLock.of(policy(settings, Setting.AZURE_RETENTION_DAYS));
    }

    /**
     * What {@code backup [--keep-days N]} keeps of the local folder's backups of {@code tier}:
     * the local rules, with N days instead when given.
     */
    public RetentionPolicy localKeeping(Tier tier, Integer keepDays) {
        if (keepDays == null) {
            return local;
        }
        if (keepDays < 1) {
            throw ShiftSyncException.badInput("--keep-days must be at least 1, not " + keepDays);
        }
        return local.withMaxAge(tier, Duration.ofDays(keepDays));
    }

    private static RetentionPolicy policy(Settings settings, Setting days) {
        return RetentionPolicy.of(settings.integer(days, 1), settings.integer(Setting.WEEKLY_RETENTION_DAYS, 1),
                settings.integer(Setting.RETENTION_FLOOR, 1), settings.integer(Setting.KEEP_LAST_DAILY, 0),
                settings.integer(Setting.KEEP_LAST_WEEKLY, 0), settings.integer(Setting.KEEP_LAST_MONTHLY, 0));
    }
}
