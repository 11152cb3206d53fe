package com.shiftsync.backup.backup;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.shiftsync.backup.adapter.blob.BlobBackupStore;
import com.shiftsync.backup.adapter.pg.JdbcDatabase;
import com.shiftsync.backup.domain.DatabaseUrl;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Protection;
import com.shiftsync.backup.domain.RetentionLock;
import com.shiftsync.backup.domain.RetentionPolicy;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.DumpTool;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.RestoreJob;
import com.shiftsync.backup.testing.ForwardingDumpTool;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.Fingerprint;
import com.shiftsync.backup.testing.ImmutabilityProxy;
import com.shiftsync.backup.testing.MutableClock;
import com.shiftsync.backup.testing.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real backups (pg_dump, the real SDK) into a container with version-level immutability, Azure's
 * behaviour played by {@link ImmutabilityProxy} in front of Azurite: what a backup commits is
 * locked until its retention ends, the account key cannot delete it, and a failed backup leaves
 * nothing locked behind.
 */
class ImmutableBackupIT {
    static final RetentionLock LOCK = RetentionLock.of(RetentionPolicy.of(30, 30, 1, 0, 0, 0));
    static PostgresCluster pg;
    static String db;

    @TempDir
    Path dir;
    ImmutabilityProxy proxy;
    BlobContainerClient attacker;
    BlobBackupStore store;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("worm");
        // a few MB of poorly compressible rows, so pg_dump is still writing when it is killed
        pg.execute(db, "CREATE TABLE noise AS SELECT g AS id, md5(random()::text) || md5(random()::text) AS a "
                + "FROM generate_series(1, 100000) g");
    }

    @BeforeEach
    void container() {
        proxy = ImmutabilityProxy.start(Azurite.shared(), new MutableClock(Instant.now()));
        String name = "worm-" + Long.toHexString(System.nanoTime());
        proxy.enableVersionLevelImmutability(name);
        // whoever holds the account key: the connection string, the SDK, nothing of ours in between
        attacker = new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient()
                .getBlobContainerClient(name);
        store = new BlobBackupStore(attacker, () -> LOCK, Clock.systemUTC(), Optional::empty);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private BackupJob job(DumpTool tool) {
        DatabaseUrl source = pg.url(db);
        return new BackupJob(() -> source, new JdbcDatabase(), tool, List.of(store), Clock.systemUTC(),
                Duration.ofMinutes(10));
    }

    /** Every blob in the container with its policy: name -> "until mode", or "none". */
    private Map<String, String> policies() {
        Map<String, String> all = new TreeMap<>();
        for (BlobItem item : attacker.listBlobs(new ListBlobsOptions().setDetails(new BlobListDetails()
                .setRetrieveImmutabilityPolicy(true).setRetrieveLegalHold(true)), null)) {
            BlobImmutabilityPolicy p = item.getProperties().getImmutabilityPolicy();
            all.put(item.getName(), p == null || p.getExpiryTime() == null ? "none"
                    : p.getExpiryTime().toInstant() + " " + p.getPolicyMode());
        }
        return all;
    }

    @Test
    @DisplayName("every blob a backup commits (archive, roles file, manifest) is locked until startedAt + the tier's "
            + "retention + 1 h, and nothing else; the store reports it")
    void committedBlobsAreLocked() {
        Manifest m = job(BackupRoundTripIT.dumpTool()).run(Tier.WEEKLY, Reporter.NONE).manifest();

        Instant until = m.startedAt().plus(Duration.ofDays(30)).plus(RetentionLock.MARGIN);
        assertEquals(Map.of("weekly/" + m.id() + ".dump", until + " Locked",
                "weekly/" + m.id() + ".roles.sql", until + " Locked",
                "weekly/" + m.id() + ".manifest.json", until + " Locked",
                "locks/weekly.lock", "none"), policies(), "the tier's lease blob is no part of a backup");
        assertEquals(List.of(new Protection(Tier.WEEKLY, m.backupId(), until, until, true, false)), store.protections());
        assertEquals(until, attacker.getBlobClient("weekly/" + m.id() + ".dump").getProperties()
                .getImmutabilityPolicy().getExpiryTime().toInstant(), "Get Blob Properties says the same");
    }

    @Test
    @DisplayName("the account key cannot delete the backup, remove or shorten its policy, or delete the container "
            + "(409); the backup still restores")
    void accountKeyCannotDeleteIt() {
        Manifest m = job(BackupRoundTripIT.dumpTool()).run(Tier.DAILY, Reporter.NONE).manifest();
        BlobClient archive = attacker.getBlobClient("daily/" + m.id() + ".dump");
        BlobClient manifest = attacker.getBlobClient("daily/" + m.id() + ".manifest.json");

        for (BlobClient blob : List.of(archive, manifest)) {
            BlobStorageException delete = assertThrows(BlobStorageException.class, blob::delete);
            assertEquals(409, delete.getStatusCode());
            assertEquals("BlobImmutableDueToPolicy", delete.getErrorCode().toString());
            BlobStorageException unlock = assertThrows(BlobStorageException.class, blob::deleteImmutabilityPolicy);
            assertEquals(409, unlock.getStatusCode());
            assertEquals("ImmutabilityPolicyDeleteOnLockedPolicy", unlock.getErrorCode().toString());
            BlobStorageException shorten = assertThrows(BlobStorageException.class, () -> blob.setImmutabilityPolicy(
                    new BlobImmutabilityPolicy().setExpiryTime(OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5))
                            .setPolicyMode(BlobImmutabilityPolicyMode.LOCKED)));
            assertEquals(409, shorten.getStatusCode());
        }
        assertEquals(409, assertThrows(BlobStorageException.class, attacker::delete).getStatusCode());
        // the app's own prune path: the same refusal, in our words
        ShiftSyncException refused = assertThrows(ShiftSyncException.class,
                () -> store.deleteArchive(Tier.DAILY, m.backupId()));
        CapturedOutput.record(refused.getMessage());
        assertEquals(ErrorCode.PROTECTED, refused.code());
        assertEquals("BlobImmutableDueToPolicy", refused.upstreamCode());

        String target = "worm_restored_" + Long.toHexString(System.nanoTime());
        new RestoreJob(new JdbcDatabase(), BackupRoundTripIT.dumpTool(), dir.resolve("scratch"))
                .run(store, m.id(), pg.url(target), Reporter.NONE);
        assertEquals(m.rowCounts(), Fingerprint.rowCounts(pg, target));
        pg.dropDatabase(target);
    }

    @Test
    @DisplayName("a failed backup locks nothing: pg_dump killed mid-stream, or the archive failing its check after "
            + "it was committed, leave no blob behind; the earlier backup stays locked")
    void failedBackupsLeaveNothingLocked() {
        Manifest good = job(BackupRoundTripIT.dumpTool()).run(Tier.DAILY, Reporter.NONE).manifest();
        Map<String, String> before = policies();

        ShiftSyncException killed = assertThrows(ShiftSyncException.class, () -> job(BackupFailureIT.afterBytes(
                BackupRoundTripIT.dumpTool(), 512 * 1024, BackupFailureIT::killPgDump)).run(Tier.DAILY, Reporter.NONE));
        assertTrue(killed.getMessage().startsWith("pg_dump was killed"), killed.getMessage());
        assertEquals(before, policies(), "only the earlier backup's blobs, still locked");

        ShiftSyncException unreadable = assertThrows(ShiftSyncException.class,
                () -> job(failingCheck(BackupRoundTripIT.dumpTool())).run(Tier.DAILY, Reporter.NONE));
        assertTrue(unreadable.getMessage().contains("table of contents"), unreadable.getMessage());
        assertEquals(before, policies(), "the committed archive that failed its check was deleted: it was never locked");
        assertEquals(List.of(good), store.list());
        assertTrue(proxy.previousVersions().isEmpty(), "nothing locked was ever replaced or deleted");
    }

    /** The real tool, whose check of the stored archive fails: the archive is committed and must be discarded. */
    private static DumpTool failingCheck(DumpTool real) {
        return new ForwardingDumpTool(real) {
            @Override
            public void checkArchive(InputStream archive) {
                throw new ShiftSyncException(ErrorCode.JOB_FAILED,
                        "pg_restore --list could not read the archive's table of contents (simulated)");
            }
        };
    }

}
