package com.shiftsync.backup.store;

import com.shiftsync.backup.adapter.blob.BlobOperationStore;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.port.OperationStore;
import com.shiftsync.backup.testing.Azurite;

class BlobOperationStoreIT extends OperationStoreContract {
    private final String container = "ops-" + Long.toHexString(System.nanoTime());

    @Override
    protected OperationStore store() {
        return new BlobOperationStore(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(container));
    }
}
