package com.shiftsync.backup.adapter.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.StoredArchive;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Backups in a Blob container ({@code BACKUP_CONTAINER}): {@code <tier>/<id>.dump} and
 * {@code <tier>/<id>.manifest.json}. Archives are streamed as blocks (see
 * {@link BlobArchiveWriter}); manifests and archives are written with If-None-Match: *,
 * so nothing here can replace an existing backup. Single flight is a blob lease on
 * {@code locks/<tier>.lock}.
 */
public final class BlobBackupStore implements BackupStore {
    private static final Logger LOG = Logger.getLogger(BlobBackupStore.class.getName());
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String ARCHIVE_SUFFIX = ".dump";
    private static final String MANIFEST_SUFFIX = ".manifest.json";
    static final int BLOCK_SIZE = 8 * 1024 * 1024;
    static final int IN_FLIGHT = 3;

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;
    private final Supplier<Optional<ManifestKey>> manifestKey;
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService stagers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "blob-stage");
        t.setDaemon(true);
        return t;
    });

    /** A container whose manifests are read without a key (MANIFEST_KEY_SECRET not set). */
    public BlobBackupStore(BlobContainerClient container) {
        this(container, Optional::empty);
    }

    /** @param manifestKey MANIFEST_KEY_SECRET's key, got at every {@link #catalog()}, or empty when it is not set */
    public BlobBackupStore(BlobContainerClient container, Supplier<Optional<ManifestKey>> manifestKey) {
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.manifestKey = manifestKey;
    }

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public String describe() {
        return ensured.describe();
    }

    @Override
    public Lease lock(Tier tier) {
        ensured.forWriting();
        return BlobLease.acquire(container.getBlobClient("locks/" + tier.folder() + ".lock"), tier, describe());
    }

    @Override
    public ArchiveWriter createArchive(Tier tier, BackupId id) {
        ensured.forWriting();
        String name = archivePath(tier, id);
        return new BlobArchiveWriter(container.getBlobClient(name).getBlockBlobClient(),
                "blob " + container.getBlobContainerName() + "/" + name, stagers, BLOCK_SIZE, IN_FLIGHT);
    }

    @Override
    public InputStream openArchive(Tier tier, BackupId id) {
        String name = archivePath(tier, id);
        try {
            return container.getBlobClient(name).openInputStream(new BlobInputStreamOptions().setBlockSize(BLOCK_SIZE));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new ShiftSyncException(ErrorCode.NOT_FOUND, "could not read blob "
                        + container.getBlobContainerName() + "/" + name + ": " + StorageErrors.describe(e), e);
            }
            throw StorageErrors.failure("could not read blob " + container.getBlobContainerName() + "/" + name, e);
        }
    }

    @Override
    public void putManifest(Manifest manifest) {
        ensured.forWriting();
        String name = manifestPath(manifest.tier(), manifest.backupId());
        try {
            container.getBlobClient(name).uploadWithResponse(
                    new BlobParallelUploadOptions(BinaryData.fromString(Json.pretty(manifest)))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                            .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                    TIMEOUT, null);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not write manifest " + container.getBlobContainerName() + "/" + name, e);
        }
    }

    @Override
    public List<Manifest> list() {
        return catalog().manifests();
    }

    /** One listing per tier (names and sizes), and each manifest read; archives are not read. */
    @Override
    public BackupCatalog catalog() {
        List<Manifest> manifests = new ArrayList<>();
        List<BackupCatalog.UnreadableManifest> unreadable = new ArrayList<>();
        List<BackupCatalog.Archive> archives = new ArrayList<>();
        for (BlobItem item : items()) {
            String[] parts = item.getName().split("/", 2);
            Tier tier = Tier.parse(parts[0]);
            if (parts[1].endsWith(ARCHIVE_SUFFIX)) {
                String id = parts[1].substring(0, parts[1].length() - ARCHIVE_SUFFIX.length());
                if (BackupId.isValid(id)) {
                    archives.add(new BackupCatalog.Archive(tier, BackupId.parse(id),
                            item.getProperties().getContentLength(),
                            item.getProperties().getLastModified().toInstant()));
                }
            } else if (parts[1].endsWith(MANIFEST_SUFFIX)) {
                String id = parts[1].substring(0, parts[1].length() - MANIFEST_SUFFIX.length());
                if (!BackupId.isValid(id)) {
                    continue;
                }
                try {
                    byte[] json = container.getBlobClient(item.getName()).downloadContent().toBytes();
                    manifests.add(Json.read(json, Manifest.class));
                } catch (BlobStorageException e) {
                    if (e.getStatusCode() != 404) {
                        throw StorageErrors.failure("could not read manifest " + container.getBlobContainerName()
                                + "/" + item.getName(), e);
                    }
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    unreadable.add(new BackupCatalog.UnreadableManifest(tier, BackupId.parse(id), Json.problem(e)));
                    if (warned.add(item.getName())) {
                        LOG.warning("unreadable manifest " + container.getBlobContainerName() + "/" + item.getName()
                                + ": " + unreadable.get(unreadable.size() - 1).problem()
                                + "; the backup counts as damaged and its archive is kept");
                    }
                } catch (RuntimeException e) {
                    throw StorageErrors.failure("could not read manifest " + container.getBlobContainerName()
                            + "/" + item.getName(), e);
                }
            }
        }
        return new BackupCatalog(name(), describe(), manifests, unreadable, archives, List.of(),
                manifestKey.get().orElse(null));
    }

    @Override
    public boolean contains(BackupId id) {
        if (!ensured.exists()) {
            return false;
        }
        try {
            for (Tier tier : Tier.values()) {
                if (container.getBlobClient(archivePath(tier, id)).exists()
                        || container.getBlobClient(manifestPath(tier, id)).exists()) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not reach " + describe(), e);
        }
    }

    @Override
    public List<StoredArchive> listArchives() {
        return catalog().archives().stream()
                .map(a -> new StoredArchive(a.tier(), a.id(), a.sizeBytes(), a.lastModified())).toList();
    }

    @Override
    public void deleteManifest(Tier tier, BackupId id) {
        delete(manifestPath(tier, id));
    }

    @Override
    public void deleteArchive(Tier tier, BackupId id) {
        delete(archivePath(tier, id));
    }

    @Override
    public void putRecord(Tier tier, BackupId id, String kind, String json) {
        ensured.forWriting();
        String name = tier.folder() + "/" + id.recordName(kind);
        try {
            container.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromString(json))
                    .setHeaders(new BlobHttpHeaders().setContentType("application/json")), TIMEOUT, null);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not write " + container.getBlobContainerName()
                    + "/" + name, e);
        }
    }

    @Override
    public Optional<String> getRecord(Tier tier, BackupId id, String kind) {
        String name = tier.folder() + "/" + id.recordName(kind);
        try {
            return Optional.of(container.getBlobClient(name).downloadContent().toString());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw StorageErrors.failure("could not read " + container.getBlobContainerName()
                    + "/" + name, e);
        }
    }

    @Override
    public void deleteRecords(Tier tier, BackupId id) {
        if (!ensured.exists()) {
            return;
        }
        String prefix = tier.folder() + "/" + id + ".";
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), TIMEOUT)) {
                if (item.getName().endsWith(".json") && !item.getName().endsWith(MANIFEST_SUFFIX)) {
                    delete(item.getName());
                }
            }
        } catch (ShiftSyncException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not list " + describe(), e);
        }
    }


    @Override
    public void deleteRecord(Tier tier, BackupId id, String kind) {
        delete(tier.folder() + "/" + id.recordName(kind));
    }

    /** Blob Storage shows no partial blob (uncommitted blocks are invisible and expire): there is none to delete. */
    @Override
    public void deleteLeftover(Tier tier, String name) {
        throw new IllegalArgumentException("Blob Storage keeps no partial files; '" + name + "' is not one");
    }

    /** Committed blobs directly in a tier's folder (not records' or locks'), with their properties. */
    private List<BlobItem> items() {
        if (!ensured.exists()) {
            return List.of();
        }
        List<BlobItem> items = new ArrayList<>();
        try {
            for (Tier tier : Tier.values()) {
                for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(tier.folder() + "/"), TIMEOUT)) {
                    String rest = item.getName().substring(tier.folder().length() + 1);
                    if ((rest.endsWith(ARCHIVE_SUFFIX) || rest.endsWith(MANIFEST_SUFFIX)) && !rest.contains("/")) {
                        items.add(item);
                    }
                }
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not list " + describe(), e);
        }
        return items;
    }

    private void delete(String name) {
        try {
            container.getBlobClient(name).deleteIfExists();
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not delete blob " + container.getBlobContainerName() + "/" + name, e);
        }
    }

    static String archivePath(Tier tier, BackupId id) {
        return tier.folder() + "/" + id.archiveName();
    }

    static String manifestPath(Tier tier, BackupId id) {
        return tier.folder() + "/" + id.manifestName();
    }

}
