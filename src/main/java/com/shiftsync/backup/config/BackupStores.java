package com.shiftsync.backup.config;

import com.shiftsync.backup.audit.BackupWitness;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.restore.BackupSources;

import java.util.ArrayList;
import java.util.List;

/**
 * Where backups are kept, the local folder (BACKUP_DIR) and Blob Storage when configured, and
 * which of them a command reads; each store is built on its first use over the app's {@link Adapters}.
 */
public final class BackupStores {
    private final Adapters adapters;

    BackupStores(Adapters adapters) {
        this.adapters = adapters;
    }

    public BackupStore local() {
        return adapters.localStore.get();
    }

    public boolean hasAzure() {
        return adapters.azure.hasStorage();
    }

    public BackupStore azure() {
        return adapters.azureStore;
    }

    /** "local" or "azure". */
    public BackupStore named(String name) {
        return switch (name == null ? "" : name.trim()) {
            case "local" -> local();
            case "azure" -> azure();
            default -> throw ShiftSyncException.badInput("unknown source '" + name + "': use local or azure");
        };
    }

    /** The store {@code status} looks at when none is named: Blob when configured (where the timers back up), else the folder. */
    public BackupStore monitored() {
        return hasAzure() ? azure() : local();
    }

    /** Every store the CLI reads backups from, in order of preference: the local folder, then Blob when configured. */
    public List<BackupStore> all() {
        List<BackupStore> stores = new ArrayList<>(List.of(local()));
        if (hasAzure()) {
            stores.add(azure());
        }
        return stores;
    }

    /**
     * The store rule of every CLI command that reads backups ({@link BackupSources}): every
     * configured store, or only {@code source} ("local", "azure") when given.
     */
    public BackupSources sources(String source) {
        if (source != null) {
            named(source);
        }
        return BackupSources.of(all(), source).witnessedBy(witness());
    }

    /** The audit log's records of committed backups, which every reader holds the manifest it chose to. */
    public BackupWitness witness() {
        return new BackupWitness(day -> adapters.auditTrail.get().read(day));
    }

    /** Every configured store: Blob when storage is configured, and the local folder (what recovery reads). */
    List<BackupStore> readable() {
        return hasAzure() ? List.of(azure(), local()) : List.of(local());
    }
}
