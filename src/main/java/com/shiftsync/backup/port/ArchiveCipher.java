package com.shiftsync.backup.port;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Encryption of archives on their way out of the process, and decryption where a backup is
 * read. With BACKUP_ENCRYPTION_RECIPIENTS set, a backup is encrypted in the age format to
 * those public keys as it streams (a person can decrypt it with {@code age -d} and no part of
 * this product); a backup needs no secret for that. Only restores, restore tests and
 * downloads that decrypt read the identity, from the secret BACKUP_ENCRYPTION_IDENTITY_SECRET
 * names.
 */
public interface ArchiveCipher {
    /** No encryption: archives are stored as pg_dump writes them. */
    ArchiveCipher NONE = new ArchiveCipher() {
        @Override
        public List<String> recipients() {
            return List.of();
        }

        @Override
        public Encrypting encrypt(OutputStream stored) {
            throw new IllegalStateException("BACKUP_ENCRYPTION_RECIPIENTS is not set: nothing encrypts");
        }

        @Override
        public InputStream decrypt(InputStream stored, List<String> recipients) {
            throw new IllegalStateException("an encrypted archive needs a cipher that can decrypt it");
        }
    };

    /** The recipients ({@code age1...}) new backups are encrypted to; empty when they are not encrypted. */
    List<String> recipients();

    /** Whether new backups are encrypted. */
    default boolean encrypts() {
        return !recipients().isEmpty();
    }

    /**
     * Starts encrypting one archive into {@code stored}: what is written to
     * {@link Encrypting#plaintext()} reaches {@code stored} as an age file, chunk by chunk
     * (memory stays flat); closing the plaintext stream writes the last chunk.
     */
    Encrypting encrypt(OutputStream stored);

    /**
     * The plaintext of an archive stored encrypted to {@code recipients}, decrypted with the
     * identity BACKUP_ENCRYPTION_IDENTITY_SECRET names, as it is read. A read fails (an
     * {@link java.io.IOException}) on any chunk that does not authenticate.
     *
     * @throws com.shiftsync.backup.domain.ShiftSyncException when the identity cannot be had or
     *         is not one of the recipients (naming the setting, never the identity)
     */
    InputStream decrypt(InputStream stored, List<String> recipients);

    /** One archive being encrypted. */
    interface Encrypting {
        /** Where the archive's plaintext goes; close it to finish the age file. */
        OutputStream plaintext();

        /**
         * The plaintext of what this run stored, read back for the table-of-contents check without
         * any identity the deployment holds: the archive is also encrypted to a one-time key of
         * this run's own, which exists only in this process's memory and is gone with it.
         */
        InputStream readBack(InputStream stored);
    }
}
