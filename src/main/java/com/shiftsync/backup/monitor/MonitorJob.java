package com.shiftsync.backup.monitor;

import com.shiftsync.backup.backup.PendingCopy;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.domain.Wording;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreCheck;
import com.shiftsync.backup.verify.Verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Watches the backups so that one that silently stopped, shrank, or never restores is
 * noticed: reads every manifest of a store with the verification and restore-check records
 * next to it, and sets them against the {@link MonitorPolicy}. Each condition raises one
 * alert with a stable {@link AlertCode} and a reason naming the backup, sizes and dates.
 * Ages are measured from manifests' {@code startedAt} on the injected clock, never from
 * file or blob times; a backup that started in the future counts for nothing and is an alert
 * of its own. A record beside a backup is read only when the store's listing shows it. The
 * size band also reads the {@link HistoryLog}: the backups before the newest that retention
 * has deleted still count there.
 */
public final class MonitorJob {
    private static final Logger LOG = Logger.getLogger(MonitorJob.class.getName());
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    /** How far back the size band reads the history: the 7 weekly backups before the newest, and a week to spare. */
    static final Duration SIZE_LOOKBACK = MonitorPolicy.WEEKLY_LIMIT.multipliedBy(MonitorPolicy.SIZE_HISTORY + 1);

    private final Clock clock;
    private final MonitorPolicy policy;
    private final RecoveryWatch recovery;
    private final Supplier<List<Operation>> operations;
    private final Supplier<HistoryLog> history;
    private final ClientWatch clients;

    /** Backups only: no operations on record, drills off. */
    public MonitorJob(Clock clock, MonitorPolicy policy) {
        this(clock, policy, () -> HistoryLog.NONE, DrillPolicy.defaults(), List::of);
    }

    /**
     * @param history    the outcomes on record, read for the size band (got when a report is made)
     * @param drills     how drills run (whether a stale one is an alert)
     * @param operations the operations on record (restores and drills), read at every evaluation
     */
    public MonitorJob(Clock clock, MonitorPolicy policy, Supplier<HistoryLog> history, DrillPolicy drills,
                      Supplier<List<Operation>> operations) {
        this.clock = clock;
        this.policy = policy;
        this.history = history;
        this.recovery = new RecoveryWatch(drills, policy.rtoTargetMinutes());
        this.operations = operations;
        this.clients = null;
    }

    private MonitorJob(MonitorJob base, ClientWatch clients) {
        this.clock = base.clock;
        this.policy = base.policy;
        this.history = base.history;
        this.recovery = base.recovery;
        this.operations = base.operations;
        this.clients = clients;
    }

    /**
     * This monitor, also reading which pg_dump and pg_restore each command would use against
     * the server ({@link ClientWatch}), and raising {@code client-too-old} before a backup fails on it.
     */
    public MonitorJob withClients(ClientWatch watch) {
        return new MonitorJob(this, watch);
    }

    public MonitorPolicy policy() {
        return policy;
    }

    /** Reads {@code store}, evaluates it now and reports the run: its event, an event per alert, the gauges. */
    public StatusReport run(BackupStore store, Reporter reporter) {
        return run(List.of(store), reporter);
    }

    /** Reads every store of {@code stores} as one (the CLI's store rule), evaluates them now and reports the run. */
    public StatusReport run(List<BackupStore> stores, Reporter reporter) {
        StatusReport report;
        try {
            report = read(stores);
        } catch (RuntimeException e) {
            reporter.event(Event.failed(MonitorEvents.FAILED, Map.of("store",
                    String.join(",", stores.stream().map(BackupStore::name).toList())), e));
            throw e;
        }
        MonitorEvents.monitored(report, reporter);
        return report;
    }

    /** Reads {@code store} and evaluates it now, reporting nothing (GET /api/status). */
    public StatusReport read(BackupStore store) {
        return read(List.of(store));
    }

