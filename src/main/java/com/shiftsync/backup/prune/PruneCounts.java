package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.Tier;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a prune deleted and kept, counted once: per tier (count and bytes), kept, refused, and
 * orphan archives. A dry run counts what it would delete; a real run what it did delete.
 *
 * @param deleted        backups deleted
 * @param deletedBytes   their size
 * @param kept           backups kept
 * @param refused        backups kept because a deletion was refused (a tier would have been emptied)
 * @param orphansDeleted archives without a manifest deleted
 * @param orphanBytes    their size
 * @param byTier         deleted backups per tier: {@code [count, bytes]}
 * @param partialsDeleted partial files of dead runs deleted
 * @param partialBytes   their size
 * @param damaged        backups found damaged (not complete)
 */
public record PruneCounts(long deleted, long deletedBytes, long kept, long refused, long orphansDeleted,
                          long orphanBytes, Map<Tier, long[]> byTier, long partialsDeleted, long partialBytes,
                          long damaged) {
    public PruneCounts {
        Map<Tier, long[]> copy = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            long[] v = byTier.getOrDefault(t, new long[2]);
            copy.put(t, new long[] {v[0], v[1]});
        }
        byTier = Collections.unmodifiableMap(copy);
    }

    static final PruneCounts NONE = new PruneCounts(0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0);

    PruneCounts plus(PruneCounts o) {
        Map<Tier, long[]> sum = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            sum.put(t, new long[] {byTier.get(t)[0] + o.byTier.get(t)[0], byTier.get(t)[1] + o.byTier.get(t)[1]});
        }
        return new PruneCounts(deleted + o.deleted, deletedBytes + o.deletedBytes, kept + o.kept, refused + o.refused,
                orphansDeleted + o.orphansDeleted, orphanBytes + o.orphanBytes, sum, partialsDeleted + o.partialsDeleted,
                partialBytes + o.partialBytes, damaged + o.damaged);
    }
}
