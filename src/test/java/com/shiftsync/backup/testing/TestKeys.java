package com.shiftsync.backup.testing;

import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.ManifestKey;
import com.shiftsync.backup.domain.ManifestMac;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The manifest key of a deployment under test: one random MANIFEST_KEY_SECRET value per JVM,
 * registered with {@link TestSecrets}, for tests whose subject is not the key itself (a status
 * that must be healthy, a manifest planted to stage a condition as the deployment would have
 * written it). Without it, every status raises manifests-unauthenticated.
 */
public final class TestKeys {
    /** The secret's name, MANIFEST_KEY_SECRET's value. */
    public static final String MANIFEST_KEY_SECRET = "shiftsync-manifest-key";
    private static final String VALUE = TestSecrets.register(random());
    public static final ManifestKey MANIFEST_KEY = ManifestKey.parse(VALUE, MANIFEST_KEY_SECRET);

    private TestKeys() {
    }

    private static String random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The settings that give a run the key: the secret's name, and the secret in the environment. */
    public static Map<String, String> manifestKeySettings() {
        return Map.of("MANIFEST_KEY_SECRET", MANIFEST_KEY_SECRET, "SHIFTSYNC_MANIFEST_KEY", VALUE);
    }

    /** The secret's value (the base64 of the key), for a test that puts it into the Key Vault fake. */
    public static String value() {
        return VALUE;
    }

    /** The key as a store built in a test reads it. */
    public static Supplier<Optional<ManifestKey>> manifestKey() {
        return () -> Optional.of(MANIFEST_KEY);
    }

    /** {@code m} as this deployment writes it: with its MAC. */
    public static Manifest signed(Manifest m) {
        return ManifestMac.sign(m, MANIFEST_KEY);
    }
}