    /**
     * Reads {@code stores} and evaluates them now as one set of backups, reporting nothing: a
     * backup counts once wherever a complete copy of it is (only complete backups count: see
     * {@link BackupCatalog}), with the restore tests and restores recorded in any store; every
     * damaged backup of every store is a {@code backup-damaged} alert (a manifest that does not
     * authenticate included), a store read without MANIFEST_KEY_SECRET a {@code manifests-unauthenticated}
     * one, and a backup whose offsite copy failed ({@link PendingCopy}) and is still missing an
     * {@code offsite-missing} one.
     */
    public StatusReport read(List<BackupStore> stores) {
        Map<String, BackupHistory> byId = new LinkedHashMap<>();
        Map<String, List<String>> holders = new HashMap<>();
        Map<String, BackupCatalog> catalogs = new LinkedHashMap<>();
        List<Alert> found = new ArrayList<>();
        for (BackupStore store : stores) {
            BackupCatalog catalog = store.catalog();
            catalogs.put(store.name(), catalog);
            for (BackupCatalog.Entry e : catalog.entries()) {
                Manifest m = e.manifest();
                if (m == null) {
                    continue;
                }
                BackupHistory h = new BackupHistory(m,
                        read(store, catalog, m, Verification.KIND).map(Verification::read).orElse(null),
                        read(store, catalog, m, RestoreCheck.KIND).map(RestoreCheck::read).orElse(null), e.complete());
                byId.merge(m.id(), h, MonitorJob::latestRecords);
                if (e.complete()) {
                    holders.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(store.name());
                }
            }
            for (BackupCatalog.Entry e : catalog.damaged()) {
                found.add(new Alert(AlertCode.BACKUP_DAMAGED, e.tier(), e.reason()
                        + (e.condition() == BackupCatalog.Condition.MANIFEST_UNREADABLE ? ""
                        : "; it no longer counts as a good backup")));
            }
        }
        List<String> unchecked = catalogs.values().stream().filter(c -> !c.authenticating())
                .map(BackupCatalog::location).toList();
        if (!unchecked.isEmpty()) {
            found.add(new Alert(AlertCode.MANIFESTS_UNAUTHENTICATED, null, "MANIFEST_KEY_SECRET is not set, so the "
                    + "manifests in " + String.join(" and ", unchecked) + " carry no MAC: whoever can write there can "
                    + "replace an archive together with its manifest, size and SHA-256 included, and restore, verify "
                    + "and download would take it; set MANIFEST_KEY_SECRET to a secret holding the base64 of 32 random "
                    + "bytes"));
        }
        for (BackupStore store : stores) {
            if (store.name().equals(PendingCopy.OFFSITE)) {
                continue;
            }
            BackupCatalog catalog = catalogs.get(store.name());
            for (Manifest m : catalog.complete()) {
                Optional<PendingCopy> pending = read(store, catalog, m, PendingCopy.KIND)
                        .flatMap(MonitorJob::pendingCopy);
                boolean offsiteNow = holders.getOrDefault(m.id(), List.of()).contains(PendingCopy.OFFSITE);
                if (pending.isPresent() && pending.get().missing().contains(PendingCopy.OFFSITE) && !offsiteNow) {
                    found.add(new Alert(AlertCode.OFFSITE_MISSING, m.tier(), m.tier() + " backup " + m.id()
                            + " has no copy in Azure: its upload failed"
                            + (pending.get().failedAt() == null ? "" : " at " + WHEN.format(pending.get().failedAt()))
                            + " (" + pending.get().reason() + "); only " + store.describe() + " holds it. The next "
                            + "backup --upload, or shiftsync-backup offsite-check --repair, uploads it"));
                }
            }
        }
        List<String> names = stores.stream().map(BackupStore::name).toList();
        StatusReport report = evaluate(String.join(",", names), new ArrayList<>(byId.values()), pastOutcomes())
                .with(found, names, id -> holders.getOrDefault(id, List.of()));
        if (clients == null) {
            return report;
        }
        Manifest newest = byId.values().stream().filter(BackupHistory::complete).map(BackupHistory::manifest)
                .min(Comparator.comparing(Manifest::backupId)).orElse(null); // BackupId sorts newest first
        return report.withClients(clients.read(newest));
    }

