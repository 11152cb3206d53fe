package com.shiftsync.backup.store;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
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
class ProxiedBlobBackupStoreIT extends BlobBackupStoreIT {
    private static ImmutabilityProxy proxy;

    @BeforeAll
    static void start() {
        proxy = ImmutabilityProxy.start(Azurite.shared(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Override
    protected BlobServiceClient service() {
        return new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient();
    }
}
