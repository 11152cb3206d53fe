package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a backup holds, written after its archive was stored and checked. A backup exists
 * when its manifest exists. {@code rowCounts} were taken in the very snapshot pg_dump
 * dumped, so they describe the archive, not the database as it is now.
 *
 * @param id            the backup's id
 * @param database      the database name as PostgreSQL spells it
 * @param tier          daily, weekly or manual
 * @param startedAt     when the backup started (its age for every rule)
 * @param finishedAt    when the manifest was written
 * @param sizeBytes     the archive's size
 * @param sha256        the archive's SHA-256, lowercase hex
 * @param serverVersion the server's {@code server_version}
 * @param pgDumpVersion what {@code pg_dump --version} printed
 * @param format        the archive format, always "custom" ({@code pg_dump -Fc})
 * @param archiveFormatVersion the format version in the archive's header ("1.16"), which decides which
 *                      pg_restore reads it ({@link ArchiveFormat}); null in manifests written before it was recorded
 * @param pgDumpMajor   the major version of the pg_dump that made the archive; null in manifests written
 *                      before it was recorded ({@link ArchiveFormat#of} then reads {@code pgDumpVersion})
 * @param compression   how pg_dump compressed the archive ({@link Compression#text()}: "zstd:1", "gzip", "none");
 *                      a manifest written before it was recorded reads as "gzip", pg_dump's default then
 * @param rowCounts     {@code "schema.table" -> rows} in the dump's snapshot
 * @param roles         the roles file beside the archive (its size, SHA-256 and roles), or null in
 *                      manifests written before roles files existed
 */
public record Manifest(
        String id,
        String database,
        Tier tier,
        Instant startedAt,
        Instant finishedAt,
        long sizeBytes,
        String sha256,
        String serverVersion,
        String pgDumpVersion,
        String format,
        String archiveFormatVersion,
        Integer pgDumpMajor,
        String compression,
        Map<String, Long> rowCounts,
        @JsonInclude(JsonInclude.Include.NON_NULL) RolesFile roles) {

    public static final String CUSTOM_FORMAT = "custom";

    public Manifest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(sha256, "sha256");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must not be negative");
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
        rowCounts = Collections.unmodifiableMap(new TreeMap<>(rowCounts == null ? Map.of() : rowCounts));
        format = format == null ? CUSTOM_FORMAT : format;
        // checked like sha256: a manifest naming no compression pg_dump writes is not a manifest
        compression = Compression.ofManifest(compression).text();
    }

    /** A manifest without the compression (gzip, as every archive was before it was recorded). */
    public Manifest(String id, String database, Tier tier, Instant startedAt, Instant finishedAt, long sizeBytes,
                    String sha256, String serverVersion, String pgDumpVersion, String format,
                    String archiveFormatVersion, Integer pgDumpMajor, Map<String, Long> rowCounts, RolesFile roles) {
        this(id, database, tier, startedAt, finishedAt, sizeBytes, sha256, serverVersion, pgDumpVersion, format,
                archiveFormatVersion, pgDumpMajor, null, rowCounts, roles);
    }

    /**
     * A manifest as written before the archive's format version, the pg_dump major and the roles
     * file were recorded.
     */
    public Manifest(String id, String database, Tier tier, Instant startedAt, Instant finishedAt, long sizeBytes,
                    String sha256, String serverVersion, String pgDumpVersion, String format,
                    Map<String, Long> rowCounts) {
        this(id, database, tier, startedAt, finishedAt, sizeBytes, sha256, serverVersion, pgDumpVersion, format, null,
                null, null, rowCounts, null);
    }

    public BackupId backupId() {
        return BackupId.parse(id);
    }

    public long totalRows() {
        return rowCounts.values().stream().mapToLong(Long::longValue).sum();
    }
}
