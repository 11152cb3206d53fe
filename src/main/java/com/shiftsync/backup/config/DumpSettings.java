package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.BackupCompression;
import com.shiftsync.backup.domain.ShiftSyncException;

/**
 * How pg_dump and pg_restore are asked to work: BACKUP_COMPRESSION for every backup, and
 * RESTORE_JOBS for a restore into a database it creates (where a parallel restore has nothing
 * to lose). Bad values are refused by name when the first job that needs them is built.
 *
 * @param compression what pg_dump compresses with
 * @param restoreJobs pg_restore's jobs into a new database
 */
record DumpSettings(BackupCompression compression, int restoreJobs) {
    static final int MAX_RESTORE_JOBS = 32;

    static DumpSettings from(Settings settings, int cores) {
        return new DumpSettings(BackupCompression.parse(settings.text(Setting.BACKUP_COMPRESSION).orElse(null)),
                restoreJobs(settings.text(Setting.RESTORE_JOBS).orElse("auto"), cores));
    }

    /** "auto" (one job per core, at most 32) or a whole number from 1 to 32. */
    static int restoreJobs(String value, int cores) {
        String v = value.trim();
        if (v.equalsIgnoreCase("auto")) {
            return Math.max(1, Math.min(MAX_RESTORE_JOBS, cores));
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_RESTORE_JOBS) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ShiftSyncException.badInput(Setting.RESTORE_JOBS.name() + " is '" + v + "'; use auto (one job per core) "
                + "or a whole number from 1 to " + MAX_RESTORE_JOBS);
    }
}
