package dev.switchboard.observe;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK, wired once: a tracer whose spans go through a {@link BatchSpanProcessor} (a bounded queue:
 * ending a span on the request path is a non-blocking offer, and a full queue drops the span and counts it) to an
 * exporter on the processor's own thread — OTLP/HTTP protobuf in production, an in-memory one in tests. Sampling
 * follows the client's {@code traceparent} flag and records everything else.
 */
public final class Tracing implements AutoCloseable {
    private final SdkTracerProvider provider;
    private final SdkMeterProvider sdkMeters;
    private final Tracer tracer;
    private final TraceIds ids;
    private final SpanNames names = new SpanNames();
    private final DroppedSpans dropped;
    private final CountingExporter exporter;
    private final TraceSettings settings;
    /** epoch nanoseconds minus {@link System#nanoTime()}: turns the pipeline's monotonic times into span timestamps */
    private final long epochOffsetNanos;

    private Tracing(SpanExporter exporter, TraceSettings settings) {
        this.settings = settings;
        this.ids = new TraceIds();
        this.dropped = new DroppedSpans();
        this.exporter = new CountingExporter(exporter);
        this.sdkMeters = SdkMeterProvider.builder().registerMetricReader(dropped).build();
        BatchSpanProcessor batch = BatchSpanProcessor.builder(new ByteCappedExporter(this.exporter, settings.maxExportBytes()))
                .setMaxQueueSize(settings.maxQueueSize())
                .setMaxExportBatchSize(Math.min(settings.maxExportBatchSize(), settings.maxQueueSize()))
                .setScheduleDelay(Duration.ofMillis(settings.scheduleDelayMillis()))
                .setExporterTimeout(Duration.ofMillis(settings.exportTimeoutMillis()))
                .setMeterProvider(sdkMeters)
                .build();
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), settings.serviceName()))))
                .setIdGenerator(ids)
                // no attribute value longer than an eighth of a post: a span the client made large (the prompt and
                // completion of a full log policy) still fits one post a collector takes (SpanText bounds the names)
                .setSpanLimits(io.opentelemetry.sdk.trace.SpanLimits.builder()
                        .setMaxAttributeValueLength(maxAttributeChars(settings.maxExportBytes())).build())
                .setSampler(Sampler.parentBased(settings.sampleRate() >= 1 ? Sampler.alwaysOn()
                        : Sampler.traceIdRatioBased(settings.sampleRate())))
                .addSpanProcessor(new SizedSpans(batch)) // each span's export size taken where it ends
                .build();
        this.tracer = provider.get("dev.switchboard", Tracing.class.getPackage().getImplementationVersion());
        this.epochOffsetNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - System.nanoTime();
    }

    /**
     * The longest attribute value a span keeps, in characters: an eighth of {@code max_export_bytes} (at least 4,096),
     * so a root span's input and output, at up to three UTF-8 bytes a character, stay within one post.
     */
    static int maxAttributeChars(long maxExportBytes) { return (int) Math.max(4096, Math.min(Integer.MAX_VALUE, maxExportBytes / 8)); }

    /**
     * Export over OTLP/HTTP (protobuf) to {@code settings.endpoint()} with its headers, the posts on a Vert.x instance of
     * the exporter's own ({@link VertxHttpSender}), closed when this is.
     */
    /**
     * The OTel exporter's own java.util.logging logger, silenced: it prints a multi-line SEVERE stack trace to stdout for
     * every failed export, outside the gateway's log format, where {@link CountingExporter} already says it in one WARN
     * line of the gateway's own and counts the spans lost. Held here: JUL keeps its loggers weakly, and a collected one
     * would forget the level.
     */
    private static final java.util.logging.Logger OTEL_EXPORTER_JUL = java.util.logging.Logger.getLogger("io.opentelemetry.exporter");

    public static Tracing otlp(TraceSettings settings) {
        OTEL_EXPORTER_JUL.setLevel(java.util.logging.Level.OFF);
        var b = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.endpoint())
                .setTimeout(Duration.ofMillis(settings.exportTimeoutMillis()))
                .setMeterProvider(MeterProvider::noop)
                // marshal each batch into reused buffers: fewer allocations on the export thread
                .setMemoryMode(io.opentelemetry.sdk.common.export.MemoryMode.REUSABLE_DATA);
        settings.headers().forEach(b::addHeader);
        b.setComponentLoader(ownSender());
        LoggerFactory.getLogger("switchboard.tracing").info("tracing: OTLP/HTTP to {} (headers: {})", settings.shownEndpoint(),
                settings.headers().keySet());
        return new Tracing(b.build(), settings);
    }

    /**
     * The SDK's service loading, with {@link VertxHttpSender} as the one HTTP sender it finds (no service file: the JDK
     * sender stays the default for anything else that builds an exporter).
     */
    static io.opentelemetry.common.ComponentLoader ownSender() {
        var classpath = io.opentelemetry.common.ComponentLoader.forClassLoader(Tracing.class.getClassLoader());
        io.opentelemetry.sdk.common.export.HttpSenderProvider ours = VertxHttpSender::new;
        return new io.opentelemetry.common.ComponentLoader() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Iterable<T> load(Class<T> spi) {
                return spi == io.opentelemetry.sdk.common.export.HttpSenderProvider.class ? java.util.List.of((T) ours) : classpath.load(spi);
            }
        };
    }

    /** Spans to any exporter (tests: the SDK's InMemorySpanExporter). */
    public static Tracing to(SpanExporter exporter, TraceSettings settings) { return new Tracing(exporter, settings); }

    Tracer tracer() { return tracer; }

    TraceIds ids() { return ids; }

    SpanNames names() { return names; }

    TraceSettings settings() { return settings; }

    /** A {@link System#nanoTime()} reading as epoch nanoseconds, for span start and end times. */
    long epochNanos(long nanoTime) { return nanoTime + epochOffsetNanos; }

    /** Spans the queue had no room for. */
    public long droppedSpans() { return dropped.dropped(); }

    /** Spans whose export failed. */
    public long failedSpans() { return exporter.failed(); }

    public long exportedSpans() { return exporter.exported(); }

    /** Exports what is queued (tests; shutdown). Blocks up to {@code timeout}. */
    public void flush(Duration timeout) { provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS); }

    @Override
    public void close() {
        provider.shutdown().join(Math.max(1_000, settings.exportTimeoutMillis()), TimeUnit.MILLISECONDS);
        sdkMeters.shutdown();
    }
}
