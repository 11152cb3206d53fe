package com.shiftsync.backup.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Infra against what {@code mvn package} generated for the Functions host
 * (target/azure-functions/shiftsync-backup/&lt;function&gt;/function.json): every function is
 * covered by the failure alert, every timer's schedule setting exists in infra and locally,
 * every queue binding's queue is created and its connection is an identity-based setting, and
 * the paths Easy Auth leaves open are routes of functions.
 */
class InfraFunctionsIT {
    private static final Path APP = Path.of("target", "azure-functions", "shiftsync-backup");
    private static final Pattern NCRONTAB = Pattern.compile("^(\\S+\\s+){5}\\S+$");
    /** A predicate on the function's name in a KQL query: the query then covers only the functions it lists. */
    private static final Pattern NAME_FILTER = Pattern.compile(
            "(operation_Name|\\bfunction|cloud_RoleName)\\s*(==|!=|=~|!~|!?in~?\\s*\\(|!?has\\b|!?contains\\b|!?startswith\\b|!?endswith\\b|matches regex)");

    private static Map<String, JsonNode> functions;
    private static Map<String, String> appSettings;
    private static JsonNode localSettings;

    @BeforeAll
    static void read() throws IOException {
        assertTrue(Files.isDirectory(APP), APP + " is missing: run mvn package first");
        functions = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(APP)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path json = dir.resolve("function.json");
                if (Files.isRegularFile(json)) {
                    functions.put(dir.getFileName().toString(), Json.MAPPER.readTree(json.toFile()));
                }
            }
        }
        assertTrue(functions.size() >= 2, "function.json files: " + functions.keySet());
        appSettings = Bicep.main().objectVariable("appSettings");
        localSettings = Json.MAPPER.readTree(Path.of("local.settings.json.example").toFile()).get("Values");
    }

    private static List<JsonNode> bindings(String type) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode function : functions.values()) {
            for (JsonNode b : function.get("bindings")) {
                if (b.get("type").asText().equalsIgnoreCase(type)) {
                    found.add(b);
                }
            }
        }
        return found;
    }

    @Test
    @DisplayName("every function of the package is covered by the failure alert")
    void failureAlertCoversEveryFunction() throws IOException {
        String query = Files.readString(InfraMonitoringTest.ALERTS.resolve("function-failure.kql"))
                .replaceAll("(?m)//.*$", "");
        assertTrue(query.contains("requests") && query.contains("success == false"), "alerts on failed invocations");
        assertTrue(query.contains("function = operation_Name"), "names the function as dimension 'function'");
        boolean restricted = NAME_FILTER.matcher(query).find();
        List<String> uncovered = new ArrayList<>();
        for (String function : functions.keySet()) {
            if (restricted && !query.contains("\"" + function + "\"")) {
                uncovered.add(function);
            }
        }
        assertEquals(List.of(), uncovered, "the failure alert filters on function names and leaves these out");

        String rule = Bicep.flat(Bicep.read(Bicep.INFRA.resolve("modules/alerts.bicep")).code());
        assertTrue(rule.contains("query: loadTextContent('../alerts/function-failure.kql') operator: 'GreaterThan' threshold: 0 "
                + "dimensions: [ { name: 'function' operator: 'Include' values: [ '*' ] } ]"), "one alert per function, all of them");
    }

    @Test
    @DisplayName("every timer's %schedule% is an app setting in infra and in local.settings.json.example, with the same value")
    void timerSchedules() {
        Bicep main = Bicep.main();
        Set<String> timers = new TreeSet<>();
        for (JsonNode timer : bindings("timerTrigger")) {
            String schedule = timer.get("schedule").asText();
            assertTrue(schedule.matches("%\\w+%"), "a schedule that no app setting can override: " + schedule);
            String setting = schedule.substring(1, schedule.length() - 1);
            timers.add(setting);
            String expression = appSettings.get(setting);
            assertTrue(expression != null, "infra does not set " + setting);
            String value = main.resolve(expression).orElseThrow(() -> new AssertionError(setting + ": " + expression));
            assertTrue(NCRONTAB.matcher(value).matches(), setting + " is not 6-field NCRONTAB: " + value);
            assertTrue(localSettings.has(setting), "local.settings.json.example lacks " + setting);
            assertEquals(localSettings.get(setting).asText(), value, setting);
        }
        assertTrue(timers.containsAll(List.of("nightlyExport", "weeklyExport")), timers.toString());
    }

    @Test
    @DisplayName("a killed or failed export runs again: the timers keep their schedule monitor, and a failed run is retried "
            + "a bounded number of times, after a dead run's lease has lapsed, and within a day")
    void exportRetries() throws Exception {
        Field leaseField = Class.forName("com.shiftsync.backup.adapter.blob.BlobLease").getDeclaredField("LEASE_SECONDS");
        leaseField.setAccessible(true);
        Duration lease = Duration.ofSeconds(leaseField.getInt(null));
        String timeout = Json.MAPPER.readTree(Path.of("host.json").toFile()).get("functionTimeout").asText();
        for (String export : List.of("nightlyExport", "weeklyExport")) {
            JsonNode function = functions.get(export);
            assertTrue(function != null, export + " was not generated");
            JsonNode timer = function.get("bindings").get(0);
            assertEquals("timerTrigger", timer.get("type").asText());
            // the schedule monitor (useMonitor, on by default) runs an occurrence whose run never finished
            // (the instance was stopped) as soon as the host starts again: past due
            assertTrue(!timer.has("useMonitor") || timer.get("useMonitor").asBoolean(), export + " has no schedule monitor");
            assertTrue(!timer.has("runOnStartup") || !timer.get("runOnStartup").asBoolean(), export + " runs on every start");

            JsonNode retry = function.get("retry");
            assertTrue(retry != null, export + " has no retry policy: " + function);
            assertEquals("fixedDelay", retry.get("strategy").asText(), export);
            int retries = retry.get("maxRetryCount").asInt();
            assertTrue(retries >= 1 && retries <= 3, export + ": retries must be bounded (-1 is forever): " + retries);
            Duration delay = hms(retry.get("delayInterval").asText());
            assertTrue(delay.compareTo(lease.multipliedBy(2)) >= 0,
                    export + ": a retry " + delay + " after a dead attempt must find its " + lease + " lease lapsed");
            Duration worstCase = hms(timeout).multipliedBy(retries + 1L).plus(delay.multipliedBy(retries));
            assertTrue(worstCase.compareTo(Duration.ofHours(24)) < 0,
                    export + ": every attempt of one night ends before the next night's export: " + worstCase);
        }
        for (Map.Entry<String, JsonNode> f : functions.entrySet()) {
            boolean queue = f.getValue().get("bindings").get(0).get("type").asText().equals("queueTrigger");
            assertTrue(!queue || !f.getValue().has("retry"),
                    f.getKey() + ": a queue trigger retries through host.json's maxDequeueCount, not a retry policy");
        }
    }

    private static Duration hms(String value) {
        Matcher m = Pattern.compile("^(\\d+):(\\d{2}):(\\d{2})$").matcher(value);
        assertTrue(m.matches(), "not HH:mm:ss: " + value);
        return Duration.ofHours(Long.parseLong(m.group(1))).plusMinutes(Long.parseLong(m.group(2)))
                .plusSeconds(Long.parseLong(m.group(3)));
    }

    @Test
    @DisplayName("every queue binding's queue is created, and its connection is identity-based in infra and present locally")
    void queueBindings() {
        Set<String> created = InfraStorageTest.infraQueues();
        List<JsonNode> queues = new ArrayList<>(bindings("queueTrigger"));
        queues.addAll(bindings("queue"));
        for (JsonNode b : queues) {
            String queue = b.get("queueName").asText();
            assertTrue(created.contains(queue), "infra does not create queue " + queue);
            String connection = b.has("connection") && !b.get("connection").asText().isEmpty()
                    ? b.get("connection").asText() : "AzureWebJobsStorage";
            assertTrue(appSettings.containsKey(connection + "__queueServiceUri"), "infra lacks " + connection + "__queueServiceUri");
            assertEquals("'managedidentity'", appSettings.get(connection + "__credential"), connection);
            assertTrue(!appSettings.containsKey(connection), connection + " must not be a connection string in infra");
            assertTrue(localSettings.has(connection) || localSettings.has(connection + "__queueServiceUri"),
                    "local.settings.json.example lacks " + connection);
        }
        for (JsonNode b : bindings("blobTrigger")) {
            String container = b.get("path").asText().split("/", 2)[0];
            assertTrue(InfraStorageTest.infraContainers().contains(container), "infra does not create " + container);
        }
    }

    @Test
    @DisplayName("the paths Easy Auth leaves open are routes of HTTP functions, and HTTP functions need a function key")
    void easyAuthExclusions() {
        List<JsonNode> http = bindings("httpTrigger");
        Set<String> routes = new TreeSet<>();
        for (JsonNode b : http) {
            routes.add("/api/" + b.get("route").asText());
            assertEquals("FUNCTION", b.get("authLevel").asText().toUpperCase(java.util.Locale.ROOT),
                    "every HTTP function needs a function key (CONTRACT.md): " + b.get("route"));
        }
        if (http.isEmpty()) {
            return;
        }
        String auth = Bicep.read(Bicep.INFRA.resolve("modules/functionapp.bicep")).resourceBody("auth");
        var excluded = Pattern.compile("'(/api/[^']+)'").matcher(auth);
        while (excluded.find()) {
            assertTrue(routes.contains(excluded.group(1)), "Easy Auth excludes " + excluded.group(1)
                    + ", which no function serves: " + routes);
        }
    }
}
