package com.shiftsync.backup.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.BackupId;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.functions.DashboardFunctions;
import com.shiftsync.backup.port.BackupStore;
import com.shiftsync.backup.port.HistoryLog;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.CliRun;
import com.shiftsync.backup.testing.FakeExecutionContext;
import com.shiftsync.backup.testing.FakeHttpRequest;
import com.shiftsync.backup.testing.SimulatedBackups;
import com.shiftsync.backup.testing.TestKeys;
import com.shiftsync.backup.verify.Verification;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in a real browser. A history of 90 days is seeded into Azurite (a nightly backup
 * every night but the last, a weekly one every 7 days, three restore tests of which the
 * newest failed, restores and server restores with their measured recovery times), with the
 * last 30 days of backups still kept in the backup container as retention would leave them.
 * A test HTTP server on 127.0.0.1 answers /api/dashboard by calling the backupDashboard
 * function (with Easy Auth's principal, as the platform would), and {@code report --html}
 * writes the same page to a file. Then one launch of Debian's Chromium (playwright-core,
 * src/test/js/dashboard.mjs) checks both: one point per backup in every chart, the missing
 * night turns the daily tier red, the failed restore test shows as failed, the alerts are
 * in the banner, no console errors, no request beyond loopback; screenshots go to target/.
 */
class DashboardIT {
    static final String ADMIN = principal("oid-ana", "ana@shiftsync.test", "Backup.Admin");
    static final String READER = principal("oid-cy", "cy@shiftsync.test", "Backup.Reader");
    static final Path TARGET = Path.of("target").toAbsolutePath();

    static Map<String, String> env;
    static String auditContainer;
    static Instant now;
    static Expected expected;
    static HttpServer server;

    /** What the seed holds, for the browser to find. */
    record Expected(int backups, int restoreTests, int recoveries, String failedTest, List<String> alerts,
                    int entries) {
    }

    @BeforeAll
    static void seed() throws IOException {
        String suffix = Long.toHexString(System.nanoTime());
        auditContainer = "dash-audit-" + suffix;
        env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        env.put("BACKUP_CONTAINER", "dash-" + suffix);
        env.put("AUDIT_CONTAINER", auditContainer);
        env.put("OPERATIONS_CONTAINER", "dash-ops-" + suffix);
        env.put("WEBSITE_AUTH_ENABLED", "True");
        env.put("BACKUP_DIR", Files.createTempDirectory("shiftsync-dashboard-it").toString());
        env.putAll(TestKeys.manifestKeySettings());
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        expected = plant(app());
    }

    static App app() {
        return new App(new Settings(env), Clock.systemUTC());
    }

    /**
     * Nightly backups at now - (k days + 5 h) for k = 1..89: the night k = 0 is missing, so the
     * newest daily backup is 29 h old (red: the alert comes at 26 h). Weekly ones at now - (7j
     * days + 4 h), j = 0..12. Backups of the last 30 days are kept in the store, and the one
     * that passed the newest good restore test 50 days ago (retention keeps that one); older
     * ones only the history remembers. The row total dips 45 nights ago.
     */
    static Expected plant(App app) {
        BackupStore store = app.stores().azure();
        HistoryLog history = app.historyLog();
        List<HistoryEntry> entries = new ArrayList<>();
        Instant keptSince = now.minus(Duration.ofDays(30));
        int backups = 0;
        for (int k = 89; k >= 1; k--) {
            backups++;
            Instant started = now.minus(Duration.ofDays(k).plusHours(5));
            entries.add(backup(store, Tier.DAILY, started, !started.isBefore(keptSince) || k == 50, k));
        }
        for (int j = 12; j >= 0; j--) {
            backups++;
            Instant started = now.minus(Duration.ofDays(7L * j).plusHours(4));
            entries.add(backup(store, Tier.WEEKLY, started, !started.isBefore(keptSince), j));
        }
        // restore tests: two passed long ago (their backups pruned since), the newest failed and is kept
        String failed = null;
        for (int daysAgo : List.of(80, 50, 20)) {
            Instant started = now.minus(Duration.ofDays(daysAgo).plusHours(5));
            String id = BackupId.of("shiftsync", started).toString();
            Instant at = started.plus(Duration.ofHours(3));
            boolean passed = daysAgo != 20;
            String reason = passed ? null : "1 of 2 tables differ from the manifest: public.shifts: 1,999 rows "
                    + "restored, the manifest counted 2,000";
            entries.add(HistoryEntry.of(at, HistoryEntry.RESTORE_TEST, id, "daily", passed)
                    .withDuration(95_000L + daysAgo * 100L).withReason(reason).withDetail("store", "azure"));
            if (!passed) {
                failed = id;
            }
            if (daysAgo != 80) {
                store.putRecord(Tier.DAILY, BackupId.parse(id), Verification.KIND, new Verification(id, Tier.DAILY,
                        "azure", passed, at, "compare", reason, 2, List.of(), List.of(), "shiftsync_verify_x", true, 1,
                        2_000, 60_000, 95_000L + daysAgo * 100L, List.of(), null).toJson());
            }
        }
        // measured recoveries: two dump restores and two server restores, one of them over the RTO target
        entries.add(recovery(HistoryEntry.RESTORE, 60, 14, true, Map.of("target", "shiftsync_restored on 127.0.0.1:5432")));
        entries.add(recovery(HistoryEntry.SERVER_RESTORE, 33, 47, true,
                Map.of("method", "point-in-time", "target", "shiftsync-db-restored")));
        entries.add(recovery(HistoryEntry.SERVER_RESTORE, 12, 155, true, Map.of("method", "geo", "target", "shiftsync-db-dr")));
        entries.add(recovery(HistoryEntry.RESTORE, 5, 9, false, Map.of("target", "shiftsync_check on 127.0.0.1:5432")));
        // a night whose backup failed outright (no id): in the operations table, no point
        entries.add(HistoryEntry.of(now.minus(Duration.ofDays(3)), HistoryEntry.BACKUP, null, "manual", false)
                .withDuration(1_200L).withReason("password authentication failed for user \"shiftsync\""));
        entries.sort(java.util.Comparator.comparing(HistoryEntry::time));
        entries.forEach(history::append);
        return new Expected(backups, 3, 4, failed, List.of("backup-missing", "verification-failed"), entries.size());
    }

