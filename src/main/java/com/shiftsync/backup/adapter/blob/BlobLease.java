package com.shiftsync.backup.adapter.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Lease;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Single flight across machines: a 60-second lease on a lock blob, renewed every 20
 * seconds while the backup runs. A crashed run's lease simply expires, so a lock can
 * never stick for longer than a minute.
 */
final class BlobLease implements Lease {
    private static final int LEASE_SECONDS = 60;
    private static final int RENEW_SECONDS = 20;

    private final BlobLeaseClient lease;
    private final String lockName;
    private final ScheduledExecutorService renewer;
    private volatile Throwable lastFailure;
    private volatile boolean lost;
    private volatile long lastRenewedNanos = System.nanoTime();

    private BlobLease(BlobLeaseClient lease, String lockName) {
        this.lease = lease;
        this.lockName = lockName;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blob-lease-renew");
            t.setDaemon(true);
            return t;
        });
        renewer.scheduleAtFixedRate(this::renew, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
    }

    static BlobLease acquire(BlobClient lockBlob, Tier tier, String where) {
        String lockName = lockBlob.getContainerName() + "/" + lockBlob.getBlobName();
        try {
            if (!lockBlob.exists()) {
                try {
                    lockBlob.upload(BinaryData.fromString(""), false);
                } catch (BlobStorageException e) {
                    if (e.getStatusCode() != 409) {
                        throw e;
                    }
                }
            }
            BlobLeaseClient client = new BlobLeaseClientBuilder().blobClient(lockBlob).buildClient();
            client.acquireLease(LEASE_SECONDS);
            return new BlobLease(client, lockName);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 && (BlobErrorCode.LEASE_ALREADY_PRESENT.equals(e.getErrorCode())
                    || e.getErrorCode() == null)) {
                throw new ShiftSyncException(ErrorCode.IN_PROGRESS, "a " + tier + " backup is already running in "
                        + where + " (lease on " + lockName + " is held); this run made no backup", e);
            }
            throw StorageErrors.failure("could not lock " + lockName, e);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not reach " + where, e);
        }
    }

    /** A failed renewal is retried at the next tick; the lease is lost when Storage says so or it has run out. */
    private void renew() {
        try {
            lease.renewLease();
            lastRenewedNanos = System.nanoTime();
        } catch (RuntimeException e) {
            lastFailure = e;
            if (e instanceof BlobStorageException bse && bse.getStatusCode() >= 400 && bse.getStatusCode() < 500) {
                lost = true;
            }
        }
    }

    @Override
    public void verifyHeld() {
        boolean expired = System.nanoTime() - lastRenewedNanos > TimeUnit.SECONDS.toNanos(LEASE_SECONDS - 5);
        if (lost || expired) {
            String why = lastFailure == null ? "not renewed in time" : StorageErrors.describe(lastFailure);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                    "lost the lease on " + lockName + " (" + why + "); nothing was committed", lastFailure);
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            lease.releaseLease();
        } catch (RuntimeException ignored) {
            // an unreleased lease expires within a minute
        }
    }
}
