package dev.switchboard.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Reads the BatchSpanProcessor's own counter of spans it dropped because its queue was full. The SDK reports it only
 * through an OpenTelemetry {@code MeterProvider}; this reader is that provider's only reader, and is asked at each
 * {@code /metrics} scrape ({@code switchboard_trace_spans_dropped_total{reason="queue_full"}}).
 */
final class DroppedSpans implements MetricReader {
    private static final AttributeKey<Boolean> LEGACY_DROPPED = AttributeKey.booleanKey("dropped");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) { this.registration = registration; }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) { return AggregationTemporality.CUMULATIVE; }

    @Override
    public CompletableResultCode forceFlush() { return CompletableResultCode.ofSuccess(); }

    @Override
    public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }

    /** Spans dropped so far (the SDK's legacy {@code processedSpans{dropped=true}}, or the semconv counter's errors). */
    long dropped() {
        long n = 0;
        for (MetricData m : registration.collectAllMetrics()) {
            boolean legacy = m.getName().equals("processedSpans");
            boolean semconv = m.getName().equals("otel.sdk.processor.span.processed");
            if (!legacy && !semconv) continue;
            for (LongPointData p : m.getLongSumData().getPoints()) {
                if (legacy && Boolean.TRUE.equals(p.getAttributes().get(LEGACY_DROPPED))) n += p.getValue();
                if (semconv && p.getAttributes().get(ERROR_TYPE) != null) n += p.getValue();
            }
        }
        return n;
    }
}
