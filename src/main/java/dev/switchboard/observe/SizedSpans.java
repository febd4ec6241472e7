package dev.switchboard.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * A {@link SpanProcessor} in front of the batch processor that takes each ended span's data and its
 * {@link ByteCappedExporter#estimate} where the span ends (the event loop, its attributes just written and still in
 * the cache), so that {@link ByteCappedExporter} need not walk every span's attributes again on the batch processor's
 * thread up to a second later, when they are cold (that walk was a fifth to a quarter of that thread's CPU; here it
 * is about 0.2 % of the event loop's: docs/architecture.md, 2026-12-02 07:30). The data is the span's own
 * {@code toSpanData()}, taken once it has ended, which is what the batch processor takes later: nothing exported
 * changes. Spans the batch processor will not export (recorded, not sampled) are passed as they are.
 */
final class SizedSpans implements SpanProcessor {
    private final SpanProcessor batch;

    SizedSpans(SpanProcessor batch) { this.batch = batch; }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) { batch.onStart(parentContext, span); }

    @Override
    public boolean isStartRequired() { return batch.isStartRequired(); }

    @Override
    public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
            batch.onEnd(span);
            return;
        }
        SpanData data = span.toSpanData();
        batch.onEnd(new Ended(span, new Sized(data, ByteCappedExporter.estimate(data))));
    }

    @Override
    public boolean isEndRequired() { return true; }

    @Override
    public CompletableResultCode shutdown() { return batch.shutdown(); }

    @Override
    public CompletableResultCode forceFlush() { return batch.forceFlush(); }

    /** A span's data with its estimated OTLP size. */
    static final class Sized extends DelegatingSpanData {
        final long bytes;

        Sized(SpanData data, long bytes) {
            super(data);
            this.bytes = bytes;
        }
    }

    /** The ended span as the batch processor sees it, its data already taken. */
    private record Ended(ReadableSpan span, Sized data) implements ReadableSpan {
        @Override public SpanData toSpanData() { return data; }
        @Override public SpanContext getSpanContext() { return span.getSpanContext(); }
        @Override public SpanContext getParentSpanContext() { return span.getParentSpanContext(); }
        @Override public String getName() { return span.getName(); }
        @Override @SuppressWarnings("deprecation")
        public InstrumentationLibraryInfo getInstrumentationLibraryInfo() { return span.getInstrumentationLibraryInfo(); }
        @Override public InstrumentationScopeInfo getInstrumentationScopeInfo() { return span.getInstrumentationScopeInfo(); }
        @Override public boolean hasEnded() { return span.hasEnded(); }
        @Override public long getLatencyNanos() { return span.getLatencyNanos(); }
        @Override public SpanKind getKind() { return span.getKind(); }
        @Override public <T> T getAttribute(AttributeKey<T> key) { return span.getAttribute(key); }
        @Override public io.opentelemetry.api.common.Attributes getAttributes() { return span.getAttributes(); }
    }
}
