package com.shiftsync.backup.domain;

import java.util.List;
import java.util.Objects;

/**
 * What a manifest says of its backup's roles file ({@link RolesScript}), so the file is checked
 * like the archive before anyone runs it: a file whose size or SHA-256 differs is damaged or
 * was altered, and is never applied. Manifests written before roles files existed have none.
 *
 * @param file      its name beside the archive, {@code <id>.roles.sql}
 * @param sizeBytes its size
 * @param sha256    its SHA-256, lowercase hex
 * @param roles     the roles it creates where they are missing, sorted
 */
public record RolesFile(String file, long sizeBytes, String sha256, List<String> roles) {
    public RolesFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must not be negative");
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
        roles = roles == null ? List.of() : roles.stream().sorted().toList();
    }

    /** The roles file of {@code script}, written for backup {@code id}. */
    public static RolesFile of(BackupId id, byte[] script, List<String> roles) {
        return new RolesFile(id.sideFileName(RolesScript.KIND), script.length, Sha256.hex(script), roles);
    }

    /** Whether {@code content} is this file, byte for byte as the backup wrote it. */
    public boolean matches(byte[] content) {
        return content.length == sizeBytes && Sha256.hex(content).equals(sha256);
    }
}
