package com.shiftsync.backup.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The alert rules the issue asks for exist, each query (infra/alerts/*.kql) is wired into a
 * rule, every ShiftSync.* event a query or the workbook names is one the app emits, and the
 * workbook shows backups over time (size, duration, age), restore tests and restores.
 */
class InfraMonitoringTest {
    static final Path ALERTS = Bicep.INFRA.resolve("alerts");
    static final Path WORKBOOK = Bicep.INFRA.resolve("workbooks/shiftsync-backup.workbook.json");
    private static final Bicep ALERTS_MODULE = Bicep.read(Bicep.INFRA.resolve("modules/alerts.bicep"));

    /** Prefixes (ShiftSync.X.) the queries use to match a family of events. */
    private static final Set<String> KNOWN_FAMILIES = Set.of("ShiftSync.Backup.", "ShiftSync.Verify.",
            "ShiftSync.ServerRestore.", "ShiftSync.Restore.");

    static List<Path> queries() throws IOException {
        try (Stream<Path> all = Files.list(ALERTS)) {
            return all.filter(p -> p.toString().endsWith(".kql")).sorted().toList();
        }
    }

    /** The Java agent's configuration infra hands over in APPLICATIONINSIGHTS_CONFIGURATION_CONTENT. */
    static final Path AGENT_CONFIG = Bicep.INFRA.resolve("applicationinsights.json");

    /** Settings the agent reads over its JSON configuration (its ConfigurationBuilder): infra must set none. */
    private static final List<String> AGENT_OVERRIDES = List.of("APPLICATIONINSIGHTS_SAMPLING_PERCENTAGE",
            "APPLICATIONINSIGHTS_SAMPLING_REQUESTS_PER_SECOND", "APPLICATIONINSIGHTS_INSTRUMENTATION_LOGGING_LEVEL",
            "APPLICATIONINSIGHTS_INSTRUMENTATION_LOGGING_ENABLED", "APPLICATIONINSIGHTS_CONFIGURATION_FILE");

    @Test
    @DisplayName("the Java agent, which sends the app's logs, is configured by infra to keep every log record and exception at INFO and above, unsampled")
    void agentKeepsEveryEventAndWarning() throws IOException {
        Map<String, String> settings = Bicep.main().objectVariable("appSettings");
        assertEquals("'true'", settings.get("APPLICATIONINSIGHTS_ENABLE_AGENT"));
        assertEquals("string(loadJsonContent('applicationinsights.json'))", settings.get("APPLICATIONINSIGHTS_CONFIGURATION_CONTENT"),
                "the agent's configuration, as one line of JSON");
        for (String overriding : AGENT_OVERRIDES) {
            assertTrue(!settings.containsKey(overriding), overriding + " would override applicationinsights.json");
        }
        JsonNode agent = Json.MAPPER.readTree(AGENT_CONFIG.toFile());
        Set<String> keys = new TreeSet<>();
        agent.fieldNames().forEachRemaining(keys::add);
        assertEquals(Set.of("sampling", "instrumentation"), keys, "connectionString stays in APPLICATIONINSIGHTS_CONNECTION_STRING");

        JsonNode sampling = agent.get("sampling");
        assertEquals(100, sampling.get("percentage").asInt(), "no sampling of requests and dependencies");
        assertTrue(!sampling.has("requestsPerSecond"), "a rate limit samples out");
        // An override without attributes matches every record of its type, and only a 100 % override keeps a
        // log whose trace was sampled out (the agent's AzureMonitorLogFilteringProcessor / AiFixedPercentageSampler).
        Set<String> keptWhole = new TreeSet<>();
        for (JsonNode override : sampling.get("overrides")) {
            if (override.path("attributes").isEmpty() && override.get("percentage").asDouble() == 100) {
                keptWhole.add(override.get("telemetryType").asText());
            }
            assertTrue(override.get("percentage").asDouble() == 100, "an override that samples out: " + override);
        }
        assertEquals(Set.of("trace", "exception"), keptWhole, "every log record (trace) and logged exception, unsampled");

        JsonNode logging = agent.get("instrumentation").get("logging");
        assertEquals("INFO", logging.get("level").asText(), "the ShiftSync.* events are INFO: a higher threshold drops them");
        assertTrue(!logging.has("enabled") || logging.get("enabled").asBoolean(), "log capture must stay on");
    }

    @Test
    @DisplayName("the host's own telemetry, whose requests the failure alert reads, stays unsampled too (host.json)")
    void hostKeepsFailedInvocations() throws IOException {
        JsonNode sampling = Json.MAPPER.readTree(Path.of("host.json").toFile()).get("logging").get("applicationInsights")
                .get("samplingSettings");
        List<String> excluded = List.of(sampling.get("excludedTypes").asText().split(";"));
        assertTrue(excluded.containsAll(List.of("Request", "Exception", "Trace", "Event")), excluded.toString());
        assertTrue(Files.readString(ALERTS.resolve("function-failure.kql")).contains("requests"));
    }

    @Test
    @DisplayName("one rule per condition of the issue, each on its own query file, all mailed to the action group")
    void rules() throws IOException {
        Set<String> files = new TreeSet<>();
        for (Path q : queries()) {
            files.add(q.getFileName().toString());
        }
        assertEquals(Set.of("function-failure.kql", "no-nightly-backup.kql", "size-anomaly.kql", "verification.kql",
                "backup-integrity.kql", "restore-started.kql"), files);
        String code = ALERTS_MODULE.code();
        for (String file : files) {
            assertTrue(code.contains("loadTextContent('../alerts/" + file + "')"), file + " is not wired into a rule");
        }
        String rule = Bicep.flat(ALERTS_MODULE.resourceBody("alertRules"));
        assertTrue(Bicep.flat(code).contains("resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [ for rule in rules: {"));
        assertTrue(rule.contains("actionGroups: [ actionGroup.id ]"), rule);
        assertTrue(rule.contains("scopes: [ appInsightsId ]"), rule);
        String group = Bicep.flat(ALERTS_MODULE.resourceBody("actionGroup"));
        assertTrue(group.contains("emailAddress: alertEmail"), group);
        assertTrue(Bicep.main().params().containsKey("alertEmail"));
        assertTrue(Bicep.flat(Bicep.main().code()).contains("alertEmail: alertEmail"));
    }

    @Test
    @DisplayName("the no-nightly-backup rule looks back MISSING_BACKUP_HOURS (26) over the daily tier's successes, within the 2 days a log alert may")
    void noNightlyBackup() throws IOException {
        String query = Files.readString(ALERTS.resolve("no-nightly-backup.kql"));
        assertTrue(query.contains("ago({missingBackupHours}h)"));
        assertTrue(query.contains("ShiftSync.Backup.Succeeded") && query.contains("== \"daily\""));
        assertEquals("26", Bicep.main().defaultOf("missingBackupHours"));
        String rules = Bicep.flat(ALERTS_MODULE.code());
        assertTrue(rules.contains("replace(loadTextContent('../alerts/no-nightly-backup.kql'), '{missingBackupHours}', string(missingBackupHours))"));
        assertTrue(rules.contains("queryTimeRange: 'P2D' query: replace(loadTextContent('../alerts/no-nightly-backup.kql')"), rules);
        assertTrue(rules.contains("operator: 'LessThan' threshold: 1"), "fires when there is no success");
    }

    @Test
    @DisplayName("the restore-started rule is informational (severity 3); the problems are errors (1) or warnings (2)")
    void severities() {
        String rules = Bicep.flat(ALERTS_MODULE.code());
        Matcher m = Pattern.compile("name: '([a-z-]+)' displayName: '[^']*' description: '[^']*' severity: (\\d)").matcher(rules);
        Map<String, Integer> severity = new TreeMap<>();
        while (m.find()) {
            severity.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(Set.of("function-failure", "no-nightly-backup", "size-anomaly", "verification", "backup-integrity",
                "restore-started"), severity.keySet());
        severity.forEach((rule, level) -> assertTrue(rule.equals("restore-started") ? level == 3 : level <= 2, rule + ": " + level));
    }

    @Test
    @DisplayName("the alert codes the queries match are the monitor's, and the size alert covers emptied tables")
    void alertCodesExist() throws IOException {
        Set<String> codes = new TreeSet<>();
        for (AlertCode code : AlertCode.values()) {
            codes.add(code.id());
        }
        Set<String> named = new TreeSet<>();
        for (Path q : queries()) {
            Matcher m = Pattern.compile("\"([a-z]+(?:-[a-z]+)+)\"").matcher(Files.readString(q));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertTrue(codes.containsAll(named), "not alert codes: " + named.stream().filter(c -> !codes.contains(c)).toList());
        assertTrue(named.containsAll(Set.of("size-anomaly", "table-emptied", "verification-failed", "verification-stale",
                "backup-damaged", "offsite-missing", "offsite-copy-missing", "offsite-copy-mismatch")), named.toString());
    }

    @Test
    @DisplayName("every ShiftSync.* event the alert queries and the workbook name is one the app emits")
    void eventsExist() throws IOException {
        Set<String> known = CodeFacts.events();
        List<String> texts = new ArrayList<>();
        for (Path q : queries()) {
            texts.add(Files.readString(q));
        }
        texts.add(Files.readString(WORKBOOK));
        Pattern name = Pattern.compile("ShiftSync(?:\\.[A-Z][A-Za-z]*){1,2}\\.?");
        List<String> unknown = new ArrayList<>();
        for (String text : texts) {
            Matcher m = name.matcher(text);
            while (m.find()) {
                String event = m.group();
                boolean ok = event.endsWith(".")
                        ? KNOWN_FAMILIES.contains(event) && known.stream().anyMatch(k -> k.startsWith(event))
                        : known.contains(event);
                if (!ok) {
                    unknown.add(event);
                }
            }
        }
        assertEquals(List.of(), unknown, "not an event the app defines");
        assertTrue(known.containsAll(List.of("ShiftSync.Backup.Succeeded", "ShiftSync.Backup.Failed")));
    }

    @Test
    @DisplayName("the workbook shows backups over time (size, duration, age), restore tests and restores")
    void workbook() throws IOException {
        JsonNode workbook = Json.MAPPER.readTree(WORKBOOK.toFile());
        assertEquals("Notebook/1.0", workbook.get("version").asText());
        Map<String, String> queries = new TreeMap<>();
        for (JsonNode item : workbook.get("items")) {
            if (item.get("type").asInt() == 3) {
                queries.put(item.get("name").asText(), item.get("content").get("query").asText());
            }
        }
        assertTrue(queries.get("backup-size").contains("e.sizeBytes") && queries.get("backup-size").contains("bin(timestamp"));
        assertTrue(queries.get("backup-duration").contains("e.durationMs"));
        assertTrue(queries.get("backup-age").contains("now() - timestamp"));
        assertTrue(queries.get("verifications").contains("ShiftSync.Verify."));
        assertTrue(queries.get("restores").contains("ShiftSync.ServerRestore.") && queries.get("restores").contains("ShiftSync.Restore."));
        assertEquals("__APP_INSIGHTS_ID__", workbook.get("fallbackResourceIds").get(0).asText());
        String module = Bicep.flat(ALERTS_MODULE.resourceBody("workbook"));
        assertTrue(module.contains("replace(loadTextContent('../workbooks/shiftsync-backup.workbook.json'), '__APP_INSIGHTS_ID__', appInsightsId)"));
        assertTrue(module.contains("sourceId: appInsightsId"));
    }
}
