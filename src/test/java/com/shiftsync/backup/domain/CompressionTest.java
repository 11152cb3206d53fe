package com.shiftsync.backup.domain;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BACKUP_COMPRESSION's values, the compression chosen per pair of clients, and what reads the archive. */
class CompressionTest {
    static final PgClients.Client C15 = PgClientsTest.C15;
    static final PgClients.Client C17 = PgClientsTest.C17;
    static final Compression ZSTD1 = new Compression(Compression.Method.ZSTD, 1);

    @Test
    @DisplayName("the setting's forms: auto, gzip[:level], zstd[:level], lz4[:level], none, in any case")
    void parse() {
        assertEquals(BackupCompression.AUTO, BackupCompression.parse(null));
        assertEquals(BackupCompression.AUTO, BackupCompression.parse(" Auto "));
        assertEquals("zstd:3", BackupCompression.parse("ZSTD:3").text());
        assertEquals("zstd", BackupCompression.parse("zstd").text());
        assertEquals("gzip:9", BackupCompression.parse("gzip:9").text());
        assertEquals("lz4", BackupCompression.parse("lz4").text());
        assertEquals("none", BackupCompression.parse("none").text());
    }

    @Test
    @DisplayName("a bad value is refused in one sentence naming BACKUP_COMPRESSION and its forms")
    void badValues() {
        for (String bad : List.of("brotli", "zstd:0", "zstd:23", "gzip:fast", "none:1", "lz4:13", "gzip:")) {
            ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> BackupCompression.parse(bad), bad);
            assertEquals(ErrorCode.BAD_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("BACKUP_COMPRESSION is '" + bad + "' ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("; use auto, gzip[:1-9], zstd[:1-22], lz4[:1-12] or none"), e.getMessage());
            PgClientsTest.oneSentence(e.getMessage());
        }
    }

    @Test
    @DisplayName("auto: zstd:1 for a 17 pg_dump with a 17 pg_restore here, gzip where only 15 is here or the server's pg_dump is 15")
    void autoPerClientPair() {
        PgClients both = new PgClients(List.of(C15, C17));
        assertEquals(ZSTD1, BackupCompression.AUTO.forDump(C17, both, "at db:5432"));
        assertEquals(ZSTD1, BackupCompression.AUTO.forDump(C17, new PgClients(List.of(C17)), "at db:5432"));
        assertEquals(Compression.GZIP, BackupCompression.AUTO.forDump(C15, both, "at db:5432"),
                "a 15 server keeps its own pg_dump, which writes gzip only");
        assertEquals(Compression.GZIP, BackupCompression.AUTO.forDump(C15, new PgClients(List.of(C15)), "at db:5432"));
    }

    @Test
    @DisplayName("zstd asked of a 15 pg_dump is refused before anything is dumped, in one sentence naming the setting")
    void zstdWithFifteen() {
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> BackupCompression.parse("zstd")
                .forDump(C15, new PgClients(List.of(C15)), "at db.example:5432"));
        assertEquals(ErrorCode.BAD_INPUT, e.code());
        assertEquals("BACKUP_COMPRESSION is zstd, which only pg_dump 16 or newer writes, and the server at "
                + "db.example:5432 is dumped by pg_dump 15.18 (/usr/lib/postgresql/15/bin): set BACKUP_COMPRESSION to "
                + "auto or gzip (auto takes zstd wherever the server and its client are 16 or newer); no backup was "
                + "made", e.getMessage());
        PgClientsTest.oneSentence(e.getMessage());
        assertEquals(Compression.parse("gzip:9"), BackupCompression.parse("gzip:9").forDump(C15,
                new PgClients(List.of(C15)), "at db:5432"));
    }

