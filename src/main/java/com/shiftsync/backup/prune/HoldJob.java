package com.shiftsync.backup.prune;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;

/**
 * Legal holds on backups ({@code hold} and {@code release}): a held backup is deleted by nobody,
 * prune and the account's owners included, until the hold is lifted, whatever its retention
 * says; for a backup that must outlive its retention (an investigation, a dispute). Holds live in
 * Blob Storage with version-level immutability; the CLI wraps each call in an audit record.
 */
public final class HoldJob {
    private final BackupStore store;

    /** @param store the store whose backups are held: Blob Storage */
    public HoldJob(BackupStore store) {
        this.store = store;
    }

    /**
     * What a hold or release did.
     *
     * @param id       the backup
     * @param tier     its tier
     * @param location the store, in words
     * @param held     whether the backup is now held
     */
    public record Result(String id, Tier tier, String location, boolean held) {
    }

    /** Puts the hold on ({@code hold} true) or lifts it, on every blob of backup {@code id} but its records. */
    public Result set(String id, boolean hold) {
        BackupId backup = BackupId.parse(id);
        BackupCatalog catalog = store.catalog();
        Tier tier = catalog.entry(backup).map(BackupCatalog.Entry::tier)
                .or(() -> catalog.orphans().stream().filter(a -> a.id().equals(backup)).map(BackupCatalog.Archive::tier)
                        .findFirst())
                .orElseThrow(() -> new ShiftSyncException(ErrorCode.NOT_FOUND, "no backup " + id + " in "
                        + store.describe() + " (shiftsync-backup list --source " + store.name() + " shows its backups)"));
        store.setLegalHold(tier, backup, hold);
        return new Result(backup.toString(), tier, store.describe(), hold);
    }
}
