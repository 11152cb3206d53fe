package com.shiftsync.backup.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.MonitorPolicy;
import com.shiftsync.backup.monitor.StatusReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page as a document: one script and one style, both inlined and allowed by their
 * SHA-256 and nothing else; nothing in it refers to anything outside it; what reasons say
 * cannot break out of the HTML or the data block; and the tier lights follow the monitor's
 * thresholds. (The browser test, DashboardIT, draws it in Chromium.)
 */
class DashboardPageTest {
    static final Instant NOW = Instant.parse("2024-03-20T09:00:00Z");
    static final String EVIL = "</script><script>alert(1)</script> & <b>bold</b>";

    static Dashboard dashboard() {
        Instant t = NOW.minus(Duration.ofDays(2));
        List<Dashboard.BackupPoint> points = List.of(
                new Dashboard.BackupPoint(t, "shiftsync_backup_20240318_090000", "daily", 1_000_000L, 40_000L, 3_863L),
                new Dashboard.BackupPoint(t, "shiftsync_backup_20240318_090000x", "weekly", 1_100_000L, 41_000L, 3_863L),
                new Dashboard.BackupPoint(t.plusSeconds(86_400), "shiftsync_backup_20240319_090000", "daily",
                        1_200_000L, 42_000L, 1_000L));
        return new Dashboard(NOW, 90, "azure", "Blob container shiftsync-backups at http://127.0.0.1:10000/devstoreaccount1",
                false, List.of(new Alert(AlertCode.BACKUP_MISSING, Tier.DAILY, "no daily backup " + EVIL)), 24, 120,
                "RPO target 24 h: missed", false,
                List.of(new Dashboard.TierLight(Tier.DAILY, Dashboard.RED, "shiftsync_backup_20240319_090000",
                        t.plusSeconds(86_400), 24.0, "24 h old")),
                List.of(new Dashboard.BackupRow("shiftsync_backup_20240319_090000", Tier.DAILY, t, List.of("azure", "local"),
                        1_200_000L, "ab".repeat(32), 1_000L, "failed", NOW, EVIL)),
                points,
                List.of(new Dashboard.TestPoint(t, "shiftsync_backup_20240318_090000", "daily", false, 60_000L, EVIL)),
                List.of(new Dashboard.RecoveryPoint(t, "server-restore", "0f8f", "point-in-time into x", true, 9_000_000L,
                        false)),
                List.of(HistoryEntry.of(t, HistoryEntry.RESTORE, "shiftsync_backup_20240318_090000", "daily", false)
                        .withReason(EVIL)), List.of());
    }

    static String only(String html, Pattern element) {
        Matcher m = element.matcher(html);
        assertTrue(m.find(), "no " + element);
        String body = m.group(1);
        assertFalse(m.find(), "more than one " + element);
        return body;
    }

