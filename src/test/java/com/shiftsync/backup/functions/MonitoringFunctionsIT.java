package com.shiftsync.backup.functions;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.ScratchDatabases;
import com.shiftsync.backup.testing.TestKeys;
import com.shiftsync.backup.verify.Verification;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * monthlyVerify, offsiteCheck, backupMonitor and GET /api/status called as the Functions
 * host calls them, against real PostgreSQL and Azurite, with metrics read back from an
 * in-memory OpenTelemetry reader.
 */
class MonitoringFunctionsIT {
    static PostgresCluster pg;
    static String db;

    String container;
    InMemoryMetricReader reader;
    App app;

    @BeforeAll
    static void seed() {
        pg = PostgresCluster.shared();
        db = pg.seededDatabase("fnverify");
    }

    @BeforeEach
    void app() {
        container = "fnmon-" + Long.toHexString(System.nanoTime());
        reader = InMemoryMetricReader.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
        app = new App(new Settings(env()), Clock.systemUTC(), () -> sdk);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.urlText(db));
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", container);
        // an audit log of the test's own: two tests' backups of the same database in one second share an id
        env.put("AUDIT_CONTAINER", container + "-audit");
        env.put("WEBSITE_AUTH_ENABLED", "True");
        env.putAll(TestKeys.manifestKeySettings());
        return env;
    }

    BlobContainerClient blobs() {
        return StorageClients.byConnectionString(Azurite.shared().connectionString()).getBlobContainerClient(container);
    }

    static JsonNode event(FakeExecutionContext context, String name) throws IOException {
        for (String line : context.messages()) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (name.equals(node.path("event").asText())) {
                return node;
            }
        }
        throw new AssertionError("no " + name + " event in " + context.messages());
    }

    static List<JsonNode> events(FakeExecutionContext context, String name) throws IOException {
        List<JsonNode> found = new java.util.ArrayList<>();
        for (String line : context.messages()) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (name.equals(node.path("event").asText())) {
                found.add(node);
            }
        }
        return found;
    }

    List<String> metricNames() {
        return reader.collectAllMetrics().stream().map(MetricData::getName).sorted().toList();
    }

    @Test
    @DisplayName("export, monthlyVerify and backupMonitor on a good backup: events, metrics, GET /api/status healthy, "
            + "and with the admin role = status --source azure --json")
    void goodBackup() throws IOException {
        new ExportFunctions(app).nightlyExport("{}", new FakeExecutionContext("nightlyExport"));
        Manifest m = app.stores().azure().list().get(0);

        FakeExecutionContext verify = new FakeExecutionContext("monthlyVerify");
        new VerifyFunctions(app).monthlyVerify("{}", verify);
        JsonNode passed = event(verify, "ShiftSync.Verify.Passed");
        assertEquals(m.id(), passed.get("id").asText());
        assertEquals(5, passed.get("tables").asInt());
        assertTrue(passed.get("scratchDropped").asBoolean());
        assertEquals(List.of(), ScratchDatabases.on(pg));
        assertTrue(Verification.read(app.stores().azure().getRecord(Tier.DAILY, m.backupId(), "verification")
                .orElseThrow()).passed());

        FakeExecutionContext monitor = new FakeExecutionContext("backupMonitor");
        new MonitorFunctions(app).backupMonitor("{}", monitor);
        JsonNode healthy = event(monitor, "ShiftSync.Monitor.Healthy");
        assertEquals(0, healthy.get("alerts").asInt());
        assertEquals(m.id(), healthy.get("newestBackupId").asText());
        assertEquals(List.of(), events(monitor, "ShiftSync.Alert"));

        assertEquals(List.of(Metric.BACKUP_AGE.id(), Metric.BACKUP_DURATION.id(), Metric.BACKUP_SIZE.id(),
                Metric.MONITOR_ALERTS.id(), Metric.RESTORE_DURATION.id(), Metric.VERIFY_RESULT.id()), metricNames(), "the export path records too");

        FakeRequest request = new FakeRequest();
        HttpResponseMessage response = new MonitorFunctions(app).status(request, new FakeExecutionContext("backupStatus"));
        assertEquals(200, response.getStatusCode());
        assertEquals("application/json", response.getHeader("Content-Type"));
        JsonNode health = Json.MAPPER.readTree((String) response.getBody());
        assertTrue(health.get("healthy").asBoolean());
        assertFalse(response.getBody().toString().contains(m.id()), "without the admin role: health and ages only");
        assertTrue(health.get("restoreTest").get("lastPassedAgeHours").isNumber(), "the restore test's age: " + health);

        response = new MonitorFunctions(app).status(FakeHttpRequest.get("http://127.0.0.1/api/status").header(
                "X-MS-CLIENT-PRINCIPAL", ADMIN), new FakeExecutionContext("backupStatus"));
        assertEquals(200, response.getStatusCode());
        JsonNode http = Json.MAPPER.readTree((String) response.getBody());
        assertTrue(http.get("healthy").asBoolean());
        assertEquals(m.id(), http.get("verification").get("lastBackupId").asText());

        Map<String, String> env = env();
        env.put("BACKUP_DIR", System.getProperty("java.io.tmpdir") + "/shiftsync-unused-" + System.nanoTime());
        CliRun cli = CliRun.run(env, "status", "--source", "azure", "--json");
        assertEquals(0, cli.exitCode(), cli.stderr());
        assertEquals(withoutTimes(http), withoutTimes(Json.MAPPER.readTree(cli.stdout())),
                "GET /api/status answers what status --source azure --json prints");
    }

    @Test
    @DisplayName("a restore test that finds a differing count fails the invocation naming the table; the monitor then alerts")
    void countDiffers() throws IOException {
        new ExportFunctions(app).nightlyExport("{}", new FakeExecutionContext("nightlyExport"));
        BackupStore store = app.stores().azure();
        Manifest m = store.list().get(0);
        Map<String, Long> counts = new TreeMap<>(m.rowCounts());
        counts.put("public.upload_analytics", 1499L);
        store.deleteManifest(m.tier(), m.backupId());
        store.putManifest(TestKeys.signed(new Manifest(m.id(), m.database(), m.tier(), m.startedAt(), m.finishedAt(),
                m.sizeBytes(), m.sha256(), m.serverVersion(), m.pgDumpVersion(), m.format(), counts)));

        FakeExecutionContext verify = new FakeExecutionContext("monthlyVerify");
        ShiftSyncException e = assertThrows(ShiftSyncException.class,
                () -> new VerifyFunctions(app).monthlyVerify("{}", verify));
        assertTrue(e.getMessage().contains("public.upload_analytics: 1,500 rows restored, the manifest counted 1,499"),
                e.getMessage());
        JsonNode failed = Json.MAPPER.readTree(verify.messages(Level.SEVERE).get(0));
        assertEquals("ShiftSync.Verify.Failed", failed.get("event").asText());
        assertEquals("public.upload_analytics", failed.get("differingTables").get(0).asText());
        assertEquals(List.of(), ScratchDatabases.on(pg));

        FakeExecutionContext monitor = new FakeExecutionContext("backupMonitor");
        new MonitorFunctions(app).backupMonitor("{}", monitor);
        assertEquals(2, event(monitor, "ShiftSync.Monitor.Alerting").get("alerts").asInt());
        List<JsonNode> alerts = events(monitor, "ShiftSync.Alert");
        assertEquals(List.of("backup-missing", "verification-failed"),
                alerts.stream().map(a -> a.get("code").asText()).toList(), "the only daily backup failed its test: "
                        + "there is no good one left");
        assertEquals("there is no good daily backup: every one failed its restore test",
                alerts.get(0).get("reason").asText());
        assertTrue(alerts.get(1).get("reason").asText().contains("public.upload_analytics"));
    }

    @Test
    @DisplayName("offsiteCheck passes on intact copies; a changed byte and a missing copy are one alert each")
    void offsite() throws IOException {
        new ExportFunctions(app).nightlyExport("{}", new FakeExecutionContext("nightlyExport"));
        new ExportFunctions(app).weeklyExport("{}", new FakeExecutionContext("weeklyExport"));
        FakeExecutionContext ok = new FakeExecutionContext("offsiteCheck");
        new VerifyFunctions(app).offsiteCheck("{}", ok);
        JsonNode passed = event(ok, "ShiftSync.Offsite.Passed");
        assertEquals(2, passed.get("copies").size());

        List<Manifest> backups = app.stores().azure().list();
        Manifest weekly = backups.stream().filter(b -> b.tier() == Tier.WEEKLY).findFirst().orElseThrow();
        Manifest daily = backups.stream().filter(b -> b.tier() == Tier.DAILY).findFirst().orElseThrow();
        String weeklyBlob = "weekly/" + weekly.backupId().archiveName();
        byte[] bytes = blobs().getBlobClient(weeklyBlob).downloadContent().toBytes();
        bytes[bytes.length / 3] ^= 0x20;
        blobs().getBlobClient(weeklyBlob).upload(BinaryData.fromBytes(bytes), true);
        blobs().getBlobClient("daily/" + daily.backupId().archiveName()).delete();

        FakeExecutionContext bad = new FakeExecutionContext("offsiteCheck");
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> new VerifyFunctions(app).offsiteCheck("{}", bad));
        assertTrue(e.getMessage().startsWith("the offsite check found 2 problem(s): "), e.getMessage());
        assertFalse(event(bad, "ShiftSync.Offsite.Failed").get("copies").get(0).get("passed").asBoolean());
        List<JsonNode> alerts = events(bad, "ShiftSync.Alert");
        assertEquals(List.of("offsite-copy-missing daily", "offsite-copy-mismatch weekly"),
                alerts.stream().map(a -> a.get("code").asText() + " " + a.get("tier").asText()).toList());
        assertTrue(alerts.get(1).get("reason").asText().contains("does not match its manifest"));
        assertTrue(alerts.get(0).get("reason").asText().contains("could not be read back"));
    }

    @Test
    @DisplayName("GET /api/status without storage settings: 400 with the error JSON of the contract")
    void statusMisconfigured() throws IOException {
        App bare = new App(new Settings(Map.of()), Clock.systemUTC());
        HttpResponseMessage response = new MonitorFunctions(bare).status(new FakeRequest(),
                new FakeExecutionContext("backupStatus"));
        assertEquals(400, response.getStatusCode());
        JsonNode error = Json.MAPPER.readTree((String) response.getBody()).get("error");
        assertEquals("bad-input", error.get("code").asText());
        assertTrue(error.get("message").asText().startsWith("Azure storage is not configured"));
    }

    /** An admin as Easy Auth's principal header carries one (base64 JSON). */
    static final String ADMIN = java.util.Base64.getEncoder().encodeToString(("{\"auth_typ\":\"aad\",\"claims\":["
            + "{\"typ\":\"http://schemas.microsoft.com/identity/claims/objectidentifier\",\"val\":\"oid-ana\"},"
            + "{\"typ\":\"preferred_username\",\"val\":\"ana@shiftsync.test\"},"
            + "{\"typ\":\"roles\",\"val\":\"Backup.Admin\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));

    /** The report without the fields that depend on the moment it was made. */
    static JsonNode withoutTimes(JsonNode report) {
        ObjectNode copy = report.deepCopy();
        copy.remove("checkedAt");
        ((ObjectNode) copy.get("rpo")).remove("ageHours");
        copy.get("tiers").forEach(t -> ((ObjectNode) t).remove("ageHours"));
        return copy;
    }

    /** A GET request as the Functions host hands it over. */
    static final class FakeRequest implements HttpRequestMessage<Optional<String>> {
        @Override
        public URI getUri() {
            return URI.create("http://127.0.0.1/api/status");
        }

        @Override
        public HttpMethod getHttpMethod() {
            return HttpMethod.GET;
        }

        @Override
        public Map<String, String> getHeaders() {
            return Map.of();
        }

        @Override
        public Map<String, String> getQueryParameters() {
            return Map.of();
        }

        @Override
        public Optional<String> getBody() {
            return Optional.empty();
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
            return createResponseBuilder((HttpStatusType) status);
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
            return new HttpResponseMessage.Builder() {
                private HttpStatusType current = status;
                private final Map<String, String> headers = new HashMap<>();
                private Object body;

                @Override
                public HttpResponseMessage.Builder status(HttpStatusType s) {
                    current = s;
                    return this;
                }

                @Override
                public HttpResponseMessage.Builder header(String name, String value) {
                    headers.put(name, value);
                    return this;
                }

                @Override
                public HttpResponseMessage.Builder body(Object b) {
                    body = b;
                    return this;
                }

                @Override
                public HttpResponseMessage build() {
                    HttpStatusType s = current;
                    Object b = body;
                    return new HttpResponseMessage() {
                        @Override
                        public HttpStatusType getStatus() {
                            return s;
                        }

                        @Override
                        public String getHeader(String name) {
                            return headers.get(name);
                        }

                        @Override
                        public Object getBody() {
                            return b;
                        }
                    };
                }
            };
        }
    }
}
