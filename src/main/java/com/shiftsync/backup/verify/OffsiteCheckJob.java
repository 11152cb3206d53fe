package com.shiftsync.backup.verify;

import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.backup.CopyRepair;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Reporter;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The guide's weekly "offsite backup verification": the newest copy of each tier in Azure
 * is read back in full and its size and SHA-256 compared with its manifest, so a copy that
 * was lost, truncated or altered in the storage account is found within a week rather than
 * on the day it is needed. Daily and weekly copies must exist; manual ones are checked when
 * there are any. Reading streams through the digest: nothing is kept on disk.
 *
 * <p>A copy whose manifest does not authenticate ({@link BackupCatalog}: not written by this
 * deployment, or altered) is refused unread, as damaged; so is one whose manifest contradicts
 * the audit log's record of what was committed ({@link BackupWitness}), since a manifest
 * rewritten with its archive would match the archive.
 */
public final class OffsiteCheckJob {
    private static final Set<Tier> REQUIRED = Set.of(Tier.DAILY, Tier.WEEKLY);

    private final Clock clock;
    private final BackupWitness witness;

    public OffsiteCheckJob(Clock clock) {
        this(clock, BackupWitness.none());
    }

    /** @param witness the audit log's records of committed backups, each copy is held to */
    public OffsiteCheckJob(Clock clock, BackupWitness witness) {
        this.clock = clock;
        this.witness = witness;
    }

    /** Reads back the newest copy of each tier in {@code store} and reports the result (and each alert). */
    public OffsiteReport run(BackupStore store, Reporter reporter) {
        return run(store, List.of(), reporter);
    }

    /**
     * {@code offsite-check --repair}: first uploads to {@code store} every backup whose upload
     * failed ({@link com.shiftsync.backup.backup.PendingCopy}), from a store in {@code from} that
     * holds it complete, after checking its SHA-256 ({@link CopyRepair}); then the check.
     */
    public OffsiteReport repair(BackupStore store, List<BackupStore> from, Reporter reporter) {
        List<BackupStore> all = new ArrayList<>(from);
        all.add(store);
        return run(store, all, reporter);
    }

    private OffsiteReport run(BackupStore store, List<BackupStore> repairFrom, Reporter reporter) {
        try {
            List<CopyRepair.Copied> repairs = repairFrom.isEmpty() ? List.of()
                    : CopyRepair.repair(repairFrom, Set.of(store.name()));
            OffsiteReport report = check(store).withRepairs(repairs);
            VerifyEvents.offsite(report, reporter);
            return report;
        } catch (RuntimeException e) {
            reporter.event(Event.failed(VerifyEvents.OFFSITE_FAILED, Map.of("store", store.name()), e));
            throw e;
        }
    }

    private OffsiteReport check(BackupStore store) {
        // every readable manifest: a newest copy that lost its archive is what this check is for
        List<BackupCatalog.Entry> all = store.catalog().entries().stream().filter(e -> e.manifest() != null).toList();
        List<OffsiteCopy> copies = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            Optional<BackupCatalog.Entry> newest = all.stream().filter(e -> e.tier() == tier).findFirst();
            if (newest.isEmpty()) {
                if (REQUIRED.contains(tier)) {
                    String reason = "there is no " + tier + " backup in " + store.describe();
                    copies.add(new OffsiteCopy(tier, null, false, null, null, 0, reason));
                    alerts.add(new Alert(AlertCode.OFFSITE_COPY_MISSING, tier, reason));
                }
                continue;
            }
            Manifest m = newest.get().manifest();
            Optional<String> forged = newest.get().condition() == BackupCatalog.Condition.NOT_AUTHENTIC
                    ? Optional.of(newest.get().reason()) : witness.contradiction(m);
            if (forged.isPresent()) {
                copies.add(new OffsiteCopy(tier, m.id(), false, m.sha256(), null, 0, forged.get()));
                alerts.add(new Alert(AlertCode.BACKUP_DAMAGED, tier, forged.get()));
                continue;
            }
            OffsiteCopy copy = readBack(store, m);
            copies.add(copy);
            if (!copy.passed()) {
                alerts.add(new Alert(copy.actualSha256() == null ? AlertCode.OFFSITE_COPY_MISSING
                        : AlertCode.OFFSITE_COPY_MISMATCH, tier, copy.reason()));
            }
        }
        return new OffsiteReport(clock.instant(), store.name(), copies, alerts);
    }

    private static OffsiteCopy readBack(BackupStore store, Manifest m) {
        MessageDigest sha = Sha256.digest();
        long size = 0;
        byte[] buffer = new byte[1024 * 1024];
        try (InputStream in = store.openArchive(m.tier(), m.backupId())) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof RuntimeException re ? ShiftSyncException.wrap(re).getMessage() : e.getMessage();
            return new OffsiteCopy(m.tier(), m.id(), false, m.sha256(), null, size,
                    "the archive of " + m.tier() + " backup " + m.id() + " could not be read back from "
                            + store.describe() + ": " + why);
        }
        String actual = Sha256.hex(sha);
        if (size != m.sizeBytes() || !actual.equals(m.sha256())) {
            return new OffsiteCopy(m.tier(), m.id(), false, m.sha256(), actual, size,
                    "the archive of " + m.tier() + " backup " + m.id() + " in " + store.describe()
                            + " does not match its manifest (" + size + " bytes, SHA-256 " + actual + "; expected "
                            + m.sizeBytes() + " bytes, " + m.sha256() + ")");
        }
        return new OffsiteCopy(m.tier(), m.id(), true, m.sha256(), actual, size, null);
    }
}
