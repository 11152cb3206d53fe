package com.shiftsync.backup.domain;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

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
 * <p>With MANIFEST_KEY_SECRET set, {@code mac} authenticates every other field, known or not
 * ({@link ManifestMac}): fields this version does not know are kept in {@code otherFields},
 * written back as they came and covered by the MAC, so nothing in a manifest escapes it. A
 * field added later must be absent or null in manifests written before it existed (never
 * given a default when read), so that older manifests still authenticate.
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
 *                      null in manifests written before it was recorded, which {@link ArchiveFormat#of}
 *                      reads as "gzip", pg_dump's default then
 * @param rowCounts     {@code "schema.table" -> rows} in the dump's snapshot
 * @param roles         the roles file beside the archive (its size, SHA-256 and roles), or null in
 *                      manifests written before roles files existed
 * @param encryption    how the archive was encrypted, or null when it is pg_dump's archive as written
 * @param mac           the manifest's MAC ({@link ManifestMac}), or null when it was written without a key
 * @param otherFields   fields this version does not know, kept so that the MAC still covers them
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
        @JsonInclude(JsonInclude.Include.NON_NULL) RolesFile roles,
        @JsonInclude(JsonInclude.Include.NON_NULL) Encryption encryption,
        @JsonInclude(JsonInclude.Include.NON_NULL) String mac,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> otherFields) {

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
        // checked like sha256 (a manifest naming a compression pg_dump does not write is not a
        // manifest), kept as written: null in manifests written before it was recorded
        if (compression != null) {
            Compression.ofManifest(compression);
        }
        otherFields = otherFields == null || otherFields.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(otherFields));
    }

    /** This manifest with {@code mac} in place of its own. */
    public Manifest withMac(String mac) {
        return new Manifest(id, database, tier, startedAt, finishedAt, sizeBytes, sha256, serverVersion,
                pgDumpVersion, format, archiveFormatVersion, pgDumpMajor, compression, rowCounts, roles, encryption,
                mac, otherFields);
    }

    /** Whether the archive is an age file rather than pg_dump's archive. */
    public boolean encrypted() {
        return encryption != null;
    }

    /**
     * A manifest of an archive stored as pg_dump wrote it, without a MAC, as written before the
     * archive's format version, the pg_dump major and the roles file were recorded.
     */
    public Manifest(String id, String database, Tier tier, Instant startedAt, Instant finishedAt, long sizeBytes,
                    String sha256, String serverVersion, String pgDumpVersion, String format,
                    Map<String, Long> rowCounts) {
        this(id, database, tier, startedAt, finishedAt, sizeBytes, sha256, serverVersion, pgDumpVersion, format, null,
                null, null, rowCounts, null, null, null, null);
    }

    public BackupId backupId() {
        return BackupId.parse(id);
    }

    public long totalRows() {
        return rowCounts.values().stream().mapToLong(Long::longValue).sum();
    }
}
