package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.RetentionPlan.Action;
import com.shiftsync.backup.domain.Tier;

import java.time.Instant;

/**
 * A partial file a backup run leaves while it writes ({@code .<id>.dump.partial}) and what the
 * prune does with it: one whose run died (SIGKILL, power loss) is deleted once past the orphan
 * grace period; one a live run owns (it holds the tier's lock) is never touched.
 *
 * @param tier         its tier folder
 * @param name         the file's name in that folder
 * @param id           the backup it belonged to, or null when its name does not say
 * @param sizeBytes    its size
 * @param lastModified when it was last written
 * @param action       delete or keep
 * @param reason       why
 */
public record PartialFile(Tier tier, String name, String id, long sizeBytes, Instant lastModified, Action action,
                          String reason) {
    public boolean deleted() {
        return action == Action.DELETE;
    }
}
