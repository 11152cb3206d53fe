package com.shiftsync.backup.monitor;

import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.adapter.local.LocalHistoryLog;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.restore.RestoreCheck;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.TestKeys;
import com.shiftsync.backup.verify.Verification;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor's rules on histories planted in a real Blob container (Azurite), evaluated on
 * a fixed clock: a healthy history raises nothing, and each problem the guide asks to be
 * told about raises exactly one alert whose reason a person can act on.
 */
class MonitorJobIT {
    /** Wednesday 09:00 UTC: today's 02:00 daily backup is 7 hours old. */
    static final Instant NOW = Instant.parse("2024-03-20T09:00:00Z");
    static final Instant TODAY_0200 = Instant.parse("2024-03-20T02:00:00Z");
    static final long USUAL_SIZE = 1_000_000;

    /** One planted backup: its tier, start, size and row counts, plus records. */
    record Planted(Tier tier, Instant startedAt, long sizeBytes, Map<String, Long> rowCounts,
                   Verification verification, RestoreCheck restoreCheck) {
        Planted with(UnaryOperator<Map<String, Long>> counts) {
            return new Planted(tier, startedAt, sizeBytes, counts.apply(new TreeMap<>(rowCounts)), verification,
                    restoreCheck);
        }

        Planted sized(long size) {
            return new Planted(tier, startedAt, size, rowCounts, verification, restoreCheck);
        }

        Planted verified(Verification v) {
            return new Planted(tier, startedAt, sizeBytes, rowCounts, v, restoreCheck);
        }

        Planted restored(RestoreCheck c) {
            return new Planted(tier, startedAt, sizeBytes, rowCounts, verification, c);
        }

        BackupId id() {
            return BackupId.of("shiftsync", startedAt);
        }
    }

    /** Ten daily backups (02:00, the newest today), two weekly ones, a passed restore test 5 days ago, a restore. */
    static List<Planted> healthy() {
        List<Planted> history = new ArrayList<>();
        for (int daysAgo = 9; daysAgo >= 0; daysAgo--) {
            Instant at = TODAY_0200.minus(Duration.ofDays(daysAgo));
            history.add(new Planted(Tier.DAILY, at, USUAL_SIZE + (9 - daysAgo) * 2_000L, counts(2000 + 10L * (9 - daysAgo)),
                    null, null));
        }
        for (int weeksAgo : List.of(1, 2)) {
            Instant at = Instant.parse("2024-03-17T03:00:00Z").minus(Duration.ofDays(7L * (weeksAgo - 1)));
            history.add(new Planted(Tier.WEEKLY, at, USUAL_SIZE, counts(2000), null, null));
        }
        int fiveDaysAgo = 4;
        Planted p = history.get(fiveDaysAgo);
        history.set(fiveDaysAgo, p.verified(verification(p, p.startedAt().plus(Duration.ofHours(2)), true))
                .restored(restoreCheck(p, p.startedAt().plus(Duration.ofHours(3)), Duration.ofMinutes(4))));
        return history;
    }

    static Map<String, Long> counts(long shifts) {
        Map<String, Long> counts = new TreeMap<>();
        counts.put("public.organisations", 3L);
        counts.put("public.users", 60L);
        counts.put("public.shifts", shifts);
        counts.put("public.uploads", 300L);
        counts.put("public.upload_analytics", 1500L);
        return counts;
    }

    static Verification verification(Planted p, Instant at, boolean passed) {
        return new Verification(p.id().toString(), p.tier(), "azure", passed, at, passed ? "compare" : "compare",
                passed ? null : "1 of 5 tables differ from the manifest: public.shifts: 1,999 rows restored, "
                        + "the manifest counted 2,000", 5, List.of(), List.of(), "shiftsync_verify_x", true, 1, 2_000,
                40_000, 60_000, List.of(), null);
    }

