package com.shiftsync.backup.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Functions host will serve, read from the function.json files that
 * azure-functions-maven-plugin's package goal generates: routes (under /api), methods
 * and the function-key auth level of the three restore endpoints.
 */
class RestoreFunctionJsonIT {
    static final Path APP = Path.of("target", "azure-functions", "shiftsync-backup");

    @ParameterizedTest(name = "{0}: {2} /api/{1}")
    @CsvSource({
            "restorePointInTime, restores/point-in-time, POST, pointInTime",
            "restoreGeo,         restores/geo,           POST, geo",
            "restoreStatus,      restores/{operationId}, GET,  status",
    })
    void functionJson(String function, String route, String method, String javaMethod) throws IOException {
        Path file = APP.resolve(function).resolve("function.json");
        assertTrue(Files.exists(file), file + " is missing: these tests run after mvn package");
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        assertEquals("com.shiftsync.backup.functions.RestoreFunctions." + javaMethod, json.get("entryPoint").asText());
        JsonNode trigger = json.get("bindings").get(0);
        assertEquals("httpTrigger", trigger.get("type").asText());
        assertEquals("in", trigger.get("direction").asText());
        assertEquals(route, trigger.get("route").asText());
        assertEquals(1, trigger.get("methods").size());
        assertEquals(method, trigger.get("methods").get(0).asText());
        assertEquals("FUNCTION", trigger.get("authLevel").asText());
        JsonNode out = json.get("bindings").get(1);
        assertEquals("http", out.get("type").asText());
        assertEquals("$return", out.get("name").asText());
        assertEquals(2, json.get("bindings").size());
    }

    @org.junit.jupiter.api.Test
    void hostKeepsTheApiPrefix() throws IOException {
        JsonNode host = Json.MAPPER.readTree(APP.resolve("host.json").toFile());
        assertTrue(host.path("extensions").path("http").path("routePrefix").isMissingNode(),
                "routes are served under the default /api prefix");
    }
}
