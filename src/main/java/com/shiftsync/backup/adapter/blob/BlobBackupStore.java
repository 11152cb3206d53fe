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
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.StoredArchive;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backups in a Blob container ({@code BACKUP_CONTAINER}): {@code <tier>/<id>.dump}, its side files
 * ({@code <tier>/<id>.roles.sql}) and {@code <tier>/<id>.manifest.json}. Archives are streamed as
 * blocks (see {@link BlobArchiveWriter}); manifests, side files and archives are written with If-None-Match: *,
 * so nothing here can replace an existing backup. Single flight is a blob lease on
 * {@code locks/<tier>.lock}.
 *
 * <p>In a container with version-level immutability (infra's backup container) every blob of a
 * backup but its records gets a locked retention policy until its retention ends
 * ({@link RetentionLock}): archive and side files when the manifest is written (after the
 * archive was read back and checked, so nothing of a failed backup is ever protected), the
 * manifest in the very upload that creates it. A container without it (Azurite, a container not
 * yet migrated) gets no policy, and everything else works as before.
 */
public final class BlobBackupStore implements BackupStore {
    private static final Logger LOG = Logger.getLogger(BlobBackupStore.class.getName());
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String ARCHIVE_SUFFIX = ".dump";
    private static final String MANIFEST_SUFFIX = ".manifest.json";
    /** A record beside a backup, {@code <id>.<kind>.json} ({@link BackupId#recordName}). */
    private static final Pattern RECORD = Pattern.compile("^(.+_backup_\\d{8}_\\d{6})\\.[a-z][a-z0-9-]{0,30}\\.json$");
    static final int BLOCK_SIZE = 8 * 1024 * 1024;
    static final int IN_FLIGHT = 3;
    /** Retention as the contract's defaults have it, for tools and tests that read no settings. */
    private static final RetentionLock DEFAULT_LOCK = RetentionLock.of(RetentionPolicy.of(30, 30, 1, 0, 0, 0));
    /** {@code <tier>/<id>.<rest>}: a blob of a backup (archive, manifest, side file or record). */
    private static final Pattern BACKUP_BLOB = Pattern.compile("^(daily|weekly|manual)/(.+_backup_\\d{8}_\\d{6})\\.([^/]+)$");
    /** What follows {@code <id>.} in a record's name: records stay writable, never protected. */
    private static final Pattern RECORD_SUFFIX = Pattern.compile("^[a-z][a-z0-9-]{0,30}\\.json$");

    private final BlobContainerClient container;
    private final EnsuredContainer ensured;
    private final BlobImmutability immutability;
    private final Supplier<RetentionLock> lock;
    private final Clock clock;
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService stagers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "blob-stage");
        t.setDaemon(true);
        return t;
    });

    /** A store whose backups, where the container has version-level immutability, are locked for the default 30 days. */
    public BlobBackupStore(BlobContainerClient container) {
        this(container, () -> DEFAULT_LOCK, Clock.systemUTC());
    }

    /**
     * @param lock  how long each tier's backups stay immutable (AZURE_RETENTION_DAYS, WEEKLY_RETENTION_DAYS);
     *              read only when a backup is protected
     * @param clock now, for the until-date of a backup copied in past its retention
     */
    public BlobBackupStore(BlobContainerClient container, Supplier<RetentionLock> lock, Clock clock) {
        this.container = container;
        this.ensured = new EnsuredContainer(container, TIMEOUT);
        this.immutability = new BlobImmutability(container, TIMEOUT, clock);
        this.lock = lock;
        this.clock = clock;
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

    /**
     * With version-level immutability: archive and side files locked first, then the manifest
     * uploaded with its own locked policy, so it never exists unprotected; all until the same
     * date. Should the upload fail after the archive was locked, the archive stays until that
     * date as an orphan that prune reports (and deletes once it may).
     */
    @Override
    public void putManifest(Manifest manifest) {
        ensured.forWriting();
        String name = manifestPath(manifest.tier(), manifest.backupId());
        BlobParallelUploadOptions upload = new BlobParallelUploadOptions(BinaryData.fromString(Json.pretty(manifest)))
                .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        if (immutability.enabled()) {
            Instant until = lock.get().until(manifest.tier(), manifest.startedAt(), clock.instant());
            protect(manifest.tier(), manifest.backupId(), until);
            upload.setImmutabilityPolicy(BlobImmutability.policy(until));
        }
        try {
            container.getBlobClient(name).uploadWithResponse(upload, TIMEOUT, null);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not write manifest " + container.getBlobContainerName() + "/" + name, e);
        }
    }

    /** Every backup with a blob in a tier folder, and what keeps it; empty without version-level immutability. */
    @Override
    public List<Protection> protections() {
        if (!ensured.exists() || !immutability.enabled()) {
            return List.of();
        }
        Map<String, List<BlobItem>> byBackup = new LinkedHashMap<>();
        for (Tier tier : Tier.values()) {
            for (BlobItem item : immutability.list(tier.folder() + "/", BlobBackupStore::protectable)) {
                Matcher m = BACKUP_BLOB.matcher(item.getName());
                if (m.matches()) {
                    byBackup.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new ArrayList<>()).add(item);
                }
            }
        }
        List<Protection> protections = new ArrayList<>();
        for (Map.Entry<String, List<BlobItem>> e : byBackup.entrySet()) {
            String[] key = e.getKey().split("/", 2);
            List<BlobItem> blobs = e.getValue();
            List<Instant> untils = blobs.stream().map(BlobImmutability::until).toList();
            boolean allHave = untils.stream().allMatch(java.util.Objects::nonNull);
            Instant latest = untils.stream().filter(java.util.Objects::nonNull).max(Comparator.naturalOrder())
                    .orElse(null);
            Instant weakest = allHave ? untils.stream().min(Comparator.naturalOrder()).orElse(null) : null;
            boolean locked = latest != null && blobs.stream().filter(b -> BlobImmutability.until(b) != null)
                    .allMatch(BlobImmutability::locked);
            protections.add(new Protection(Tier.parse(key[0]), BackupId.parse(key[1]), latest, weakest, locked,
                    blobs.stream().anyMatch(BlobImmutability::held)));
        }
        return protections;
    }

    @Override
    public void protect(Tier tier, BackupId id, Instant until) {
        if (!immutability.enabled()) {
            return;
        }
        List<BlobItem> blobs = blobsOf(tier, id);
        if (blobs.isEmpty()) {
            throw new ShiftSyncException(ErrorCode.NOT_FOUND, "no blob of " + tier + " backup " + id + " in "
                    + describe() + " to protect");
        }
        for (BlobItem item : blobs) {
            immutability.lock(item, until);
        }
    }

    @Override
    public void setLegalHold(Tier tier, BackupId id, boolean hold) {
        if (!immutability.enabled()) {
            throw new ShiftSyncException(ErrorCode.BAD_INPUT, describe() + " has no version-level immutability, "
                    + "which legal holds need: infra turns it on for BACKUP_CONTAINER (README: \"Immutable backups\")");
        }
        List<BlobItem> blobs = blobsOf(tier, id);
        if (blobs.isEmpty()) {
            throw new ShiftSyncException(ErrorCode.NOT_FOUND, "no " + tier + " backup " + id + " in " + describe());
        }
        for (BlobItem item : blobs) {
            immutability.legalHold(item, hold);
        }
    }

    /** The blobs of a backup that are protected: all but its records. */
    private List<BlobItem> blobsOf(Tier tier, BackupId id) {
        String prefix = tier.folder() + "/" + id + ".";
        return immutability.list(prefix, name -> name.startsWith(prefix) && protectable(name)
                && BACKUP_BLOB.matcher(name).matches());
    }

    /** A blob of a backup that is not a record (archive, manifest, side file). */
    private static boolean protectable(String name) {
        Matcher m = BACKUP_BLOB.matcher(name);
        return m.matches() && BackupId.isValid(m.group(2))
                && (m.group(3).equals("manifest.json") || !RECORD_SUFFIX.matcher(m.group(3)).matches());
    }

    @Override
    public List<Manifest> list() {
        return catalog().manifests();
    }

    /**
     * One listing per tier (names and sizes), and each manifest read; archives are not read. The
     * records beside the backups are listed by name only, so readers ask only for those that exist.
     */
    @Override
    public BackupCatalog catalog() {
        List<Manifest> manifests = new ArrayList<>();
        List<BackupCatalog.UnreadableManifest> unreadable = new ArrayList<>();
        List<BackupCatalog.Archive> archives = new ArrayList<>();
        Set<String> records = new HashSet<>();
        for (BlobItem item : items()) {
            String[] parts = item.getName().split("/", 2);
            Tier tier = Tier.parse(parts[0]);
            if (!parts[1].endsWith(MANIFEST_SUFFIX) && RECORD.matcher(parts[1]).matches()) {
                records.add(item.getName());
            } else if (parts[1].endsWith(ARCHIVE_SUFFIX)) {
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
                    Manifest m = Json.read(json, Manifest.class);
                    BackupCatalog.misplaced(tier, BackupId.parse(id), m).ifPresentOrElse(misplaced -> {
                        unreadable.add(misplaced);
                        if (warned.add(item.getName())) {
                            LOG.warning("misplaced manifest " + container.getBlobContainerName() + "/" + item.getName()
                                    + ": " + misplaced.problem() + "; the backup counts as damaged and is never used");
                        }
                    }, () -> manifests.add(m));
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
        return new BackupCatalog(name(), describe(), manifests, unreadable, archives, List.of(), records);
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

    /**
     * Every side file is written here, with If-None-Match: * as manifests and archives are, so
     * none can replace another.
     */
    @Override
    public void putSideFile(Tier tier, BackupId id, String kind, byte[] content) {
        ensured.forWriting();
        String name = tier.folder() + "/" + id.sideFileName(kind);
        try {
            container.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(content))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream"))
                            .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                    TIMEOUT, null);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED, "blob " + container.getBlobContainerName() + "/"
                        + name + " exists already and was not replaced", StorageErrors.code(e), e);
            }
            throw StorageErrors.failure("could not write " + container.getBlobContainerName() + "/" + name, e);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not write " + container.getBlobContainerName() + "/" + name, e);
        }
    }

    @Override
    public Optional<byte[]> getSideFile(Tier tier, BackupId id, String kind) {
        String name = tier.folder() + "/" + id.sideFileName(kind);
        try {
            return Optional.of(container.getBlobClient(name).downloadContent().toBytes());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw StorageErrors.failure("could not read " + container.getBlobContainerName() + "/" + name, e);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not read " + container.getBlobContainerName() + "/" + name, e);
        }
    }

    @Override
    public void deleteSideFiles(Tier tier, BackupId id) {
        deleteBeside(tier, id, BackupId::isSideFileKind);
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
        deleteBeside(tier, id, rest -> rest.endsWith(".json") && !rest.equals("manifest.json"));
    }

    /** Deletes the blobs {@code <tier>/<id>.<rest>} whose {@code rest} is one of {@code which}. */
    private void deleteBeside(Tier tier, BackupId id, java.util.function.Predicate<String> which) {
        if (!ensured.exists()) {
            return;
        }
        String prefix = tier.folder() + "/" + id + ".";
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), TIMEOUT)) {
                if (which.test(item.getName().substring(prefix.length()))) {
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

    /** Committed blobs directly in a tier's folder (archives, manifests, records; not locks), with their properties. */
    private List<BlobItem> items() {
        if (!ensured.exists()) {
            return List.of();
        }
        List<BlobItem> items = new ArrayList<>();
        try {
            for (Tier tier : Tier.values()) {
                for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(tier.folder() + "/"), TIMEOUT)) {
                    String rest = item.getName().substring(tier.folder().length() + 1);
                    if ((rest.endsWith(ARCHIVE_SUFFIX) || rest.endsWith(".json")) && !rest.contains("/")) {
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
            ShiftSyncException refused = BlobImmutability.refusal("blob " + container.getBlobContainerName() + "/"
                    + name, e);
            if (refused != null) {
                throw refused;
            }
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
