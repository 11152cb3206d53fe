package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Sha256;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.ArchiveWriter;
import com.shiftsync.backup.port.BackupStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;

/**
 * Backups made in milliseconds for retention tests: a small archive and its manifest written
 * straight into a store, as BackupJob would leave them, without pg_dump.
 */
public final class SimulatedBackups {
    private SimulatedBackups() {
    }

    /** A complete backup of {@code tier} that started at {@code at}. */
    public static Manifest backup(BackupStore store, Tier tier, Instant at) {
        BackupId id = BackupId.of("shiftsync", at);
        byte[] data = archiveBytes(id);
        archive(store, tier, id, data);
        MessageDigest sha = Sha256.digest();
        sha.update(data);
        Manifest m = new Manifest(id.toString(), "shiftsync", tier, id.startedAt(), id.startedAt().plusSeconds(42),
                data.length, Sha256.hex(sha), "15.18", "pg_dump (PostgreSQL) 15.18", Manifest.CUSTOM_FORMAT,
                Map.of("public.shifts", 2000L, "public.users", 60L));
        store.putManifest(m);
        return m;
    }

    /** An archive with no manifest, as a crashed backup leaves it. */
    public static BackupId orphan(BackupStore store, Tier tier, Instant at) {
        BackupId id = BackupId.of("shiftsync", at);
        archive(store, tier, id, archiveBytes(id));
        return id;
    }

    public static byte[] archiveBytes(BackupId id) {
        return ("PGDMP simulated archive of " + id + "\n").repeat(12).getBytes(StandardCharsets.UTF_8);
    }

    private static void archive(BackupStore store, Tier tier, BackupId id, byte[] data) {
        try (ArchiveWriter w = store.createArchive(tier, id)) {
            w.write(data, 0, data.length);
            w.commit();
        }
    }
}
