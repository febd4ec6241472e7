package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteCappedExporterTest {
    /** Spans like the gateway's roots: a prompt and a completion of {@code chars} characters each, some not ASCII. */
    private static List<SpanData> spans(int count, int chars) {
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        try (SdkTracerProvider p = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
            Tracer t = p.get("test");
            String text = "Grüße, 日本語 and plain words ".repeat(chars / 27 + 1).substring(0, chars);
            for (int i = 0; i < count; i++) {
                Span s = t.spanBuilder("chat gpt-4o-mini").startSpan();
                s.setAttribute(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o-mini")
                        .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 12L + i)
                        .setAttribute(AttributeKey.doubleKey("switchboard.cost_usd"), 0.0000072)
                        .setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                        .setAttribute(AttributeKey.stringKey("langfuse.observation.input"), "[{\"role\":\"user\",\"content\":\"" + text + "\"}]")
                        .setAttribute(AttributeKey.stringKey("langfuse.observation.output"), text);
                s.addEvent("first_token");
                s.end();
            }
            return memory.getFinishedSpanItems(); // before the provider's close shuts the exporter down (and empties it)
        }
    }

    /** Records each export; completes each only when the test says so. */
    private static final class Recording implements SpanExporter {
        final List<List<SpanData>> batches = new ArrayList<>();
        final List<CompletableResultCode> results = new ArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            batches.add(List.copyOf(spans));
            CompletableResultCode r = new CompletableResultCode();
            results.add(r);
            return r;
        }

        @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }

        @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
    }

    @Test
    void theEstimateIsCloseToWhatTheOtlpMarshalerWrites() {
        for (int chars : new int[] {10, 200, 5_000}) {
            List<SpanData> spans = spans(20, chars);
            long estimate = spans.stream().mapToLong(ByteCappedExporter::estimate).sum();
            long actual = TraceRequestMarshaler.create(spans).getBinarySerializedSize();
            // the request's resource and scope (a few hundred bytes) are not in the spans' estimate
            assertThat((double) estimate).as("%d chars", chars).isBetween(0.85 * actual, 1.25 * actual);
        }
    }

    @Test
    void aBatchWithinTheCapGoesOutAsItIs() {
        Recording inner = new Recording();
        List<SpanData> spans = spans(10, 100);
        CompletableResultCode r = new ByteCappedExporter(inner, 1_000_000).export(spans);
        assertThat(inner.batches).hasSize(1);
        assertThat(inner.batches.get(0)).isEqualTo(spans);
        inner.results.get(0).succeed();
        assertThat(r.isSuccess()).isTrue();
    }

    @Test
    void aLargerBatchGoesOutInPartsWithinTheCapOneAfterTheOther() {
        Recording inner = new Recording();
        List<SpanData> spans = spans(30, 1_000);
        long cap = 10_000;
        CompletableResultCode r = new ByteCappedExporter(inner, cap).export(spans);
        assertThat(inner.batches).hasSize(1); // the next part waits for this one
        for (int i = 0; i < inner.results.size(); i++) inner.results.get(i).succeed();
        assertThat(inner.batches.size()).isGreaterThan(3);
        assertThat(inner.batches.stream().flatMap(List::stream).toList()).isEqualTo(spans);
        for (List<SpanData> part : inner.batches) {
            assertThat(part.stream().mapToLong(ByteCappedExporter::estimate).sum()).isLessThanOrEqualTo(cap);
        }
        assertThat(r.isDone() && r.isSuccess()).isTrue();
    }

    @Test
    void aFailedPartFailsTheBatchAndTheRestStillGoOut() {
        Recording inner = new Recording();
        List<SpanData> spans = spans(6, 1_000);
        CompletableResultCode r = new ByteCappedExporter(inner, 5_000).export(spans);
        inner.results.get(0).fail();
        for (int i = 1; i < inner.results.size(); i++) inner.results.get(i).succeed();
        assertThat(inner.batches.stream().mapToInt(List::size).sum()).isEqualTo(6);
        assertThat(r.isDone()).isTrue();
        assertThat(r.isSuccess()).isFalse();
    }

    @Test
    void aSpanLargerThanTheCapGoesAlone() {
        Recording inner = new Recording();
        List<SpanData> spans = spans(3, 20_000);
        new ByteCappedExporter(inner, 1_000).export(spans);
        for (int i = 0; i < inner.results.size(); i++) inner.results.get(i).succeed();
        assertThat(inner.batches).extracting(List::size).containsExactly(1, 1, 1);
    }
}
