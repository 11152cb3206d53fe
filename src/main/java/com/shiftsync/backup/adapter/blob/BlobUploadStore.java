package com.shiftsync.backup.adapter.blob;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.SweepResult;
import com.shiftsync.backup.port.UploadStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The uploads container swept of expired files. The listing is read one page (at most
 * {@code pageSize} names) at a time and each expired blob is deleted by one of
 * {@code parallelDeletes} workers while the next ones are listed, so 100,000 uploads cost
 * one page of memory and finish in a fraction of the one-by-one time. Each delete is
 * conditional on the ETag seen in the listing: an upload replaced after it was listed is
 * fresh, and stays.
 *
 * <p>Why not Blob Batch (256 deletes per request): the Java SDK writes each sub-request's
 * path without the account segment that path-style endpoints (Azurite,
 * {@code UseDevelopmentStorage=true}) need, Azurite runs sub-requests one after another
 * (measured slower than parallel deletes), and accounts with a hierarchical namespace did
 * not accept batches; parallel single deletes work everywhere, as AzCopy's do.
 */
public final class BlobUploadStore implements UploadStore {
    public static final int PAGE_SIZE = 5000;
    public static final int PARALLEL_DELETES = 64;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int FAILURES_KEPT = 5;

    private final BlobContainerClient container;
    private final int pageSize;
    private final int parallelDeletes;

    public BlobUploadStore(BlobContainerClient container) {
        this(container, PAGE_SIZE, PARALLEL_DELETES);
    }

    public BlobUploadStore(BlobContainerClient container, int pageSize, int parallelDeletes) {
        if (pageSize < 1 || pageSize > 5000 || parallelDeletes < 1) {
            throw new IllegalArgumentException("page size must be 1 to 5000 and parallel deletes at least 1");
        }
        this.container = container;
        this.pageSize = pageSize;
        this.parallelDeletes = parallelDeletes;
    }

    @Override
    public String describe() {
        return "Blob container " + container.getBlobContainerName() + " at " + container.getAccountUrl();
    }

    @Override
    public SweepResult deleteModifiedUpTo(Instant cutoff, boolean dryRun) {
        try {
            if (!container.exists()) {
                return SweepResult.missing(describe());
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not reach " + describe(), e);
        }
        Counts counts = new Counts();
        ExecutorService workers = Executors.newFixedThreadPool(parallelDeletes, r -> {
            Thread t = new Thread(r, "uploads-sweep");
            t.setDaemon(true);
            return t;
        });
        // at most this many deletes queued or running: memory stays one page plus this, whatever the count
        int window = parallelDeletes * 2;
        Semaphore inFlight = new Semaphore(window);
        try {
            for (PagedResponse<BlobItem> page : container.listBlobs(new ListBlobsOptions().setMaxResultsPerPage(pageSize),
                    null).iterableByPage()) {
                for (BlobItem item : page.getValue()) {
                    counts.examined.incrementAndGet();
                    BlobItemProperties p = item.getProperties();
                    if (Boolean.TRUE.equals(item.isPrefix()) || p == null || p.getLastModified() == null) {
                        continue;
                    }
                    if (p.getLastModified().toInstant().isAfter(cutoff)) {
                        counts.kept.incrementAndGet();
                        continue;
                    }
                    long size = p.getContentLength() == null ? 0 : p.getContentLength();
                    if (dryRun) {
                        counts.deleted.incrementAndGet();
                        counts.bytes.addAndGet(size);
                        continue;
                    }
                    inFlight.acquire();
                    try {
                        workers.execute(() -> {
                            try {
                                delete(item.getName(), p.getETag(), size, counts);
                            } finally {
                                inFlight.release();
                            }
                        });
                    } catch (RuntimeException e) {
                        inFlight.release();
                        throw e;
                    }
                }
            }
            inFlight.acquire(window);
            inFlight.release(window);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the uploads sweep of " + describe() + " was interrupted");
        } catch (ShiftSyncException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not list " + describe(), e);
        } finally {
            workers.shutdown();
            awaitQuietly(workers);
        }
        return new SweepResult(describe(), false, counts.examined.get(), counts.deleted.get(), counts.bytes.get(),
                counts.kept.get(), counts.skipped.get(), counts.failed.get(), counts.failures);
    }

    private void delete(String name, String etag, long size, Counts counts) {
        try {
            container.getBlobClient(name).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE,
                    new BlobRequestConditions().setIfMatch(etag), TIMEOUT, Context.NONE);
            counts.deleted.incrementAndGet();
            counts.bytes.addAndGet(size);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 || e.getStatusCode() == 412) {
                // removed by someone else, or replaced by a fresh upload since we listed it
                counts.skipped.incrementAndGet();
            } else {
                counts.fail("could not delete " + name + ": " + StorageErrors.describe(e));
            }
        } catch (RuntimeException e) {
            counts.fail("could not delete " + name + ": " + StorageErrors.describe(e));
        }
    }

    private static void awaitQuietly(ExecutorService workers) {
        try {
            if (!workers.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static final class Counts {
        final AtomicLong examined = new AtomicLong();
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong kept = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        void fail(String sentence) {
            failed.incrementAndGet();
            synchronized (failures) {
                if (failures.size() < FAILURES_KEPT) {
                    failures.add(sentence);
                }
            }
        }
    }
}
