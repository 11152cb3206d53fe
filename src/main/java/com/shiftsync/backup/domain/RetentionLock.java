package com.shiftsync.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a backup in an immutable store (Blob Storage with version-level immutability) stays
 * undeletable: its tier's retention from its {@code startedAt}, the moment retention first lets
 * prune delete it, plus {@link #MARGIN}. So nobody, the app included, can delete a backup inside
 * its retention, and prune finds its protection expired when retention lets it go.
 *
 * <p>Backups that prune keeps past their retention (the safety floor, the newest verified one,
 * keep-last) would then be deletable by anyone; {@link #renewal} extends their protection by one
 * retention period whenever less than half of it remains, so while the app runs they never are.
 *
 * @param retention how long each tier is kept (AZURE_RETENTION_DAYS, WEEKLY_RETENTION_DAYS)
 */
public record RetentionLock(Map<Tier, Duration> retention) {
    /**
     * Added to every until-date. Azure's clock ends the policy, the app's clock starts a backup
     * and decides its age: an hour covers any skew between them (seconds, on synchronised hosts)
     * with room to spare, so a backup is never deletable before its retention ends, and costs at
     * most one more hourly prune before it goes. Not a setting: no operator needs another value.
     */
    public static final Duration MARGIN = Duration.ofHours(1);

    public RetentionLock {
        Objects.requireNonNull(retention, "retention");
        EnumMap<Tier, Duration> copy = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            Duration d = retention.get(tier);
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the retention of " + tier + " backups must be positive, not " + d);
            }
            copy.put(tier, d);
        }
        retention = Collections.unmodifiableMap(copy);
    }

    /** The lock of a store kept by {@code policy} (its per-tier ages). */
    public static RetentionLock of(RetentionPolicy policy) {
        return new RetentionLock(policy.maxAge());
    }

    /**
     * The until-date a backup of {@code tier} that started at {@code startedAt} gets when it is
     * committed at {@code now}: the end of its retention plus the margin, and never less than the
     * margin from now (Azure refuses until-dates in the past: a copy of a backup already past its
     * retention, kept by the floor, is protected briefly and then renewed by prune).
     */
    public Instant until(Tier tier, Instant startedAt, Instant now) {
        Instant end = startedAt.plus(retention.get(tier));
        return (end.isAfter(now) ? end : now).plus(MARGIN).truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * The until-date a backup that prune keeps should be protected to, when its protection falls
     * short; empty when it is enough. Inside its retention: what {@link #until} gives (a backup
     * made before protection existed, or one with a blob left unprotected, gets it now). Kept past
     * its retention: one more retention period from now, renewed once less than half remains, so
     * a kept backup is never left deletable and is renewed about twice per retention period.
     *
     * @param tier      the backup's tier
     * @param startedAt the backup's start
     * @param weakest   the earliest until-date of its blobs, or null when a blob has none
     * @param now       the moment of the prune
     */
    public Optional<Instant> renewal(Tier tier, Instant startedAt, Instant weakest, Instant now) {
        Duration kept = retention.get(tier);
        Instant end = startedAt.plus(kept);
        if (end.isAfter(now)) {
            Instant due = until(tier, startedAt, now);
            return weakest == null || weakest.isBefore(due) ? Optional.of(due) : Optional.empty();
        }
        if (weakest != null && !weakest.isBefore(now.plus(kept.dividedBy(2)))) {
            return Optional.empty();
        }
        return Optional.of(now.plus(kept).plus(MARGIN).truncatedTo(ChronoUnit.SECONDS));
    }
}
