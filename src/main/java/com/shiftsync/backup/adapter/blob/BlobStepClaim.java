package com.shiftsync.backup.adapter.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Lease;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The claim on one operation's next step: a 60-second lease on an empty blob
 * {@code steps/<id>} next to the operation, renewed every 20 seconds while the step runs (a
 * verification of a large database takes a while), released when it ends. A holder that
 * dies stops renewing, and its lease lapses within a minute.
 */
final class BlobStepClaim implements Lease {
    private static final int LEASE_SECONDS = 60;
    private static final int RENEW_SECONDS = 20;

    private final BlobLeaseClient lease;
    private final String name;
    private final ScheduledExecutorService renewer;
    private volatile long renewedNanos = System.nanoTime();
    private volatile boolean lost;

    private BlobStepClaim(BlobLeaseClient lease, String name) {
        this.lease = lease;
        this.name = name;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "operation-step-renew");
            t.setDaemon(true);
            return t;
        });
        renewer.scheduleAtFixedRate(this::renew, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
    }

    /** The claim, or empty while someone else holds it. */
    static Optional<Lease> claim(BlobClient blob) {
        try {
            try {
                blob.upload(BinaryData.fromString(""), false);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() != 409) {
                    throw e;
                }
            }
            BlobLeaseClient client = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
            client.acquireLease(LEASE_SECONDS);
            return Optional.of(new BlobStepClaim(client, blob.getContainerName() + "/" + blob.getBlobName()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 && (BlobErrorCode.LEASE_ALREADY_PRESENT.equals(e.getErrorCode())
                    || e.getErrorCode() == null)) {
                return Optional.empty();
            }
            throw StorageErrors.failure("could not claim the next step at " + blob.getBlobName(), e);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not claim the next step at " + blob.getBlobName(), e);
        }
    }

    private void renew() {
        try {
            lease.renewLease();
            renewedNanos = System.nanoTime();
        } catch (RuntimeException e) {
            if (e instanceof BlobStorageException bse && bse.getStatusCode() >= 400 && bse.getStatusCode() < 500) {
                lost = true;
            }
        }
    }

    @Override
    public void verifyHeld() {
        if (lost || System.nanoTime() - renewedNanos > TimeUnit.SECONDS.toNanos(LEASE_SECONDS - 5)) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "lost the claim " + name + " on this operation's "
                    + "step; the step was not recorded and the next status read takes it again");
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            lease.releaseLease();
        } catch (RuntimeException ignored) {
            // an unreleased lease lapses within a minute
        }
    }
}
