package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.audit.AuditTrail;
import com.shiftsync.backup.backup.BackupEvents;
import com.shiftsync.backup.backup.BackupResult;
import com.shiftsync.backup.domain.Alert;
import com.shiftsync.backup.domain.AlertCode;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.Metric;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.monitor.MonitorEvents;
import com.shiftsync.backup.monitor.StatusReport;
import com.shiftsync.backup.port.AuditLog;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.verify.Verification;
import com.shiftsync.backup.verify.VerifyEvents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics as the Application Insights agent would collect them, read with the SDK's in-memory reader. */
class MetricsTest {
    static final AttributeKey<String> TIER = AttributeKey.stringKey("tier");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
    static final AttributeKey<String> CODE = AttributeKey.stringKey("code");

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static MetricData metric(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + all.stream().map(MetricData::getName).toList()));
    }

    static double gauge(MetricData m, Attributes attributes) {
        return m.getDoubleGaugeData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
                .findFirst().orElseThrow().getValue();
    }

    static long longGauge(MetricData m, Attributes attributes) {
        return m.getLongGaugeData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
                .map(LongPointData::getValue).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("backup size and duration, age of the newest backup (growing with the clock), restore test result and time, alerts by code")
    void metrics() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
        Instant start = Instant.parse("2024-03-20T02:00:00Z");
        MovingClock clock = new MovingClock(start.plusSeconds(90));
        Metrics metrics = new Metrics(sdk, clock);
        Logger quiet = Logger.getAnonymousLogger();
        quiet.setUseParentHandlers(false);
        // a backup's report includes its audit record (backup.committed); this test reads metrics only
        AuditLog nowhere = new AuditLog() {
            @Override
            public void append(AuditRecord record) {
            }

            @Override
            public List<AuditRecord> read(LocalDate day) {
                return List.of();
            }

            @Override
            public String describe() {
                return "nowhere";
            }
        };
        Reporter reporter = new LogReporter(quiet, metrics, new AuditTrail(nowhere, clock));

        Manifest m = new Manifest("shiftsync_backup_20240320_020000", "shiftsync", Tier.DAILY, start,
                start.plusSeconds(80), 123_456, "ab".repeat(32), "15.8", "pg_dump (PostgreSQL) 15.8", null,
                Map.of("public.shifts", 2000L));
        BackupEvents.succeeded(new BackupResult(m, Duration.ofSeconds(80), List.of("azure")), reporter);
        BackupEvents.failed(Tier.WEEKLY, clock.instant(), Duration.ofMillis(2500), new IllegalStateException("x"), reporter);
        VerifyEvents.verified(new Verification(m.id(), Tier.DAILY, "azure", false, clock.instant(), "compare", "differs", 1,
                List.of(), List.of(), "shiftsync_verify_x", true, 1, 1000, 30_000, 45_000, List.of(), null), reporter);

        Collection<MetricData> first = reader.collectAllMetrics();
        HistogramPointData size = metric(first, Metric.BACKUP_SIZE.id()).getHistogramData().getPoints().iterator().next();
        assertEquals(123_456, size.getSum());
        assertEquals(Attributes.of(TIER, "daily"), size.getAttributes());
        assertEquals("By", metric(first, Metric.BACKUP_SIZE.id()).getUnit());
        List<HistogramPointData> durations = List.copyOf(metric(first, Metric.BACKUP_DURATION.id()).getHistogramData()
                .getPoints());
        assertEquals(2, durations.size());
        assertTrue(durations.stream().anyMatch(p -> p.getSum() == 80.0
                && p.getAttributes().equals(Attributes.of(TIER, "daily", OUTCOME, "succeeded"))));
        assertTrue(durations.stream().anyMatch(p -> p.getSum() == 2.5
                && p.getAttributes().equals(Attributes.of(TIER, "weekly", OUTCOME, "failed"))));
        assertEquals(0.025, gauge(metric(first, Metric.BACKUP_AGE.id()), Attributes.of(TIER, "daily")), 1e-9);
        assertEquals(0, longGauge(metric(first, Metric.VERIFY_RESULT.id()), Attributes.of(TIER, "daily")));
        HistogramPointData restore = metric(first, Metric.RESTORE_DURATION.id()).getHistogramData().getPoints()
                .iterator().next();
        assertEquals(45.0, restore.getSum());
        assertEquals(Attributes.of(KIND, "verify", TIER, "daily"), restore.getAttributes());

        clock.now = start.plus(Duration.ofHours(30));
        StatusReport report = new StatusReport(clock.now, "azure", false,
                new StatusReport.Rpo(24, m.id(), 30.0, false),
                List.of(new StatusReport.TierStatus(Tier.DAILY, 1, m.id(), start, 30.0, 123_456L, null, 1, 2000L)),
                new StatusReport.VerificationStatus(35, m.id(), Tier.DAILY, clock.now, true, null, clock.now),
                new StatusReport.RestoreTimes(120, List.of()),
                List.of(new Alert(AlertCode.BACKUP_MISSING, Tier.DAILY, "no daily backup in the last 26 h")), null);
        MonitorEvents.monitored(report, reporter);

        Collection<MetricData> second = reader.collectAllMetrics();
        assertEquals(30.0, gauge(metric(second, Metric.BACKUP_AGE.id()), Attributes.of(TIER, "daily")), 1e-9,
                "the age grows with the clock between monitor runs");
        assertEquals(1, longGauge(metric(second, Metric.VERIFY_RESULT.id()), Attributes.of(TIER, "daily")));
        MetricData alerts = metric(second, Metric.MONITOR_ALERTS.id());
        assertEquals(1, longGauge(alerts, Attributes.of(CODE, "backup-missing")));
        assertEquals(0, longGauge(alerts, Attributes.of(CODE, "size-anomaly")));
        assertEquals(AlertCode.values().length, alerts.getLongGaugeData().getPoints().size(),
                "every code reports, so an alert rule sees 0 as well as 1");
    }

    @Test
    @DisplayName("without an agent the metrics are a no-op that costs nothing and throws nothing")
    void noop() {
        Metrics metrics = Metrics.noop(Clock.systemUTC());
        metrics.record(Metric.BACKUP_DURATION, 1.0, Map.of("tier", "daily", "outcome", "failed"));
        metrics.record(Metric.BACKUP_AGE, 1.0, Map.of("tier", "daily"));
        metrics.reset(Metric.BACKUP_AGE);
    }
}
