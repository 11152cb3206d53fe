package com.shiftsync.backup.store;

import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;

class BlobBackupStoreIT extends BackupStoreContract {
    @Override
    protected BackupStore newStore() {
        return new BlobBackupStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient("contract-" + Long.toHexString(System.nanoTime())));
    }
}
