package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.StatusReport;
import com.shiftsync.backup.restore.RestoreResult;
import com.shiftsync.backup.verify.Verification;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The product's metrics, through the OpenTelemetry API: in Azure Functions the Application
 * Insights Java agent picks them up as {@code customMetrics} (no exporter code here);
 * without an agent they cost nothing. Names are stable: dashboards and alert rules use
 * them. Gauges report the last known value; the backup age is computed when read, so it
 * keeps growing between monitor runs.
 */
public final class Metrics {
    public static final String SCOPE = "com.shiftsync.backup";
    public static final String BACKUP_SIZE = "shiftsync.backup.size";
    public static final String BACKUP_DURATION = "shiftsync.backup.duration";
    public static final String BACKUP_AGE = "shiftsync.backup.age";
    public static final String VERIFY_RESULT = "shiftsync.verify.result";
    public static final String RESTORE_DURATION = "shiftsync.restore.duration";
    public static final String MONITOR_ALERTS = "shiftsync.monitor.alerts";

    static final AttributeKey<String> TIER = AttributeKey.stringKey("tier");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
    static final AttributeKey<String> CODE = AttributeKey.stringKey("code");

    private final Clock clock;
    private final DoubleHistogram backupSize;
    private final DoubleHistogram backupDuration;
    private final DoubleHistogram restoreDuration;
    private final Map<Tier, Instant> newestBackup = new ConcurrentHashMap<>();
    private final Map<Tier, Boolean> lastVerification = new ConcurrentHashMap<>();
    private final Map<AlertCode, Integer> activeAlerts = new ConcurrentHashMap<>();

    public Metrics(OpenTelemetry openTelemetry, Clock clock) {
        this.clock = clock;
        Meter meter = openTelemetry.getMeter(SCOPE);
        backupSize = meter.histogramBuilder(BACKUP_SIZE).setUnit("By")
                .setDescription("size of each successful backup archive").build();
        backupDuration = meter.histogramBuilder(BACKUP_DURATION).setUnit("s")
                .setDescription("wall time of each backup run, successful or not").build();
        restoreDuration = meter.histogramBuilder(RESTORE_DURATION).setUnit("s")
                .setDescription("wall time of each restore (kind=verify: the restore test; kind=restore)").build();
        meter.gaugeBuilder(BACKUP_AGE).setUnit("h")
                .setDescription("age of the newest good backup of each tier").buildWithCallback(m -> {
                    Instant now = clock.instant();
                    newestBackup.forEach((tier, at) -> m.record(Duration.between(at, now).toSeconds() / 3600.0,
                            Attributes.of(TIER, tier.folder())));
                });
        meter.gaugeBuilder(VERIFY_RESULT).ofLongs()
                .setDescription("1 when the newest restore test of the tier passed, 0 when it failed")
                .buildWithCallback(m -> lastVerification.forEach((tier, passed) ->
                        m.record(passed ? 1 : 0, Attributes.of(TIER, tier.folder()))));
        meter.gaugeBuilder(MONITOR_ALERTS).ofLongs()
                .setDescription("alerts the last monitor run raised, by code")
                .buildWithCallback(m -> activeAlerts.forEach((code, n) -> m.record(n, Attributes.of(CODE, code.id()))));
    }

    public static Metrics noop(Clock clock) {
        return new Metrics(OpenTelemetry.noop(), clock);
    }

    public void backupSucceeded(BackupResult result) {
        Tier tier = result.manifest().tier();
        backupSize.record(result.manifest().sizeBytes(), Attributes.of(TIER, tier.folder()));
        backupDuration.record(seconds(result.duration()), Attributes.of(TIER, tier.folder(), OUTCOME, "succeeded"));
        newestBackup.merge(tier, result.manifest().startedAt(), (a, b) -> a.isAfter(b) ? a : b);
    }

    public void backupFailed(Tier tier, Duration duration) {
        backupDuration.record(seconds(duration), Attributes.of(TIER, tier.folder(), OUTCOME, "failed"));
    }

    public void verified(Verification v) {
        lastVerification.put(v.tier(), v.passed());
        if (v.restoreMs() > 0) {
            restoreDuration.record(v.durationMs() / 1000.0, Attributes.of(KIND, "verify", TIER, v.tier().folder()));
        }
    }

    public void restored(RestoreResult result) {
        restoreDuration.record(seconds(result.duration()),
                Attributes.of(KIND, "restore", TIER, result.manifest().tier().folder()));
    }

    /** The monitor's view replaces what this process knew: ages, the newest restore test, alert counts. */
    public void monitored(StatusReport report) {
        for (StatusReport.TierStatus t : report.tiers()) {
            if (t.newestStartedAt() != null) {
                newestBackup.put(t.tier(), t.newestStartedAt());
            } else {
                newestBackup.remove(t.tier());
            }
        }
        StatusReport.VerificationStatus v = report.verification();
        if (v.lastTier() != null && v.lastPassed() != null) {
            lastVerification.clear();
            lastVerification.put(v.lastTier(), v.lastPassed());
        }
        Map<AlertCode, Integer> counts = new EnumMap<>(AlertCode.class);
        for (AlertCode code : AlertCode.values()) {
            counts.put(code, 0);
        }
        report.alerts().forEach(a -> counts.merge(a.code(), 1, Integer::sum));
        activeAlerts.putAll(counts);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
