package com.shiftsync.backup.verify;

import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.restore.TableDifference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What restore tests and offsite checks report: their events, metrics and history, from the timers and the CLI alike. */
public final class VerifyEvents {
    public static final String PASSED = "ShiftSync.Verify.Passed";
    public static final String FAILED = "ShiftSync.Verify.Failed";
    public static final String OFFSITE_PASSED = "ShiftSync.Offsite.Passed";
    public static final String OFFSITE_FAILED = "ShiftSync.Offsite.Failed";

    private VerifyEvents() {
    }

    /** A finished restore test, passed or failed (differences, the archive refused, pg_restore failed). */
    public static void verified(Verification v, Reporter reporter) {
        reporter.record(Metric.VERIFY_RESULT, v.passed() ? 1 : 0, Map.of("tier", v.tier().folder()));
        if (v.restoreMs() > 0) {
            reporter.record(Metric.RESTORE_DURATION, v.durationMs() / 1000.0,
                    Map.of("kind", "verify", "tier", v.tier().folder()));
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", v.backupId());
        f.put("tier", v.tier().folder());
        f.put("store", v.store());
        f.put("passed", v.passed());
        f.put("stage", v.stage());
        if (v.reason() != null) {
            f.put("reason", v.reason());
        }
        f.put("tables", v.tablesCompared());
        f.put("differingTables", v.differences().stream().map(TableDifference::table).toList());
        f.put("durationMs", v.durationMs());
        f.put("restoreMs", v.restoreMs());
        f.put("jobs", v.jobs());
        f.put("scratchDatabase", v.scratchDatabase());
        f.put("scratchDropped", v.scratchDropped());
        if (!v.leftoversDropped().isEmpty()) {
            f.put("leftoversDropped", v.leftoversDropped());
        }
        if (v.leftoversProblem() != null) {
            f.put("leftoversProblem", v.leftoversProblem());
        }
        reporter.event(Event.of(v.passed(), PASSED, FAILED, f));
        List<String> differing = v.differences().stream().map(TableDifference::table).limit(20).toList();
        reporter.history(HistoryEntry.of(v.verifiedAt(), HistoryEntry.RESTORE_TEST, v.backupId(), v.tier().folder(),
                        v.passed()).withDuration(v.durationMs()).withReason(v.reason())
                .withDetail("store", v.store()).withDetail("stage", v.stage()).withDetail("tables", v.tablesCompared())
                .withDetail("restoreMs", v.restoreMs() > 0 ? v.restoreMs() : null)
                .withDetail("differingTables", differing.isEmpty() ? null : differing));
    }

    /** A restore test that could not produce a result (the login failed, the result could not be recorded, ...). */
    public static void failed(String store, String backup, Instant at, RuntimeException error, Reporter reporter) {
        Event event = Event.failed(FAILED, Map.of("store", store), error);
        reporter.event(event);
        if (HistoryEntry.isOutcome(error)) {
            reporter.history(HistoryEntry.of(at, HistoryEntry.RESTORE_TEST, backup, null, false)
                    .withReason(String.valueOf(event.fields().get("reason"))).withDetail("store", store)
                    .withDetail("code", HistoryEntry.codeOf(error)));
        }
    }

    /** The offsite check: every tier's copy, passed or not, then one alert event per problem. */
    public static void offsite(OffsiteReport report, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("store", report.store());
        List<Map<String, Object>> copies = new ArrayList<>();
        for (OffsiteCopy c : report.copies()) {
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("tier", c.tier().folder());
            copy.put("id", c.backupId());
            copy.put("passed", c.passed());
            copy.put("sizeBytes", c.sizeBytes());
            if (c.reason() != null) {
                copy.put("reason", c.reason());
            }
            copies.add(copy);
        }
        f.put("copies", copies);
        f.put("alerts", report.alerts().size());
        if (!report.repairs().isEmpty()) {
            f.put("repairs", report.repairs().stream().map(r -> Map.of("id", r.backupId(), "copied", r.copied(),
                    "reason", r.reason())).toList());
        }
        reporter.event(Event.of(report.passed(), OFFSITE_PASSED, OFFSITE_FAILED, f));
        for (Alert alert : report.alerts()) {
            reporter.event(alert.event("offsiteCheck"));
        }
    }
}
