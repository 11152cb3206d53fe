package com.shiftsync.backup.domain;

import java.util.List;
import java.util.Objects;

/**
 * How a backup's archive was encrypted before it left the process, recorded in its manifest:
 * the age format (age-encryption.org/v1), to the X25519 recipients BACKUP_ENCRYPTION_RECIPIENTS
 * named (public keys, so no secret), and what pg_dump wrote before encryption. The manifest's
 * own {@code sizeBytes} and {@code sha256} are those of the stored, encrypted bytes, which
 * every check reads; the dump's are kept so that a restore can prove it decrypted exactly what
 * pg_dump wrote, and a person who decrypted by hand can check it with {@code sha256sum}.
 *
 * @param format        always {@value #AGE}
 * @param recipients    the age recipients ({@code age1...}) any of whose identities decrypts it
 * @param dumpSizeBytes the size of pg_dump's archive before encryption
 * @param dumpSha256    its SHA-256, lowercase hex
 */
public record Encryption(String format, List<String> recipients, long dumpSizeBytes, String dumpSha256) {
    public static final String AGE = "age";

    public Encryption {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(dumpSha256, "dumpSha256");
        recipients = List.copyOf(recipients == null ? List.of() : recipients);
        if (dumpSizeBytes < 0) {
            throw new IllegalArgumentException("dumpSizeBytes must not be negative");
        }
        if (!dumpSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("dumpSha256 must be 64 lowercase hex digits");
        }
    }
}