    static RestoreCheck restoreCheck(Planted p, Instant at, Duration took) {
        return new RestoreCheck(p.id().toString(), p.tier(), "azure", "127.0.0.1:5432", "shiftsync_restored", true, at,
                true, 5, List.of(), List.of(), took.toMillis() / 2, took.toMillis());
    }

    static BackupStore plant(List<Planted> history) {
        BackupStore store = new BlobBackupStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient("monitor-" + Long.toHexString(System.nanoTime())), TestKeys.manifestKey());
        for (Planted p : history) {
            // a complete backup: an archive of the manifest's size (the monitor checks sizes, never contents)
            try (com.shiftsync.backup.port.ArchiveWriter w = store.createArchive(p.tier(), p.id())) {
                byte[] zeros = new byte[(int) p.sizeBytes()];
                w.write(zeros, 0, zeros.length);
                w.commit();
            }
            store.putManifest(TestKeys.signed(new Manifest(p.id().toString(), "shiftsync", p.tier(), p.startedAt(),
                    p.startedAt().plusSeconds(40), p.sizeBytes(), "ab".repeat(32), "15.8", "pg_dump (PostgreSQL) 15.8",
                    Manifest.CUSTOM_FORMAT, p.rowCounts())));
            if (p.verification() != null) {
                store.putRecord(p.tier(), p.id(), Verification.KIND, p.verification().toJson());
            }
            if (p.restoreCheck() != null) {
                store.putRecord(p.tier(), p.id(), RestoreCheck.KIND, p.restoreCheck().toJson());
            }
        }
        return store;
    }

    static StatusReport evaluate(List<Planted> history) {
        StatusReport report = new MonitorJob(Clock.fixed(NOW, ZoneOffset.UTC), MonitorPolicy.defaults())
                .read(plant(history));
        CapturedOutput.record(report.toString());
        return report;
    }

    static Alert onlyAlert(StatusReport report, AlertCode code) {
        assertEquals(1, report.alerts().size(), "exactly one alert: " + report.alerts());
        Alert alert = report.alerts().get(0);
        assertEquals(code, alert.code(), alert.toString());
        return alert;
    }

    /** healthy() lists the daily backups oldest first, so the newest daily is the tenth. */
    static int indexOfNewestDaily(List<Planted> history) {
        assertEquals(TODAY_0200, history.get(9).startedAt());
        return 9;
    }

    @Test
    @DisplayName("a healthy history raises no alert, and the report shows ages, sizes, the restore test and restore times")
    void healthyHistory() {
        StatusReport report = evaluate(healthy());

        assertEquals(List.of(), report.alerts());
        assertTrue(report.healthy());
        assertEquals("azure", report.store());
        assertEquals(NOW, report.checkedAt());
        StatusReport.TierStatus daily = report.tiers().get(0);
        assertEquals(Tier.DAILY, daily.tier());
        assertEquals(10, daily.backups());
        assertEquals("shiftsync_backup_20240320_020000", daily.newestBackupId());
        assertEquals(7.0, daily.ageHours());
        assertEquals(USUAL_SIZE + 18_000, daily.sizeBytes());
        assertEquals(USUAL_SIZE + 10_000, daily.medianSizeBytes(), "median of the 7 before the newest");
        assertEquals(2, report.tiers().get(1).backups());
        assertEquals(0, report.tiers().get(2).backups());
        assertEquals(new StatusReport.Rpo(24, "shiftsync_backup_20240320_020000", 7.0, true), report.rpo());
        assertEquals("shiftsync_backup_20240315_020000", report.verification().lastBackupId());
        assertEquals(Boolean.TRUE, report.verification().lastPassed());
        assertEquals(List.of("verify", "restore"),
                report.restoreTimes().measured().stream().map(StatusReport.RestoreTime::kind).toList());
        assertTrue(report.restoreTimes().measured().stream().allMatch(StatusReport.RestoreTime::withinRto));
    }

    @Test
    @DisplayName("a day with no backup: one backup-missing alert for the daily tier, naming the newest backup and its age")
    void dayWithoutBackup() {
        List<Planted> history = healthy();
        history.remove(indexOfNewestDaily(history));

        Alert alert = onlyAlert(evaluate(history), AlertCode.BACKUP_MISSING);

        assertEquals(Tier.DAILY, alert.tier());
        assertEquals("no daily backup in the last 26 h: the newest, shiftsync_backup_20240319_020000, started "
                + "2024-03-19 02:00Z, 31 h ago", alert.reason());
    }

    @Test
    @DisplayName("a backup 60 % smaller than usual: one size-anomaly alert")
    void muchSmaller() {
        List<Planted> history = healthy();
        Planted newest = history.get(indexOfNewestDaily(history));
        history.set(indexOfNewestDaily(history), newest.sized((USUAL_SIZE + 10_000) * 4 / 10));

        Alert alert = onlyAlert(evaluate(history), AlertCode.SIZE_ANOMALY);

        assertEquals(Tier.DAILY, alert.tier());
        assertEquals("daily backup shiftsync_backup_20240320_020000 is 394.5 KiB, 60 % smaller than the median "
                + "986.3 KiB of the 7 good daily backups before it (allowed: ±50 %)", alert.reason());
    }

    @Test
    @DisplayName("a table that lost all its rows: one table-emptied alert naming it")
    void tableEmptied() {
        List<Planted> history = healthy();
        Planted newest = history.get(indexOfNewestDaily(history));
        history.set(indexOfNewestDaily(history), newest.with(c -> {
            c.put("public.uploads", 0L);
            return c;
        }));

        Alert alert = onlyAlert(evaluate(history), AlertCode.TABLE_EMPTIED);

        assertEquals(Tier.DAILY, alert.tier());
        assertEquals("a table lost all rows between daily backups shiftsync_backup_20240319_020000 and "
                + "shiftsync_backup_20240320_020000: public.uploads (300 rows before)", alert.reason());
    }

    @Test
    @DisplayName("a restore test 40 days old and none since: one verification-stale alert")
    void verificationStale() {
        List<Planted> history = healthy();
        int fiveDaysAgo = 4;
        Planted p = history.get(fiveDaysAgo);
        history.set(fiveDaysAgo, new Planted(p.tier(), p.startedAt(), p.sizeBytes(), p.rowCounts(), null, null));
        Instant fortyOneDaysAgo = TODAY_0200.minus(Duration.ofDays(41));
        Planted old = new Planted(Tier.DAILY, fortyOneDaysAgo, USUAL_SIZE, counts(1900), null, null);
        history.add(old.verified(verification(old, NOW.minus(Duration.ofDays(40)), true)));

        Alert alert = onlyAlert(evaluate(history), AlertCode.VERIFICATION_STALE);

        assertNull(alert.tier());
        assertEquals("no backup passed a restore test in the last 35 days: the last test that passed was of "
                + "shiftsync_backup_20240208_020000, 2024-02-09 09:00Z, 40 days ago", alert.reason());
    }

    @Test
    @DisplayName("a failed restore test: one verification-failed alert with its reason")
    void verificationFailed() {
        List<Planted> history = healthy();
        Planted p = history.get(7);
        history.set(7, p.verified(verification(p, p.startedAt().plus(Duration.ofHours(2)), false)));

        StatusReport report = evaluate(history);
        Alert alert = onlyAlert(report, AlertCode.VERIFICATION_FAILED);

        assertTrue(alert.reason().startsWith("the restore test of shiftsync_backup_20240318_020000 on 2024-03-18 "
                + "04:00Z failed: 1 of 5 tables differ from the manifest: public.shifts"), alert.reason());
        assertTrue(alert.reason().endsWith("(the last test that passed was of shiftsync_backup_20240315_020000, "
                + "2024-03-15 04:00Z, 5 days 5 h ago)"), alert.reason());
        assertEquals("shiftsync_backup_20240320_020000", report.tiers().get(0).newestBackupId());
    }

    @Test
    @DisplayName("a restore slower than the RTO target: one rto-exceeded alert")
    void slowRestore() {
        List<Planted> history = healthy();
        Planted p = history.get(8);
        history.set(8, p.restored(restoreCheck(p, NOW.minus(Duration.ofHours(5)), Duration.ofMinutes(150))));

        StatusReport report = evaluate(history);
        Alert alert = onlyAlert(report, AlertCode.RTO_EXCEEDED);

        assertEquals("restores take longer than the RTO target of 120 min: the restore of "
                + "shiftsync_backup_20240319_020000 on 2024-03-20 04:00Z took 2 h 30 min", alert.reason());
    }

    @Test
    @DisplayName("nothing at all: the daily backup is missing and no restore test ever passed")
    void empty() {
        StatusReport report = evaluate(List.of());
        assertEquals(List.of(AlertCode.BACKUP_MISSING, AlertCode.VERIFICATION_STALE),
                report.alerts().stream().map(Alert::code).toList());
        assertEquals("there is no daily backup at all", report.alerts().get(0).reason());
        assertEquals("no backup passed a restore test in the last 35 days: no backup has ever passed one",
                report.alerts().get(1).reason());
        assertEquals(new StatusReport.Rpo(24, null, null, false), report.rpo());
    }

    @Test
    @DisplayName("the size band reads the history: after retention left two daily backups, the ones only the history "
            + "knows still make the median, and one whose restore test failed on record does not count")
    void sizeBandOutlivesRetention() throws IOException {
        HistoryLog log = new LocalHistoryLog(Files.createTempDirectory("shiftsync-history-it"));
        List<Planted> kept = new ArrayList<>();
        for (int daysAgo = 9; daysAgo >= 0; daysAgo--) {
            Instant at = TODAY_0200.minus(Duration.ofDays(daysAgo));
            long size = daysAgo == 0 ? USUAL_SIZE * 4 / 10 : daysAgo == 3 ? USUAL_SIZE * 10 : USUAL_SIZE;
            Planted p = new Planted(Tier.DAILY, at, size, counts(2000), null, null);
            log.append(HistoryEntry.of(at.plusSeconds(40), HistoryEntry.BACKUP, p.id().toString(), "daily", true)
                    .withSize(size).withDuration(40_000L).withRowTotal(3863L));
            if (daysAgo <= 1) {
                kept.add(p);
            }
        }
        String bad = BackupId.of("shiftsync", TODAY_0200.minus(Duration.ofDays(3))).toString();
        log.append(HistoryEntry.of(TODAY_0200.minus(Duration.ofDays(3)).plusSeconds(4000), HistoryEntry.RESTORE_TEST,
                bad, "daily", false).withReason("1 of 5 tables differ"));
        BackupStore store = plant(kept);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

        StatusReport withHistory = new MonitorJob(clock, MonitorPolicy.defaults(), () -> log,
                com.shiftsync.backup.domain.DrillPolicy.defaults(), List::of).read(store);
        CapturedOutput.record(withHistory.toString());
        Alert alert = withHistory.alerts().stream().filter(a -> a.code() == AlertCode.SIZE_ANOMALY).findFirst()
                .orElseThrow(() -> new AssertionError("no size-anomaly alert: " + withHistory.alerts()));
        assertEquals("daily backup shiftsync_backup_20240320_020000 is 390.6 KiB, 60 % smaller than the median "
                + "976.6 KiB of the 7 good daily backups before it (allowed: ±50 %)", alert.reason());
        assertEquals(USUAL_SIZE, withHistory.tiers().get(0).medianSizeBytes());

        StatusReport storeOnly = new MonitorJob(clock, MonitorPolicy.defaults()).read(store);
        assertTrue(storeOnly.alerts().stream().noneMatch(a -> a.code() == AlertCode.SIZE_ANOMALY),
                "one backup before the newest is too few for a median: " + storeOnly.alerts());
        assertNull(storeOnly.tiers().get(0).medianSizeBytes());
    }
}
