package com.shiftsync.backup.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything the product said during the test run: CLI output, function logs, exception
 * messages, manifests. The secrets test scans it all for {@link TestSecrets}.
 */
public final class CapturedOutput {
    private static final List<String> TEXTS = new CopyOnWriteArrayList<>();

    private CapturedOutput() {
    }

    public static void record(String text) {
        if (text != null && !text.isEmpty()) {
            TEXTS.add(text);
        }
    }

    public static List<String> all() {
        return List.copyOf(TEXTS);
    }
}
