package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.RetentionPlan.Action;
import com.shiftsync.backup.domain.Tier;

import java.time.Instant;

/**
 * An archive without a manifest (a crashed backup, or a prune interrupted between its
 * manifest and its archive) and what the prune does with it.
 *
 * @param tier         its tier folder
 * @param id           its id
 * @param sizeBytes    its size
 * @param lastModified when the store last wrote it
 * @param action       delete once past the grace period, else keep
 * @param reason       why
 */
public record OrphanArchive(Tier tier, String id, long sizeBytes, Instant lastModified, Action action, String reason) {
    public BackupId backupId() {
        return BackupId.parse(id);
    }

    public boolean deleted() {
        return action == Action.DELETE;
    }
}