    static HistoryEntry backup(BackupStore store, Tier tier, Instant started, boolean kept, int age) {
        long size;
        long rows;
        String id;
        if (kept) {
            Manifest m = SimulatedBackups.backup(store, tier, started);
            id = m.id();
            size = m.sizeBytes();
            rows = m.totalRows();
        } else {
            id = BackupId.of("shiftsync", started).toString();
            size = 600 + (90 - age);
            rows = age == 45 ? 700 : 1_900 + (90 - age) * 2L;
        }
        return HistoryEntry.of(started.plusSeconds(42), HistoryEntry.BACKUP, id, tier.folder(), true).withSize(size)
                .withDuration(38_000L + (age % 7) * 1_500L).withRowTotal(rows).withDetail("stores", List.of("azure"));
    }

    static HistoryEntry recovery(String kind, int daysAgo, int minutes, boolean succeeded, Map<String, Object> details) {
        HistoryEntry e = HistoryEntry.of(now.minus(Duration.ofDays(daysAgo)), kind,
                kind.equals(HistoryEntry.RESTORE) ? BackupId.of("shiftsync", now.minus(Duration.ofDays(daysAgo + 1)))
                        .toString() : java.util.UUID.randomUUID().toString(), null, succeeded)
                .withDuration(minutes * 60_000L).withRecovery(minutes * 60_000L)
                .withReason(succeeded ? null : "1 of 2 tables differ from the manifest");
        for (Map.Entry<String, Object> d : details.entrySet()) {
            e = e.withDetail(d.getKey(), d.getValue());
        }
        return e;
    }

