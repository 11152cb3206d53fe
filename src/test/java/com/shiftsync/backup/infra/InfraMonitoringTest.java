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
 * workbook shows the panels of the app's own page: the newest monitor run's alerts, each tier
 * against the RPO target, backups over time (size, duration, rows), restore tests, recovery
 * times against the RTO target, the backups and the recent operations.
 */
class InfraMonitoringTest {
    static final Path ALERTS = Bicep.INFRA.resolve("alerts");
    static final Path WORKBOOK = Bicep.INFRA.resolve("workbooks/shiftsync-backup.workbook.json");
    private static final Bicep ALERTS_MODULE = Bicep.read(Bicep.INFRA.resolve("modules/alerts.bicep"));

    /** Prefixes (ShiftSync.X.) the queries use to match a family of events. */
    private static final Set<String> KNOWN_FAMILIES = Set.of("ShiftSync.Backup.", "ShiftSync.Verify.",
            "ShiftSync.ServerRestore.", "ShiftSync.Restore.", "ShiftSync.Monitor.");

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
                "backup-integrity.kql", "restore-started.kql", "drill.kql"), files);
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
                "restore-started", "drill"), severity.keySet());
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
                "backup-damaged", "offsite-missing", "offsite-copy-missing", "offsite-copy-mismatch", "client-too-old")),
                named.toString());
    }

    @Test
    @DisplayName("the drill rule: every drill alert code (failed, over the RTO target, stale), one alert per code, stateful, "
            + "so the monitor's repeats of a code every 15 minutes keep one alert open instead of mailing again")
    void drillRule() throws IOException {
        String query = Files.readString(ALERTS.resolve("drill.kql"));
        String code = query.replaceAll("(?m)//.*$", "");
        assertTrue(code.contains("where message startswith '{\"event\":\"ShiftSync.Alert\"'"), code);
        assertTrue(code.contains("where problem in (\"drill-failed\", \"drill-rto-exceeded\", \"drill-stale\")"), code);
        Set<String> drillCodes = new TreeSet<>();
        for (AlertCode c : AlertCode.values()) {
            if (c.id().startsWith("drill-")) {
                drillCodes.add(c.id());
            }
        }
        assertEquals(Set.of("drill-failed", "drill-rto-exceeded", "drill-stale"), drillCodes, "a new drill code needs the rule too");
        assertTrue(code.contains("extend problem = tostring(e.code)"), "the dimension is the code, not the source");

        String rules = Bicep.flat(ALERTS_MODULE.code());
        assertTrue(rules.contains("query: loadTextContent('../alerts/drill.kql') operator: 'GreaterThan' threshold: 0 "
                + "dimensions: [ { name: 'problem' operator: 'Include' values: [ '*' ] } ] autoMitigate: true"), rules);
        assertTrue(rules.contains("name: 'drill' displayName: 'ShiftSync Backup: recovery drill failed, over the RTO target, or stale'"));
        // the window spans two monitor runs (every 15 minutes), so a repeated code never lets the alert resolve in between
        assertTrue(rules.contains("frequency: 'PT15M' window: 'PT30M' queryTimeRange: '' query: loadTextContent('../alerts/drill.kql')"),
                rules);
        assertEquals("0 */15 * * * *", com.shiftsync.backup.config.Setting.backupMonitor.defaultValue());
    }

    @Test
    @DisplayName("a drill that ended failed is mailed by the drill rule only: the failure rule leaves out its end and its restore's, "
            + "and keeps drills that could not run and the sweeper's failures")
    void drillFailureIsMailedOnce() throws IOException {
        String code = Files.readString(ALERTS.resolve("function-failure.kql")).replaceAll("(?m)//.*$", "");
        assertTrue(code.contains("where event endswith \"Failed\""), "every *Failed event, the drill's sweeper's included");
        assertTrue(code.contains("where not(event == \"ShiftSync.Drill.Failed\" and tostring(e.passed) == \"false\")"), code);
        assertTrue(Bicep.flat(code).contains("where not(event in (\"ShiftSync.Recovery.Failed\", \"ShiftSync.ServerRestore.Failed\") "
                + "and tostring(e.target) matches regex @\"-drill-\\d{12}$\")"), code);
        // that pattern is the drill servers' name, and not a restore's name people choose by the contract's examples
        Pattern drillServer = Pattern.compile("-drill-\\d{12}$");
        assertTrue(drillServer.matcher("shiftsync-db-drill-202401150600").find());
        assertTrue(!drillServer.matcher("shiftsync-db-restored").find() && !drillServer.matcher("shiftsync-drill").find());
        // the drill's own end is the only ShiftSync.Drill.Failed with a "passed" field
        assertEquals("ShiftSync.Drill.Failed", com.shiftsync.backup.recovery.DrillEvents.FAILED);
        assertTrue(CodeFacts.events().contains("ShiftSync.Drill.SweepFailed"));
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

    /** The workbook's queries by item name, and the whole items. */
    static Map<String, JsonNode> workbookItems() throws IOException {
        Map<String, JsonNode> items = new TreeMap<>();
        for (JsonNode item : Json.MAPPER.readTree(WORKBOOK.toFile()).get("items")) {
            items.put(item.get("name").asText(), item);
        }
        return items;
    }

    @Test
    @DisplayName("the workbook has the page's panels (GET /api/dashboard), from the events that carry the same figures: "
            + "the banner, the tiers against the RPO target, restore tests charted, recovery times against the RTO "
            + "target, the backups with stores, SHA-256 and restore test, the recent operations; over 90 days by default")
    void workbookHasThePagesPanels() throws IOException {
        Map<String, JsonNode> items = workbookItems();
        Map<String, String> query = new TreeMap<>();
        items.forEach((name, item) -> {
            if (item.get("type").asInt() == 3) {
                query.put(name, item.get("content").get("query").asText());
            }
        });
        String banner = query.get("status-banner");
        assertTrue(banner.contains("ShiftSync.Monitor.") && banner.contains("ShiftSync.Alert") && banner.contains("operation_Id")
                && banner.contains("e.code") && banner.contains("e.reason"), "the alerts of the newest monitor run: " + banner);
        String tiers = query.get("backup-age");
        assertTrue(tiers.contains("__RPO_TARGET_HOURS__") && tiers.contains("__MISSING_BACKUP_HOURS__")
                && tiers.contains("\"green\"") && tiers.contains("\"amber\"") && tiers.contains("\"red\""), tiers);
        assertEquals("light", items.get("backup-age").get("content").get("gridSettings").get("formatters").get(0)
                .get("columnMatch").asText(), "the light is coloured");
        assertTrue(query.get("backup-rows").contains("e.rowTotal"), "a sudden drop of rows shows");
        String tests = query.get("verify-chart");
        assertTrue(tests.contains("ShiftSync.Verify.Passed") && tests.contains("e.durationMs") && tests.contains("failed"), tests);
        assertTrue(items.get("verify-chart").get("content").get("visualization").asText().endsWith("chart"));
        String recovery = query.get("recovery-times");
        assertTrue(recovery.contains("__RTO_TARGET_MINUTES__") && recovery.contains("RTO target")
                && recovery.contains("e.durationSeconds") && recovery.contains("e.durationMs")
                && recovery.contains("ShiftSync.ServerRestore.Succeeded") && recovery.contains("ShiftSync.Restore.Succeeded"),
                recovery);
        assertEquals("timechart", items.get("recovery-times").get("content").get("visualization").asText());
        String backups = query.get("backups");
        assertTrue(backups.contains("e.stores") && backups.contains("e.sha256") && backups.contains("restoreTest")
                && backups.contains("ShiftSync.Verify."), backups);
        String operations = query.get("operations");
        assertTrue(operations.contains("ShiftSync.ServerRestore.Failed") && operations.contains("ShiftSync.Backup.Failed")
                && operations.contains("take 50"), operations);
        assertEquals(7776000000L, items.get("parameters").get("content").get("parameters").get(0).get("value")
                .get("durationMs").asLong(), "90 days, the page's default window");

        String module = Bicep.flat(ALERTS_MODULE.resourceBody("workbook"));
        for (String[] p : new String[][] {{"__RPO_TARGET_HOURS__", "rpoTargetHours"},
                {"__RTO_TARGET_MINUTES__", "rtoTargetMinutes"}, {"__MISSING_BACKUP_HOURS__", "missingBackupHours"}}) {
            assertTrue(module.contains("'" + p[0] + "', string(" + p[1] + "))"), p[0] + " is not filled in: " + module);
            assertTrue(ALERTS_MODULE.params().containsKey(p[1]), p[1]);
            assertTrue(Bicep.flat(Bicep.main().code()).contains(p[1] + ": " + p[1]), "main.bicep passes " + p[1]);
        }
        String filled = Files.readString(WORKBOOK).replace("__RPO_TARGET_HOURS__", "24")
                .replace("__RTO_TARGET_MINUTES__", "120").replace("__MISSING_BACKUP_HOURS__", "26")
                .replace("__APP_INSIGHTS_ID__", "/subscriptions/x/resourceGroups/rg/providers/microsoft.insights/components/ai");
        Json.MAPPER.readTree(filled);
        assertTrue(!Pattern.compile("__[A-Z_]+__").matcher(filled).find(), "every placeholder is one the module fills in");
    }
}
