package dev.switchboard.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where and how spans are exported: OTLP/HTTP (protobuf) to {@code endpoint}, from a bounded queue in batches.
 * Read from {@code general_settings.otel}; or, LiteLLM's way, {@code litellm_settings.callbacks: ["otel"]} with the
 * endpoint and headers from the standard {@code OTEL_EXPORTER_OTLP_*} variables (LiteLLM's {@code OTEL_ENDPOINT} /
 * {@code OTEL_HEADERS} are read too). Tracing is off when neither names an endpoint.
 *
 * @param endpoint       the full URL spans are POSTed to ({@code …/v1/traces}), or null when tracing is off
 * @param headers        sent with every export (a collector's or Langfuse's {@code Authorization})
 * @param captureContent whether the root span carries the prompt and completion ({@code langfuse.observation.input /
 *                       output}), as the caller's log policy allows
 * @param sampleRate     the share of requests traced when the client's traceparent does not decide (1 = all)
 * @param stageSpans     whether the gateway's own stages (authentication and limits, the cache lookup, the routing
 *                       decision) get a child span each ({@code stage_spans}, off by default: each is a few tens of
 *                       microseconds that the root's own attributes already describe — route, tier, deployment, cache —
 *                       and three more spans to build, queue and export per request, about 6 µs of the gateway's core);
 *                       the root, the provider attempts and the stream always get theirs
 * @param maxExportBatchSize spans a post carries at most (default 1024: each post costs a fixed few hundred
 *                       microseconds of the gateway's CPU in the SDK and the JDK HttpClient, which at 512 was most of
 *                       the export's cost)
 * @param maxExportBytes about how many bytes a post carries at most ({@code max_export_bytes}, default 1,000,000, what
 *                       hosted collectors take): a larger batch goes out as several posts, one after the other
 */
public record TraceSettings(String endpoint, Map<String, String> headers, String serviceName, int maxQueueSize,
                            int maxExportBatchSize, long scheduleDelayMillis, long exportTimeoutMillis, boolean captureContent,
                            double sampleRate, boolean stageSpans, long maxExportBytes) {
    static final int DEFAULT_QUEUE = 4096;
    static final int DEFAULT_BATCH = 1024;
    static final long DEFAULT_EXPORT_BYTES = 1_000_000;
    public static final TraceSettings OFF = new TraceSettings(null, Map.of(), "switchboard", DEFAULT_QUEUE, DEFAULT_BATCH,
            1000, 10_000, true, 1.0, false, DEFAULT_EXPORT_BYTES);

    /** With posts of at most {@value #DEFAULT_EXPORT_BYTES} bytes (the default). */
    public TraceSettings(String endpoint, Map<String, String> headers, String serviceName, int maxQueueSize,
                         int maxExportBatchSize, long scheduleDelayMillis, long exportTimeoutMillis, boolean captureContent,
                         double sampleRate, boolean stageSpans) {
        this(endpoint, headers, serviceName, maxQueueSize, maxExportBatchSize, scheduleDelayMillis, exportTimeoutMillis,
                captureContent, sampleRate, stageSpans, DEFAULT_EXPORT_BYTES);
    }

    /** Every request traced ({@code sample_rate} 1), no stage spans (the defaults). */
    public TraceSettings(String endpoint, Map<String, String> headers, String serviceName, int maxQueueSize,
                         int maxExportBatchSize, long scheduleDelayMillis, long exportTimeoutMillis, boolean captureContent) {
        this(endpoint, headers, serviceName, maxQueueSize, maxExportBatchSize, scheduleDelayMillis, exportTimeoutMillis,
                captureContent, 1.0, false);
    }

    public TraceSettings {
        headers = Map.copyOf(headers);
    }

    public boolean enabled() { return endpoint != null; }

    /**
     * @param otel        {@code general_settings.otel} as plain values
     * @param litellmOtel whether {@code litellm_settings} lists LiteLLM's {@code otel} callback
     *                    ({@code config.LiteLlmCallbacks.otel}): the endpoint then comes from the environment
     * @param env         the environment, for the {@code OTEL_*} variables
     */
    public static TraceSettings from(Map<String, Object> otel, boolean litellmOtel, Function<String, String> env) {
        if (Boolean.FALSE.equals(otel.get("enabled"))) return OFF;
        String endpoint = str(otel.get("endpoint"));
        Map<String, String> headers = new LinkedHashMap<>();
        boolean fromEnv = endpoint == null && (litellmOtel || !otel.isEmpty());
        if (fromEnv) {
            String traces = env.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
            endpoint = traces != null && !traces.isBlank() ? traces : firstSet(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_ENDPOINT");
            if (traces != null && !traces.isBlank()) endpoint = traces;
            else if (endpoint != null) endpoint = tracesUrl(endpoint);
        } else if (endpoint != null) {
            endpoint = tracesUrl(endpoint);
        }
        if (endpoint == null) return OFF;
        String envHeaders = firstSet(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_HEADERS");
        if (envHeaders != null) headers.putAll(parseHeaders(envHeaders));
        Object h = otel.get("headers");
        if (h instanceof Map<?, ?> m) m.forEach((k, v) -> { if (v != null) headers.put(String.valueOf(k), String.valueOf(v)); });
        else if (h instanceof String s) headers.putAll(parseHeaders(s));
        String service = str(otel.get("service_name"));
        if (service == null) service = firstSet(env, "OTEL_SERVICE_NAME");
        return new TraceSettings(endpoint, headers, service == null ? "switchboard" : service,
                integer(otel.get("max_queue_size"), DEFAULT_QUEUE), integer(otel.get("max_export_batch_size"), DEFAULT_BATCH),
                integer(otel.get("schedule_delay_ms"), 1000), integer(otel.get("export_timeout_ms"), 10_000),
                !Boolean.FALSE.equals(otel.get("capture_content")),
                otel.get("sample_rate") instanceof Number n ? n.doubleValue() : 1.0,
                Boolean.TRUE.equals(otel.get("stage_spans")),
                otel.get("max_export_bytes") instanceof Number b ? b.longValue() : DEFAULT_EXPORT_BYTES);
    }

    /**
     * What the start-up says about the OTLP protocol the environment asks for, or null: spans always go as OTLP/HTTP with
     * a protobuf body. LiteLLM's gRPC settings ({@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}, its older
     * {@code OTEL_EXPORTER=otlp_grpc}; the per-signal {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL} first, as the OTel SDKs
     * read it) would otherwise send every batch as HTTP/1.1 to a gRPC port and lose it, with one export failure logged;
     * {@code http/json} gets protobuf, which OTLP/HTTP receivers take at the same path. {@code http/protobuf} is what is
     * sent. Warned rather than refused, as the other logging settings not applied are: calls are served either way.
     *
     * @param endpoint where the spans go (named in the warning)
     */
    public static String protocolWarning(String endpoint, Function<String, String> env) {
        String variable = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
        String protocol = firstSet(env, variable);
        if (protocol == null) protocol = firstSet(env, variable = "OTEL_EXPORTER_OTLP_PROTOCOL");
        String exporter = firstSet(env, "OTEL_EXPORTER");
        // LiteLLM's OpenTelemetry config takes both spellings of its gRPC exporter
        if (protocol == null && ("otlp_grpc".equalsIgnoreCase(exporter) || "grpc".equalsIgnoreCase(exporter))) {
            variable = "OTEL_EXPORTER";
            protocol = exporter;
        }
        if (protocol == null) return null;
        String setting = variable + "=" + protocol;
        String p = protocol.toLowerCase(java.util.Locale.ROOT);
        if (p.equals("grpc") || p.equals("otlp_grpc")) {
            return setting + ": OTLP/gRPC is not supported; spans go as OTLP/HTTP (protobuf) to " + endpoint + ", which a "
                    + "gRPC listener (the collector's port 4317) does not take: every export would fail. Fix: point "
                    + "OTEL_EXPORTER_OTLP_ENDPOINT at the collector's OTLP/HTTP port (http://<collector>:4318) and remove "
                    + variable + " (or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf).";
        }
        if (p.equals("http/json")) {
            return setting + ": spans go as OTLP/HTTP with a protobuf body (http/protobuf), not JSON. OTLP/HTTP receivers "
                    + "(the OpenTelemetry Collector, Langfuse, …) take both at /v1/traces; only one that takes JSON alone "
                    + "would refuse them. Fix: none needed, or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.";
        }
        return null; // http/protobuf: what is sent
    }

    /**
     * A base URL gets OTLP/HTTP's {@code /v1/traces} (as the OTel SDKs do with {@code OTEL_EXPORTER_OTLP_ENDPOINT}),
     * added to its path: a query (a collector's {@code ?token=}) and a fragment stay after it, where they were.
     */
    static String tracesUrl(String base) {
        String b = base.strip();
        int end = b.length();
        int query = b.indexOf('?');
        int fragment = b.indexOf('#');
        if (query >= 0) end = query;
        if (fragment >= 0 && fragment < end) end = fragment;
        String path = b.substring(0, end);
        String rest = b.substring(end);
        if (path.endsWith("/v1/traces")) return b;
        return (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/v1/traces" + rest;
    }

    /**
     * The endpoint as the log and {@code check} show it: without its user part and query, where a collector's
     * credentials ride ({@code https://user:password@host}, {@code ?token=}), as {@code api_base} is shown.
     */
    public String shownEndpoint() { return dev.switchboard.model.SafeUrl.withoutSecrets(endpoint); }

    /** The OTel form {@code k1=v1,k2=v2} (values may be %-encoded, as the spec allows). */
    static Map<String, String> parseHeaders(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String k = pair.substring(0, eq).strip();
            String v = pair.substring(eq + 1).strip();
            try {
                v = java.net.URLDecoder.decode(v.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // keep it as written
            }
            out.put(k, v);
        }
        return out;
    }

    private static String firstSet(Function<String, String> env, String... names) {
        for (String n : names) {
            String v = env.apply(n);
            if (v != null && !v.isBlank()) return v.strip();
        }
        return null;
    }

    private static String str(Object o) { return o == null ? null : o.toString(); }

    private static int integer(Object o, int dflt) { return o instanceof Number n ? n.intValue() : dflt; }

    /** No header values, and the endpoint without its user part and query: they hold credentials. */
    @Override
    public String toString() {
        return "TraceSettings[endpoint=" + shownEndpoint() + ", headers=" + headers.keySet() + ", service=" + serviceName + "]";
    }
}
