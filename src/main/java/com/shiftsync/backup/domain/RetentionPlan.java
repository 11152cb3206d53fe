package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link RetentionPolicy#select} decided for every backup of one store: keep or
 * delete, and why. A dry run prints this plan; a real run executes exactly this plan.
 *
 * @param store     the store's name ("local", "azure")
 * @param at        the moment the plan was made (ages are measured from it)
 * @param rules     the policy in words, e.g. "daily 7 days, weekly 30 days, manual 7 days; floor 1"
 * @param decisions one per backup, newest first
 * @param refusals  deletions the policy refused, one per tier, each with its sentence; empty when none
 */
public record RetentionPlan(String store, Instant at, String rules, List<Decision> decisions, List<Refusal> refusals) {

    public RetentionPlan {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(at, "at");
        decisions = List.copyOf(decisions);
        refusals = List.copyOf(refusals);
    }

    /**
     * Deletions refused because they would have left a tier with no backup.
     *
     * @param tier   the tier
     * @param reason one sentence saying why
     */
    public record Refusal(Tier tier, String reason) {
    }

    /** The same plan for some tiers only (the others are not this prune's business). */
    public RetentionPlan only(Set<Tier> tiers) {
        return new RetentionPlan(store, at, rules, decisions.stream().filter(d -> tiers.contains(d.tier())).toList(),
                refusals.stream().filter(r -> tiers.contains(r.tier())).toList());
    }

    /** Keep or delete. */
    public enum Action {
        KEEP, DELETE;

        @JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One backup's fate.
     *
     * @param id        the backup id
     * @param tier      its tier
     * @param startedAt its start (its age is measured from this)
     * @param sizeBytes its archive's size as its manifest says
     * @param complete  whether its archive is present (only complete backups count for the floor)
     * @param action    keep or delete
     * @param reason    why, in words an operator can check
     */
    public record Decision(String id, Tier tier, Instant startedAt, long sizeBytes, boolean complete, Action action,
                           String reason) {
        public Decision {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
        }

        @JsonIgnore
        public boolean deleted() {
            return action == Action.DELETE;
        }

        public BackupId backupId() {
            return BackupId.parse(id);
        }
    }

    @JsonIgnore
    public List<Decision> toDelete() {
        return decisions.stream().filter(Decision::deleted).toList();
    }

    @JsonIgnore
    public List<Decision> toKeep() {
        return decisions.stream().filter(d -> !d.deleted()).toList();
    }
}
