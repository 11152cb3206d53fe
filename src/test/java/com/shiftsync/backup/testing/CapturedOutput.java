package com.shiftsync.backup.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Everything the product said during the test run: CLI output, function logs, exception
 * messages and stack traces, manifests. The secrets scan (which runs last) checks it all
 * against {@link TestSecrets}.
 */
public final class CapturedOutput {
    private static final List<String> TEXTS = new CopyOnWriteArrayList<>();

    private CapturedOutput() {
    }

    public static void record(String text) {
        if (text != null && !text.isEmpty()) {
            TEXTS.add(text);
            SuiteRecord.append("output", text);
        }
    }

    /** An exception as a host would log it: message, stack and every cause's message. */
    public static void record(Throwable error) {
        if (error != null) {
            StringWriter out = new StringWriter();
            error.printStackTrace(new PrintWriter(out));
            record(out.toString());
        }
    }

    /**
     * Every manifest (and any other JSON file, and JSON-lines file: the audit log, the history)
     * under {@code folder}, e.g. a test's BACKUP_DIR.
     */
    public static void recordFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".jsonl"))
                    .toList()) {
                record(Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What this JVM recorded. */
    public static List<String> all() {
        return List.copyOf(TEXTS);
    }

    /** What every test JVM of this build recorded (unit and integration tests), else this JVM's. */
    public static List<String> allInSuite() {
        if (!SuiteRecord.persistent()) {
            return all();
        }
        return new ArrayList<>(SuiteRecord.readAll("output"));
    }
}
