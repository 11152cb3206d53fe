package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Manifest;

import java.time.Duration;

/**
 * A finished restore and its integrity check. A restore whose check failed did run: the
 * target holds what pg_restore wrote, and the caller reports the differences.
 *
 * @param manifest        the backup restored
 * @param target          where to (URL without password)
 * @param createdDatabase whether the target database was created for it
 * @param duration        wall time, download, checksum and row count included
 * @param check           the restored rows compared with the manifest, and the record written of it
 * @param recordError     why the restore-check record could not be written next to the backup, or null
 */
public record RestoreResult(Manifest manifest, String target, boolean createdDatabase, Duration duration,
                            RestoreCheck check, String recordError) {

    public boolean passed() {
        return check.passed();
    }
}
