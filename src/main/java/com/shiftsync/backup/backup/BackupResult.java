package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.Manifest;

import java.time.Duration;
import java.util.List;

/**
 * A finished backup.
 *
 * @param manifest what was written
 * @param duration wall time of the whole run
 * @param stores   names of the stores that hold it ("local", "azure")
 */
public record BackupResult(Manifest manifest, Duration duration, List<String> stores) {
}
