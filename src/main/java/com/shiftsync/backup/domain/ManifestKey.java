package com.shiftsync.backup.domain;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The key that authenticates manifests ({@link ManifestMac}), held where the storage account
 * cannot reach it: the secret MANIFEST_KEY_SECRET names, in Key Vault or the environment. The
 * secret holds the base64 of at least 32 random bytes; after a rotation it may hold several,
 * comma-separated, newest first: the first signs new manifests, every one still authenticates
 * the manifests it signed. The bytes never leave this type except into the MAC.
 */
public final class ManifestKey {
    /** HMAC-SHA256's own block-level strength: fewer random bytes would be the weakest link. */
    public static final int MIN_BYTES = 32;

    private final List<byte[]> keys;

    private ManifestKey(List<byte[]> keys) {
        this.keys = keys;
    }

    /**
     * The key(s) in a secret's value.
     *
     * @param secretName the secret's name, for the message when the value is not a key (the value is never shown)
     * @throws ShiftSyncException BAD_INPUT naming MANIFEST_KEY_SECRET when a part is not base64 of 32 bytes or more
     */
    public static ManifestKey parse(String value, String secretName) {
        List<byte[]> keys = new ArrayList<>();
        for (String part : (value == null ? "" : value).split(",")) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            Redaction.register(text);
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                bytes = new byte[0];
            }
            if (bytes.length < MIN_BYTES) {
                throw ShiftSyncException.badInput("secret '" + secretName + "' (MANIFEST_KEY_SECRET) must hold the "
                        + "base64 of at least " + MIN_BYTES + " random bytes (make one with: head -c 32 /dev/urandom "
                        + "| base64)" + (keys.isEmpty() ? "" : "; key " + (keys.size() + 1) + " of its list is not"));
            }
            keys.add(bytes);
        }
        if (keys.isEmpty()) {
            throw ShiftSyncException.badInput("secret '" + secretName + "' (MANIFEST_KEY_SECRET) is empty: store the "
                    + "base64 of at least " + MIN_BYTES + " random bytes in it (head -c 32 /dev/urandom | base64)");
        }
        return new ManifestKey(List.copyOf(keys));
    }

    /** The key new manifests are signed with. */
    byte[] signing() {
        return keys.get(0).clone();
    }

    /** Every key a manifest may have been signed with, the signing key first. */
    List<byte[]> verifying() {
        return keys.stream().map(byte[]::clone).toList();
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "ManifestKey[" + keys.size() + (keys.size() == 1 ? " key" : " keys") + "]";
    }
}
