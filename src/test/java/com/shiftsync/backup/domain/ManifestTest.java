package com.shiftsync.backup.domain;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest records which pg_dump made the archive and its format version; manifests written before still read. */
class ManifestTest {
    static final String SHA = "a".repeat(64);

    /** A manifest as written before the archive's format version and pg_dump major were recorded. */
    static final String OLD_JSON = """
            {"id":"shiftsync_backup_20240115_020000","database":"shiftsync","tier":"daily",
             "startedAt":"2024-01-15T02:00:00Z","finishedAt":"2024-01-15T02:03:00Z","sizeBytes":4096,
             "sha256":"%s","serverVersion":"15.18 (Debian 15.18-0+deb12u1)",
             "pgDumpVersion":"pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)","format":"custom",
             "rowCounts":{"public.shifts":12}}""".formatted(SHA);

    static Manifest old() {
        return Json.read(OLD_JSON.getBytes(StandardCharsets.UTF_8), Manifest.class);
    }

    static Manifest current() {
        return new Manifest("shiftsync_backup_20240116_020000", "shiftsync", Tier.DAILY,
                Instant.parse("2024-01-16T02:00:00Z"), Instant.parse("2024-01-16T02:03:00Z"), 4096, SHA,
                "17.12 (Debian 17.12-0+deb13u1)", "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)",
                Manifest.CUSTOM_FORMAT, "1.16", 17, null, Map.of("public.shifts", 12L), null, null, null, null);
    }

    /** A manifest of a zstd:1 archive, as a 17 pg_dump writes it with BACKUP_COMPRESSION=auto. */
    static Manifest zstd() {
        return withCompression("zstd:1");
    }

    static Manifest withCompression(String compression) {
        Manifest m = current();
        return new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(), m.sizeBytes(), m.sha256(),
                m.serverVersion(), m.pgDumpVersion(), m.format(), m.archiveFormatVersion(), m.pgDumpMajor(),
                compression, m.rowCounts(), m.roles(), null, null, null);
    }

    @Test
    @DisplayName("a new manifest records its compression, which reads back; one written before the field reads as gzip")
    void compression() throws Exception {
        Manifest m = zstd();
        JsonNode json = Json.MAPPER.readTree(Json.write(m));
        assertEquals("zstd:1", json.get("compression").asText());
        assertEquals(m, Json.read(Json.write(m).getBytes(StandardCharsets.UTF_8), Manifest.class));
        // kept absent (so that a MAC made before the field existed still holds), read as pg_dump's default then
        assertNull(old().compression());
        assertEquals(Compression.GZIP, ArchiveFormat.of(old()).compression());
        assertEquals(Compression.GZIP, ArchiveFormat.of(current()).compression());
    }

    @Test
    @DisplayName("a new manifest carries archiveFormatVersion and pgDumpMajor, and reads back equal")
    void newFields() throws Exception {
        Manifest m = current();
        JsonNode json = Json.MAPPER.readTree(Json.write(m));
        assertEquals("1.16", json.get("archiveFormatVersion").asText());
        assertEquals(17, json.get("pgDumpMajor").asInt());
        assertEquals(m, Json.read(Json.write(m).getBytes(StandardCharsets.UTF_8), Manifest.class));
    }

    @Test
    @DisplayName("a manifest written before the fields reads, with them unknown, and its pg_dump major still known from pgDumpVersion")
    void oldManifest() {
        Manifest m = old();
        assertEquals("shiftsync_backup_20240115_020000", m.id());
        assertNull(m.archiveFormatVersion());
        assertNull(m.pgDumpMajor());
        assertEquals(12L, m.totalRows());
        assertEquals(15, ArchiveFormat.of(m).dumpMajor());
        assertTrue(ArchiveFormat.of(m).readableBy(15));
        assertFalse(ArchiveFormat.of(m).readableBy(14));
        assertEquals(m, new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(), m.sizeBytes(),
                m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), m.rowCounts()),
                "the constructor without the fields is the old manifest's");
    }
}
