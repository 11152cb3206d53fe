package com.shiftsync.backup.store;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.ImmutabilityProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Clock;

/**
 * The store contract through {@link ImmutabilityProxy} for a container without immutability:
 * the proxy passes everything through unchanged, so the immutability tests built on it test
 * Azurite's behaviour plus Azure's immutability, nothing else.
 */
class ProxiedBlobBackupStoreIT extends BackupStoreContract {
    private static ImmutabilityProxy proxy;
    private BlobContainerClient container;

    @BeforeAll
    static void start() {
        proxy = ImmutabilityProxy.start(Azurite.shared(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Override
    protected BackupStore newStore() {
        container = new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient()
                .getBlobContainerClient("proxied-" + Long.toHexString(System.nanoTime()));
        return new BlobBackupStore(container);
    }

    @Override
    protected void corruptManifest(Manifest m) {
        String json = Json.pretty(m);
        container.getBlobClient(m.tier().folder() + "/" + m.backupId().manifestName())
                .upload(BinaryData.fromString(json.substring(0, json.length() / 2)), true);
    }
}
