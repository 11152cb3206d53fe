package com.shiftsync.backup.report;

import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.Wording;
import com.shiftsync.backup.monitor.MonitorJob;
import com.shiftsync.backup.monitor.MonitorPolicy;
import com.shiftsync.backup.monitor.StatusReport;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.verify.BackupListing;
import com.shiftsync.backup.verify.Verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Gathers what the page shows (GET /api/dashboard and {@code report --html} alike): the
 * monitor's status of one store (alerts, the newest good backup per tier), the backups kept
 * now in every store listed, and the history over the window, which still holds the
 * backups, restore tests and restores that retention deleted the traces of. Decides the
 * light of each tier. Reports nothing: reading the page is not an outcome.
 */
public final class DashboardJob {
    /** Rows of the recent-operations table. */
    public static final int RECENT_OPERATIONS = 50;
    private static final Logger LOG = Logger.getLogger(DashboardJob.class.getName());

    private final Clock clock;
    private final MonitorJob monitor;
    private final Supplier<HistoryLog> history;

    public DashboardJob(Clock clock, MonitorJob monitor, Supplier<HistoryLog> history) {
        this.clock = clock;
        this.monitor = monitor;
        this.history = history;
    }

    /**
     * The outcomes on record in {@code window}, oldest first; an outcome reported twice (a
     * queue redelivery finishing an interrupted run) once.
     */
    public List<HistoryEntry> history(Window window) {
        Instant now = clock.instant();
        List<HistoryEntry> entries = history.get().read(window.from(now), now.plusSeconds(60));
        Set<String> seen = new HashSet<>();
        List<HistoryEntry> once = new ArrayList<>();
        for (HistoryEntry e : entries) {
            if (seen.add(e.kind() + "|" + e.id() + "|" + e.time() + "|" + e.result())) {
                once.add(e);
            }
        }
        return once;
    }

    /** Where the history is, for messages. */
    public String historyDescription() {
        return history.get().describe();
    }

    /**
     * The page's content.
     *
     * @param monitored the store whose status the banner and tiers show
     * @param listed    the stores whose backups the table lists (and whose backups not yet on record count as points)
     */
    public Dashboard build(BackupStore monitored, List<BackupStore> listed, Window window) {
        StatusReport status = monitor.read(monitored);
        List<BackupListing.Row> rows = BackupListing.of(listed);
        Instant now = status.checkedAt();
        Instant from = window.from(now);
        List<String> notes = new ArrayList<>();
        List<HistoryEntry> past;
        try {
            past = history(window);
        } catch (RuntimeException e) {
            LOG.warning("the dashboard could not read the history: " + Redaction.redact(e.getMessage()));
            notes.add(Redaction.redact("The history could not be read, so the charts show only the backups kept now: "
                    + e.getMessage()));
            past = List.of();
        }
        MonitorPolicy policy = monitor.policy();
        List<Dashboard.TierLight> lights = status.tiers().stream().map(t -> light(t, policy, now)).toList();
        String rpo = rpoSentence(status.rpo());
        List<HistoryEntry> recent = new ArrayList<>(past);
        recent.sort(Comparator.comparing(HistoryEntry::time).reversed());
        return new Dashboard(now, window.days(), monitored.name(), monitored.describe(), status.healthy(),
                status.alerts(), policy.rpoTargetHours(), policy.rtoTargetMinutes(), rpo, status.rpo().met(), lights,
                backupRows(rows), backupPoints(past, rows, from, now), restoreTests(past, rows, from, now),
                recoveries(past, policy), recent.subList(0, Math.min(RECENT_OPERATIONS, recent.size())), notes);
    }

