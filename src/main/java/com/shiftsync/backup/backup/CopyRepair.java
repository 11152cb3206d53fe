package com.shiftsync.backup.backup;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.RolesScript;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Makes the copies earlier runs could not: for every complete backup with a
 * {@link PendingCopy} record, the archive is streamed from the store that holds it into
 * each store that lacks it, through SHA-256; only a copy whose size and digest match the
 * manifest is committed (a damaged or altered source is never copied), then its roles file
 * (checked against the manifest too) and its manifest are written and the record updated. Run by the next backup of those stores and by
 * {@code offsite-check --repair}.
 *
 * <p>Only stores other than the offsite one ({@value PendingCopy#OFFSITE}) are searched for
 * records: a local copy lost while Azure holds the backup is no risk, and reading a record
 * per Azure backup at every run would cost for nothing.
 */
public final class CopyRepair {
    private static final Logger LOG = Logger.getLogger(CopyRepair.class.getName());
    private static final int CHUNK = 1024 * 1024;

    private CopyRepair() {
    }

    /**
     * One copy tried.
     *
     * @param backupId the backup
     * @param tier     its tier
     * @param from     the store read ("local")
     * @param to       the store written ("azure")
     * @param copied   whether the copy now exists
     * @param reason   what happened, one sentence
     */
    public record Copied(String backupId, Tier tier, String from, String to, boolean copied, String reason) {
    }

    /**
     * Makes every pending copy from and into {@code stores}.
     *
     * @param targets the names of the stores that may be written (a store that just failed is left alone)
     */
    public static List<Copied> repair(List<BackupStore> stores, Set<String> targets) {
        List<Copied> done = new ArrayList<>();
        for (BackupStore source : stores) {
            if (source.name().equals(PendingCopy.OFFSITE)) {
                continue;
            }
            BackupCatalog catalog;
            try {
                catalog = source.catalog();
            } catch (RuntimeException e) {
                continue;
            }
            for (Manifest m : catalog.complete()) {
                Optional<PendingCopy> pending = pending(source, m);
                if (pending.isEmpty()) {
                    continue;
                }
                PendingCopy left = pending.get();
                for (String missing : pending.get().missing()) {
                    Optional<BackupStore> target = stores.stream().filter(s -> s.name().equals(missing)).findFirst();
                    if (target.isEmpty() || !targets.contains(missing)) {
                        continue;
                    }
                    Copied c = copy(source, target.get(), m);
                    done.add(c);
                    if (c.copied()) {
                        left = left.without(missing);
                    }
                }
                try {
                    if (left.missing().isEmpty()) {
                        source.deleteRecord(m.tier(), m.backupId(), PendingCopy.KIND);
                    } else if (!left.equals(pending.get())) {
                        source.putRecord(m.tier(), m.backupId(), PendingCopy.KIND, left.toJson());
                    }
                } catch (RuntimeException e) {
                    LOG.warning("could not update the pending-copy record of " + m.id() + " in " + source.describe()
                            + ": " + ShiftSyncException.wrap(e).getMessage());
                }
            }
        }
        return done;
    }

    private static Optional<PendingCopy> pending(BackupStore store, Manifest m) {
        try {
            return store.getRecord(m.tier(), m.backupId(), PendingCopy.KIND).map(PendingCopy::read);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Streams the archive through SHA-256 into {@code target}; commits and writes the manifest only when it matches. */
    static Copied copy(BackupStore source, BackupStore target, Manifest m) {
        String what = m.tier() + " backup " + m.id();
        try {
            Optional<BackupCatalog.Entry> there = target.catalog().entry(m.backupId());
            if (there.isPresent() && there.get().complete()) {
                return new Copied(m.id(), m.tier(), source.name(), target.name(), true, what + " was already complete in "
                        + target.describe());
            }
            if (there.isPresent()) {
                return new Copied(m.id(), m.tier(), source.name(), target.name(), false, what + " is damaged in "
                        + target.describe() + " (" + there.get().condition().mark() + "), which is not replaced: "
                        + "remove it there by hand, then repair again");
            }
            Optional<byte[]> roles = Optional.empty();
            if (m.roles() != null) {
                roles = source.getSideFile(m.tier(), m.backupId(), RolesScript.KIND).filter(m.roles()::matches);
                if (roles.isEmpty()) {
                    return new Copied(m.id(), m.tier(), source.name(), target.name(), false, "the roles file of "
                            + what + " in " + source.describe() + " is missing or does not match its manifest: "
                            + "the backup was not copied to " + target.describe());
                }
            }
            // an archive without a manifest is no backup: a failed run's leftover, replaced by the checked copy
            if (target.catalog().orphans().stream().anyMatch(a -> a.id().equals(m.backupId()))) {
                target.deleteArchive(m.tier(), m.backupId());
            }
            target.deleteSideFiles(m.tier(), m.backupId());
            MessageDigest sha = Sha256.digest();
            long size = 0;
            boolean matches;
            try (InputStream in = source.openArchive(m.tier(), m.backupId());
                 ArchiveWriter out = target.createArchive(m.tier(), m.backupId())) {
                byte[] buffer = new byte[CHUNK];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
                matches = size == m.sizeBytes() && Sha256.hex(sha).equals(m.sha256());
                if (matches) {
                    out.commit();
                }
            }
            if (!matches) {
                return new Copied(m.id(), m.tier(), source.name(), target.name(), false, "the copy of " + what + " in "
                        + source.describe() + " does not match its manifest (" + size + " bytes, SHA-256 "
                        + Sha256.hex(sha) + "; expected " + m.sizeBytes() + " bytes, " + m.sha256()
                        + "): it was not copied to " + target.describe());
            }
            if (roles.isPresent()) {
                target.putSideFile(m.tier(), m.backupId(), RolesScript.KIND, roles.get());
            }
            target.putManifest(m);
            return new Copied(m.id(), m.tier(), source.name(), target.name(), true, what + " copied from "
                    + source.describe() + " to " + target.describe() + " (" + size + " bytes, SHA-256 checked)");
        } catch (IOException | RuntimeException e) {
            String why = e instanceof RuntimeException re ? ShiftSyncException.wrap(re).getMessage() : e.getMessage();
            return new Copied(m.id(), m.tier(), source.name(), target.name(), false, "could not copy " + what
                    + " to " + target.describe() + ": " + why);
        }
    }
}
