package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The stable codes of every alert the product raises. Alert rules and dashboards match on
 * these ids, so they never change meaning; a new condition gets a new code.
 */
public enum AlertCode {
    /** No backup of a tier newer than its limit (daily: MISSING_BACKUP_HOURS, weekly: 8 days). */
    BACKUP_MISSING("backup-missing"),
    /** The newest backup's size is outside SIZE_ANOMALY_PERCENT of the median of the tier's 7 before it. */
    SIZE_ANOMALY("size-anomaly"),
    /** A table that had rows in the tier's previous backup has none in the newest. */
    TABLE_EMPTIED("table-emptied"),
    /** No backup passed a restore test within VERIFY_MAX_AGE_DAYS. */
    VERIFICATION_STALE("verification-stale"),
    /** The newest restore test failed. */
    VERIFICATION_FAILED("verification-failed"),
    /** The newest measured restore took longer than RTO_TARGET_MINUTES. */
    RTO_EXCEEDED("rto-exceeded"),
    /** The offsite check found no Azure copy of a tier's newest backup. */
    OFFSITE_COPY_MISSING("offsite-copy-missing"),
    /** The offsite check read an Azure copy whose size or SHA-256 differs from its manifest. */
    OFFSITE_COPY_MISMATCH("offsite-copy-mismatch"),
    /**
     * A backup is not complete: its archive is missing or of the wrong size, its manifest cannot be
     * read, or its manifest does not authenticate (not written by this deployment, or altered).
     */
    BACKUP_DAMAGED("backup-damaged"),
    /**
     * A backup started more than 5 minutes after the monitor's clock (a clock ahead, a planted
     * manifest): it is kept but never latest, and counts neither for the RPO nor for the floor.
     */
    BACKUP_FROM_THE_FUTURE("backup-from-the-future"),
    /**
     * MANIFEST_KEY_SECRET is not set: manifests carry no MAC, so an archive rewritten together with
     * its manifest in the storage account would pass every check.
     */
    MANIFESTS_UNAUTHENTICATED("manifests-unauthenticated"),
    /** A backup made with an offsite copy has none in Azure (its upload failed); the next run or offsite-check --repair uploads it. */
    OFFSITE_MISSING("offsite-missing"),
    /** The newest recovery drill failed (its restore, its verification, or the deletion of its server). */
    DRILL_FAILED("drill-failed"),
    /** The newest recovery drill's measured recovery time is over RTO_TARGET_MINUTES. */
    DRILL_RTO_EXCEEDED("drill-rto-exceeded"),
    /** Drills are enabled and none passed within DRILL_MAX_AGE_DAYS. */
    DRILL_STALE("drill-stale"),
    /** The server's major is newer than every pg_dump here: the next backup will fail (names the package to install). */
    CLIENT_TOO_OLD("client-too-old");

    private final String id;

    AlertCode(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
