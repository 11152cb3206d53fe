package com.shiftsync.backup.domain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * What it takes to read a pg_dump archive: pg_restore reads the archives of its own major and
 * older only (pg_restore 15 stops at "unsupported version (1.16) in file header" on pg_dump
 * 17's archive). Which clients can restore a backup therefore depends on these facts, and a
 * new fact of the kind (a compression only newer clients read) belongs in
 * {@link #readableBy(int)}: zstd and lz4 archives need pg_restore 16 or newer ({@link Compression}).
 *
 * @param version     the format version in the archive's header, e.g. "1.16"; null when unknown
 *                    (a manifest written before it was recorded)
 * @param dumpMajor   the major version of the pg_dump that made it; null when unknown
 * @param compression how pg_dump compressed it (gzip when not recorded: pg_dump's default then)
 */
public record ArchiveFormat(String version, Integer dumpMajor, Compression compression) {
    /** A custom-format archive starts "PGDMP", then the format's major, minor and revision bytes. */
    public static final int HEADER_BYTES = 8;
    private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);

    /** The first pg_dump major that writes each format version; every older one refuses the archive. */
    private static final Map<String, Integer> FIRST_WRITER = Map.of("1.14", 12, "1.15", 16, "1.16", 17);

    public ArchiveFormat {
        compression = compression == null ? Compression.GZIP : compression;
    }

    /** An archive compressed with pg_dump's default, gzip. */
    public ArchiveFormat(String version, Integer dumpMajor) {
        this(version, dumpMajor, Compression.GZIP);
    }

    /** The archive format of the backup {@code manifest} describes (its pg_dump major read from the version text of older manifests). */
    public static ArchiveFormat of(Manifest manifest) {
        Integer major = manifest.pgDumpMajor() != null ? manifest.pgDumpMajor() : PgClients.major(manifest.pgDumpVersion());
        return new ArchiveFormat(manifest.archiveFormatVersion(), major, Compression.ofManifest(manifest.compression()));
    }

    /**
     * The format version in a custom-format archive's first bytes ("1.16"), or null when
     * {@code head} (its first {@code length} bytes) is not the start of one.
     */
    public static String versionOf(byte[] head, int length) {
        if (head == null || length < MAGIC.length + 2 || head.length < length
                || !Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        return (head[MAGIC.length] & 0xff) + "." + (head[MAGIC.length + 1] & 0xff);
    }

    /** The oldest pg_restore major that reads this archive; null when nothing is known of it. */
    public Integer minimumReader() {
        Integer byFormat = dumpMajor != null ? dumpMajor : version == null ? null : FIRST_WRITER.get(version);
        int byCompression = compression.firstMajor();
        if (byFormat == null) {
            return byCompression == 0 ? null : byCompression;
        }
        return Math.max(byFormat, byCompression);
    }

    /** Whether pg_restore of major {@code clientMajor} can read this archive (true when nothing is known: pg_restore then says). */
    public boolean readableBy(int clientMajor) {
        Integer needed = minimumReader();
        return needed == null || clientMajor >= needed;
    }

    /** "pg_dump 17 (archive format 1.16)", with ", compressed with zstd:1" when not gzip, for sentences. */
    public String describe() {
        String by = dumpMajor == null ? "an unknown pg_dump" : "pg_dump " + dumpMajor;
        String how = compression.method() == Compression.Method.GZIP ? null
                : compression.method() == Compression.Method.NONE ? "uncompressed" : "compressed with " + compression.text();
        if (version == null) {
            return how == null ? by : by + " (" + how + ")";
        }
        return by + " (archive format " + version + (how == null ? "" : ", " + how) + ")";
    }
}
