package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.domain.RetentionPlan.Action;
import com.shiftsync.backup.domain.RetentionPlan.Decision;
import com.shiftsync.backup.domain.RetentionPlan;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.port.SweepResult;
import com.shiftsync.backup.port.UploadStore;
import com.shiftsync.backup.verify.Verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Retention, planned first and then executed: every backup of every store gets a
 * {@link RetentionPlan} decision with its reason, orphan archives past the grace period are
 * added, and only then is anything deleted. A dry run stops after the plan, so it shows
 * exactly what a real run at the same moment deletes.
 *
 * <p>A backup is deleted manifest first (from then on it does not exist), then its records,
 * then its archive, as pgBackRest's expire does: a prune interrupted anywhere leaves at worst
 * an archive without a manifest, which is no backup and which the next prune removes as an
 * orphan. No listed backup ever lacks its archive because of a prune.
 *
 * <p>Orphan archives are deleted only once both their id's time and their last write are
 * older than the grace period, so an archive whose backup is still being checked, before
 * its manifest is written, is never touched (uncommitted uploads are not listed at all).
 * Partial files of runs that died ({@code .<id>.dump.partial}) go the same way, and never
 * while a live run owns them (it holds the tier's lock).
 *
 * <p>What counts is the store's {@link BackupCatalog}: only <em>complete</em> backups
 * (manifest readable, archive present with its size) make the safety floor. An archive
 * whose manifest exists but cannot be read (or names another backup) is no orphan: it is
 * damage, kept and reported until a person deals with it, never deleted. A backup dated in
 * the future is kept and counts for no rule ({@link RetentionPolicy}).
 *
 * <p>In a store that keeps backups immutable (Blob Storage with version-level immutability) the
 * plan honours what the store would refuse: a backup or orphan whose retention policy has not
 * expired, or that is under a legal hold, is kept with that reason instead of deleted. Should the
 * store refuse a deletion all the same (a hold set after the listing, a clock ahead of Storage's),
 * the refusal is reported for that backup and the prune goes on: it is no failure. Backups the
 * plan keeps get their protection extended where it falls short ({@link RetentionLock#renewal}):
 * the safety floor and keep-last stay undeletable while they are kept.
 */
public final class PruneJob {
    private static final Logger LOG = Logger.getLogger(PruneJob.class.getName());

    /**
     * One store and its policy.
     *
     * @param store  the store
     * @param policy its rules
     * @param tiers  the tiers this job prunes (all, or the one {@code backup --keep-days} just wrote)
     */
    public record Target(BackupStore store, RetentionPolicy policy, Set<Tier> tiers) {
        public Target {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(policy, "policy");
            tiers = Set.copyOf(tiers);
        }

        public Target(BackupStore store, RetentionPolicy policy) {
            this(store, policy, Set.of(Tier.values()));
        }
    }

    /**
     * The uploads sweep.
     *
     * @param store where the uploads are
     * @param ttl   uploads this old or older go
     */
    public record UploadsTtl(UploadStore store, Duration ttl) {
    }

    private final List<Target> targets;
    private final UploadsTtl uploads;
    private final Duration orphanGrace;
    private final Clock clock;

    /**
     * @param targets     the backup stores to prune
     * @param uploads     the uploads sweep, or null for none
     * @param orphanGrace how old an archive without a manifest must be before it is deleted
     * @param clock       now
     */
    public PruneJob(List<Target> targets, UploadsTtl uploads, Duration orphanGrace, Clock clock) {
        this.targets = List.copyOf(targets);
        this.uploads = uploads;
        this.orphanGrace = Objects.requireNonNull(orphanGrace, "orphanGrace");
        this.clock = clock;
        if (orphanGrace.isNegative() || orphanGrace.isZero()) {
            throw new IllegalArgumentException("the orphan grace period must be positive");
        }
    }

    public List<Target> targets() {
        return targets;
    }

    /**
     * Plans, and unless {@code dryRun} executes the plans, then reports the prune's event;
     * failures are in the report (and the event), never half-hidden.
     */
    public PruneReport run(boolean dryRun, Reporter reporter) {
        PruneReport report = prune(dryRun);
        reporter.event(PruneEvents.of(report));
        return report;
    }

    private PruneReport prune(boolean dryRun) {
        Instant now = clock.instant();
        List<String> errors = new ArrayList<>();
        List<Listing> listings = new ArrayList<>();
        List<String> listingErrors = new ArrayList<>();
        Set<String> verified = new HashSet<>();
        for (Target target : targets) {
            try {
                Listing listing = list(target);
                listings.add(listing);
                listingErrors.add(null);
                verified.addAll(listing.verified());
            } catch (RuntimeException e) {
                listings.add(null);
                listingErrors.add("could not plan the prune of " + target.store().describe() + ": " + message(e));
            }
        }
        List<StoreOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            Listing listing = listings.get(i);
            if (listing == null) {
                errors.add(listingErrors.get(i));
                outcomes.add(new StoreOutcome(target.store().name(), target.store().describe(), null, List.of(),
                        List.of(), List.of(), listingErrors.get(i)));
                continue;
            }
            StoreOutcome outcome = plan(target, listing, verified, now);
            if (!dryRun) {
                outcome = execute(target.store(), outcome);
            }
            if (outcome.error() != null) {
                errors.add(outcome.error());
            }
            outcomes.add(outcome);
        }
        Instant cutoff = null;
        SweepResult swept = null;
        if (uploads != null) {
            cutoff = now.minus(uploads.ttl());
            try {
                swept = uploads.store().deleteModifiedUpTo(cutoff, dryRun);
                if (swept.failed() > 0) {
                    errors.add(swept.failed() + " upload(s) could not be deleted from " + swept.location() + ": "
                            + String.join("; ", swept.failures()));
                }
            } catch (RuntimeException e) {
                errors.add("the uploads sweep failed: " + message(e));
            }
        }
        return new PruneReport(dryRun, now, outcomes, cutoff, swept, errors);
    }

    /**
     * What a store holds, read once: its catalog, which backups passed verification, and what
     * keeps each backup from deletion (empty where the store keeps nothing immutable).
     */
    private record Listing(BackupCatalog catalog, Set<String> verified, Map<String, Protection> protections) {
    }

    private Listing list(Target target) {
        BackupStore store = target.store();
        BackupCatalog catalog = store.catalog();
        Set<String> verified = new HashSet<>();
        for (Manifest m : catalog.manifests()) {
            if (catalog.mayHaveRecord(m.tier(), m.backupId(), Verification.KIND) && passedVerification(store, m)) {
                verified.add(m.id());
            }
        }
        Map<String, Protection> protections = new HashMap<>();
        for (Protection p : store.protections()) {
            protections.put(key(p.tier(), p.id().toString()), p);
        }
        return new Listing(catalog, verified, protections);
    }

    /**
     * Whether the backup's verification record says it passed. No record (or none yet: the
     * restore tests may not exist in this version) means no; an unreadable one is logged and
     * means no, which only ever keeps more.
     */
    private static boolean passedVerification(BackupStore store, Manifest m) {
        return store.getRecord(m.tier(), m.backupId(), Verification.KIND).map(json -> {
            try {
                return Verification.read(json).passed();
            } catch (RuntimeException e) {
                LOG.warning("ignoring unreadable verification record of " + m.id() + " in " + store.describe()
                        + ": " + Redaction.redact(e.getMessage()));
                return false;
            }
        }).orElse(false);
    }

    private StoreOutcome plan(Target target, Listing listing, Set<String> verified, Instant now) {
        BackupCatalog catalog = listing.catalog();
        RetentionPlan selected = target.policy().select(target.store().name(), catalog.manifests(),
                catalog.completeIds(), verified, now).only(target.tiers());
        Map<String, Protection> protections = listing.protections();
        RetentionLock lock = RetentionLock.of(target.policy());
        List<Decision> decisions = new ArrayList<>();
        List<Renewal> renewals = new ArrayList<>();
        for (Decision d : selected.decisions()) {
            Protection p = protections.get(key(d.tier(), d.id()));
            if (d.deleted() && p != null && p.keeps(now)) {
                decisions.add(new Decision(d.id(), d.tier(), d.startedAt(), d.sizeBytes(), d.complete(), Action.KEEP,
                        d.reason() + "; kept: " + p.reason(now)));
                continue;
            }
            decisions.add(d);
            if (!d.deleted() && d.complete() && !protections.isEmpty()) {
                Instant weakest = p == null ? null : p.weakest();
                lock.renewal(d.tier(), d.startedAt(), weakest, now).ifPresent(until -> renewals.add(new Renewal(
                        d.tier(), d.id(), until, (weakest == null ? "not wholly protected"
                        : "protected only until " + weakest) + "; kept (" + d.reason() + "): protect until " + until)));
            }
        }
        RetentionPlan plan = new RetentionPlan(selected.store(), selected.at(), selected.rules(), decisions,
                selected.refusals());
        List<OrphanArchive> orphans = new ArrayList<>();
        for (BackupCatalog.Archive a : catalog.orphans()) {
            if (!target.tiers().contains(a.tier())) {
                continue;
            }
            boolean writtenLater = a.lastModified().isAfter(a.id().startedAt());
            Duration age = Duration.between(writtenLater ? a.lastModified() : a.id().startedAt(), now);
            boolean expired = age.compareTo(orphanGrace) > 0;
            Protection p = protections.get(key(a.tier(), a.id().toString()));
            boolean kept = expired && p != null && p.keeps(now);
            orphans.add(new OrphanArchive(a.tier(), a.id().toString(), a.sizeBytes(), a.lastModified(),
                    expired && !kept ? Action.DELETE : Action.KEEP,
                    "archive without a manifest, " + (writtenLater ? "last written " : "started ") + hours(age)
                            + " ago; " + (expired
                            ? "past the " + hours(orphanGrace) + " grace period" + (kept ? "; kept: " + p.reason(now) : "")
                            : "within the " + hours(orphanGrace) + " grace period (a backup may still be writing it)")));
        }
        List<DamagedBackup> damaged = new ArrayList<>();
        for (BackupCatalog.Entry e : catalog.damaged()) {
            if (!target.tiers().contains(e.tier())) {
                continue;
            }
            // an unreadable or misplaced manifest (the entry has none it trusts) is no backup the plan decides
            String what = e.manifest() == null
                    ? "; prune never deletes it nor its archive: repair or remove it by hand"
                    : "; it does not count towards the safety floor";
            damaged.add(new DamagedBackup(e.tier(), e.id().toString(), e.condition().mark(), e.reason() + what));
        }
        List<PartialFile> partials = new ArrayList<>();
        for (BackupCatalog.Leftover l : catalog.leftovers()) {
            if (!target.tiers().contains(l.tier())) {
                continue;
            }
            Duration age = Duration.between(l.lastModified(), now);
            Action action;
            String reason;
            if (l.owned()) {
                action = Action.KEEP;
                reason = "partial file of the backup running now (" + l.owner() + " holds the " + l.tier() + " lock)";
            } else if (age.compareTo(orphanGrace) > 0) {
                action = Action.DELETE;
                reason = "partial file of a run that did not finish, last written " + hours(age) + " ago; past the "
                        + hours(orphanGrace) + " grace period";
            } else {
                action = Action.KEEP;
                reason = "partial file of a run that did not finish, last written " + hours(age) + " ago; within the "
                        + hours(orphanGrace) + " grace period";
            }
            partials.add(new PartialFile(l.tier(), l.name(), l.id() == null ? null : l.id().toString(), l.sizeBytes(),
                    l.lastModified(), action, reason));
        }
        return new StoreOutcome(target.store().name(), target.store().describe(), plan, orphans, List.of(), List.of(),
                null, damaged, partials, List.of(), renewals, List.of(), List.of());
    }

    private static StoreOutcome execute(BackupStore store, StoreOutcome planned) {
        List<String> deleted = new ArrayList<>();
        List<String> orphansDeleted = new ArrayList<>();
        List<String> partialsDeleted = new ArrayList<>();
        List<String> refusedByStore = new ArrayList<>();
        String error = null;
        String current = null;
        try {
            for (Decision d : planned.plan().toDelete()) {
                current = "backup " + d.id();
                try {
                    // manifest first: from here on the backup does not exist, and whatever is left is an orphan
                    store.deleteManifest(d.tier(), d.backupId());
                    store.deleteRecords(d.tier(), d.backupId());
                    store.deleteSideFiles(d.tier(), d.backupId());
                    store.deleteArchive(d.tier(), d.backupId());
                    deleted.add(d.id());
                } catch (ShiftSyncException e) {
                    refusedByStore.add(refusal(d.tier() + " backup " + d.id(), e));
                }
            }
            for (OrphanArchive o : planned.orphans()) {
                if (o.deleted()) {
                    current = "orphan archive " + o.id();
                    try {
                        store.deleteRecords(o.tier(), o.backupId());
                        store.deleteSideFiles(o.tier(), o.backupId());
                        store.deleteArchive(o.tier(), o.backupId());
                        orphansDeleted.add(o.id());
                    } catch (ShiftSyncException e) {
                        refusedByStore.add(refusal(o.tier() + " orphan archive " + o.id(), e));
                    }
                }
            }
            for (PartialFile p : planned.partials()) {
                if (p.deleted()) {
                    current = "partial file " + p.name();
                    store.deleteLeftover(p.tier(), p.name());
                    partialsDeleted.add(p.name());
                }
            }
        } catch (RuntimeException e) {
            error = "the prune of " + store.describe() + " stopped at " + current + ": " + message(e)
                    + " (the next prune finishes it)";
        }
        // after the deletions, and also when they stopped: a kept backup's protection must not lapse
        List<String> renewed = new ArrayList<>();
        List<String> unprotected = new ArrayList<>();
        for (Renewal r : planned.renewals()) {
            try {
                store.protect(r.tier(), r.backupId(), r.until());
                renewed.add(r.id());
            } catch (RuntimeException e) {
                unprotected.add("could not protect " + r.tier() + " backup " + r.id() + " until " + r.until() + ": "
                        + message(e));
            }
        }
        if (!unprotected.isEmpty()) {
            error = (error == null ? "" : error + "; ") + String.join("; ", unprotected);
        }
        return new StoreOutcome(planned.store(), planned.location(), planned.plan(), planned.orphans(), deleted,
                orphansDeleted, error, planned.damaged(), planned.partials(), partialsDeleted, planned.renewals(),
                renewed, refusedByStore);
    }

    /**
     * The sentence for a deletion the store refused because the thing is immutable; any other
     * failure is rethrown and stops the store's prune as before.
     */
    private static String refusal(String what, ShiftSyncException e) {
        if (e.code() != ErrorCode.PROTECTED) {
            throw e;
        }
        return what + ": " + e.getMessage() + "; the first prune after its protection ends deletes it";
    }

    private static String key(Tier tier, String id) {
        return tier.folder() + "/" + id;
    }

    private static String hours(Duration d) {
        if (d.isNegative()) {
            return "0 h";
        }
        long h = d.toHours();
        return h >= 48 && h % 24 == 0 ? h / 24 + " days" : h >= 48 ? h / 24 + " days " + h % 24 + " h" : h + " h";
    }

    private static String message(RuntimeException e) {
        return ShiftSyncException.wrap(e).getMessage();
    }
}
