package com.shiftsync.backup.store;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.domain.BackupCatalog;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.Lease;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalBackupStoreIT extends BackupStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BackupStore newStore(Supplier<Optional<ManifestKey>> manifestKey) {
        return new LocalBackupStore(dir.resolve("backups"), manifestKey);
    }

    @Override
    protected void plantManifest(Tier tier, BackupId id, Manifest content) {
        try {
            Path folder = Files.createDirectories(dir.resolve("backups").resolve(tier.folder()));
            Files.writeString(folder.resolve(id.manifestName()), Json.pretty(content));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void corruptManifest(Manifest m) {
        Path file = dir.resolve("backups").resolve(m.tier().folder()).resolve(m.backupId().manifestName());
        String json = Json.pretty(m);
        try {
            Files.writeString(file, json.substring(0, json.length() / 2));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("partial files are listed as leftovers, owned while a live run holds the tier's lock, and deleted by name only")
    void leftovers() throws IOException {
        BackupId id = BackupId.of("shiftsync", Instant.parse("2024-01-15T02:00:00Z"));
        try (Lease lock = store.lock(Tier.DAILY); ArchiveWriter w = store.createArchive(Tier.DAILY, id)) {
            w.write(new byte[1000], 0, 1000);
            List<BackupCatalog.Leftover> during = store.catalog().leftovers();
            assertEquals(1, during.size());
            BackupCatalog.Leftover l = during.get(0);
            assertEquals("." + id.archiveName() + ".partial", l.name());
            assertEquals(id, l.id());
            assertEquals(1000, l.sizeBytes());
            assertTrue(l.owned(), "this process holds the daily lock");
            assertTrue(l.owner().startsWith("pid " + ProcessHandle.current().pid() + " on host "), l.owner());
            assertTrue(store.catalog().archives().isEmpty());
        }
        // a run that was killed leaves its partial file; nobody holds the lock any more
        Path dead = dir.resolve("backups/daily/." + id.archiveName() + ".partial");
        Files.write(dead, new byte[77]);
        Files.writeString(dir.resolve("backups/daily/.stray-notes.txt"), "not ours");
        List<BackupCatalog.Leftover> after = store.catalog().leftovers();
        assertEquals(1, after.size(), after.toString());
        assertNull(after.get(0).owner());
        assertThrows(IllegalArgumentException.class, () -> store.deleteLeftover(Tier.DAILY, id.archiveName()));
        assertThrows(IllegalArgumentException.class, () -> store.deleteLeftover(Tier.DAILY, "../x.partial"));
        store.deleteLeftover(Tier.DAILY, after.get(0).name());
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(dir.resolve("backups/daily/.stray-notes.txt")), "only our partial files are touched");
    }

    @Test
    @DisplayName("a second run is told who holds the tier's lock")
    void lockNamesItsOwner() {
        try (Lease lock = store.lock(Tier.DAILY)) {
            String message = assertThrows(com.shiftsync.backup.domain.ShiftSyncException.class,
                    () -> new LocalBackupStore(dir.resolve("backups")).lock(Tier.DAILY)).getMessage();
            assertTrue(message.contains("pid " + ProcessHandle.current().pid() + " on host "), message);
        }
    }
}
