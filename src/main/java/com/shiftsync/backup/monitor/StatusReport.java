package com.shiftsync.backup.monitor;

import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.Tier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code status --json} prints and {@code GET /api/status} answers: per tier the newest
 * good backup and its age, the RPO and RTO targets against what was measured, the restore
 * tests, and the alerts.
 *
 * @param checkedAt      when the report was made
 * @param store          the store looked at ("local" or "azure")
 * @param healthy        true when there is no alert
 * @param rpo            the newest good backup of any tier against RPO_TARGET_HOURS
 * @param tiers          one entry per tier
 * @param verification   the restore tests on record
 * @param restoreTimes   the newest measured restore of each kind ("verify", "restore") against RTO_TARGET_MINUTES
 * @param alerts         what needs attention; empty when healthy
 * @param stores         every store looked at, in order ("local", "azure"): {@code store} names them all
 * @param recovery       server restores' measured recovery times and the recovery drills, or null when not read
 * @param clients        which pg_dump the next backup and which pg_restore a restore of the newest backup would
 *                       use against DATABASE_URL's server, or null when not read
 */
public record StatusReport(Instant checkedAt, String store, boolean healthy, Rpo rpo, List<TierStatus> tiers,
                           VerificationStatus verification, RestoreTimes restoreTimes, List<Alert> alerts,
                           List<String> stores, RecoveryStatus recovery,
                           @com.fasterxml.jackson.annotation.JsonInclude(
                                   com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           com.shiftsync.backup.domain.ClientReadiness clients) {

    public StatusReport {
        tiers = List.copyOf(tiers);
        alerts = List.copyOf(alerts);
        stores = stores == null ? List.of(store) : List.copyOf(stores);
    }

    /** A report of one store. */
    public StatusReport(Instant checkedAt, String store, boolean healthy, Rpo rpo, List<TierStatus> tiers,
                        VerificationStatus verification, RestoreTimes restoreTimes, List<Alert> alerts) {
        this(checkedAt, store, healthy, rpo, tiers, verification, restoreTimes, alerts, null, null, null);
    }

    /** A report of one store, with the recovery part. */
    public StatusReport(Instant checkedAt, String store, boolean healthy, Rpo rpo, List<TierStatus> tiers,
                        VerificationStatus verification, RestoreTimes restoreTimes, List<Alert> alerts,
                        RecoveryStatus recovery) {
        this(checkedAt, store, healthy, rpo, tiers, verification, restoreTimes, alerts, null, recovery, null);
    }

    /**
     * This report with more alerts (those found beside the rules: damaged backups, missing
     * offsite copies), the stores looked at, and which of them hold each tier's newest good backup.
     */
    public StatusReport with(List<Alert> more, List<String> storesRead,
                             java.util.function.Function<String, List<String>> holders) {
        List<Alert> all = new java.util.ArrayList<>(alerts);
        all.addAll(more);
        List<TierStatus> held = tiers.stream().map(t -> t.newestBackupId() == null ? t
                : t.heldBy(holders.apply(t.newestBackupId()))).toList();
        return new StatusReport(checkedAt, String.join(",", storesRead), all.isEmpty(), rpo, held, verification,
                restoreTimes, all, storesRead, recovery, clients);
    }

    /** This report with the clients each command would use, and their alert ({@code client-too-old}) if any. */
    public StatusReport withClients(com.shiftsync.backup.domain.ClientReadiness readiness) {
        List<Alert> all = new java.util.ArrayList<>(alerts);
        readiness.alert().ifPresent(all::add);
        return new StatusReport(checkedAt, store, all.isEmpty(), rpo, tiers, verification, restoreTimes, all, stores,
                recovery, readiness);
    }

    /**
     * What anyone with the function key may see ({@code GET /api/status} without the admin role,
     * monitoring probes): whether the backups are healthy, each alert's code and tier, and ages
     * against the targets. No backup ids, names, hosts, servers, row counts or failure texts:
     * those need the admin role.
     */
    public Health health() {
        return new Health(checkedAt, healthy, new Health.RpoAge(rpo.targetHours(), rpo.ageHours(), rpo.met()),
                tiers.stream().map(t -> new Health.TierAge(t.tier(), t.ageHours())).toList(),
                new Health.RestoreTestAge(verification.maxAgeDays(), verification.lastPassedAt() == null ? null
                        : hoursBetween(verification.lastPassedAt(), checkedAt)),
                alerts.stream().map(a -> new Health.AlertCodeOnly(a.code(), a.tier())).toList(),
                "the full report (backups, restore tests, drills, alert reasons) needs the admin role");
    }

    private static double hoursBetween(Instant from, Instant to) {
        return Math.round(Duration.between(from, to).toMinutes() / 6.0) / 10.0;
    }

    /**
     * The health view of a report: {@link #health()}.
     *
     * @param checkedAt    when the report was made
     * @param healthy      true when there is no alert
     * @param rpo          the newest good backup's age against RPO_TARGET_HOURS
     * @param tiers        per tier, its newest good backup's age
     * @param restoreTest  the newest passed restore test's age against VERIFY_MAX_AGE_DAYS
     * @param alerts       each alert's code and tier
     * @param detail       where the rest is
     */
    public record Health(Instant checkedAt, boolean healthy, RpoAge rpo, List<TierAge> tiers,
                         RestoreTestAge restoreTest, List<AlertCodeOnly> alerts, String detail) {
        public Health {
            tiers = List.copyOf(tiers);
            alerts = List.copyOf(alerts);
        }

        /**
         * @param targetHours RPO_TARGET_HOURS
         * @param ageHours    the newest good backup's age, or null when there is none
         * @param met         whether it is within the target
         */
        public record RpoAge(int targetHours, Double ageHours, boolean met) {
        }

        /** @param ageHours the tier's newest good backup's age, or null when it has none */
        public record TierAge(Tier tier, Double ageHours) {
        }

        /**
         * @param maxAgeDays         VERIFY_MAX_AGE_DAYS
         * @param lastPassedAgeHours the newest passed restore test's age, or null when none passed
         */
        public record RestoreTestAge(int maxAgeDays, Double lastPassedAgeHours) {
        }

        /** @param tier the tier the alert concerns, or null */
        public record AlertCodeOnly(AlertCode code, Tier tier) {
        }
    }

    /**
     * @param targetHours    RPO_TARGET_HOURS
     * @param newestBackupId the newest good backup of any tier, or null
     * @param ageHours       its age, or null
     * @param met            whether the age is within the target
     */
    public record Rpo(int targetHours, String newestBackupId, Double ageHours, boolean met) {
    }

    /**
     * @param tier            the tier
     * @param backups         how many backups of it the store holds
     * @param newestBackupId  its newest good backup, or null
     * @param newestStartedAt when that started
     * @param ageHours        its age in hours (one decimal)
     * @param sizeBytes       its size
     * @param medianSizeBytes the median size of the good backups before it (at most 7), or null with fewer than 3
     * @param tables          tables in its manifest
     * @param rowTotal        rows in its manifest
     * @param newestIn        the stores that hold a complete copy of it ("local", "azure"), or null when unknown
     */
    public record TierStatus(Tier tier, int backups, String newestBackupId, Instant newestStartedAt, Double ageHours,
                             Long sizeBytes, Long medianSizeBytes, Integer tables, Long rowTotal,
                             List<String> newestIn) {
        public TierStatus {
            newestIn = newestIn == null ? null : List.copyOf(newestIn);
        }

        public TierStatus(Tier tier, int backups, String newestBackupId, Instant newestStartedAt, Double ageHours,
                          Long sizeBytes, Long medianSizeBytes, Integer tables, Long rowTotal) {
            this(tier, backups, newestBackupId, newestStartedAt, ageHours, sizeBytes, medianSizeBytes, tables, rowTotal,
                    null);
        }

        TierStatus heldBy(List<String> stores) {
            return new TierStatus(tier, backups, newestBackupId, newestStartedAt, ageHours, sizeBytes, medianSizeBytes,
                    tables, rowTotal, stores);
        }
    }

    /**
     * @param maxAgeDays     VERIFY_MAX_AGE_DAYS
     * @param lastBackupId   the backup of the newest restore test, or null when none is on record
     * @param lastTier       its tier
     * @param lastVerifiedAt when it ran
     * @param lastPassed     whether it passed
     * @param lastReason     why it failed, or null
     * @param lastPassedAt   the newest passed test, or null
     */
    public record VerificationStatus(int maxAgeDays, String lastBackupId, Tier lastTier, Instant lastVerifiedAt,
                                     Boolean lastPassed, String lastReason, Instant lastPassedAt) {
    }

    /**
     * @param targetMinutes RTO_TARGET_MINUTES
     * @param measured      the newest measurement of each kind; empty when no restore was ever measured
     */
    public record RestoreTimes(int targetMinutes, List<RestoreTime> measured) {
        public RestoreTimes {
            measured = List.copyOf(measured);
        }
    }

    /**
     * @param targetMinutes RTO_TARGET_MINUTES
     * @param measured      the newest measured recovery of each way of restoring a server; empty when none was
     * @param drills        the recovery drills
     * @param unreadable    why the operations on record could not be read, or null
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record RecoveryStatus(int targetMinutes, List<MeasuredRecovery> measured, DrillStatus drills,
                                 String unreadable) {
        public RecoveryStatus {
            measured = List.copyOf(measured);
        }
    }

    /**
     * @param method        point-in-time or geo-restore
     * @param operationId   the restore measured
     * @param drill         whether a recovery drill made it
     * @param at            when it ended (the new server verified)
     * @param seconds       from its request to the verified server
     * @param withinTarget  whether that is within RTO_TARGET_MINUTES
     */
    public record MeasuredRecovery(String method, String operationId, boolean drill, Instant at, long seconds,
                                   boolean withinTarget) {
    }

    /**
     * @param enabled      DRILL_ENABLED: the timer drills, and a stale drill is an alert
     * @param maxAgeDays   DRILL_MAX_AGE_DAYS
     * @param last         the newest drill that ended, with its steps and measured recovery time; or null
     * @param lastPassedAt when the newest passed drill ended, or null
     * @param running      the drill running now, or null
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record DrillStatus(boolean enabled, int maxAgeDays, com.shiftsync.backup.domain.Drill last,
                              Instant lastPassedAt, com.shiftsync.backup.domain.Drill running) {
    }

    /**
     * @param kind       "verify" (the restore test) or "restore" (a restore into a named database)
     * @param backupId   the backup restored
     * @param at         when it ended
     * @param durationMs the whole restore: download, checksum, pg_restore, count
     * @param restoreMs  pg_restore alone
     * @param withinRto  whether durationMs is within the target
     */
    public record RestoreTime(String kind, String backupId, Instant at, long durationMs, long restoreMs,
                              boolean withinRto) {
    }
}
