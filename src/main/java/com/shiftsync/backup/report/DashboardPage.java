package com.shiftsync.backup.report;

import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Wording;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Draws a {@link Dashboard} as one self-contained HTML document, the same for GET
 * /api/dashboard and {@code report --html}: its data inside as JSON, uPlot (the webjar in
 * the jar) and the page's own script and style inlined, nothing fetched from anywhere, so
 * it works on a private network, offline and as a file attached to an incident ticket.
 * Everything but the charts is plain HTML (banner, tiers, every chart's figures as a table,
 * the backups and the recent operations), readable without the script and by a screen
 * reader. The Content-Security-Policy allows exactly the inlined script and style, by their
 * SHA-256, and nothing else.
 */
public final class DashboardPage {
    /** The uPlot webjar packaged in the jar (pom.xml). */
    public static final String UPLOT_VERSION = "1.6.30";
    static final String UPLOT_ROOT = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/";
    static final String UPLOT = UPLOT_ROOT + "dist/";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Assets ASSETS = Assets.load();

    /**
     * A rendered page.
     *
     * @param html   the document
     * @param policy the Content-Security-Policy to send with it over HTTP (the document carries the same
     *               policy in a meta element, less frame-ancestors, which only a header can set)
     */
    public record Page(String html, String policy) {
        public byte[] bytes() {
            return html.getBytes(StandardCharsets.UTF_8);
        }
    }

    private DashboardPage() {
    }

    /** The policy of every page: the inlined script and style by hash; images only as data: URLs (the icon). */
    public static String policy(boolean header) {
        return "default-src 'none'; script-src '" + ASSETS.scriptHash + "'; style-src '" + ASSETS.styleHash
                + "'; img-src data:; base-uri 'none'; form-action 'none'" + (header ? "; frame-ancestors 'none'" : "");
    }

