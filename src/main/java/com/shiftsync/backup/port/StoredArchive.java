package com.shiftsync.backup.port;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Tier;

import java.time.Instant;

/**
 * An archive as a store sees it, manifest or not.
 *
 * @param tier         its tier folder
 * @param id           its id (from its name)
 * @param sizeBytes    its size
 * @param lastModified when the store last wrote it: used only to spare archives being written
 */
public record StoredArchive(Tier tier, BackupId id, long sizeBytes, Instant lastModified) {
}
