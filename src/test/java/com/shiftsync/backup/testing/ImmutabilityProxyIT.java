package com.shiftsync.backup.testing;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fake itself, through the real SDK: what Azure documents for version-level immutability,
 * legal holds and container-level policies (see {@link ImmutabilityProxy}), and plain
 * forwarding of everything else.
 */
class ImmutabilityProxyIT {
    MutableClock clock;
    ImmutabilityProxy proxy;
    BlobContainerClient container;

    @BeforeEach
    void start() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        proxy = ImmutabilityProxy.start(Azurite.shared(), clock);
        String name = "worm-" + Long.toHexString(System.nanoTime());
        proxy.enableVersionLevelImmutability(name);
        container = new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient()
                .getBlobContainerClient(name);
        container.create();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private BlobClient blob(String name, String text) {
        BlobClient blob = container.getBlobClient(name);
        blob.upload(BinaryData.fromString(text));
        return blob;
    }

    private OffsetDateTime in(Duration d) {
        return OffsetDateTime.ofInstant(clock.instant().plus(d), ZoneOffset.UTC);
    }

    private static BlobStorageException refused(Runnable call) {
        return assertThrows(BlobStorageException.class, call::run);
    }

    @Test
    @DisplayName("a locked policy: echoed on set, properties and listing; delete refused (409 BlobImmutableDueToPolicy) "
            + "until it expires; it can be extended, never shortened, unlocked or deleted")
    void lockedPolicy() {
        BlobClient blob = blob("daily/a.dump", "archive");
        OffsetDateTime until = in(Duration.ofDays(30)).plusNanos(123_000_000);
        BlobImmutabilityPolicy set = blob.setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(until)
                .setPolicyMode(BlobImmutabilityPolicyMode.LOCKED));
        assertEquals(until.truncatedTo(ChronoUnit.SECONDS), set.getExpiryTime());
        assertEquals(BlobImmutabilityPolicyMode.LOCKED, set.getPolicyMode());
        BlobProperties props = blob.getProperties();
        assertEquals(until.truncatedTo(ChronoUnit.SECONDS), props.getImmutabilityPolicy().getExpiryTime());
        assertEquals(BlobImmutabilityPolicyMode.LOCKED, props.getImmutabilityPolicy().getPolicyMode());
        assertNull(props.hasLegalHold(), "no hold was ever set");
        assertEquals("archive".length(), props.getBlobSize());
        BlobItem listed = container.listBlobs(new ListBlobsOptions().setDetails(new BlobListDetails()
                .setRetrieveImmutabilityPolicy(true).setRetrieveLegalHold(true)), null).iterator().next();
        assertEquals(until.truncatedTo(ChronoUnit.SECONDS), listed.getProperties().getImmutabilityPolicy().getExpiryTime());

