package com.shiftsync.backup.report;

import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Tier;

import java.time.Instant;
import java.util.List;

/**
 * What the page shows, decided before it is drawn: the alerts, a light per tier, the
 * points of every chart (one per backup, restore test or restore in the window), the
 * backups still kept and the recent operations. {@link DashboardPage} only renders this.
 *
 * @param generatedAt      when it was made
 * @param days             the window
 * @param store            the store the status was read from ("azure" or "local")
 * @param storeDescription where that is, for people
 * @param healthy          no alert
 * @param alerts           every alert of the status, in its order
 * @param rpoTargetHours   RPO_TARGET_HOURS
 * @param rtoTargetMinutes RTO_TARGET_MINUTES
 * @param rpo              the RPO line: one sentence, and whether it is met
 * @param rpoMet           whether the newest good backup of any tier is within the RPO target
 * @param tiers            a light per tier
 * @param backups          the backups kept now, newest first, one row per backup whatever holds it
 * @param backupPoints     every backup made in the window, oldest first
 * @param restoreTests     every restore test in the window, oldest first
 * @param recoveries       every restore, server restore, recovery and drill with a measured time, oldest first
 * @param operations       the most recent outcomes of every kind, newest first
 * @param notes            what the page could not show, each one sentence (an unreadable history); usually empty
 */
public record Dashboard(Instant generatedAt, int days, String store, String storeDescription, boolean healthy,
                        List<Alert> alerts, int rpoTargetHours, int rtoTargetMinutes, String rpo, boolean rpoMet,
                        List<TierLight> tiers, List<BackupRow> backups, List<BackupPoint> backupPoints,
                        List<TestPoint> restoreTests, List<RecoveryPoint> recoveries, List<HistoryEntry> operations,
                        List<String> notes) {
    public static final String GREEN = "green";
    public static final String AMBER = "amber";
    public static final String RED = "red";
    /** A tier without a schedule to hold it to (manual), or one not in use (weekly without any backup). */
    public static final String NONE = "none";

    public Dashboard {
        alerts = List.copyOf(alerts);
        tiers = List.copyOf(tiers);
        backups = List.copyOf(backups);
        backupPoints = List.copyOf(backupPoints);
        restoreTests = List.copyOf(restoreTests);
        recoveries = List.copyOf(recoveries);
        operations = List.copyOf(operations);
        notes = List.copyOf(notes);
    }

    /**
     * @param tier            the tier
     * @param light           {@value #GREEN}, {@value #AMBER}, {@value #RED} or {@value #NONE}
     * @param newestBackupId  its newest good backup, or null
     * @param newestStartedAt when that started, or null
     * @param ageHours        its age, or null
     * @param sentence        the light in words: the age against the limit
     */
    public record TierLight(Tier tier, String light, String newestBackupId, Instant newestStartedAt, Double ageHours,
                            String sentence) {
    }

    /**
     * @param id               the backup
     * @param tier             its tier
     * @param startedAt        its age's origin
     * @param stores           the stores holding it ("local", "azure")
     * @param sizeBytes        the archive's size
     * @param sha256           the archive's SHA-256
     * @param rowTotal         rows in its manifest
     * @param restoreTest      {@code passed}, {@code failed}, or null when never tested
     * @param testedAt         when its newest restore test ended, or null
     * @param testReason       why that failed, or null
     */
    public record BackupRow(String id, Tier tier, Instant startedAt, List<String> stores, long sizeBytes,
                            String sha256, long rowTotal, String restoreTest, Instant testedAt, String testReason) {
        public BackupRow {
            stores = List.copyOf(stores);
        }
    }

    /** A backup made in the window: the x of the size, duration and row charts. */
    public record BackupPoint(Instant time, String id, String tier, Long sizeBytes, Long durationMs, Long rowTotal) {
    }

    /** A restore test in the window. */
    public record TestPoint(Instant time, String backupId, String tier, boolean passed, Long durationMs,
                            String reason) {
    }

    /**
     * A measured recovery in the window.
     *
     * @param kind       restore, server-restore, recovery, drill, ...
     * @param id         the backup or operation
     * @param what       what was restored where, for people
     * @param succeeded  whether it ended well
     * @param recoveryMs from the request to a usable database
     * @param withinRto  whether that is within RTO_TARGET_MINUTES
     */
    public record RecoveryPoint(Instant time, String kind, String id, String what, boolean succeeded, long recoveryMs,
                                boolean withinRto) {
    }
}
