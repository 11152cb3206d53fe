package com.shiftsync.backup.store;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;

import java.util.Optional;
import java.util.function.Supplier;

class BlobBackupStoreIT extends BackupStoreContract {
    private BlobContainerClient container;

    /** The Blob service the store is given. */
    protected BlobServiceClient service() {
        return StorageClients.byConnectionString(Azurite.shared().connectionString());
    }

    @Override
    protected BackupStore newStore(Supplier<Optional<ManifestKey>> manifestKey) {
        if (container == null) {
            container = service().getBlobContainerClient("contract-" + Long.toHexString(System.nanoTime()));
        }
        return new BlobBackupStore(container, manifestKey);
    }

    @Override
    protected void plantManifest(Tier tier, BackupId id, Manifest content) {
        container.getBlobClient(tier.folder() + "/" + id.manifestName())
                .upload(BinaryData.fromString(Json.pretty(content)), true);
    }

    @Override
    protected void corruptManifest(Manifest m) {
        String json = Json.pretty(m);
        container.getBlobClient(m.tier().folder() + "/" + m.backupId().manifestName())
                .upload(BinaryData.fromString(json.substring(0, json.length() / 2)), true);
    }
}
