package com.shiftsync.backup.adapter.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Lease;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Single flight across machines: a 60-second lease on a lock blob, renewed every 20
 * seconds while the backup runs. A crashed run's lease simply expires, so a lock can
 * never stick for longer than a minute. The holder records who it is and when it last
 * renewed in the lock blob's metadata, so a run that finds the lease held can tell a
 * running backup from a killed one, and say when a retry will work.
 */
final class BlobLease implements Lease {
    private static final int LEASE_SECONDS = 60;
    private static final int RENEW_SECONDS = 20;
    private static final String OWNER = "owner";
    private static final String PID = "pid";
    private static final String HOST_KEY = "host";
    private static final String SINCE = "since";
    private static final String RENEWED = "renewed";
    private static final String HOST = hostName();

    private final Instant since = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final BlobLeaseClient lease;
    private final BlobClient lockBlob;
    private final String lockName;
    private final ScheduledExecutorService renewer;
    private volatile Throwable lastFailure;
    private volatile boolean lost;
    private volatile long lastRenewedNanos = System.nanoTime();

    private BlobLease(BlobLeaseClient lease, BlobClient lockBlob, String lockName) {
        this.lease = lease;
        this.lockBlob = lockBlob;
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
        return tryAcquire(lockBlob, where).orElseThrow(() -> new ShiftSyncException(ErrorCode.IN_PROGRESS,
                held(lockBlob, tier, where, lockName)));
    }

    /**
     * The lease on {@code lockBlob} (made empty when missing), or empty while someone else
     * holds it: the claim on an operation's step ({@code steps/<id>}) uses it as it is.
     */
    static java.util.Optional<BlobLease> tryAcquire(BlobClient lockBlob, String where) {
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
            BlobLease held = new BlobLease(client, lockBlob, lockName);
            held.recordOwner(Instant.now());
            return java.util.Optional.of(held);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 && (BlobErrorCode.LEASE_ALREADY_PRESENT.equals(e.getErrorCode())
                    || e.getErrorCode() == null)) {
                return java.util.Optional.empty();
            }
            throw StorageErrors.failure("could not lock " + lockName, e);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not reach " + where, e);
        }
    }

    /** Who holds the lease, for a second run's message: {@code owner}, {@code since}, {@code renewed}. */
    private void recordOwner(Instant renewed) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(OWNER, "pid " + ProcessHandle.current().pid() + " on host " + HOST);
        metadata.put(PID, Long.toString(ProcessHandle.current().pid()));
        metadata.put(HOST_KEY, HOST);
        metadata.put(SINCE, since.toString());
        metadata.put(RENEWED, renewed.truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            lockBlob.setMetadataWithResponse(metadata, new BlobRequestConditions().setLeaseId(lease.getLeaseId()),
                    Duration.ofSeconds(20), null);
        } catch (RuntimeException ignored) {
            // the lease holds without it; only a second run's message is poorer
        }
    }

    /**
     * The message for a run that finds the lease held: a live run on this host or another
     * ("already running ... pid 4242 on host vm1 since ..."), or a run that is gone (its
     * process no longer exists on this host: killed), whose lease expires within a minute of
     * its last renewal, and when.
     */
    private static String held(BlobClient lockBlob, Tier tier, String where, String lockName) {
        Map<String, String> m;
        try {
            m = lockBlob.getProperties().getMetadata();
        } catch (RuntimeException e) {
            m = Map.of();
        }
        String owner = m.get(OWNER);
        Instant renewed = parse(m.get(RENEWED));
        Instant expires = renewed == null ? null : renewed.plusSeconds(LEASE_SECONDS);
        String expiry = expires == null ? "within " + LEASE_SECONDS + " s of its last renewal"
                : "at " + expires + " (" + Math.max(0, Duration.between(Instant.now(), expires).toSeconds())
                + " s from now)";
        boolean here = HOST.equals(m.get(HOST_KEY));
        boolean gone = here && m.get(PID) != null && ProcessHandle.of(parsePid(m.get(PID)))
                .map(p -> !p.isAlive()).orElse(true);
        if (gone) {
            return "the " + tier + " lock in " + where + " (lease on " + lockName + ") is still held by a run that "
                    + "is gone (" + owner + ", started " + m.get(SINCE) + "; killed?); its lease expires " + expiry
                    + ": retry after that. This run made no backup";
        }
        return "a " + tier + " backup is already running in " + where + " (lease on " + lockName + " is held"
                + (owner == null ? "" : " by " + owner + " since " + m.get(SINCE)) + "); this run made no backup. "
                + "If that run was stopped, its lease expires " + expiry;
    }

    private static Instant parse(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long parsePid(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String hostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /** A failed renewal is retried at the next tick; the lease is lost when Storage says so or it has run out. */
    private void renew() {
        try {
            lease.renewLease();
            lastRenewedNanos = System.nanoTime();
            recordOwner(Instant.now());
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