    /** One backup held by two stores: complete if either copy is, the newest restore test and restore of either counts. */
    private static BackupHistory latestRecords(BackupHistory a, BackupHistory b) {
        Verification v = a.verification() == null ? b.verification() : b.verification() == null ? a.verification()
                : b.verification().verifiedAt().isAfter(a.verification().verifiedAt()) ? b.verification()
                : a.verification();
        RestoreCheck c = a.restoreCheck() == null ? b.restoreCheck() : b.restoreCheck() == null ? a.restoreCheck()
                : b.restoreCheck().checkedAt().isAfter(a.restoreCheck().checkedAt()) ? b.restoreCheck()
                : a.restoreCheck();
        return new BackupHistory(a.complete() ? a.manifest() : b.manifest(), v, c, a.complete() || b.complete());
    }

    private static Optional<PendingCopy> pendingCopy(String json) {
        try {
            return Optional.of(PendingCopy.read(json));
        } catch (RuntimeException e) {
            LOG.warning("ignoring an unreadable pending-copy record: " + Json.problem(e));
            return Optional.empty();
        }
    }

    /** The history of the size band's look-back; what cannot be read is left out (the store's backups still count). */
    private List<HistoryEntry> pastOutcomes() {
        Instant now = clock.instant();
        try {
            return history.get().read(now.minus(SIZE_LOOKBACK), now.plusSeconds(60));
        } catch (RuntimeException e) {
            LOG.warning("could not read the history for the size band (only the stored backups count): "
                    + Redaction.redact(e.getMessage()));
            return List.of();
        }
    }

    /** A record of a backup; not asked for when the store's listing shows there is none. */
    private static Optional<String> read(BackupStore store, BackupCatalog catalog, Manifest m, String kind) {
        if (!catalog.mayHaveRecord(m.tier(), m.backupId(), kind)) {
            return Optional.empty();
        }
        try {
            return store.getRecord(m.tier(), m.backupId(), kind);
        } catch (RuntimeException e) {
            // one unreadable record must not blind the monitor to everything else
            LOG.warning("could not read the " + kind + " record of " + m.id() + ": "
                    + Redaction.redact(e.getMessage()));
            return Optional.empty();
        }
    }

    /** The rules, on backups already read (newest first or in any order). */
    public StatusReport evaluate(String storeName, List<BackupHistory> history) {
        return evaluate(storeName, history, List.of());
    }

