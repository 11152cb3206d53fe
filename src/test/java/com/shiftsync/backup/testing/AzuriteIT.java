package com.shiftsync.backup.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulator the tests run: telemetry off, as its own command line shows, and no data left behind. */
class AzuriteIT {

    @Test
    @DisplayName("Azurite runs with --disableTelemetry and its data folder is gone once it is closed")
    void telemetryOffAndCleanedUp() throws IOException {
        Path location;
        try (Azurite azurite = Azurite.startNew()) {
            location = azurite.location();
            String cmdline = Files.readString(Path.of("/proc/" + azurite.pid() + "/cmdline")).replace('\0', ' ');
            assertTrue(List.of(cmdline.split(" ")).contains("--disableTelemetry"), cmdline);
            assertTrue(Files.isDirectory(location));
        }
        assertFalse(Files.exists(location), location + " left behind");
    }
}
