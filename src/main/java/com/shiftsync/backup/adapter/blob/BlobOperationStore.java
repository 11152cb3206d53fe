package com.shiftsync.backup.adapter.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.OperationStore;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Operations as JSON blobs {@code <id>.json} in one container ({@code OPERATIONS_CONTAINER}):
 * every instance of the Function App, and the app after a restart, sees the same ones.
 * A new operation is written with If-None-Match: *, so an id is never reused.
 */
public final class BlobOperationStore implements OperationStore {
    private static final Logger LOG = Logger.getLogger(BlobOperationStore.class.getName());
    /** Bounds each call, retries included: an HTTP restore request must answer within 230 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;

    public BlobOperationStore(BlobContainerClient container) {
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
    }

    @Override
    public void create(Operation operation) {
        write(operation, new BlobRequestConditions().setIfNoneMatch("*"));
    }

    @Override
    public void save(Operation operation) {
        write(operation, null);
    }

    @Override
    public Optional<Operation> find(String id) {
        BlobClient blob = container.getBlobClient(name(id));
        try {
            byte[] json = blob.downloadContentWithResponse(null, null, TIMEOUT, null).getValue().toBytes();
            return Optional.of(Operation.read(json, id, describe()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw failure("could not read", id, e);
        } catch (ShiftSyncException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("could not read", id, e);
        }
    }

    @Override
    public List<Operation> list() {
        if (!ensured.exists()) {
            return List.of();
        }
        List<Operation> all = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions(), TIMEOUT)) {
                String name = item.getName();
                if (!name.endsWith(".json") || name.contains("/")) {
                    continue;
                }
                String id = name.substring(0, name.length() - ".json".length());
                try {
                    all.add(Operation.read(container.getBlobClient(name).downloadContentWithResponse(null, null,
                            TIMEOUT, null).getValue().toBytes(), id, describe()));
                } catch (ShiftSyncException e) {
                    LOG.warning(ShiftSyncException.wrap(e).getMessage());
                }
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not list the operations in " + describe(), e);
        }
        all.sort(Comparator.comparing(Operation::requestedAt).reversed());
        return all;
    }

    /**
     * A one-minute lease on the empty blob {@code steps/<id>}, renewed while the step runs (a
     * verification of a large database takes a while) and released when it ends; a holder that
     * dies stops renewing, and the lease lapses within a minute.
     */
    @Override
    public Optional<Lease> claimStep(String id) {
        ensured.forWriting();
        return BlobLease.tryAcquire(container.getBlobClient("steps/" + id), describe()).map(lease -> lease);
    }

    @Override
    public String describe() {
        return ensured.describe();
    }

    private void write(Operation operation, BlobRequestConditions conditions) {
        ensured.forWriting();
        try {
            container.getBlobClient(name(operation.id())).uploadWithResponse(
                    new BlobParallelUploadOptions(BinaryData.fromString(Json.pretty(operation)))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                            .setRequestConditions(conditions),
                    TIMEOUT, null);
        } catch (RuntimeException e) {
            throw failure("could not store", operation.id(), e);
        }
    }

    private ShiftSyncException failure(String what, String id, RuntimeException e) {
        return StorageErrors.failure(what + " operation " + id + " in " + describe(), e);
    }

    private static String name(String id) {
        return id + ".json";
    }
}
