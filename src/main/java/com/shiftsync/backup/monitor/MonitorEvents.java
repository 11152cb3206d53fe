package com.shiftsync.backup.monitor;

import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.port.Reporter;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a monitor run reports: healthy, or alerting with every alert's code, then one
 * {@code ShiftSync.Alert} per alert; and the gauges, which the monitor's view replaces
 * (ages of the newest good backups, the newest restore test, alert counts by code).
 */
public final class MonitorEvents {
    public static final String HEALTHY = "ShiftSync.Monitor.Healthy";
    public static final String ALERTING = "ShiftSync.Monitor.Alerting";
    public static final String FAILED = "ShiftSync.Monitor.Failed";

    private MonitorEvents() {
    }

    public static void monitored(StatusReport report, Reporter reporter) {
        reporter.reset(Metric.BACKUP_AGE);
        for (StatusReport.TierStatus t : report.tiers()) {
            if (t.newestStartedAt() != null) {
                reporter.recordSince(Metric.BACKUP_AGE, t.newestStartedAt(), Map.of("tier", t.tier().folder()));
            }
        }
        StatusReport.VerificationStatus v = report.verification();
        if (v.lastTier() != null && v.lastPassed() != null) {
            reporter.reset(Metric.VERIFY_RESULT);
            reporter.record(Metric.VERIFY_RESULT, v.lastPassed() ? 1 : 0, Map.of("tier", v.lastTier().folder()));
        }
        Map<AlertCode, Integer> counts = new EnumMap<>(AlertCode.class);
        for (AlertCode code : AlertCode.values()) {
            counts.put(code, 0);
        }
        report.alerts().forEach(a -> counts.merge(a.code(), 1, Integer::sum));
        counts.forEach((code, n) -> reporter.record(Metric.MONITOR_ALERTS, n, Map.of("code", code.id())));

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("store", report.store());
        f.put("alerts", report.alerts().size());
        f.put("codes", report.alerts().stream().map(a -> a.code().id()).distinct().toList());
        f.put("rpoMet", report.rpo().met());
        f.put("newestBackupId", report.rpo().newestBackupId());
        f.put("newestAgeHours", report.rpo().ageHours());
        reporter.event(report.healthy() ? Event.info(HEALTHY, f) : Event.warning(ALERTING, f));
        for (Alert alert : report.alerts()) {
            reporter.event(alert.event("backupMonitor"));
        }
    }
}
