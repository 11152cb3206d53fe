package com.shiftsync.backup.monitor;

import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.restore.RestoreCheck;
import com.shiftsync.backup.verify.Verification;

/**
 * A backup with the records kept next to it, as the monitor reads them.
 *
 * @param manifest     the backup
 * @param verification its restore test, or null
 * @param restoreCheck its last restore's integrity check, or null
 */
public record BackupHistory(Manifest manifest, Verification verification, RestoreCheck restoreCheck) {

    /** A backup counts as good unless a restore test of it failed. */
    public boolean good() {
        return verification == null || verification.passed();
    }
}
