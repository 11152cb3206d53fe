package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What azure-functions-maven-plugin generated at package: the bindings the Functions host will read. */
class FunctionJsonIT {
    static final Path APP = Path.of("target", "azure-functions", "shiftsync-backup");

    static JsonNode functionJson(String function) throws IOException {
        Path file = APP.resolve(function).resolve("function.json");
        assertTrue(Files.exists(file), file + " was not generated (mvn package)");
        return Json.MAPPER.readTree(file.toFile());
    }

    @Test
    @DisplayName("nightlyExport and weeklyExport are timers on the contract's schedules, overridable by app settings")
    void exportSchedules() throws IOException {
        JsonNode settings = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
        for (Map.Entry<String, String> e : Map.of("nightlyExport", "0 0 2 * * *", "weeklyExport", "0 0 3 * * 0")
                .entrySet()) {
            JsonNode binding = functionJson(e.getKey()).get("bindings").get(0);
            assertEquals("timerTrigger", binding.get("type").asText());
            assertEquals("%" + e.getKey() + "%", binding.get("schedule").asText());
            assertEquals(e.getValue(), settings.get(e.getKey()).asText());
            assertEquals(e.getValue(), Setting.valueOf(e.getKey()).defaultValue());
        }
    }

    @Test
    @DisplayName("host.json: extension bundle, a long function timeout, sampling that keeps every backup event")
    void hostJson() throws IOException {
        JsonNode host = Json.MAPPER.readTree(Path.of("host.json").toFile());
        assertEquals("Microsoft.Azure.Functions.ExtensionBundle", host.get("extensionBundle").get("id").asText());
        assertEquals("06:00:00", host.get("functionTimeout").asText());
        String excluded = host.get("logging").get("applicationInsights").get("samplingSettings")
                .get("excludedTypes").asText();
        assertTrue(excluded.contains("Trace") && excluded.contains("Event") && excluded.contains("Exception"), excluded);
    }
}
