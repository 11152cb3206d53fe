package com.shiftsync.backup.adapter.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ArchiveWriter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams an archive into a block blob: bytes fill fixed-size blocks, full blocks are
 * staged on a few threads while the next one fills, and only {@link #commit()} commits the
 * block list (with If-None-Match: *, so it can never replace a blob). Memory is the
 * block pool, {@code (inFlight + 1) x blockSize}, whatever the archive's size. A failed
 * or abandoned upload leaves only uncommitted blocks, which no reader sees and Azure
 * discards after a week.
 */
final class BlobArchiveWriter implements ArchiveWriter {
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(5);

    private final BlockBlobClient blob;
    private final String where;
    private final ExecutorService stagers;
    private final BlockingQueue<byte[]> pool;
    private final List<String> blockIds = new ArrayList<>();
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** How long the failed request was tried, the SDK's retries included. */
    private volatile Duration failedAfter;
    private byte[] current;
    private int filled;
    private long total;
    private boolean committed;
    private volatile boolean closed;

    BlobArchiveWriter(BlockBlobClient blob, String where, ExecutorService stagers, int blockSize, int inFlight) {
        this.blob = blob;
        this.where = where;
        this.stagers = stagers;
        this.pool = new ArrayBlockingQueue<>(inFlight + 1);
        for (int i = 0; i <= inFlight; i++) {
            pool.add(new byte[blockSize]);
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        while (length > 0) {
            throwIfFailed();
            if (current == null) {
                current = takeBuffer();
                filled = 0;
            }
            int n = Math.min(length, current.length - filled);
            System.arraycopy(buffer, offset, current, filled, n);
            filled += n;
            offset += n;
            length -= n;
            total += n;
            if (filled == current.length) {
                stageCurrent();
            }
        }
    }

    @Override
    public long commit() {
        if (current != null && filled > 0) {
            stageCurrent();
        }
        for (CompletableFuture<Void> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "interrupted while uploading " + where, e);
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        throwIfFailed();
        long start = System.nanoTime();
        try {
            blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                    .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream"))
                    .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), STAGE_TIMEOUT, null);
        } catch (BlobStorageException e) {
            boolean exists = e.getStatusCode() == 409 || e.getStatusCode() == 412;
            throw new ShiftSyncException(exists ? ErrorCode.JOB_FAILED : ErrorCode.UPSTREAM_FAILED, exists
                    ? where + " exists already and was not replaced"
                    : "could not commit " + where + ": " + StorageErrors.describe(e, since(start)),
                    StorageErrors.code(e), e);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not commit " + where, e, since(start));
        }
        committed = true;
        return total;
    }

    @Override
    public void close() {
        closed = true;
        if (!committed) {
            pending.forEach(f -> f.cancel(true));
        }
    }

    private void stageCurrent() {
        byte[] block = current;
        int length = filled;
        current = null;
        String id = Base64.getEncoder().encodeToString(
                String.format("%08d", blockIds.size()).getBytes(StandardCharsets.US_ASCII));
        blockIds.add(id);
        pending.add(CompletableFuture.runAsync(() -> {
            long start = System.nanoTime();
            try {
                if (!closed && failure.get() == null) {
                    BinaryData data = BinaryData.fromByteBuffer(ByteBuffer.wrap(block, 0, length).asReadOnlyBuffer());
                    blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, data), STAGE_TIMEOUT, null);
                }
            } catch (RuntimeException e) {
                if (failure.compareAndSet(null, e)) {
                    failedAfter = since(start);
                }
                throw e;
            } finally {
                pool.offer(block);
            }
        }, stagers));
        pending.removeIf(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    private byte[] takeBuffer() {
        try {
            return pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "interrupted while uploading " + where, e);
        }
    }

    private void throwIfFailed() {
        Throwable t = failure.get();
        if (t != null) {
            throw StorageErrors.failure("could not upload " + where, t, failedAfter);
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
