package com.shiftsync.backup.prune;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.shiftsync.backup.domain.RetentionPlan;

import java.util.List;

/**
 * One store's part of a prune: the plan, the orphan archives, and what was actually
 * deleted (in a dry run: nothing).
 *
 * @param store          "local" or "azure"
 * @param location       where the store is
 * @param plan           every backup, keep or delete, and why (null when planning itself failed)
 * @param orphans        archives without a manifest, keep or delete, and why
 * @param deleted        ids of the backups deleted by this run, in order
 * @param orphansDeleted ids of the orphan archives deleted by this run
 * @param error          why this store's prune stopped, or null
 */
public record StoreOutcome(String store, String location, RetentionPlan plan, List<OrphanArchive> orphans,
                           List<String> deleted, List<String> orphansDeleted, String error) {
    public StoreOutcome {
        orphans = List.copyOf(orphans);
        deleted = List.copyOf(deleted);
        orphansDeleted = List.copyOf(orphansDeleted);
    }

    @JsonIgnore
    public List<String> refusals() {
        return plan == null ? List.of() : plan.refusals().stream().map(RetentionPlan.Refusal::reason).toList();
    }
}
