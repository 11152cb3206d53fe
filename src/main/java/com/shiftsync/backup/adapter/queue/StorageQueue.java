package com.shiftsync.backup.adapter.queue;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.shiftsync.backup.adapter.blob.StorageErrors;
import com.shiftsync.backup.port.WorkQueue;

import java.time.Duration;

/**
 * A {@link WorkQueue} in Azure Queue Storage. The queue is created on first use, so a
 * fresh storage account (or Azurite) needs no set-up; the Functions host reads the same
 * queue through its {@code ShiftSyncStorage} connection.
 */
public final class StorageQueue implements WorkQueue {
    /** Bounds each call, retries included: an HTTP request that enqueues must answer within 230 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final QueueClient queue;
    private volatile boolean queueChecked;

    public StorageQueue(QueueClient queue) {
        this.queue = queue;
    }

    @Override
    public void send(String text, Duration timeToLive, Duration visibleAfter) {
        ensureQueue();
        try {
            queue.sendMessageWithResponse(text, visibleAfter.isZero() ? null : visibleAfter, timeToLive, TIMEOUT,
                    Context.NONE);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not put the request on " + describe(), e);
        }
    }

    @Override
    public String name() {
        return queue.getQueueName();
    }

    @Override
    public String describe() {
        return "queue " + queue.getQueueName() + " at " + queue.getQueueUrl();
    }

    private void ensureQueue() {
        if (!queueChecked) {
            try {
                queue.createIfNotExistsWithResponse(null, TIMEOUT, Context.NONE);
                queueChecked = true;
            } catch (RuntimeException e) {
                throw StorageErrors.failure("could not reach " + describe(), e);
            }
        }
    }
}
