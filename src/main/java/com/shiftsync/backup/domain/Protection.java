package com.shiftsync.backup.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * What keeps a backup from being deleted in a store that can refuse deletes (Blob Storage with
 * version-level immutability): the retention policies on its blobs (archive, side files,
 * manifest; never its records) and any legal hold. Read from the store, so prune plans around
 * it instead of being refused, and {@code list} shows it.
 *
 * @param tier      the backup's tier
 * @param id        the backup's id
 * @param until     the latest until-date of its blobs' policies: before it, some blob of the backup cannot be
 *                  deleted (null: none has a policy)
 * @param weakest   the earliest until-date of its blobs' policies, or null when some blob has no policy at all:
 *                  the backup is wholly protected only until then
 * @param locked    every policy is locked (can be extended, never shortened or removed)
 * @param legalHold some blob of the backup is under a legal hold
 */
public record Protection(Tier tier, BackupId id, Instant until, Instant weakest, boolean locked, boolean legalHold) {

    public Protection {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(id, "id");
    }

    /** Whether the store refuses to delete (all of) the backup at {@code now}. */
    public boolean keeps(Instant now) {
        return legalHold || until != null && until.isAfter(now);
    }

    /** Why the store keeps the backup at {@code now}, in words: "under legal hold", "immutable until ...". */
    public String reason(Instant now) {
        String policy = until == null || !until.isAfter(now) ? null
                : "immutable until " + until + " (" + (locked ? "locked" : "unlocked") + " retention policy)";
        if (legalHold) {
            return "under legal hold (shiftsync-backup release --backup " + id + " lifts it)"
                    + (policy == null ? "" : "; " + policy);
        }
        return policy == null ? "not protected" : policy;
    }
}
