package com.shiftsync.backup.backup;

/**
 * What became of one store's copy of a backup: a run writes every configured store, and a
 * store that fails does not discard the copies that succeeded.
 *
 * @param store    "local" or "azure"
 * @param location where the store is
 * @param stored   whether this store holds the backup (archive checked, manifest written)
 * @param reason   why not, one sentence; null when stored
 */
public record StoreResult(String store, String location, boolean stored, String reason) {
}