    @Test
    @DisplayName("pg_dump's arguments: none for the default gzip; a gzip level alone up to 15; method[:level] from 16")
    void pgDumpArguments() {
        assertEquals(List.of(), Compression.GZIP.pgDumpArguments(15));
        assertEquals(List.of(), Compression.GZIP.pgDumpArguments(17));
        assertEquals(List.of("--compress=9"), Compression.parse("gzip:9").pgDumpArguments(15));
        assertEquals(List.of("--compress=0"), Compression.parse("none").pgDumpArguments(15));
        assertEquals(List.of("--compress=gzip:9"), Compression.parse("gzip:9").pgDumpArguments(17));
        assertEquals(List.of("--compress=zstd:1"), ZSTD1.pgDumpArguments(17));
        assertEquals(List.of("--compress=lz4"), Compression.parse("lz4").pgDumpArguments(16));
        assertEquals(List.of("--compress=none"), Compression.parse("none").pgDumpArguments(17));
        assertThrows(IllegalArgumentException.class, () -> ZSTD1.pgDumpArguments(15));
    }

    @Test
    @DisplayName("zstd and lz4 archives need pg_restore 16 or newer, whatever else is known of them")
    void readers() {
        ArchiveFormat zstdUnknownDump = new ArchiveFormat(null, null, ZSTD1);
        assertEquals(16, zstdUnknownDump.minimumReader());
        assertFalse(zstdUnknownDump.readableBy(15));
        assertTrue(zstdUnknownDump.readableBy(16));
        assertEquals(17, new ArchiveFormat("1.16", 17, ZSTD1).minimumReader());
        assertEquals(16, new ArchiveFormat("1.14", null, Compression.parse("lz4")).minimumReader());
        assertEquals(15, new ArchiveFormat("1.14", 15, Compression.parse("none")).minimumReader());
        assertEquals(new ArchiveFormat("1.14", 15), new ArchiveFormat("1.14", 15, null), "gzip when not recorded");
    }

    @Test
    @DisplayName("a zstd archive with only a 15 pg_restore here is refused in one sentence naming the client to install and PG_BIN_DIR")
    void zstdArchiveOnlyFifteenHere() {
        ArchiveFormat zstd17 = new ArchiveFormat("1.16", 17, ZSTD1);
        PgClients only15 = new PgClients(List.of(C15));
        PgClients.Choice unknownTarget = only15.forRestore(zstd17, null, "at t:5432", "b1");
        assertEquals("backup b1 was made by pg_dump 17 (archive format 1.16, compressed with zstd:1), and no "
                + "pg_restore here reads it: install postgresql-client-17 and make sure PG_BIN_DIR, when set, lists its "
                + "folder (/usr/lib/postgresql/17/bin)", unknownTarget.refusal());
        PgClientsTest.oneSentence(unknownTarget.refusal());
        PgClients.Choice into17 = only15.forRestore(zstd17, 17, "at new:5432", "b1");
        assertEquals("postgresql-client-17", into17.install());
        assertTrue(into17.refusal().startsWith("restoring backup b1, made by pg_dump 17 (archive format 1.16, "
                + "compressed with zstd:1), into the PostgreSQL 17 server at new:5432 needs pg_restore 17"), into17.refusal());
        assertTrue(into17.refusal().contains("install postgresql-client-17 and make sure PG_BIN_DIR"), into17.refusal());
        PgClientsTest.oneSentence(into17.refusal());
        assertEquals(C17, new PgClients(List.of(C15, C17)).forRestore(zstd17, 17, "at t:5432", "b1").client());
    }

    @Test
    @DisplayName("the manifest's compression: recorded as written, gzip for a manifest written before it, refused when it names none")
    void manifestField() {
        assertEquals(Compression.GZIP, Compression.ofManifest(null));
        assertEquals(Compression.GZIP, ArchiveFormat.of(ManifestTest.old()).compression());
        assertEquals(ZSTD1, ArchiveFormat.of(ManifestTest.zstd()).compression());
        assertThrows(IllegalArgumentException.class, () -> ManifestTest.withCompression("brotli"));
    }
}
