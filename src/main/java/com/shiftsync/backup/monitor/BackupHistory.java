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
 * @param complete     whether some store holds it complete (manifest readable, archive present with its size)
 */
public record BackupHistory(Manifest manifest, Verification verification, RestoreCheck restoreCheck,
                            boolean complete) {

    /** A complete backup. */
    public BackupHistory(Manifest manifest, Verification verification, RestoreCheck restoreCheck) {
        this(manifest, verification, restoreCheck, true);
    }

    /** A backup counts as good when it is complete, unless a restore test of it failed. */
    public boolean good() {
        return complete && (verification == null || verification.passed());
    }
}
