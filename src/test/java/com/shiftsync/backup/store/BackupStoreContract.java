package com.shiftsync.backup.store;

import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Lease;
import com.shiftsync.backup.port.StoredArchive;
import com.shiftsync.backup.testing.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one contract every {@link BackupStore} keeps; each store runs it against its real
 * medium (a folder, Azurite).
 */
abstract class BackupStoreContract {
    private static final Instant T0 = Instant.parse("2024-01-15T02:00:00Z");

    protected BackupStore store;

    /** A store that reads manifests without a key (MANIFEST_KEY_SECRET not set). */
    protected BackupStore newStore() {
        return newStore(Optional::empty);
    }

    /** A store that holds its manifests to {@code manifestKey}. */
    protected abstract BackupStore newStore(Supplier<Optional<ManifestKey>> manifestKey);

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    @Test
    @DisplayName("an empty store lists nothing, not null")
    void emptyStore() {
        assertFalse(store.contains(BackupId.of("shiftsync", T0)));
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), store.listArchives());
        assertTrue(store.latest().isEmpty());
    }

    @Test
    @DisplayName("an archive is invisible until committed, then reads back byte for byte")
    void commitMakesVisible() throws IOException {
        BackupId id = BackupId.of("shiftsync", T0);
        byte[] data = randomBytes(20 * 1024 * 1024 + 123);
        try (ArchiveWriter w = store.createArchive(Tier.DAILY, id)) {
            for (int off = 0; off < data.length; off += 1_000_003) {
                w.write(data, off, Math.min(1_000_003, data.length - off));
            }
            assertEquals(List.of(), store.listArchives(), "visible before commit");
            assertEquals(data.length, w.commit());
        }
        assertTrue(store.contains(id));
        assertFalse(store.contains(BackupId.of("shiftsync", T0.plusSeconds(1))));
        List<StoredArchive> archives = store.listArchives();
        assertEquals(1, archives.size());
        assertEquals(id, archives.get(0).id());
        assertEquals(data.length, archives.get(0).sizeBytes());
        assertEquals(List.of(), store.list(), "an archive without a manifest is not a backup");
        try (InputStream in = store.openArchive(Tier.DAILY, id)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    @DisplayName("an archive closed without commit leaves nothing behind")
    void abandonLeavesNothing() {
        BackupId id = BackupId.of("shiftsync", T0);
        try (ArchiveWriter w = store.createArchive(Tier.DAILY, id)) {
            w.write(new byte[9 * 1024 * 1024], 0, 9 * 1024 * 1024);
        }
        assertEquals(List.of(), store.listArchives());
        assertThrows(ShiftSyncException.class, () -> store.openArchive(Tier.DAILY, id).close());
    }

    @Test
    @DisplayName("a committed archive is never replaced")
    void noReplace() throws IOException {
        BackupId id = BackupId.of("shiftsync", T0);
        commitArchive(Tier.DAILY, id, "first".getBytes());
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> {
            try (ArchiveWriter w = store.createArchive(Tier.DAILY, id)) {
                w.write("second".getBytes(), 0, 6);
                w.commit();
            }
        });
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        try (InputStream in = store.openArchive(Tier.DAILY, id)) {
            assertArrayEquals("first".getBytes(), in.readAllBytes());
        }
    }

    @Test
    @DisplayName("manifests: listed newest first across tiers, never replaced, deleted first")
    void manifests() {
        Manifest older = manifest(Tier.WEEKLY, T0, "a");
        Manifest newer = manifest(Tier.DAILY, T0.plusSeconds(86_400), "b");
        store.putManifest(older);
        store.putManifest(newer);
        assertTrue(store.contains(older.backupId()), "a manifest alone counts too");
        assertEquals(List.of(newer, older), store.list());
        assertTrue(store.latest().isEmpty(), "no backup is complete: neither has its archive");
        assertEquals(older, store.find(older.id()).orElseThrow());
        assertThrows(ShiftSyncException.class, () -> store.putManifest(manifest(Tier.WEEKLY, T0, "c")));
        assertEquals(older, store.find(older.id()).orElseThrow(), "the first manifest stays");
        store.deleteManifest(Tier.DAILY, newer.backupId());
        store.deleteManifest(Tier.DAILY, newer.backupId());
        assertEquals(List.of(older), store.list());
    }

    @Test
    @DisplayName("deleting an archive removes it; deleting a missing one is fine")
    void deleteArchive() {
        BackupId id = BackupId.of("shiftsync", T0);
        commitArchive(Tier.MANUAL, id, "x".repeat(300).getBytes());
        store.deleteArchive(Tier.MANUAL, id);
        store.deleteArchive(Tier.MANUAL, id);
        assertEquals(List.of(), store.listArchives());
    }

    @Test
    @DisplayName("one run per tier at a time: a second lock is refused until the first is released")
    void singleFlight() {
        try (Lease first = store.lock(Tier.DAILY)) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> store.lock(Tier.DAILY));
            assertEquals(ErrorCode.IN_PROGRESS, e.code());
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
            try (Lease otherTier = store.lock(Tier.WEEKLY)) {
                otherTier.verifyHeld();
            }
            first.verifyHeld();
        }
        try (Lease again = store.lock(Tier.DAILY)) {
            again.verifyHeld();
        }
    }

    @Test
    @DisplayName("records next to a backup are written, replaced, read back and deleted with it, manifest untouched")
    void records() {
        Manifest m = manifest(Tier.DAILY, T0, "r");
        store.putManifest(m);
        assertTrue(store.getRecord(Tier.DAILY, m.backupId(), "verification").isEmpty());
        store.putRecord(Tier.DAILY, m.backupId(), "verification", "{\"passed\":false}");
        store.putRecord(Tier.DAILY, m.backupId(), "verification", "{\"passed\":true}");
        store.putRecord(Tier.DAILY, m.backupId(), "offsite-check", "{}");
        assertEquals("{\"passed\":true}", store.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow());
        assertEquals(List.of(m), store.list(), "records are not manifests");
        store.deleteRecords(Tier.DAILY, m.backupId());
        assertTrue(store.getRecord(Tier.DAILY, m.backupId(), "verification").isEmpty());
        assertTrue(store.getRecord(Tier.DAILY, m.backupId(), "offsite-check").isEmpty());
        assertEquals(List.of(m), store.list(), "the manifest stays");
    }

    @Test
    @DisplayName("the catalog: complete backups, damaged ones (archive missing, archive size differs, manifest unreadable) and orphans, in one pass; latest is the newest complete")
    void catalog() {
        Manifest good = manifest(Tier.DAILY, T0, "good");
        commitArchive(Tier.DAILY, good.backupId(), new byte[(int) good.sizeBytes()]);
        store.putManifest(good);
        Manifest missing = manifest(Tier.DAILY, T0.plusSeconds(3600), "missing");
        store.putManifest(missing);
        Manifest shorter = manifest(Tier.WEEKLY, T0.plusSeconds(7200), "short");
        commitArchive(Tier.WEEKLY, shorter.backupId(), new byte[100]);
        store.putManifest(shorter);
        Manifest truncated = manifest(Tier.DAILY, T0.plusSeconds(10_800), "truncated");
        commitArchive(Tier.DAILY, truncated.backupId(), new byte[(int) truncated.sizeBytes()]);
        store.putManifest(truncated);
        corruptManifest(truncated);
        BackupId orphan = BackupId.of("shiftsync", T0.plusSeconds(14_400));
        commitArchive(Tier.MANUAL, orphan, new byte[300]);

        BackupCatalog catalog = store.catalog();
        assertEquals(store.name(), catalog.store());
        assertEquals(List.of(good), catalog.complete());
        assertEquals(good, store.latest().orElseThrow(), "latest is the newest complete backup");
        assertEquals(List.of(truncated.backupId(), shorter.backupId(), missing.backupId()),
                catalog.damaged().stream().map(BackupCatalog.Entry::id).toList());
        assertEquals(List.of(BackupCatalog.Condition.MANIFEST_UNREADABLE, BackupCatalog.Condition.ARCHIVE_SIZE_DIFFERS,
                BackupCatalog.Condition.ARCHIVE_MISSING),
                catalog.damaged().stream().map(BackupCatalog.Entry::condition).toList());
        String unreadable = catalog.damaged().get(0).reason();
        assertFalse(unreadable.contains("\n"), "one line: " + unreadable);
        assertTrue(unreadable.contains("its archive") && unreadable.contains("is kept"), unreadable);
        assertEquals(List.of(orphan), catalog.orphans().stream().map(BackupCatalog.Archive::id).toList(),
                "an archive whose manifest is unreadable is no orphan");
        assertEquals(List.of(shorter, missing, good), store.list(), "list holds the readable manifests");
    }

    @Test
    @DisplayName("one record is deleted alone; the others and the manifest stay")
    void deleteOneRecord() {
        Manifest m = manifest(Tier.DAILY, T0, "one");
        store.putManifest(m);
        store.putRecord(Tier.DAILY, m.backupId(), "verification", "{}");
        store.putRecord(Tier.DAILY, m.backupId(), "pending-copy", "{}");
        store.deleteRecord(Tier.DAILY, m.backupId(), "pending-copy");
        store.deleteRecord(Tier.DAILY, m.backupId(), "pending-copy");
        assertTrue(store.getRecord(Tier.DAILY, m.backupId(), "pending-copy").isEmpty());
        assertEquals("{}", store.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow());
        assertEquals(List.of(m), store.list());
    }

    @Test
    @DisplayName("a valid manifest under another backup's name, or in another tier's folder, is damaged (manifest "
            + "misplaced), never latest, its archive no orphan; the backup it names is untouched")
    void misplacedManifest() {
        Manifest good = manifest(Tier.DAILY, T0, "good");
        commitArchive(Tier.DAILY, good.backupId(), new byte[(int) good.sizeBytes()]);
        store.putManifest(good);
        BackupId newer = BackupId.of("shiftsync", T0.plusSeconds(3600));
        commitArchive(Tier.DAILY, newer, new byte[(int) good.sizeBytes()]);
        plantManifest(Tier.DAILY, newer, good);
        commitArchive(Tier.WEEKLY, good.backupId(), new byte[(int) good.sizeBytes()]);
        plantManifest(Tier.WEEKLY, good.backupId(), good);

        BackupCatalog catalog = store.catalog();
        assertEquals(List.of(good), catalog.complete());
        assertEquals(good, catalog.latest(T0.plusSeconds(7200)).orElseThrow());
        assertEquals(List.of(newer + " daily", good.id() + " weekly"), catalog.damaged().stream()
                .map(e -> e.id() + " " + e.tier()).toList());
        catalog.damaged().forEach(e -> assertEquals(BackupCatalog.Condition.MANIFEST_MISPLACED, e.condition()));
        assertEquals("damaged: manifest misplaced", catalog.damaged().get(0).condition().mark());
        assertTrue(catalog.damaged().get(0).reason().contains("its manifest is not its own (it names daily backup "
                + good.id() + ", not the daily backup " + newer + " its file is named for"),
                catalog.damaged().get(0).reason());
        assertEquals(List.of(), catalog.orphans(), "their archives are kept as damage, not deleted as orphans");
        assertTrue(catalog.entry(good.backupId()).orElseThrow().complete(), "the daily backup itself is complete");
        assertEquals(List.of(good), store.list());
    }

    @Test
    @DisplayName("a backup dated more than 5 minutes after now is never latest; 4 minutes after is")
    void fromTheFuture() {
        Manifest now = manifest(Tier.DAILY, T0, "now");
        commitArchive(Tier.DAILY, now.backupId(), new byte[(int) now.sizeBytes()]);
        store.putManifest(now);
        Manifest ahead = manifest(Tier.DAILY, T0.plusSeconds(3600), "ahead");
        commitArchive(Tier.DAILY, ahead.backupId(), new byte[(int) ahead.sizeBytes()]);
        store.putManifest(ahead);
        BackupCatalog catalog = store.catalog();
        assertEquals(now, catalog.latest(T0).orElseThrow());
        assertEquals(List.of(ahead), catalog.fromTheFuture(T0));
        assertEquals(ahead, catalog.latest(T0.plusSeconds(3600 - 4 * 60)).orElseThrow());
        assertEquals(List.of(), catalog.fromTheFuture(T0.plusSeconds(3600 - 4 * 60)));
    }

    @Test
    @DisplayName("the catalog names the records beside the backups, so readers ask only for those that exist")
    void recordsListed() {
        Manifest m = manifest(Tier.DAILY, T0, "listed");
        store.putManifest(m);
        store.putRecord(Tier.DAILY, m.backupId(), "verification", "{}");
        BackupCatalog catalog = store.catalog();
        assertTrue(catalog.mayHaveRecord(Tier.DAILY, m.backupId(), "verification"));
        assertFalse(catalog.mayHaveRecord(Tier.DAILY, m.backupId(), "restore-check"));
        assertFalse(catalog.mayHaveRecord(Tier.WEEKLY, m.backupId(), "verification"));
    }

    /** Writes {@code content} as the manifest file of {@code id} in {@code tier}'s folder, behind the store's back. */
    protected abstract void plantManifest(Tier tier, BackupId id, Manifest content);

    @Test
    @DisplayName("side files: written whole beside the archive, never replaced, read back, deleted with their backup only; manifest, archive and records untouched")
    void sideFiles() {
        Manifest m = manifest(Tier.DAILY, T0, "side");
        Manifest other = manifest(Tier.DAILY, T0.plusSeconds(60), "other");
        commitArchive(Tier.DAILY, m.backupId(), new byte[(int) m.sizeBytes()]);
        assertTrue(store.getSideFile(Tier.DAILY, m.backupId(), "roles.sql").isEmpty());
        byte[] roles = "-- the roles\nSELECT 1;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        store.putSideFile(Tier.DAILY, m.backupId(), "roles.sql", roles);
        store.putSideFile(Tier.DAILY, other.backupId(), "roles.sql", "-- other".getBytes());
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> store.putSideFile(Tier.DAILY, m.backupId(), "roles.sql", "-- replaced".getBytes()));
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        assertArrayEquals(roles, store.getSideFile(Tier.DAILY, m.backupId(), "roles.sql").orElseThrow(),
                "the first side file stays, byte for byte");
        assertTrue(store.getSideFile(Tier.WEEKLY, m.backupId(), "roles.sql").isEmpty(), "per tier");
        assertThrows(IllegalArgumentException.class,
                () -> store.putSideFile(Tier.DAILY, m.backupId(), "roles.json", roles), "a record's name is refused");
        store.putManifest(m);
        store.putRecord(Tier.DAILY, m.backupId(), "verification", "{}");
        BackupCatalog catalog = store.catalog();
        assertEquals(List.of(m), catalog.complete(), "a side file is neither an archive nor a manifest");
        assertEquals(List.of(m.backupId()), catalog.archives().stream().map(BackupCatalog.Archive::id).toList());
        store.deleteRecords(Tier.DAILY, m.backupId());
        assertArrayEquals(roles, store.getSideFile(Tier.DAILY, m.backupId(), "roles.sql").orElseThrow(),
                "deleting records leaves side files");
        store.putRecord(Tier.DAILY, m.backupId(), "verification", "{}");
        store.deleteSideFiles(Tier.DAILY, m.backupId());
        store.deleteSideFiles(Tier.DAILY, m.backupId());
        assertTrue(store.getSideFile(Tier.DAILY, m.backupId(), "roles.sql").isEmpty());
        assertTrue(store.getSideFile(Tier.DAILY, other.backupId(), "roles.sql").isPresent(), "another backup's stays");
        assertEquals("{}", store.getRecord(Tier.DAILY, m.backupId(), "verification").orElseThrow());
        assertEquals(List.of(m), store.catalog().complete(), "manifest and archive stay");
    }

    @Test
    @DisplayName("with MANIFEST_KEY_SECRET's key: a signed manifest reads back authenticated, its MAC and a member "
            + "this version does not know intact; rewritten with another SHA-256 it is damaged, not written by this "
            + "deployment, or altered, and the backup before it is latest")
    void heldToTheKey() throws IOException {
        BackupStore keyed = newStore(TestKeys.manifestKey());
        Manifest before = TestKeys.signed(manifest(Tier.DAILY, T0, "before"));
        commitArchive(keyed, Tier.DAILY, before.backupId(), new byte[(int) before.sizeBytes()]);
        keyed.putManifest(before);
        Manifest newer = manifest(Tier.DAILY, T0.plusSeconds(3600), "newer");
        newer = TestKeys.signed(new Manifest(newer.id(), newer.database(), newer.tier(), newer.startedAt(),
                newer.finishedAt(), newer.sizeBytes(), newer.sha256(), newer.serverVersion(), newer.pgDumpVersion(),
                newer.format(), null, null, null, newer.rowCounts(), null, null, null,
                Map.of("rolesSha256", com.fasterxml.jackson.databind.node.TextNode.valueOf("cd".repeat(32)))));
        commitArchive(keyed, Tier.DAILY, newer.backupId(), new byte[(int) newer.sizeBytes()]);
        keyed.putManifest(newer);

        BackupCatalog catalog = keyed.catalog();
        assertTrue(catalog.authenticating());
        assertEquals(List.of(newer, before), catalog.complete(), "read back whole, MAC and unknown member included");
        assertEquals(BackupCatalog.Authenticity.AUTHENTICATED, catalog.entry(newer.backupId()).orElseThrow()
                .authenticity());

        keyed.deleteManifest(Tier.DAILY, newer.backupId());
        keyed.putManifest(new Manifest(newer.id(), newer.database(), newer.tier(), newer.startedAt(),
                newer.finishedAt(), newer.sizeBytes(), "ef".repeat(32), newer.serverVersion(), newer.pgDumpVersion(),
                newer.format(), null, null, null, newer.rowCounts(), null, null, newer.mac(), newer.otherFields()));
        BackupCatalog altered = keyed.catalog();
        assertEquals(BackupCatalog.Condition.NOT_AUTHENTIC, altered.entry(newer.backupId()).orElseThrow().condition());
        assertEquals(before, keyed.latest().orElseThrow());
        assertFalse(newStore().catalog().authenticating(), "the same store read without a key checks nothing");
    }

    /** Replaces the stored manifest of {@code m} with a truncated copy, behind the store's back. */
    protected abstract void corruptManifest(Manifest m);

    protected void commitArchive(Tier tier, BackupId id, byte[] data) {
        commitArchive(store, tier, id, data);
    }

    protected static void commitArchive(BackupStore store, Tier tier, BackupId id, byte[] data) {
        try (ArchiveWriter w = store.createArchive(tier, id)) {
            w.write(data, 0, data.length);
            w.commit();
        }
    }

    protected static Manifest manifest(Tier tier, Instant at, String salt) {
        MessageDigest sha = Sha256.digest();
        sha.update(salt.getBytes());
        BackupId id = BackupId.of("shiftsync", at);
        return new Manifest(id.toString(), "shiftsync", tier, at, at.plusSeconds(5), 1234, Sha256.hex(sha),
                "15.18", "pg_dump (PostgreSQL) 15.18", Manifest.CUSTOM_FORMAT, Map.of("public.users", 60L));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }
}
