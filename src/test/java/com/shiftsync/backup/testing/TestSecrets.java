package com.shiftsync.backup.testing;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every secret the tests hand the product (database passwords, tokens, client secrets,
 * account keys), so a scan can prove none of them leaks into logs, messages, manifests
 * or audit records.
 */
public final class TestSecrets {
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestSecrets() {
    }

    public static String register(String secret) {
        if (!SECRETS.contains(secret)) {
            SECRETS.add(secret);
            SuiteRecord.append("secrets", secret);
        }
        return secret;
    }

    /** A new random secret, registered: {@code prefix} and 24 hex digits. */
    public static String random(String prefix) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return register(prefix + HexFormat.of().formatHex(bytes));
    }

    public static List<String> all() {
        return List.copyOf(SECRETS);
    }

    /** What every test JVM of this build registered, else this JVM's. */
    public static List<String> allInSuite() {
        if (!SuiteRecord.persistent()) {
            return all();
        }
        List<String> all = new ArrayList<>(SuiteRecord.readAll("secrets"));
        SECRETS.stream().filter(s -> !all.contains(s)).forEach(all::add);
        return all;
    }

    /** The secrets found in {@code text}. */
    public static List<String> foundIn(String text) {
        return SECRETS.stream().filter(text::contains).toList();
    }
}
