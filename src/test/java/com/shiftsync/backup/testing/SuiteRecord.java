package com.shiftsync.backup.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@link TestSecrets} and {@link CapturedOutput} hold, also appended to files in the
 * folder the build names ({@code -Dshiftsync.capture.dir}, one per {@code mvn} run), so the
 * secrets scan that runs last in the integration tests also sees what the unit tests (an
 * earlier JVM) captured. One JSON string per line; without the property, memory only.
 */
final class SuiteRecord {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Optional<Path> DIR = Optional.ofNullable(System.getProperty("shiftsync.capture.dir"))
            .filter(s -> !s.isBlank()).map(Path::of);
    private static final String JVM = Long.toString(ProcessHandle.current().pid());

    private SuiteRecord() {
    }

    static boolean persistent() {
        return DIR.isPresent();
    }

    static synchronized void append(String kind, String text) {
        if (DIR.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(DIR.get());
            Files.writeString(DIR.get().resolve(kind + "-" + JVM + ".jsonl"), JSON.writeValueAsString(text) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record test output in " + DIR.get(), e);
        }
    }

    /** Everything of {@code kind} that any JVM of this build recorded. */
    static List<String> readAll(String kind) {
        List<String> all = new ArrayList<>();
        if (DIR.isEmpty() || !Files.isDirectory(DIR.get())) {
            return all;
        }
        try (Stream<Path> files = Files.list(DIR.get())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(kind + "-")).sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        all.add(JSON.readValue(line, String.class));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record in " + DIR.get() + " is not a JSON string", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
