package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Version-level immutability of one Blob container: whether the container has it (infra turns
 * it on for the backup container; a container without it, Azurite's included, gets no policy and
 * nothing is refused), the policies and legal holds on its blobs, and Storage's refusals in our
 * words. Every policy this app sets is <em>Locked</em>: it can be extended, never shortened or
 * removed, by anyone (the account key and the app's own identity included), which is what makes
 * a backup survive the credentials that wrote it.
 */
final class BlobImmutability {
    /** Storage's codes for a delete or change refused by a retention policy or a legal hold. */
    static final String BY_POLICY = "BlobImmutableDueToPolicy";
    static final String BY_LEGAL_HOLD = "BlobImmutableDueToLegalHold";
    private static final Set<String> REFUSALS = Set.of(BY_POLICY, BY_LEGAL_HOLD);
    /** How long a container found without version-level immutability is believed before it is asked again. */
    private static final Duration RECHECK = Duration.ofMinutes(10);

    private final BlobContainerClient container;
    private final Duration timeout;
    private final Clock clock;
    private volatile boolean enabled;
    private volatile Instant checkedAt;

    BlobImmutability(BlobContainerClient container, Duration timeout, Clock clock) {
        this.container = container;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Whether the container has version-level immutability ("immutable storage with versioning"):
     * once on it cannot be turned off, so a yes is kept; a no (or a container not there yet) is
     * asked again after {@link #RECHECK}, so a container migrated while the app runs is noticed.
     */
    boolean enabled() {
        if (enabled) {
            return true;
        }
        Instant now = clock.instant();
        if (checkedAt != null && now.isBefore(checkedAt.plus(RECHECK))) {
            return false;
        }
        try {
            enabled = Boolean.TRUE.equals(container.getPropertiesWithResponse(null, timeout, null).getValue()
                    .isImmutableStorageWithVersioningEnabled());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw StorageErrors.failure("could not read the properties of " + describe(), e);
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not read the properties of " + describe(), e);
        }
        checkedAt = now;
        return enabled;
    }

    /** Committed blobs under {@code prefix} that {@code wanted} accepts, each with its policy and legal hold. */
    List<BlobItem> list(String prefix, Predicate<String> wanted) {
        List<BlobItem> items = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix).setDetails(
                    new BlobListDetails().setRetrieveImmutabilityPolicy(true).setRetrieveLegalHold(true)), timeout)) {
                if (wanted.test(item.getName())) {
                    items.add(item);
                }
            }
        } catch (RuntimeException e) {
            throw StorageErrors.failure("could not list " + describe(), e);
        }
        return items;
    }

    /**
     * Gives {@code item} a locked policy until at least {@code until}; a locked policy that
     * already reaches that far is left as it is (it could not be shortened anyway).
     */
    void lock(BlobItem item, Instant until) {
        Instant current = until(item);
        if (current != null && !current.isBefore(until) && locked(item)) {
            return;
        }
        try {
            container.getBlobClient(item.getName()).setImmutabilityPolicyWithResponse(policy(until), null, timeout,
                    null);
        } catch (RuntimeException e) {
            throw failure("could not protect blob " + container.getBlobContainerName() + "/" + item.getName()
                    + " until " + until, e);
        }
    }

    void legalHold(BlobItem item, boolean hold) {
        try {
            container.getBlobClient(item.getName()).setLegalHoldWithResponse(hold, timeout, null);
        } catch (RuntimeException e) {
            throw failure("could not " + (hold ? "put a legal hold on" : "lift the legal hold of") + " blob "
                    + container.getBlobContainerName() + "/" + item.getName(), e);
        }
    }

    /**
     * A refusal of the credentials names the one right these calls need beyond Storage Blob Data
     * Contributor (which the generic sentence names); anything else as every storage failure.
     */
    private ShiftSyncException failure(String what, RuntimeException e) {
        if (StorageErrors.status(e) == 403) {
            return new ShiftSyncException(ErrorCode.UPSTREAM_FAILED, what + ": Storage answered 403"
                    + (StorageErrors.code(e) == null ? "" : " " + StorageErrors.code(e)) + ": the identity may not "
                    + "lock blobs or hold them; it needs the data action Microsoft.Storage/storageAccounts/blobServices/"
                    + "containers/blobs/immutableStorage/runAsSuperUser/action on " + describe() + " (infra's custom "
                    + "role \"ShiftSync Backup immutability\"; README: \"Immutable backups\")", StorageErrors.code(e), e);
        }
        return StorageErrors.failure(what, e);
    }

    /** The locked policy until {@code until}, as an upload or a policy call sends it. */
    static BlobImmutabilityPolicy policy(Instant until) {
        return new BlobImmutabilityPolicy().setExpiryTime(OffsetDateTime.ofInstant(until, ZoneOffset.UTC))
                .setPolicyMode(BlobImmutabilityPolicyMode.LOCKED);
    }

    /** The until-date of the item's policy, or null when it has none. */
    static Instant until(BlobItem item) {
        BlobImmutabilityPolicy p = item.getProperties() == null ? null : item.getProperties().getImmutabilityPolicy();
        return p == null || p.getExpiryTime() == null ? null : p.getExpiryTime().toInstant();
    }

    static boolean locked(BlobItem item) {
        BlobImmutabilityPolicy p = item.getProperties() == null ? null : item.getProperties().getImmutabilityPolicy();
        return p != null && p.getPolicyMode() == BlobImmutabilityPolicyMode.LOCKED;
    }

    static boolean held(BlobItem item) {
        return item.getProperties() != null && Boolean.TRUE.equals(item.getProperties().hasLegalHold());
    }

    /**
     * {@code e} as {@link ErrorCode#PROTECTED} when Storage refused because of a retention
     * policy or a legal hold; null otherwise.
     */
    static ShiftSyncException refusal(String what, RuntimeException e) {
        if (e instanceof BlobStorageException bse && bse.getStatusCode() == 409 && REFUSALS.contains(StorageErrors.code(e))) {
            String why = BY_LEGAL_HOLD.equals(StorageErrors.code(e)) ? "it is under a legal hold"
                    : "its retention policy has not expired";
            return new ShiftSyncException(ErrorCode.PROTECTED, what + " is immutable: Storage refused (" + why + ")",
                    StorageErrors.code(e), e);
        }
        return null;
    }

    String describe() {
        return "Blob container " + container.getBlobContainerName() + " at " + container.getAccountUrl();
    }
}