    /**
     * A tier's light. Daily: green within RPO_TARGET_HOURS, amber past it until the
     * backup-missing alert (MISSING_BACKUP_HOURS), red from then on or without a good backup.
     * Weekly, once in use: green within a week, amber until the alert's 8 days, red after.
     * Manual backups have no schedule: no light.
     */
    static Dashboard.TierLight light(StatusReport.TierStatus t, MonitorPolicy policy, Instant now) {
        Duration age = t.newestStartedAt() == null ? null : Duration.between(t.newestStartedAt(), now);
        String light;
        String sentence;
        switch (t.tier()) {
            case DAILY -> {
                Duration target = Duration.ofHours(policy.rpoTargetHours());
                Duration alert = Duration.ofHours(Math.max(policy.rpoTargetHours(), policy.missingBackupHours()));
                if (age == null) {
                    light = Dashboard.RED;
                    sentence = t.backups() == 0 ? "there is no daily backup at all"
                            : "there is no good daily backup: every one failed its restore test";
                } else if (age.compareTo(target) <= 0) {
                    light = Dashboard.GREEN;
                    sentence = Wording.span(age) + " old, within the RPO target of " + policy.rpoTargetHours() + " h";
                } else if (age.compareTo(alert) <= 0) {
                    light = Dashboard.AMBER;
                    sentence = Wording.span(age) + " old, past the RPO target of " + policy.rpoTargetHours()
                            + " h; the backup-missing alert comes at " + policy.missingBackupHours() + " h";
                } else {
                    light = Dashboard.RED;
                    sentence = Wording.span(age) + " old: no daily backup in the last " + Wording.span(alert)
                            + " (RPO target " + policy.rpoTargetHours() + " h)";
                }
            }
            case WEEKLY -> {
                Duration week = Duration.ofDays(7);
                if (t.backups() == 0) {
                    light = Dashboard.NONE;
                    sentence = "not in use: no weekly backup";
                } else if (age == null) {
                    light = Dashboard.RED;
                    sentence = "there is no good weekly backup: every one failed its restore test";
                } else if (age.compareTo(week) <= 0) {
                    light = Dashboard.GREEN;
                    sentence = Wording.span(age) + " old, within the week";
                } else if (age.compareTo(MonitorPolicy.WEEKLY_LIMIT) <= 0) {
                    light = Dashboard.AMBER;
                    sentence = Wording.span(age) + " old: this week's backup is due; the alert comes at "
                            + Wording.span(MonitorPolicy.WEEKLY_LIMIT);
                } else {
                    light = Dashboard.RED;
                    sentence = Wording.span(age) + " old: no weekly backup in the last "
                            + Wording.span(MonitorPolicy.WEEKLY_LIMIT);
                }
            }
            default -> {
                light = Dashboard.NONE;
                sentence = age == null ? "none: manual backups are made on demand"
                        : Wording.span(age) + " old; manual backups are made on demand";
            }
        }
        return new Dashboard.TierLight(t.tier(), light, t.newestBackupId(), t.newestStartedAt(), t.ageHours(),
                sentence);
    }

    private static String rpoSentence(StatusReport.Rpo rpo) {
        if (rpo.newestBackupId() == null) {
            return "RPO target " + rpo.targetHours() + " h: missed, there is no good backup";
        }
        return "RPO target " + rpo.targetHours() + " h: " + (rpo.met() ? "met" : "missed") + ", the newest good backup ("
                + rpo.newestBackupId() + ") is " + Wording.span(Duration.ofMinutes(Math.round(rpo.ageHours() * 60)))
                + " old";
    }

    /** One row per backup, newest first, with every store that holds it and its newest restore test. */
    private static List<Dashboard.BackupRow> backupRows(List<BackupListing.Row> rows) {
        Map<String, List<BackupListing.Row>> byId = new LinkedHashMap<>();
        for (BackupListing.Row r : rows) {
            byId.computeIfAbsent(r.manifest().id(), k -> new ArrayList<>()).add(r);
        }
        List<Dashboard.BackupRow> out = new ArrayList<>();
        for (List<BackupListing.Row> same : byId.values()) {
            Manifest m = same.get(0).manifest();
            Verification v = same.stream().map(BackupListing.Row::verification).filter(Objects::nonNull)
                    .max(Comparator.comparing(Verification::verifiedAt)).orElse(null);
            Set<String> stores = new LinkedHashSet<>();
            same.forEach(r -> stores.add(r.store()));
            out.add(new Dashboard.BackupRow(m.id(), m.tier(), m.startedAt(), List.copyOf(stores), m.sizeBytes(),
                    m.sha256(), m.totalRows(), v == null ? null : (v.passed() ? "passed" : "failed"),
                    v == null ? null : v.verifiedAt(), v == null || v.reason() == null ? null : Redaction.redact(v.reason())));
        }
        return out;
    }