    /**
     * The rules, on backups already read and the outcomes on record ({@code past}, any order):
     * the size band's median is taken over the good backups before the newest that the store
     * or the history knows.
     */
    public StatusReport evaluate(String storeName, List<BackupHistory> history, List<HistoryEntry> past) {
        Instant now = clock.instant();
        List<Alert> alerts = new ArrayList<>();
        // a backup dated in the future counts for nothing, as if it were not there: it would meet the RPO forever
        List<BackupHistory> sorted = new ArrayList<>();
        for (BackupHistory h : history.stream()
                .sorted(Comparator.comparing((BackupHistory h) -> h.manifest().backupId())).toList()) {
            if (BackupCatalog.fromTheFuture(h.manifest(), now)) {
                alerts.add(new Alert(AlertCode.BACKUP_FROM_THE_FUTURE, h.manifest().tier(),
                        BackupCatalog.fromTheFutureReason(h.manifest(), null, now) + "; it is never latest, counts "
                        + "neither for the RPO nor for retention's safety floor, and prune keeps it: check the clocks, "
                        + "and remove it by hand if it was planted"));
            } else {
                sorted.add(h);
            }
        }
        List<StatusReport.TierStatus> tiers = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            List<BackupHistory> ofTier = sorted.stream().filter(h -> h.manifest().tier() == tier).toList();
            List<Manifest> good = ofTier.stream().filter(BackupHistory::good).map(BackupHistory::manifest).toList();
            Manifest newest = good.isEmpty() ? null : good.get(0);
            List<Manifest> before = good.size() <= 1 ? List.of()
                    : good.subList(1, Math.min(good.size(), 1 + MonitorPolicy.SIZE_HISTORY));
            List<Long> sizes = newest == null ? List.of() : sizesBefore(tier, newest, ofTier, past);
            Long median = sizes.size() >= MonitorPolicy.MIN_SIZE_HISTORY ? medianOf(sizes) : null;
            tiers.add(new StatusReport.TierStatus(tier, ofTier.size(), newest == null ? null : newest.id(),
                    newest == null ? null : newest.startedAt(), newest == null ? null : hours(age(newest, now)),
                    newest == null ? null : newest.sizeBytes(), median,
                    newest == null ? null : newest.rowCounts().size(), newest == null ? null : newest.totalRows()));
            missing(tier, ofTier, newest, now).ifPresent(alerts::add);
            if (newest != null && tier != Tier.MANUAL) {
                sizeAnomaly(tier, newest, sizes.size(), median).ifPresent(alerts::add);
                if (!before.isEmpty()) {
                    tablesEmptied(tier, newest, before.get(0)).ifPresent(alerts::add);
                }
            }
        }
        Optional<Manifest> newestGood = sorted.stream().filter(BackupHistory::good).map(BackupHistory::manifest)
                .findFirst();
        Double rpoAge = newestGood.map(m -> hours(age(m, now))).orElse(null);
        StatusReport.Rpo rpo = new StatusReport.Rpo(policy.rpoTargetHours(), newestGood.map(Manifest::id).orElse(null),
                rpoAge, newestGood.isPresent()
                && age(newestGood.get(), now).compareTo(Duration.ofHours(policy.rpoTargetHours())) <= 0);

