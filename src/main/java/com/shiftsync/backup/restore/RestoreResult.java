package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Manifest;

import java.time.Duration;

/**
 * A finished restore.
 *
 * @param manifest        the backup restored
 * @param target          where to (URL without password)
 * @param createdDatabase whether the target database was created for it
 * @param duration        wall time, download and check included
 */
public record RestoreResult(Manifest manifest, String target, boolean createdDatabase, Duration duration) {
}