    static String sha256(String text) throws Exception {
        return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("the Content-Security-Policy allows exactly the one inlined script and the one inlined style, by hash, "
            + "and nothing else; the document carries it too (less frame-ancestors, which only a header may set)")
    void policy() throws Exception {
        DashboardPage.Page page = DashboardPage.render(dashboard(), "shiftsync-backup test");
        String html = page.html();
        String script = only(html, Pattern.compile("(?s)<script>(.*?)</script>"));
        String style = only(html, Pattern.compile("(?s)<style>(.*?)</style>"));
        String expected = "default-src 'none'; script-src '" + sha256(script) + "'; style-src '" + sha256(style)
                + "'; img-src data:; base-uri 'none'; form-action 'none'";
        assertEquals(expected + "; frame-ancestors 'none'", page.policy());
        assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"" + expected + "\">"));
        assertTrue(script.contains("uPlot"), "uPlot from the webjar is inlined");
        assertTrue(script.startsWith("/*! uPlot " + DashboardPage.UPLOT_VERSION + "\nThe MIT License"), "with its licence");
        assertTrue(style.contains(".uplot"), "uPlot's style is inlined");
        assertEquals(1, html.split("<script type=\"application/json\"", -1).length - 1, "one data block");
    }

    @Test
    @DisplayName("a recovery drill's restore is named a drill in the recovery chart's table; a real one is not")
    void drillsAreNamed() {
        Instant at = Instant.parse("2024-01-15T12:43:00Z");
        HistoryEntry drill = HistoryEntry.of(at, HistoryEntry.SERVER_RESTORE, "op-1", null, true)
                .withDetail("method", "point-in-time").withDetail("target", "shiftsync-db-drill-202401151200")
                .withDetail("drill", "true");
        HistoryEntry real = HistoryEntry.of(at, HistoryEntry.SERVER_RESTORE, "op-2", null, true)
                .withDetail("method", "geo").withDetail("target", "shiftsync-db-dr");
        assertEquals("recovery drill: point-in-time into shiftsync-db-drill-202401151200", DashboardJob.what(drill));
        assertEquals("geo into shiftsync-db-dr", DashboardJob.what(real));
    }

    @Test
    @DisplayName("nothing refers outside the page: no src, no href but the data: icon, no url() or @import in the style")
    void selfContained() {
        String html = DashboardPage.render(dashboard(), "shiftsync-backup test").html();
        String markup = html.replaceAll("(?s)<script>.*?</script>", "").replaceAll("(?s)<style>.*?</style>", "");
        Matcher refs = Pattern.compile("(?i)\\b(src|href|action|formaction|srcset|poster|data)\\s*=\\s*\"([^\"]*)\"")
                .matcher(markup);
        while (refs.find()) {
            assertEquals("href=\"data:,\"", refs.group(1) + "=\"" + refs.group(2) + "\"", "refers outside: " + refs.group());
        }
        String style = only(html, Pattern.compile("(?s)<style>(.*?)</style>"));
        assertFalse(style.contains("url(") || style.contains("@import"), "the style loads nothing");
        String script = only(html, Pattern.compile("(?s)<script>(.*?)</script>"));
        assertFalse(script.contains("fetch(") || script.contains("XMLHttpRequest") || script.contains("sourceMappingURL"),
                "the script loads nothing");
    }

    @Test
    @DisplayName("what a reason says is text: it cannot close the data block or add markup")
    void escaping() throws Exception {
        String html = DashboardPage.render(dashboard(), "shiftsync-backup test").html();
        assertFalse(html.contains("<b>bold</b>"));
        assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"));
        String data = only(html, Pattern.compile("(?s)<script type=\"application/json\" id=\"dashboard-data\">(.*?)</script>"));
        assertFalse(data.contains("<") || data.contains(">"));
        JsonNode node = Json.MAPPER.readTree(data);
        assertEquals(120, node.get("rtoTargetMinutes").asInt());
    }

    @Test
    @DisplayName("chart data: one strictly increasing x per point (two backups in the same second stay two), each "
            + "series holding values only at its own points, the RTO target as a line of its own")
    void chartData() throws Exception {
        JsonNode charts = Json.MAPPER.readTree(DashboardPage.dataBlock(dashboard())).get("charts");
        JsonNode size = charts.get("size");
        assertEquals("MiB", size.get("unit").asText());
        assertEquals(3, size.get("x").size());
        long first = size.get("x").get(0).asLong();
        assertEquals(first + 1, size.get("x").get(1).asLong(), "the second backup of that second, a second later");
        assertEquals(List.of("daily", "weekly"), size.get("series").findValuesAsText("key"));
        JsonNode daily = size.get("series").get(0).get("values");
        assertEquals(0.954, daily.get(0).asDouble());
        assertTrue(daily.get(1).isNull());
        JsonNode recoveries = charts.get("recoveries");
        assertEquals(List.of("server-restore", "target"), recoveries.get("series").findValuesAsText("key"),
                "a failed one would be in a series of its own, \"failed\"");
        assertEquals(3, recoveries.get("x").size(), "the point, and the window's two ends for the target line");
        assertEquals(NOW.minus(Duration.ofDays(90)).getEpochSecond(), recoveries.get("x").get(0).asLong());
        assertEquals(NOW.getEpochSecond(), recoveries.get("x").get(2).asLong());
        JsonNode restores = recoveries.get("series").get(0).get("values");
        assertTrue(restores.get(0).isNull() && restores.get(2).isNull());
        assertEquals(150.0, restores.get(1).asDouble(), "minutes");
        assertEquals(List.of(120.0, 120.0, 120.0), Json.MAPPER.convertValue(recoveries.get("series").get(1).get("values"),
                List.class));
        assertTrue(charts.get("tests").get("pointsOnly").asBoolean());
        assertEquals("failed", charts.get("tests").get("series").get(0).get("key").asText());
    }

    @Test
    @DisplayName("every chart has its figures as a table under it, one row per point; failures are marked as failed")
    void tables() {
        String html = DashboardPage.render(dashboard(), "shiftsync-backup test").html();
        for (String chart : List.of("size", "duration", "rows", "tests", "recoveries")) {
            String section = only(html, Pattern.compile("(?s)<section class=\"chart\" id=\"chart-" + chart
                    + "\".*?<tbody>(.*?)</tbody>"));
            int rows = section.split("<tr", -1).length - 1;
            assertEquals(chart.equals("tests") || chart.equals("recoveries") ? 1 : 3, rows, chart);
        }
        assertTrue(html.contains("<tr class=\"result-failed\"><td>2024-03-18 09:00Z</td><td>shiftsync_backup_20240318_090000</td><td>daily</td><td>failed</td>"));
        assertTrue(html.contains("<td>shiftsync_backup_20240319_090000</td><td>daily</td><td>azure, local</td>"));
        assertTrue(html.contains("<td>abababababab</td>"), "SHA-256 prefix");
    }

    @Test
    @DisplayName("tier lights: daily green within the RPO target, amber until the missing-backup alert, red after; weekly "
            + "green within a week, amber to 8 days, red after, none when unused; manual has no light")
    void lights() {
        MonitorPolicy p = MonitorPolicy.defaults();
        assertEquals(List.of("green", "amber", "red", "red"), List.of(daily(23, p), daily(25, p), daily(27, p),
                DashboardJob.light(new StatusReport.TierStatus(Tier.DAILY, 3, null, null, null, null, null, null, null),
                        p, NOW).light()));
        assertEquals(List.of("green", "amber", "red"), List.of(weekly(6 * 24, p), weekly(7 * 24 + 12, p),
                weekly(9 * 24, p)));
        assertEquals("none", DashboardJob.light(new StatusReport.TierStatus(Tier.WEEKLY, 0, null, null, null, null,
                null, null, null), p, NOW).light());
        assertEquals("none", DashboardJob.light(tier(Tier.MANUAL, 2), p, NOW).light());
        assertEquals("27 h old: no daily backup in the last 26 h (RPO target 24 h)",
                DashboardJob.light(tier(Tier.DAILY, 27), p, NOW).sentence());
    }

    static StatusReport.TierStatus tier(Tier tier, int hoursOld) {
        Instant at = NOW.minus(Duration.ofHours(hoursOld));
        return new StatusReport.TierStatus(tier, 5, "shiftsync_backup_x", at, (double) hoursOld, 1L, null, 1, 1L);
    }

    static String daily(int hours, MonitorPolicy p) {
        return DashboardJob.light(tier(Tier.DAILY, hours), p, NOW).light();
    }

    static String weekly(int hours, MonitorPolicy p) {
        return DashboardJob.light(tier(Tier.WEEKLY, hours), p, NOW).light();
    }

    @Test
    @DisplayName("the uPlot packaged in the jar is the one pom.xml names")
    void uplotVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<uplot.version>" + DashboardPage.UPLOT_VERSION + "</uplot.version>"));
    }
}
