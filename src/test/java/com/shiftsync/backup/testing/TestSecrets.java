package com.shiftsync.backup.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every secret the tests hand the product (database passwords, tokens, client secrets),
 * so a scan can prove none of them leaks into logs, messages, manifests or audit records.
 */
public final class TestSecrets {
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private TestSecrets() {
    }

    public static String register(String secret) {
        SECRETS.add(secret);
        return secret;
    }

    public static List<String> all() {
        return List.copyOf(SECRETS);
    }

    /** The secrets found in {@code text}. */
    public static List<String> foundIn(String text) {
        return SECRETS.stream().filter(text::contains).toList();
    }
}
