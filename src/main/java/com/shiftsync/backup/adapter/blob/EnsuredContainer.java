package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;

import java.time.Duration;

/**
 * A Blob container created on first write, checked once per client: a fresh storage
 * account (or Azurite) needs no set-up. Every Blob adapter writes through one.
 */
final class EnsuredContainer {
    private final BlobContainerClient client;
    private final Duration timeout;
    private volatile boolean checked;

    EnsuredContainer(BlobContainerClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    BlobContainerClient client() {
        return client;
    }

    /** "Blob container backups at https://...". */
    String describe() {
        return "Blob container " + client.getBlobContainerName() + " at " + client.getAccountUrl();
    }

    /** Creates the container unless this client has seen it already. */
    BlobContainerClient forWriting() {
        if (!checked) {
            try {
                client.createIfNotExistsWithResponse(null, timeout, null);
                checked = true;
            } catch (RuntimeException e) {
                throw StorageErrors.failure("could not reach " + describe(), e);
            }
        }
        return client;
    }

    /** Whether the container exists (a reader of a container never written finds nothing, not an error). */
    boolean exists() {
        if (checked) {
            return true;
        }
        try {
            return client.existsWithResponse(timeout, null).getValue();
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not reach " + describe(), e);
        }
    }
}
