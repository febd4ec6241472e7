package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SizedSpansTest {
    /** The same spans (ids from one fixed generator, fixed times) through {@code processor}'s pipeline. */
    private static List<SpanData> spans(Function<SpanProcessor, SpanProcessor> processor) {
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        long[] next = {1};
        try (SdkTracerProvider p = SdkTracerProvider.builder()
                .setIdGenerator(new io.opentelemetry.sdk.trace.IdGenerator() {
                    @Override public String generateSpanId() { return String.format("%016x", next[0]++); }
                    @Override public String generateTraceId() { return String.format("%032x", next[0]++); }
                })
                .addSpanProcessor(processor.apply(SimpleSpanProcessor.create(memory))).build()) {
            Tracer t = p.get("test");
            for (int i = 0; i < 5; i++) {
                Span root = t.spanBuilder("chat bench").setStartTimestamp(1_000 + i, java.util.concurrent.TimeUnit.SECONDS)
                        .setAttribute(AttributeKey.stringKey("gen_ai.request.model"), "bench").startSpan();
                t.spanBuilder("chat gpt-4o-mini").setParent(Context.root().with(root))
                        .setStartTimestamp(1_001 + i, java.util.concurrent.TimeUnit.SECONDS)
                        .setAttribute(AttributeKey.longKey("switchboard.attempt"), 1L).startSpan()
                        .end(1_002 + i, java.util.concurrent.TimeUnit.SECONDS);
                root.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                        .setAttribute(AttributeKey.stringKey("langfuse.observation.input"), "Grüße, 日本語 " + "x".repeat(40 * i))
                        .setAttribute(AttributeKey.doubleKey("switchboard.cost_usd"), 0.0000072 * i);
                root.addEvent("first_token", 1_001 + i, java.util.concurrent.TimeUnit.SECONDS);
                if (i == 3) root.setStatus(StatusCode.ERROR, "upstream 503");
                root.end(1_003 + i, java.util.concurrent.TimeUnit.SECONDS);
            }
            return memory.getFinishedSpanItems();
        }
    }

    private static byte[] otlp(List<SpanData> spans) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeBinaryTo(out);
        return out.toByteArray();
    }

    @Test
    void theExportedBytesAreThoseOfTheSpansWithoutIt() throws Exception {
        List<SpanData> plain = spans(Function.identity());
        List<SpanData> sized = spans(SizedSpans::new);
        assertThat(sized).hasSize(10).allSatisfy(s -> assertThat(s).isInstanceOf(SizedSpans.Sized.class));
        assertThat(plain).noneSatisfy(s -> assertThat(s).isInstanceOf(SizedSpans.Sized.class));
        assertThat(otlp(sized)).isEqualTo(otlp(plain));
        for (int i = 0; i < plain.size(); i++) {
            assertThat(sized.get(i).getAttributes().asMap()).isEqualTo(plain.get(i).getAttributes().asMap());
            assertThat(((SizedSpans.Sized) sized.get(i)).bytes).isEqualTo(ByteCappedExporter.estimate(plain.get(i)));
        }
    }

    /** Records the batches it is handed and succeeds at once. */
    private static final class Recording implements SpanExporter {
        final List<List<SpanData>> batches = new ArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            batches.add(List.copyOf(spans));
            return CompletableResultCode.ofSuccess();
        }

        @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }

        @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
    }

    @Test
    void theCapReadsTheSizeTakenWhereTheSpanEnded() {
        List<SpanData> spans = spans(Function.identity());
        long each = spans.stream().mapToLong(ByteCappedExporter::estimate).max().orElseThrow();
        // the same spans said to be ten times their size: a cap of three spans' estimate now splits at every span
        List<SpanData> big = spans.stream().map(s -> (SpanData) new SizedSpans.Sized(s, 10 * each)).toList();
        Recording inner = new Recording();
        new ByteCappedExporter(inner, 3 * each).export(spans);
        assertThat(inner.batches).hasSizeLessThan(spans.size());
        Recording split = new Recording();
        new ByteCappedExporter(split, 3 * each).export(big);
        assertThat(split.batches).hasSize(spans.size()).allSatisfy(b -> assertThat(b).hasSize(1));
    }

    @Test
    void aSpanThatIsNotSampledIsPassedAsItIs() {
        List<ReadableSpan> ended = new ArrayList<>();
        SpanProcessor seen = new SpanProcessor() {
            @Override public void onStart(Context c, io.opentelemetry.sdk.trace.ReadWriteSpan s) {}
            @Override public boolean isStartRequired() { return false; }
            @Override public void onEnd(ReadableSpan s) { ended.add(s); }
            @Override public boolean isEndRequired() { return true; }
        };
        Sampler recordOnlyUnsampled = new Sampler() {
            @Override
            public io.opentelemetry.sdk.trace.samplers.SamplingResult shouldSample(Context c, String traceId, String name,
                    io.opentelemetry.api.trace.SpanKind kind, io.opentelemetry.api.common.Attributes a,
                    List<io.opentelemetry.sdk.trace.data.LinkData> links) {
                return name.equals("unsampled") ? io.opentelemetry.sdk.trace.samplers.SamplingResult.recordOnly()
                        : io.opentelemetry.sdk.trace.samplers.SamplingResult.recordAndSample();
            }

            @Override public String getDescription() { return "test"; }
        };
        try (SdkTracerProvider p = SdkTracerProvider.builder().setSampler(recordOnlyUnsampled)
                .addSpanProcessor(new SizedSpans(seen)).build()) {
            Tracer t = p.get("test");
            Span unsampled = t.spanBuilder("unsampled").startSpan();
            unsampled.end();
            Span sampled = t.spanBuilder("sampled").startSpan();
            sampled.end();
            assertThat(ended).hasSize(2);
            assertThat(ended.get(0)).isSameAs(unsampled); // recorded, not sampled: the SDK's span itself, not sized
            assertThat(ended.get(1).toSpanData()).isInstanceOf(SizedSpans.Sized.class);
            assertThat(ended.get(1).getSpanContext()).isEqualTo(sampled.getSpanContext());
            assertThat(ended.get(1).getName()).isEqualTo("sampled");
            assertThat(ended.get(1).hasEnded()).isTrue();
        }
    }
}
