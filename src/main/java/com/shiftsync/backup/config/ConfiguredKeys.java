package com.shiftsync.backup.config;

import com.shiftsync.backup.adapter.age.AgeArchiveCipher;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ArchiveCipher;
import com.shiftsync.backup.port.SecretSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The keys the settings name, read like every secret (Key Vault when KEY_VAULT_URL is set, else
 * the environment): MANIFEST_KEY_SECRET's key, which signs and checks manifests; and the
 * archives' encryption, BACKUP_ENCRYPTION_RECIPIENTS' public keys for backups and
 * BACKUP_ENCRYPTION_IDENTITY_SECRET's identity, read only when an archive is decrypted. The
 * manifest key is kept for a minute at most: a command reads several catalogs, and a rotated
 * key is still used by the next run.
 */
final class ConfiguredKeys {
    private static final Duration KEEP = Duration.ofMinutes(1);

    private final Settings settings;
    private final Supplier<SecretSource> secrets;
    private final Supplier<ArchiveCipher> cipher = Once.of(() -> cipher(recipients()));
    private ManifestKey manifestKey;
    private long manifestKeyRead;

    ConfiguredKeys(Settings settings, Supplier<SecretSource> secrets) {
        this.settings = settings;
        this.secrets = secrets;
    }

    /** MANIFEST_KEY_SECRET's key; empty when the setting is not set. */
    synchronized Optional<ManifestKey> manifestKey() {
        if (!settings.isSet(Setting.MANIFEST_KEY_SECRET)) {
            return Optional.empty();
        }
        if (manifestKey == null || System.nanoTime() - manifestKeyRead > KEEP.toNanos()) {
            String name = settings.text(Setting.MANIFEST_KEY_SECRET).orElseThrow();
            manifestKey = ManifestKey.parse(secrets.get().get(name, Setting.MANIFEST_KEY_SECRET.name()), name);
            manifestKeyRead = System.nanoTime();
        }
        return Optional.of(manifestKey);
    }

    /**
     * What encrypts new archives (to BACKUP_ENCRYPTION_RECIPIENTS, none when unset); a recipient that
     * is not one is refused by name here, before a backup starts.
     */
    ArchiveCipher cipher() {
        return cipher.get();
    }

    /** What decrypts stored archives: needs no recipient, so a wrong BACKUP_ENCRYPTION_RECIPIENTS stops no restore. */
    ArchiveCipher decryption() {
        return cipher(List.of());
    }

    private List<String> recipients() {
        return settings.text(Setting.BACKUP_ENCRYPTION_RECIPIENTS).map(r -> Arrays.stream(r.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
    }

    private ArchiveCipher cipher(List<String> recipients) {
        String name = settings.text(Setting.BACKUP_ENCRYPTION_IDENTITY_SECRET).orElse(null);
        return new AgeArchiveCipher(recipients, () -> identity(name), name == null
                ? "BACKUP_ENCRYPTION_IDENTITY_SECRET" : "secret '" + name + "' (BACKUP_ENCRYPTION_IDENTITY_SECRET)");
    }

    private String identity(String name) {
        if (name == null) {
            throw ShiftSyncException.badInput("this backup is encrypted (age) and BACKUP_ENCRYPTION_IDENTITY_SECRET "
                    + "is not set: set it to the name of the secret holding the age identity (AGE-SECRET-KEY-1...)");
        }
        return secrets.get().get(name, Setting.BACKUP_ENCRYPTION_IDENTITY_SECRET.name());
    }
}
