package com.shiftsync.backup.prune;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.shiftsync.backup.domain.RetentionPlan;
import com.shiftsync.backup.domain.Tier;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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
 * @param damaged        backups that are not complete (reported; one with an unreadable manifest is never deleted)
 * @param partials       partial files of unfinished runs, keep or delete, and why
 * @param partialsDeleted names of the partial files deleted by this run
 * @param renewals       kept backups whose protection prune extends (in a dry run: would extend)
 * @param renewed        ids of the backups whose protection this run extended
 * @param refusedByStore deletions the store refused because the thing is immutable (a policy or legal hold
 *                       prune did not know of, or a clock ahead of Storage's), one sentence each: reported, never
 *                       a failure; the next prune after the protection ends deletes it
 */
public record StoreOutcome(String store, String location, RetentionPlan plan, List<OrphanArchive> orphans,
                           List<String> deleted, List<String> orphansDeleted, String error,
                           List<DamagedBackup> damaged, List<PartialFile> partials, List<String> partialsDeleted,
                           List<Renewal> renewals, List<String> renewed, List<String> refusedByStore) {
    public StoreOutcome {
        orphans = List.copyOf(orphans);
        deleted = List.copyOf(deleted);
        orphansDeleted = List.copyOf(orphansDeleted);
        damaged = List.copyOf(damaged);
        partials = List.copyOf(partials);
        partialsDeleted = List.copyOf(partialsDeleted);
        renewals = List.copyOf(renewals);
        renewed = List.copyOf(renewed);
        refusedByStore = List.copyOf(refusedByStore);
    }

    /** An outcome with nothing protected to speak of. */
    public StoreOutcome(String store, String location, RetentionPlan plan, List<OrphanArchive> orphans,
                        List<String> deleted, List<String> orphansDeleted, String error,
                        List<DamagedBackup> damaged, List<PartialFile> partials, List<String> partialsDeleted) {
        this(store, location, plan, orphans, deleted, orphansDeleted, error, damaged, partials, partialsDeleted,
                List.of(), List.of(), List.of());
    }

    /** An outcome with no damaged backups or partial files to speak of. */
    public StoreOutcome(String store, String location, RetentionPlan plan, List<OrphanArchive> orphans,
                        List<String> deleted, List<String> orphansDeleted, String error) {
        this(store, location, plan, orphans, deleted, orphansDeleted, error, List.of(), List.of(), List.of());
    }

    /** What this store's prune deleted (in a dry run: would delete) and kept. */
    public PruneCounts counts(boolean dryRun) {
        if (plan == null) {
            return PruneCounts.NONE;
        }
        Set<String> done = Set.copyOf(deleted);
        Set<Tier> refusedTiers = plan.refusals().stream().map(RetentionPlan.Refusal::tier).collect(Collectors.toSet());
        Map<Tier, long[]> byTier = new EnumMap<>(Tier.class);
        long count = 0;
        long bytes = 0;
        long kept = 0;
        long refused = 0;
        for (RetentionPlan.Decision d : plan.decisions()) {
            if (d.deleted() && (dryRun || done.contains(d.id()))) {
                long[] t = byTier.computeIfAbsent(d.tier(), k -> new long[2]);
                t[0]++;
                t[1] += d.sizeBytes();
                count++;
                bytes += d.sizeBytes();
            } else if (!d.deleted()) {
                kept++;
                refused += refusedTiers.contains(d.tier()) ? 1 : 0;
            }
        }
        Set<String> orphansDone = Set.copyOf(orphansDeleted);
        long orphanCount = 0;
        long orphanBytes = 0;
        for (OrphanArchive o : orphans) {
            if (o.deleted() && (dryRun || orphansDone.contains(o.id()))) {
                orphanCount++;
                orphanBytes += o.sizeBytes();
            }
        }
        Set<String> partialsDone = Set.copyOf(partialsDeleted);
        long partialCount = 0;
        long partialBytes = 0;
        for (PartialFile p : partials) {
            if (p.deleted() && (dryRun || partialsDone.contains(p.name()))) {
                partialCount++;
                partialBytes += p.sizeBytes();
            }
        }
        return new PruneCounts(count, bytes, kept, refused, orphanCount, orphanBytes, byTier, partialCount,
                partialBytes, damaged.size());
    }

    @JsonIgnore
    public List<String> refusals() {
        return plan == null ? List.of() : plan.refusals().stream().map(RetentionPlan.Refusal::reason).toList();
    }
}