        BlobStorageException delete = refused(blob::delete);
        assertEquals(409, delete.getStatusCode());
        assertEquals("BlobImmutableDueToPolicy", delete.getErrorCode().toString());
        assertTrue(delete.getMessage().contains("This operation is not permitted as the blob is immutable due to a policy."));
        BlobStorageException remove = refused(blob::deleteImmutabilityPolicy);
        assertEquals(409, remove.getStatusCode());
        assertEquals("ImmutabilityPolicyDeleteOnLockedPolicy", remove.getErrorCode().toString());
        assertEquals(409, refused(() -> blob.setImmutabilityPolicy(new BlobImmutabilityPolicy()
                .setExpiryTime(in(Duration.ofDays(1))).setPolicyMode(BlobImmutabilityPolicyMode.LOCKED))).getStatusCode(),
                "shorter");
        assertEquals(409, refused(() -> blob.setImmutabilityPolicy(new BlobImmutabilityPolicy()
                .setExpiryTime(in(Duration.ofDays(40))).setPolicyMode(BlobImmutabilityPolicyMode.UNLOCKED))).getStatusCode(),
                "unlocked");
        blob.setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(in(Duration.ofDays(40)))
                .setPolicyMode(BlobImmutabilityPolicyMode.LOCKED));
        assertEquals(in(Duration.ofDays(40)).truncatedTo(ChronoUnit.SECONDS),
                blob.getProperties().getImmutabilityPolicy().getExpiryTime(), "extended");

        clock.advance(Duration.ofDays(40).plusSeconds(1));
        blob.delete();
        assertFalse(blob.exists());
    }

    @Test
    @DisplayName("an unlocked policy can be shortened and deleted; past dates, bad modes and missing blobs are refused")
    void unlockedPolicyAndBadRequests() {
        BlobClient blob = blob("daily/b.dump", "archive");
        blob.setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(in(Duration.ofDays(30))));
        assertEquals(BlobImmutabilityPolicyMode.UNLOCKED, blob.getProperties().getImmutabilityPolicy().getPolicyMode());
        blob.setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(in(Duration.ofDays(1))));
        blob.deleteImmutabilityPolicy();
        assertNull(blob.getProperties().getImmutabilityPolicy().getExpiryTime());
        blob.delete();

        BlobClient other = blob("daily/c.dump", "archive");
        BlobStorageException past = refused(() -> other.setImmutabilityPolicy(new BlobImmutabilityPolicy()
                .setExpiryTime(in(Duration.ofDays(-1)))));
        assertEquals(400, past.getStatusCode());
        BlobStorageException missing = refused(() -> container.getBlobClient("daily/none.dump")
                .setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(in(Duration.ofDays(1)))));
        assertEquals(404, missing.getStatusCode());
        assertEquals("BlobNotFound", missing.getErrorCode().toString());
    }

    @Test
    @DisplayName("a legal hold refuses delete (409 BlobImmutableDueToLegalHold) until released; an overwrite makes a new "
            + "version and the protected one is kept as a previous version")
    void legalHoldAndOverwrite() {
        BlobClient blob = blob("daily/d.manifest.json", "{}");
        assertTrue(blob.setLegalHold(true).hasLegalHold());
        assertTrue(blob.getProperties().hasLegalHold());
        BlobStorageException held = refused(blob::delete);
        assertEquals(409, held.getStatusCode());
        assertEquals("BlobImmutableDueToLegalHold", held.getErrorCode().toString());
        assertFalse(blob.setLegalHold(false).hasLegalHold());
        assertFalse(blob.getProperties().hasLegalHold());

        blob.setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(in(Duration.ofDays(3)))
                .setPolicyMode(BlobImmutabilityPolicyMode.LOCKED));
        blob.upload(BinaryData.fromString("{\"forged\": true}"), true);
        assertNull(blob.getProperties().getImmutabilityPolicy().getExpiryTime(), "the new version has no policy");
        assertEquals(1, proxy.previousVersions().size());
        assertEquals("daily/d.manifest.json", proxy.previousVersions().get(0).blob());
        assertTrue(proxy.previousVersions().get(0).policy().locked());

        BlobClient uploaded = container.getBlobClient("daily/e.manifest.json");
        uploaded.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromString("{}"))
                .setImmutabilityPolicy(new BlobImmutabilityPolicy().setExpiryTime(in(Duration.ofDays(2)))
                        .setPolicyMode(BlobImmutabilityPolicyMode.LOCKED)), null, null);
        assertEquals(BlobImmutabilityPolicyMode.LOCKED, uploaded.getProperties().getImmutabilityPolicy().getPolicyMode());
        assertEquals(409, refused(uploaded::delete).getStatusCode());
    }

    @Test
    @DisplayName("the container says it has version-level immutability and cannot be deleted; a wrong key is refused")
    void containerAndAuthorisation() {
        assertTrue(container.getProperties().isImmutableStorageWithVersioningEnabled());
        BlobStorageException gone = refused(container::delete);
        assertEquals(409, gone.getStatusCode());
        assertEquals("ContainerImmutableStorageWithVersioningEnabled", gone.getErrorCode().toString());

        BlobClient blob = blob("daily/f.dump", "archive");
        String wrongKey = proxy.connectionString().replace(Azurite.ACCOUNT_KEY,
                java.util.Base64.getEncoder().encodeToString(new byte[64]));
        BlobClient intruder = new BlobServiceClientBuilder().connectionString(wrongKey).buildClient()
                .getBlobContainerClient(container.getBlobContainerName()).getBlobClient("daily/f.dump");
        BlobStorageException denied = refused(() -> intruder.setLegalHold(true));
        assertEquals(403, denied.getStatusCode());
        assertNull(blob.getProperties().hasLegalHold());
    }

    @Test
    @DisplayName("a container-level policy with protected appends: appends go on, delete and overwrite are refused "
            + "until the retention has passed since the last append")
    void containerLevelPolicy() {
        String name = "audit-" + Long.toHexString(System.nanoTime());
        proxy.containerPolicy(name, new ImmutabilityProxy.ContainerPolicy(Duration.ofDays(365), true, false));
        BlobContainerClient audit = new BlobServiceClientBuilder().connectionString(proxy.connectionString())
                .buildClient().getBlobContainerClient(name);
        audit.create();
        assertTrue(audit.getProperties().hasImmutabilityPolicy());
        AppendBlobClient day = audit.getBlobClient("2024/01/15.jsonl").getAppendBlobClient();
        day.create();
        day.appendBlock(new ByteArrayInputStream("a\n".getBytes()), 2);
        day.appendBlock(new ByteArrayInputStream("b\n".getBytes()), 2);
        assertEquals("a\nb\n", audit.getBlobClient("2024/01/15.jsonl").downloadContent().toString());
        assertEquals("BlobImmutableDueToPolicy", refused(day::delete).getErrorCode().toString());
        assertEquals(409, refused(() -> audit.getBlobClient("2024/01/15.jsonl")
                .upload(BinaryData.fromString("forged"), true)).getStatusCode());
        assertEquals(409, audit.getBlobClient("2024/01/15.jsonl").getAppendBlobClient().createIfNotExistsWithResponse(
                new com.azure.storage.blob.options.AppendBlobCreateOptions(), null, null).getStatusCode(),
                "create-if-not-exists of an existing blob is the usual no");

        clock.advance(Duration.ofDays(366));
        day.delete();
        assertEquals(List.of(), audit.listBlobs().stream().map(BlobItem::getName).toList());
    }
}
