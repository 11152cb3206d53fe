package com.shiftsync.backup.store;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;

import java.util.Optional;
import java.util.function.Supplier;

class BlobBackupStoreIT extends BackupStoreContract {
    private BlobContainerClient container;

    @Override
    protected BackupStore newStore(Supplier<Optional<ManifestKey>> manifestKey) {
        if (container == null) {
            container = StorageClients.byConnectionString(Azurite.shared().connectionString())
                    .getBlobContainerClient("contract-" + Long.toHexString(System.nanoTime()));
        }
        return new BlobBackupStore(container, manifestKey);
    }

    @Override
    protected void corruptManifest(Manifest m) {
        String json = Json.pretty(m);
        container.getBlobClient(m.tier().folder() + "/" + m.backupId().manifestName())
                .upload(BinaryData.fromString(json.substring(0, json.length() / 2)), true);
    }
}
