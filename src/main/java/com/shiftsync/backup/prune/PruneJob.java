package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes backups past their retention. A backup's age is its manifest's {@code startedAt};
 * the newest backup of a tier is never deleted, whatever its age, so a run of failed
 * backups can never prune away the last good one. The manifest goes first, then the
 * archive: an interrupted prune leaves at worst an archive without a manifest, which is
 * not a backup and is removed later.
 */
public final class PruneJob {
    private final Clock clock;

    public PruneJob(Clock clock) {
        this.clock = clock;
    }

    /** Deletes backups of {@code tier} in {@code store} older than {@code keepDays}; returns what went. */
    public List<Manifest> pruneOlderThan(BackupStore store, Tier tier, int keepDays) {
        if (keepDays < 1) {
            throw new IllegalArgumentException("keepDays must be at least 1");
        }
        Instant cutoff = clock.instant().minus(Duration.ofDays(keepDays));
        List<Manifest> ofTier = store.list().stream().filter(m -> m.tier() == tier).toList();
        List<Manifest> deleted = new ArrayList<>();
        for (Manifest m : ofTier.subList(Math.min(1, ofTier.size()), ofTier.size())) {
            if (m.startedAt().isBefore(cutoff)) {
                store.deleteManifest(tier, m.backupId());
                store.deleteArchive(tier, m.backupId());
                deleted.add(m);
            }
        }
        return deleted;
    }
}
