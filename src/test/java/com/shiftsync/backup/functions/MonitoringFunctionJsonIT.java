package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.config.Setting;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bindings the Functions host reads for the restore test, offsite check, monitor and status functions. */
class MonitoringFunctionJsonIT {

    @Test
    @DisplayName("monthlyVerify, offsiteCheck and backupMonitor are timers on their schedules, overridable by app settings")
    void timers() throws IOException {
        JsonNode settings = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
        Map<String, String> schedules = Map.of("monthlyVerify", "0 0 4 1 * *", "backupMonitor", "0 */15 * * * *",
                "offsiteCheck", "0 0 5 * * 0");
        for (Map.Entry<String, String> e : schedules.entrySet()) {
            JsonNode bindings = FunctionJsonIT.functionJson(e.getKey()).get("bindings");
            assertEquals(1, bindings.size());
            assertEquals("timerTrigger", bindings.get(0).get("type").asText());
            assertEquals("%" + e.getKey() + "%", bindings.get(0).get("schedule").asText());
            assertEquals(e.getValue(), settings.get(e.getKey()).asText(), "local.settings.json.example");
            assertEquals(e.getValue(), Setting.valueOf(e.getKey()).defaultValue());
        }
    }

    @Test
    @DisplayName("GET /api/status: an HTTP GET on route status with the function key only")
    void status() throws IOException {
        JsonNode bindings = FunctionJsonIT.functionJson("backupStatus").get("bindings");
        JsonNode trigger = bindings.get(0);
        assertEquals("httpTrigger", trigger.get("type").asText());
        assertEquals("status", trigger.get("route").asText());
        assertEquals(List.of("GET"), List.of(trigger.get("methods").get(0).asText()));
        assertEquals(1, trigger.get("methods").size());
        assertEquals("function", trigger.get("authLevel").asText().toLowerCase());
        assertEquals("http", bindings.get(1).get("type").asText());
        assertEquals("$return", bindings.get(1).get("name").asText());
    }

    @Test
    @DisplayName("every setting this issue added has its example value in local.settings.json.example")
    void newSettings() throws IOException {
        JsonNode settings = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
        for (Setting s : List.of(Setting.MISSING_BACKUP_HOURS,
                Setting.SIZE_ANOMALY_PERCENT, Setting.VERIFY_MAX_AGE_DAYS, Setting.offsiteCheck)) {
            assertTrue(settings.has(s.name()), s.name());
            assertEquals(s.defaultValue(), settings.get(s.name()).asText(), s.name());
            assertFalse(s.meaning().isBlank());
        }
    }
}