        StatusReport.VerificationStatus verification = verification(sorted, now, alerts);
        StatusReport.RestoreTimes restoreTimes = restoreTimes(sorted, alerts);
        StatusReport.RecoveryStatus recovered = recovery(now, alerts);
        return new StatusReport(now, storeName, alerts.isEmpty(), rpo, tiers, verification, restoreTimes, alerts,
                recovered);
    }

    private StatusReport.RecoveryStatus recovery(Instant now, List<Alert> alerts) {
        List<Operation> ops;
        try {
            ops = operations.get();
        } catch (RuntimeException e) {
            String why = "could not read the operations on record: " + ShiftSyncException.wrap(e).getMessage();
            LOG.warning(why);
            return recovery.unreadable(why);
        }
        return recovery.evaluate(ops, now, alerts);
    }

    private Optional<Alert> missing(Tier tier, List<BackupHistory> ofTier, Manifest newest, Instant now) {
        Duration limit;
        if (tier == Tier.DAILY) {
            limit = Duration.ofHours(policy.missingBackupHours());
        } else if (tier == Tier.WEEKLY && !ofTier.isEmpty()) {
            // the weekly tier is watched once it is in use: the guide's cron lines make daily backups only
            limit = MonitorPolicy.WEEKLY_LIMIT;
        } else {
            return Optional.empty();
        }
        if (newest == null) {
            return Optional.of(new Alert(AlertCode.BACKUP_MISSING, tier, ofTier.isEmpty()
                    ? "there is no " + tier + " backup at all"
                    : ofTier.stream().allMatch(BackupHistory::complete)
                    ? "there is no good " + tier + " backup: every one failed its restore test"
                    : "there is no good " + tier + " backup: every one is damaged or failed its restore test"));
        }
        Duration age = age(newest, now);
        if (age.compareTo(limit) > 0) {
            return Optional.of(new Alert(AlertCode.BACKUP_MISSING, tier, "no " + tier + " backup in the last "
                    + Wording.span(limit) + ": the newest, " + newest.id() + ", started " + WHEN.format(newest.startedAt())
                    + ", " + Wording.span(age) + " ago"));
        }
        return Optional.empty();
    }

    /**
     * Sizes of the (at most 7) good backups of {@code tier} before {@code newest}, newest first:
     * the store's, and those only the history still knows (retention deleted them). A backup
     * whose restore test failed, in the store or on record, is not good.
     */
    private static List<Long> sizesBefore(Tier tier, Manifest newest, List<BackupHistory> ofTier,
                                          List<HistoryEntry> past) {
        BackupId limit = newest.backupId();
        Set<String> bad = new HashSet<>();
        ofTier.stream().filter(h -> !h.good()).forEach(h -> bad.add(h.manifest().id()));
        Map<String, HistoryEntry> lastTest = new HashMap<>();
        past.stream().filter(e -> HistoryEntry.RESTORE_TEST.equals(e.kind()) && e.id() != null)
                .sorted(Comparator.comparing(HistoryEntry::time))
                .forEach(e -> lastTest.put(e.id(), e));
        lastTest.values().stream().filter(e -> !e.succeeded()).forEach(e -> bad.add(e.id()));

        Map<BackupId, Long> sizes = new TreeMap<>();
        for (HistoryEntry e : past) {
            if (HistoryEntry.BACKUP.equals(e.kind()) && e.succeeded() && tier.folder().equals(e.tier())
                    && e.sizeBytes() != null && e.id() != null && BackupId.isValid(e.id()) && !bad.contains(e.id())) {
                sizes.put(BackupId.parse(e.id()), e.sizeBytes());
            }
        }
        // the store's manifest is the fact wherever it still exists
        for (BackupHistory h : ofTier) {
            if (h.good()) {
                sizes.put(h.manifest().backupId(), h.manifest().sizeBytes());
            }
        }
        return sizes.entrySet().stream().filter(e -> e.getKey().compareTo(limit) > 0)
                .limit(MonitorPolicy.SIZE_HISTORY).map(Map.Entry::getValue).toList();
    }

    private Optional<Alert> sizeAnomaly(Tier tier, Manifest newest, int compared, Long median) {
        if (median == null || median == 0) {
            return Optional.empty();
        }
        double band = policy.sizeBandPercent() / 100.0;
        long size = newest.sizeBytes();
        if (size >= median * (1 - band) && size <= median * (1 + band)) {
            return Optional.empty();
        }
        long percent = Math.round(Math.abs(size - median) * 100.0 / median);
        return Optional.of(new Alert(AlertCode.SIZE_ANOMALY, tier, tier + " backup " + newest.id() + " is "
                + Wording.bytes(size) + ", " + percent + " % " + (size < median ? "smaller" : "larger") + " than the median "
                + Wording.bytes(median) + " of the " + compared + " good " + tier + " backups before it (allowed: ±"
                + policy.sizeBandPercent() + " %)"));
    }

    private static Optional<Alert> tablesEmptied(Tier tier, Manifest newest, Manifest previous) {
        List<String> emptied = new ArrayList<>();
        for (Map.Entry<String, Long> e : newest.rowCounts().entrySet()) {
            Long had = previous.rowCounts().get(e.getKey());
            if (e.getValue() == 0 && had != null && had > 0) {
                emptied.add(e.getKey() + " (" + Wording.count(had) + " rows before)");
            }
        }
        if (emptied.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Alert(AlertCode.TABLE_EMPTIED, tier, (emptied.size() == 1 ? "a table" : emptied.size()
                + " tables") + " lost all rows between " + tier + " backups " + previous.id() + " and " + newest.id()
                + ": " + String.join(", ", emptied)));
    }

    private StatusReport.VerificationStatus verification(List<BackupHistory> sorted, Instant now, List<Alert> alerts) {
        List<Verification> tests = sorted.stream().map(BackupHistory::verification).filter(v -> v != null)
                .sorted(Comparator.comparing(Verification::verifiedAt).reversed()).toList();
        Optional<Verification> last = tests.stream().findFirst();
        Optional<Verification> lastPassed = tests.stream().filter(Verification::passed).findFirst();
        Duration maxAge = Duration.ofDays(policy.verifyMaxAgeDays());
        String passedText = lastPassed.map(v -> "the last test that passed was of " + v.backupId() + ", "
                + WHEN.format(v.verifiedAt()) + ", " + Wording.span(Duration.between(v.verifiedAt(), now)) + " ago")
                .orElse("no backup has ever passed one");
        if (last.isPresent() && !last.get().passed()) {
            Verification v = last.get();
            alerts.add(new Alert(AlertCode.VERIFICATION_FAILED, null, "the restore test of " + v.backupId() + " on "
                    + WHEN.format(v.verifiedAt()) + " failed: " + v.reason() + " (" + passedText + ")"));
        } else if (lastPassed.isEmpty() || Duration.between(lastPassed.get().verifiedAt(), now).compareTo(maxAge) > 0) {
            alerts.add(new Alert(AlertCode.VERIFICATION_STALE, null, "no backup passed a restore test in the last "
                    + policy.verifyMaxAgeDays() + " days: " + passedText));
        }
        return new StatusReport.VerificationStatus(policy.verifyMaxAgeDays(),
                last.map(Verification::backupId).orElse(null), last.map(Verification::tier).orElse(null),
                last.map(Verification::verifiedAt).orElse(null), last.map(Verification::passed).orElse(null),
                last.map(Verification::reason).orElse(null), lastPassed.map(Verification::verifiedAt).orElse(null));
    }

    private StatusReport.RestoreTimes restoreTimes(List<BackupHistory> sorted, List<Alert> alerts) {
        Duration target = Duration.ofMinutes(policy.rtoTargetMinutes());
        List<StatusReport.RestoreTime> measured = new ArrayList<>();
        sorted.stream().map(BackupHistory::verification).filter(v -> v != null && v.passed())
                .max(Comparator.comparing(Verification::verifiedAt))
                .ifPresent(v -> measured.add(new StatusReport.RestoreTime("verify", v.backupId(), v.verifiedAt(),
                        v.durationMs(), v.restoreMs(), v.durationMs() <= target.toMillis())));
        sorted.stream().map(BackupHistory::restoreCheck).filter(c -> c != null)
                .max(Comparator.comparing(RestoreCheck::checkedAt))
                .ifPresent(c -> measured.add(new StatusReport.RestoreTime("restore", c.backupId(), c.checkedAt(),
                        c.durationMs(), c.restoreMs(), c.durationMs() <= target.toMillis())));
        List<StatusReport.RestoreTime> slow = measured.stream().filter(t -> !t.withinRto()).toList();
        if (!slow.isEmpty()) {
            alerts.add(new Alert(AlertCode.RTO_EXCEEDED, null, "restores take longer than the RTO target of "
                    + policy.rtoTargetMinutes() + " min: " + String.join("; ", slow.stream().map(t -> "the "
                    + (t.kind().equals("verify") ? "restore test" : "restore") + " of " + t.backupId() + " on "
                    + WHEN.format(t.at()) + " took " + Wording.span(Duration.ofMillis(t.durationMs()))).toList())));
        }
        return new StatusReport.RestoreTimes(policy.rtoTargetMinutes(), measured);
    }

    private static Duration age(Manifest m, Instant now) {
        return Duration.between(m.startedAt(), now);
    }

    private static double hours(Duration d) {
        return Math.round(d.toMinutes() / 6.0) / 10.0;
    }

    static long median(List<Manifest> manifests) {
        return medianOf(manifests.stream().map(Manifest::sizeBytes).toList());
    }

    static long medianOf(List<Long> values) {
        long[] sizes = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int mid = sizes.length / 2;
        return sizes.length % 2 == 1 ? sizes[mid] : (sizes[mid - 1] + sizes[mid]) / 2;
    }
}