    public static Page render(Dashboard d, String generator) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(policy(false)).append("\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>ShiftSync Backup: ").append(d.healthy() ? "healthy" : d.alerts().size() + " alert"
                        + (d.alerts().size() == 1 ? "" : "s")).append("</title>\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<style>").append(ASSETS.style).append("</style>\n</head>\n<body>\n");
        header(h, d);
        banner(h, d);
        tiers(h, d);
        charts(h, d);
        backups(h, d);
        operations(h, d);
        h.append("<footer><p>").append(esc(generator)).append(" · charts by uPlot ").append(UPLOT_VERSION)
                .append(" (MIT licence), inside this page · times in UTC</p></footer>\n");
        h.append("<script type=\"application/json\" id=\"dashboard-data\">").append(dataBlock(d)).append("</script>\n");
        h.append("<script>").append(ASSETS.script).append("</script>\n</body>\n</html>\n");
        return new Page(h.toString(), policy(true));
    }

    private static void header(StringBuilder h, Dashboard d) {
        h.append("<header><h1>ShiftSync Backup</h1><p class=\"meta\">Made ").append(when(d.generatedAt()))
                .append(" from ").append(esc(d.storeDescription())).append(" · the last ").append(d.days())
                .append(" days · RPO target ").append(d.rpoTargetHours()).append(" h · RTO target ")
                .append(d.rtoTargetMinutes()).append(" min</p>");
        for (String note : d.notes()) {
            h.append("<p class=\"note\" role=\"alert\">").append(esc(note)).append("</p>");
        }
        h.append("</header>\n");
    }

    private static void banner(StringBuilder h, Dashboard d) {
        if (d.healthy()) {
            h.append("<section id=\"banner\" class=\"banner healthy\" data-healthy=\"true\" role=\"status\">")
                    .append("<h2>Healthy</h2><p>No alerts: the newest backups are there, the usual size, and a ")
                    .append("restore test passed recently.</p></section>\n");
            return;
        }
        int n = d.alerts().size();
        h.append("<section id=\"banner\" class=\"banner alerting\" data-healthy=\"false\" role=\"alert\"><h2>")
                .append(n).append(n == 1 ? " alert" : " alerts").append("</h2><ul>");
        for (Alert a : d.alerts()) {
            h.append("<li data-code=\"").append(esc(a.code().id())).append("\"><code>").append(esc(a.code().id()))
                    .append("</code>");
            if (a.tier() != null) {
                h.append(" <span class=\"tag\">").append(esc(a.tier().folder())).append("</span>");
            }
            h.append(" ").append(esc(a.reason())).append("</li>");
        }
        h.append("</ul></section>\n");
    }

    private static void tiers(StringBuilder h, Dashboard d) {
        h.append("<section id=\"tiers\"><h2>Newest good backup of each tier</h2><div class=\"tiers\">");
        for (Dashboard.TierLight t : d.tiers()) {
            h.append("<article class=\"tier light-").append(t.light()).append("\" data-tier=\"")
                    .append(t.tier().folder()).append("\" data-light=\"").append(t.light()).append("\"><h3>")
                    .append(t.tier().folder()).append(" <span class=\"light\">").append(lightWord(t.light()))
                    .append("</span></h3><p>").append(esc(t.sentence())).append("</p><p class=\"id\">")
                    .append(t.newestBackupId() == null ? "no backup" : esc(t.newestBackupId())
                            + " <span class=\"when\">started " + when(t.newestStartedAt()) + "</span>")
                    .append("</p></article>");
        }
        h.append("</div><p class=\"rpo ").append(d.rpoMet() ? "met" : "missed").append("\">").append(esc(d.rpo()))
                .append("</p></section>\n");
    }

    private static String lightWord(String light) {
        return switch (light) {
            case Dashboard.GREEN -> "green: on time";
            case Dashboard.AMBER -> "amber: due";
            case Dashboard.RED -> "red: missing";
            default -> "no schedule";
        };
    }

    private static void charts(StringBuilder h, Dashboard d) {
        List<Dashboard.BackupPoint> b = d.backupPoints();
        chart(h, "size", "Backup size", "The size of every backup in the window, per tier.", b.size(),
                List.of("finished (UTC)", "backup", "tier", "size"),
                b.stream().map(p -> row(false, when(p.time()), p.id(), p.tier(),
                        p.sizeBytes() == null ? "–" : Wording.bytes(p.sizeBytes()))).toList());
        chart(h, "duration", "Backup duration", "How long every backup took, per tier.", b.size(),
                List.of("finished (UTC)", "backup", "tier", "duration"),
                b.stream().map(p -> row(false, when(p.time()), p.id(), p.tier(),
                        p.durationMs() == null ? "–" : Wording.duration(Duration.ofMillis(p.durationMs())))).toList());
        chart(h, "rows", "Row total", "Rows in every backup (all tables together): a sudden drop is data lost.",
                b.size(), List.of("finished (UTC)", "backup", "tier", "rows"),
                b.stream().map(p -> row(false, when(p.time()), p.id(), p.tier(),
                        p.rowTotal() == null ? "–" : Wording.count(p.rowTotal()))).toList());
        List<Dashboard.TestPoint> t = d.restoreTests();
        chart(h, "tests", "Restore tests", "Each restore test: a backup restored into a scratch database and every "
                        + "table's rows compared with its manifest; passed in green, failed in red.", t.size(),
                List.of("ended (UTC)", "backup", "tier", "result", "duration", "why it failed"),
                t.stream().map(p -> row(!p.passed(), when(p.time()), p.backupId() == null ? "–" : p.backupId(),
                        p.tier() == null ? "–" : p.tier(), p.passed() ? "passed" : "failed",
                        p.durationMs() == null ? "–" : Wording.duration(Duration.ofMillis(p.durationMs())),
                        p.reason() == null ? "" : p.reason())).toList());
        List<Dashboard.RecoveryPoint> r = d.recoveries();
        chart(h, "recoveries", "Recovery time", "Each restore, server restore, recovery and drill: the measured time "
                        + "from the request to a usable database, against the RTO target of " + d.rtoTargetMinutes()
                        + " min (the dashed line); failed ones in red.", r.size(),
                List.of("ended (UTC)", "kind", "what", "result", "recovery time", "RTO target"),
                r.stream().map(p -> row(!p.succeeded(), when(p.time()), p.kind(), p.what(),
                        p.succeeded() ? "succeeded" : "failed", Wording.duration(Duration.ofMillis(p.recoveryMs())),
                        p.withinRto() ? "within" : "over")).toList());
    }

    private record Row(boolean failed, List<String> cells) {
    }

    private static Row row(boolean failed, String... cells) {
        return new Row(failed, List.of(cells));
    }

    private static void chart(StringBuilder h, String name, String title, String what, int points,
                              List<String> columns, List<Row> rows) {
        h.append("<section class=\"chart\" id=\"chart-").append(name).append("\" data-chart=\"").append(name)
                .append("\"><h2>").append(esc(title)).append("</h2><p class=\"what\">").append(esc(what))
                .append("</p><div class=\"plot\" role=\"img\" aria-label=\"").append(esc(title)).append(" chart, ")
                .append(points).append(points == 1 ? " point" : " points")
                .append("; the same figures are in the table below\"></div>");
        h.append("<details class=\"figures\"><summary>").append(esc(title)).append(": the figures (")
                .append(rows.size()).append(rows.size() == 1 ? " row" : " rows").append(")</summary>");
        table(h, name + "-table", esc(title) + " in the last window", columns, rows);
        h.append("</details></section>\n");
    }

    private static void table(StringBuilder h, String id, String caption, List<String> columns, List<Row> rows) {
        h.append("<table id=\"").append(id).append("\"><caption>").append(caption).append("</caption><thead><tr>");
        for (String c : columns) {
            h.append("<th scope=\"col\">").append(esc(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        if (rows.isEmpty()) {
            h.append("<tr class=\"empty\"><td colspan=\"").append(columns.size()).append("\">nothing in this window</td></tr>");
        }
        for (Row r : rows) {
            h.append(r.failed() ? "<tr class=\"result-failed\">" : "<tr>");
            for (String cell : r.cells()) {
                h.append("<td>").append(esc(cell)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table>");
    }

    private static void backups(StringBuilder h, Dashboard d) {
        h.append("<section id=\"backups\"><h2>Backups kept now</h2>");
        List<Row> rows = new ArrayList<>();
        for (Dashboard.BackupRow b : d.backups()) {
            String test = b.restoreTest() == null ? "not tested" : b.restoreTest() + " " + when(b.testedAt())
                    + (b.testReason() == null ? "" : ": " + b.testReason());
            rows.add(row("failed".equals(b.restoreTest()), b.id(), b.tier().folder(), String.join(", ", b.stores()),
                    when(b.startedAt()), Wording.bytes(b.sizeBytes()), b.sha256().substring(0, 12), test));
        }
        table(h, "backups-table", d.backups().size() + " backups, newest first", List.of("id", "tier", "stores",
                "started (UTC)", "size", "SHA-256", "restore test"), rows);
        h.append("</section>\n");
    }

    private static void operations(StringBuilder h, Dashboard d) {
        h.append("<section id=\"operations\"><h2>Recent operations</h2>");
        List<Row> rows = new ArrayList<>();
        for (HistoryEntry e : d.operations()) {
            rows.add(row(!e.succeeded(), when(e.time()), e.kind(), e.result(), e.tier() == null ? "–" : e.tier(),
                    e.id() == null ? "–" : e.id(),
                    e.durationMs() == null ? "–" : Wording.duration(Duration.ofMillis(e.durationMs())),
                    e.recoveryMs() == null ? "–" : Wording.duration(Duration.ofMillis(e.recoveryMs())),
                    e.reason() == null ? "" : e.reason()));
        }
        table(h, "operations-table", "The last " + d.operations().size() + " outcomes on record, newest first",
                List.of("ended (UTC)", "kind", "result", "tier", "id", "duration", "recovery time", "note"), rows);
        h.append("</section>\n");
    }

    /**
     * The charts' data for the script: per chart the x values (epoch seconds, strictly
     * increasing: one per point) and its series, each holding a value only at its own points
     * (the RTO target line, a series of its own, also at both ends of the window).
     */
    static String dataBlock(Dashboard d) {
        Map<String, Object> charts = new LinkedHashMap<>();
        List<Dashboard.BackupPoint> b = d.backupPoints();
        Scale bytes = Scale.bytes(b.stream().map(Dashboard.BackupPoint::sizeBytes).toList());
        Scale time = Scale.millis(b.stream().map(Dashboard.BackupPoint::durationMs).toList());
        charts.put("size", series(b, Dashboard.BackupPoint::time, Dashboard.BackupPoint::tier,
                p -> bytes.of(p.sizeBytes()), bytes.unit, false, null));
        charts.put("duration", series(b, Dashboard.BackupPoint::time, Dashboard.BackupPoint::tier,
                p -> time.of(p.durationMs()), time.unit, false, null));
        charts.put("rows", series(b, Dashboard.BackupPoint::time, Dashboard.BackupPoint::tier,
                p -> p.rowTotal() == null ? null : p.rowTotal().doubleValue(), "rows", false, null));
        List<Dashboard.TestPoint> t = d.restoreTests();
        Scale tests = Scale.millis(t.stream().map(Dashboard.TestPoint::durationMs).toList());
        charts.put("tests", series(t, Dashboard.TestPoint::time, p -> p.passed() ? "passed" : "failed",
                p -> p.durationMs() == null ? 0.0 : tests.of(p.durationMs()), tests.unit, true, null));
        List<Dashboard.RecoveryPoint> r = d.recoveries();
        Map<String, Object> recoveries = series(r, Dashboard.RecoveryPoint::time,
                p -> p.succeeded() ? p.kind() : "failed", p -> Math.round(p.recoveryMs() / 600.0) / 100.0, "min", true,
                (double) d.rtoTargetMinutes());
        charts.put("recoveries", r.isEmpty() ? recoveries : acrossWindow(recoveries,
                d.generatedAt().minus(Duration.ofDays(d.days())).getEpochSecond(), d.generatedAt().getEpochSecond()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("generatedAt", d.generatedAt().toString());
        data.put("from", d.generatedAt().minus(Duration.ofDays(d.days())).getEpochSecond());
        data.put("to", d.generatedAt().getEpochSecond());
        data.put("rtoTargetMinutes", d.rtoTargetMinutes());
        data.put("charts", charts);
        // inside a script element: no "<" may close it, whatever a reason says
        return Json.write(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    private static <P> Map<String, Object> series(List<P> points, Function<P, Instant> time, Function<P, String> key,
                                                  Function<P, Double> value, String unit, boolean pointsOnly,
                                                  Double target) {
        List<Long> x = new ArrayList<>();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (P p : points) {
            values.computeIfAbsent(key.apply(p), k -> new ArrayList<>());
        }
        long last = Long.MIN_VALUE;
        for (P p : points) {
            long at = Math.max(time.apply(p).getEpochSecond(), last + 1);
            last = at;
            x.add(at);
            String k = key.apply(p);
            for (Map.Entry<String, List<Double>> e : values.entrySet()) {
                e.getValue().add(e.getKey().equals(k) ? value.apply(p) : null);
            }
        }
        List<Map<String, Object>> series = new ArrayList<>();
        values.forEach((k, v) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("key", k);
            s.put("label", k);
            s.put("values", v);
            series.add(s);
        });
        if (target != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("key", "target");
            s.put("label", "RTO target");
            s.put("target", true);
            s.put("values", x.stream().map(ignored -> target).toList());
            series.add(s);
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("unit", unit);
        chart.put("pointsOnly", pointsOnly);
        chart.put("x", x);
        chart.put("series", series);
        return chart;
    }

    /** The chart with an x at each end of the window, where only the target line has a value: it spans the window. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> acrossWindow(Map<String, Object> chart, long from, long to) {
        List<Long> x = new ArrayList<>((List<Long>) chart.get("x"));
        long first = Math.min(from, x.get(0) - 1);
        long last = Math.max(to, x.get(x.size() - 1) + 1);
        x.add(0, first);
        x.add(last);
        List<Map<String, Object>> series = new ArrayList<>();
        for (Map<String, Object> s : (List<Map<String, Object>>) chart.get("series")) {
            Map<String, Object> wider = new LinkedHashMap<>(s);
            List<Double> values = new ArrayList<>((List<Double>) s.get("values"));
            Double end = Boolean.TRUE.equals(s.get("target")) ? values.get(0) : null;
            values.add(0, end);
            values.add(end);
            wider.put("values", values);
            series.add(wider);
        }
        Map<String, Object> out = new LinkedHashMap<>(chart);
        out.put("x", x);
        out.put("series", series);
        return out;
    }

    /** A unit that suits the largest value of a chart, and values in it (three significant decimals). */
    private record Scale(String unit, double divisor) {
        static Scale bytes(List<Long> values) {
            long max = values.stream().filter(v -> v != null).mapToLong(Long::longValue).max().orElse(0);
            if (max >= 1L << 30) {
                return new Scale("GiB", 1L << 30);
            }
            return max >= 1L << 20 ? new Scale("MiB", 1L << 20) : new Scale("KiB", 1L << 10);
        }

        static Scale millis(List<Long> values) {
            long max = values.stream().filter(v -> v != null).mapToLong(Long::longValue).max().orElse(0);
            return max >= 120_000 ? new Scale("min", 60_000) : new Scale("s", 1_000);
        }

        Double of(Long v) {
            return v == null ? null : Math.round(v / divisor * 1000) / 1000.0;
        }
    }

    private static String when(Instant t) {
        return t == null ? "–" : WHEN.format(t);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The inlined script (uPlot, then the page's) and style, read from the jar once, with their hashes. */
    private record Assets(String script, String style, String scriptHash, String styleHash) {
        static Assets load() {
            // the MIT licence travels with every copy of uPlot, so with every page
            String licence = "/*! uPlot " + UPLOT_VERSION + "\n" + read(UPLOT_ROOT + "LICENSE").replace("*/", "* /") + "*/\n";
            String script = licence + read(UPLOT + "uPlot.iife.min.js") + "\n" + read("dashboard.js");
            String style = read(UPLOT + "uPlot.min.css") + "\n" + read("dashboard.css");
            if (script.contains("</script") || style.contains("</style")) {
                throw new IllegalStateException("an inlined asset would end its element early");
            }
            return new Assets(script, style, "sha256-" + sha256(script), "sha256-" + sha256(style));
        }

        private static String read(String name) {
            try (InputStream in = DashboardPage.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is not in the jar: the dashboard cannot be drawn");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String sha256(String text) {
            try {
                return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
