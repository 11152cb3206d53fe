package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.StoredArchive;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A real store with one or two calls changed: every call goes to {@link #store} unless a
 * subclass overrides it (to refuse, crash or check something in between).
 */
public class ForwardingBackupStore implements BackupStore {
    protected final BackupStore store;

    public ForwardingBackupStore(BackupStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public Lease lock(Tier tier) {
        return store.lock(tier);
    }

    @Override
    public ArchiveWriter createArchive(Tier tier, BackupId id) {
        return store.createArchive(tier, id);
    }

    @Override
    public InputStream openArchive(Tier tier, BackupId id) {
        return store.openArchive(tier, id);
    }

    @Override
    public void putManifest(Manifest manifest) {
        store.putManifest(manifest);
    }

    @Override
    public List<Manifest> list() {
        return store.list();
    }

    @Override
    public BackupCatalog catalog() {
        return store.catalog();
    }

    @Override
    public Optional<Path> archiveFile(Tier tier, BackupId id) {
        return store.archiveFile(tier, id);
    }

    @Override
    public boolean contains(BackupId id) {
        return store.contains(id);
    }

    @Override
    public List<StoredArchive> listArchives() {
        return store.listArchives();
    }

    @Override
    public void deleteManifest(Tier tier, BackupId id) {
        store.deleteManifest(tier, id);
    }

    @Override
    public void deleteArchive(Tier tier, BackupId id) {
        store.deleteArchive(tier, id);
    }

    @Override
    public void putSideFile(Tier tier, BackupId id, String kind, byte[] content) {
        store.putSideFile(tier, id, kind, content);
    }

    @Override
    public Optional<byte[]> getSideFile(Tier tier, BackupId id, String kind) {
        return store.getSideFile(tier, id, kind);
    }

    @Override
    public void deleteSideFiles(Tier tier, BackupId id) {
        store.deleteSideFiles(tier, id);
    }

    @Override
    public void putRecord(Tier tier, BackupId id, String kind, String json) {
        store.putRecord(tier, id, kind, json);
    }

    @Override
    public Optional<String> getRecord(Tier tier, BackupId id, String kind) {
        return store.getRecord(tier, id, kind);
    }

    @Override
    public void deleteRecords(Tier tier, BackupId id) {
        store.deleteRecords(tier, id);
    }

    @Override
    public void deleteRecord(Tier tier, BackupId id, String kind) {
        store.deleteRecord(tier, id, kind);
    }

    @Override
    public List<Protection> protections() {
        return store.protections();
    }

    @Override
    public void protect(Tier tier, BackupId id, Instant until) {
        store.protect(tier, id, until);
    }

    @Override
    public void setLegalHold(Tier tier, BackupId id, boolean hold) {
        store.setLegalHold(tier, id, hold);
    }

    @Override
    public void deleteLeftover(Tier tier, String name) {
        store.deleteLeftover(tier, name);
    }
}