    /** The history's backups in the window, and the kept backups it has no entry of (made before it was kept). */
    private static List<Dashboard.BackupPoint> backupPoints(List<HistoryEntry> past, List<BackupListing.Row> rows,
                                                            Instant from, Instant now) {
        Map<String, Dashboard.BackupPoint> points = new LinkedHashMap<>();
        for (HistoryEntry e : past) {
            if (HistoryEntry.BACKUP.equals(e.kind()) && e.succeeded() && e.id() != null) {
                points.putIfAbsent(e.id(), new Dashboard.BackupPoint(e.time(), e.id(), e.tier(), e.sizeBytes(),
                        e.durationMs(), e.rowTotal()));
            }
        }
        for (BackupListing.Row r : rows) {
            Manifest m = r.manifest();
            if (!points.containsKey(m.id()) && !m.finishedAt().isBefore(from) && !m.finishedAt().isAfter(now)) {
                points.put(m.id(), new Dashboard.BackupPoint(m.finishedAt(), m.id(), m.tier().folder(), m.sizeBytes(),
                        Duration.between(m.startedAt(), m.finishedAt()).toMillis(), m.totalRows()));
            }
        }
        return points.values().stream().sorted(Comparator.comparing(Dashboard.BackupPoint::time)).toList();
    }

    private static List<Dashboard.TestPoint> restoreTests(List<HistoryEntry> past, List<BackupListing.Row> rows,
                                                          Instant from, Instant now) {
        Map<String, Dashboard.TestPoint> tests = new LinkedHashMap<>();
        for (HistoryEntry e : past) {
            if (HistoryEntry.RESTORE_TEST.equals(e.kind())) {
                tests.putIfAbsent(e.id() + "|" + e.time(), new Dashboard.TestPoint(e.time(), e.id(), e.tier(),
                        e.succeeded(), e.durationMs(), e.reason()));
            }
        }
        for (BackupListing.Row r : rows) {
            Verification v = r.verification();
            if (v != null && !v.verifiedAt().isBefore(from) && !v.verifiedAt().isAfter(now)) {
                tests.putIfAbsent(v.backupId() + "|" + v.verifiedAt(), new Dashboard.TestPoint(v.verifiedAt(),
                        v.backupId(), v.tier().folder(), v.passed(), v.durationMs(),
                        v.reason() == null ? null : Redaction.redact(v.reason())));
            }
        }
        return tests.values().stream().sorted(Comparator.comparing(Dashboard.TestPoint::time)).toList();
    }

    /** Every outcome with a measured recovery time, whatever its kind (recoveries and drills included as they come). */
    private static List<Dashboard.RecoveryPoint> recoveries(List<HistoryEntry> past, MonitorPolicy policy) {
        long target = Duration.ofMinutes(policy.rtoTargetMinutes()).toMillis();
        List<Dashboard.RecoveryPoint> out = new ArrayList<>();
        for (HistoryEntry e : past) {
            if (e.recoveryMs() != null && !HistoryEntry.RESTORE_TEST.equals(e.kind())) {
                out.add(new Dashboard.RecoveryPoint(e.time(), e.kind(), e.id(), what(e), e.succeeded(), e.recoveryMs(),
                        e.recoveryMs() <= target));
            }
        }
        out.sort(Comparator.comparing(Dashboard.RecoveryPoint::time));
        return out;
    }

    /**
     * "point-in-time into shiftsync-db-restored", "recovery drill: point-in-time into
     * shiftsync-db-drill-202401151200", "shiftsync_backup_... into shiftsync_restored on host:5432".
     */
    static String what(HistoryEntry e) {
        Object method = e.details().get("method");
        Object target = e.details().get("target");
        StringBuilder b = new StringBuilder();
        if ("true".equals(e.details().get("drill"))) {
            b.append("recovery drill: ");
        }
        b.append(method != null ? method : (e.id() == null ? e.kind() : e.id()));
        if (target != null) {
            b.append(" into ").append(target);
        }
        return Redaction.redact(b.toString());
    }
}