    static String principal(String oid, String name, String... roles) {
        StringBuilder claims = new StringBuilder("{\"typ\":\"http://schemas.microsoft.com/identity/claims/"
                + "objectidentifier\",\"val\":\"" + oid + "\"},{\"typ\":\"preferred_username\",\"val\":\"" + name + "\"}");
        for (String role : roles) {
            claims.append(",{\"typ\":\"roles\",\"val\":\"").append(role).append("\"}");
        }
        return Base64.getEncoder().encodeToString(("{\"auth_typ\":\"aad\",\"role_typ\":\"roles\",\"claims\":[" + claims
                + "]}").getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponseMessage call(String url, String principal) {
        FakeHttpRequest r = FakeHttpRequest.get(url);
        if (principal != null) {
            r.header("X-MS-CLIENT-PRINCIPAL", principal);
        }
        return new DashboardFunctions(app()).dashboard(r, new FakeExecutionContext("backupDashboard"));
    }

    /**
     * The Functions host's part, on 127.0.0.1: GET /api/dashboard calls the function, with the
     * principal Easy Auth would put there; anything else is 404.
     */
    static HttpServer serve() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            try (exchange) {
                String base = "http://127.0.0.1:" + s.getAddress().getPort();
                int status;
                Map<String, String> headers = new LinkedHashMap<>();
                byte[] body;
                if (exchange.getRequestURI().getPath().equals("/api/dashboard")) {
                    FakeHttpRequest.Response r = (FakeHttpRequest.Response) call(base + exchange.getRequestURI(), ADMIN);
                    status = r.getStatusCode();
                    headers.putAll(r.headers());
                    body = String.valueOf(r.getBody()).getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 404;
                    headers.put("Content-Type", "text/plain");
                    body = "not found".getBytes(StandardCharsets.UTF_8);
                }
                headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        s.start();
        return s;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    List<AuditRecord> audit() {
        return new BlobAuditLog(StorageClients.byConnectionString(Azurite.shared().connectionString())
                .getBlobContainerClient(auditContainer)).read(LocalDate.now(ZoneOffset.UTC));
    }

    @Test
    @DisplayName("GET /api/dashboard: 200 text/html under the page's strict Content-Security-Policy, never cached or "
            + "framed; 403 without the admin role and 401 without a principal, both audited; a bad window is 400")
    void http() {
        HttpResponseMessage ok = call("https://shiftsync-backup.azurewebsites.net/api/dashboard?code=k", ADMIN);
        assertEquals(200, ok.getStatusCode(), String.valueOf(ok.getBody()));
        assertEquals("text/html; charset=utf-8", ok.getHeader("Content-Type"));
        assertEquals(DashboardPage.policy(true), ok.getHeader("Content-Security-Policy"));
        assertTrue(ok.getHeader("Content-Security-Policy").startsWith("default-src 'none'; script-src 'sha256-"));
        assertEquals("no-store", ok.getHeader("Cache-Control"));
        assertEquals("nosniff", ok.getHeader("X-Content-Type-Options"));
        assertEquals("DENY", ok.getHeader("X-Frame-Options"));
        String html = String.valueOf(ok.getBody());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<li data-code=\"backup-missing\">"), "the alert is in the banner");

        HttpResponseMessage denied = call("https://shiftsync-backup.azurewebsites.net/api/dashboard", READER);
        assertEquals(403, denied.getStatusCode());
        assertTrue(String.valueOf(denied.getBody()).contains("lacks the app role Backup.Admin needed to read the dashboard"),
                String.valueOf(denied.getBody()));
        assertEquals(401, call("https://shiftsync-backup.azurewebsites.net/api/dashboard", null).getStatusCode());
        HttpResponseMessage bad = call("https://shiftsync-backup.azurewebsites.net/api/dashboard?days=abc", ADMIN);
        assertEquals(400, bad.getStatusCode());
        assertTrue(String.valueOf(bad.getBody()).contains("days is 'abc'; use a whole number of days from 1 to 400"));
        List<AuditRecord> records = audit();
        assertEquals(List.of("dashboard.read denied oid-cy", "dashboard.read denied anonymous"),
                records.stream().map(a -> a.action() + " " + a.decision() + " " + a.caller().id()).toList());
    }

    @Test
    @DisplayName("in Chromium, the page served by the function and the file report --html wrote: one point per backup "
            + "in each chart, the missing night turns the daily tier red, the failed restore test shows as failed, the "
            + "alerts are in the banner, no console error, no request beyond loopback")
    void browser() throws Exception {
        server = serve();
        Path file = TARGET.resolve("dashboard-report.html");
        CliRun report = CliRun.run(env, "report", "--html", file.toString());
        assertEquals(0, report.exitCode(), report.stderr());
        assertTrue(report.stdout().contains("dashboard-report.html (") && report.stdout().contains("2 alerts"),
                report.stdout());
        String html = Files.readString(file);
        CapturedOutput.record(html);

        CliRun history = CliRun.run(env, "history", "--json");
        assertEquals(0, history.exitCode(), history.stderr());
        assertEquals(expected.entries(), Json.MAPPER.readTree(history.stdout()).size(), "every entry seeded, read back");

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("projectDir", Path.of("").toAbsolutePath().toString());
        spec.put("pages", List.of(
                Map.of("name", "http", "url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/dashboard",
                        "screenshot", TARGET.resolve("dashboard-http.png").toString(),
                        "readmeShot", TARGET.resolve("dashboard-readme.png").toString()),
                Map.of("name", "file", "url", file.toUri().toString(),
                        "screenshot", TARGET.resolve("dashboard-file.png").toString())));
        spec.put("expect", Map.of(
                "points", Map.of("size", expected.backups(), "duration", expected.backups(), "rows", expected.backups(),
                        "tests", expected.restoreTests(), "recoveries", expected.recoveries()),
                "failedTest", expected.failedTest(),
                "alerts", expected.alerts()));
        Path specFile = Files.createTempFile("shiftsync-dashboard-", ".json");
        Files.writeString(specFile, Json.write(spec));

        ProcessBuilder pb = new ProcessBuilder("node", Path.of("src", "test", "js", "dashboard.mjs").toString(),
                specFile.toString());
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        long start = System.nanoTime();
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(180, TimeUnit.SECONDS), "the browser test did not end within 180 s");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        CapturedOutput.record(out);
        assertTrue(node.exitValue() != 2, "Chromium or playwright-core is missing (run bin/setup): " + out);
        JsonNode result = Json.MAPPER.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        assertEquals(List.of(), Json.MAPPER.convertValue(result.get("failures"), List.class), out);
        assertEquals(0, node.exitValue(), out);
        for (JsonNode url : result.get("requests")) {
            assertTrue(url.asText().startsWith("http://127.0.0.1:") || url.asText().startsWith("file:"), url.asText());
        }
        assertTrue(Files.size(TARGET.resolve("dashboard-http.png")) > 10_000, "a screenshot of the served page");
        assertTrue(Files.size(TARGET.resolve("dashboard-file.png")) > 10_000, "a screenshot of the file");
        System.out.println("DashboardIT: page " + html.getBytes(StandardCharsets.UTF_8).length + " bytes; browser test "
                + tookMs + " ms (node reported " + result.get("durationMs") + " ms)");
    }
}
