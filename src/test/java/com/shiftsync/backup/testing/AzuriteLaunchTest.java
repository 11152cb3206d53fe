package com.shiftsync.backup.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every place that starts Azurite (the test harness, bin/lib/services.sh for bin/demo and the
 * benchmarks) passes --disableTelemetry: without it the emulator sends usage data beyond
 * loopback and leaves Microsoft-AzureMonitor-* folders in the temp directory.
 */
class AzuriteLaunchTest {

    @Test
    @DisplayName("every Azurite launch in bin/ and the test harness passes --disableTelemetry")
    void telemetryOff() throws IOException {
        List<Path> launchers = new ArrayList<>();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("bin")), Files.walk(Path.of("src")))) {
            for (Path file : files.filter(Files::isRegularFile).filter(AzuriteLaunchTest::isText).toList()) {
                String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
                if (!text.contains("azurite.js") || file.endsWith("AzuriteLaunchTest.java")) {
                    continue;
                }
                launchers.add(file);
                boolean flagged = text.contains("--disableTelemetry")
                        || text.contains("DISABLE_TELEMETRY") && Files.readString(
                        Path.of("src/test/java/com/shiftsync/backup/testing/Azurite.java"))
                        .contains("DISABLE_TELEMETRY = \"--disableTelemetry\"");
                if (!flagged) {
                    offenders.add(file.toString());
                }
            }
        }
        assertTrue(launchers.contains(Path.of("bin/lib/services.sh")), launchers.toString());
        assertTrue(launchers.contains(Path.of("src/test/java/com/shiftsync/backup/testing/Azurite.java")),
                launchers.toString());
        assertEquals(List.of(), offenders, "Azurite started without --disableTelemetry");
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return !name.contains(".") || name.endsWith(".sh") || name.endsWith(".java");
    }
}
