package com.shiftsync.backup.telemetry;

import com.shiftsync.backup.domain.Metric;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics registry: one OpenTelemetry instrument per {@link Metric}, registered once. In
 * Azure Functions the Application Insights Java agent picks them up as {@code customMetrics}
 * (no exporter code here); without an agent they cost nothing. Gauges report the last value
 * recorded for each series; an {@link Metric.Kind#AGE} gauge is computed when read, so an
 * age keeps growing between monitor runs.
 */
public final class Metrics {
    public static final String SCOPE = "com.shiftsync.backup";

    private final Clock clock;
    private final Map<Metric, DoubleHistogram> histograms = new EnumMap<>(Metric.class);
    private final Map<Metric, Map<Attributes, Double>> gauges = new EnumMap<>(Metric.class);

    public Metrics(OpenTelemetry openTelemetry, Clock clock) {
        this.clock = clock;
        Meter meter = openTelemetry.getMeter(SCOPE);
        for (Metric metric : Metric.values()) {
            switch (metric.kind()) {
                case HISTOGRAM -> histograms.put(metric, meter.histogramBuilder(metric.id()).setUnit(metric.unit())
                        .setDescription(metric.description()).build());
                case GAUGE -> {
                    Map<Attributes, Double> series = new ConcurrentHashMap<>();
                    gauges.put(metric, series);
                    meter.gaugeBuilder(metric.id()).ofLongs().setDescription(metric.description())
                            .buildWithCallback(m -> series.forEach((a, v) -> m.record(Math.round(v), a)));
                }
                case AGE -> {
                    Map<Attributes, Double> series = new ConcurrentHashMap<>();
                    gauges.put(metric, series);
                    meter.gaugeBuilder(metric.id()).setUnit(metric.unit()).setDescription(metric.description())
                            .buildWithCallback(m -> {
                                double now = clock.millis() / 1000.0;
                                series.forEach((a, since) -> m.record((now - since) / 3600.0, a));
                            });
                }
            }
        }
    }

    public static Metrics noop(Clock clock) {
        return new Metrics(OpenTelemetry.noop(), clock);
    }

    /** One value of a histogram, or a gauge series' value from now on. */
    public void record(Metric metric, double value, Map<String, String> dimensions) {
        Attributes attributes = attributes(dimensions);
        DoubleHistogram histogram = histograms.get(metric);
        if (histogram != null) {
            histogram.record(value, attributes);
        } else {
            gauges.get(metric).put(attributes, value);
        }
    }

    /** Forgets every series of a gauge. */
    public void reset(Metric metric) {
        Map<Attributes, Double> series = gauges.get(metric);
        if (series != null) {
            series.clear();
        }
    }

    private static Attributes attributes(Map<String, String> dimensions) {
        AttributesBuilder b = Attributes.builder();
        dimensions.forEach(b::put);
        return b.build();
    }
}
