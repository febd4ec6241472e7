package dev.switchboard.pipeline;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.observe.GatewayMetrics;
import dev.switchboard.observe.MetricLabels;
import dev.switchboard.observe.RequestLog;
import dev.switchboard.observe.RequestLogSettings;
import dev.switchboard.observe.RequestObserver;
import dev.switchboard.observe.SecretScrubber;
import dev.switchboard.observe.TraceSettings;
import dev.switchboard.observe.Tracing;
import dev.switchboard.store.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The observe stage's parts, wired once from the config: the tracer (when {@code general_settings.otel} or LiteLLM's
 * {@code callbacks: ["otel"]} names an endpoint), the request log and its writer, the metrics on the Prometheus
 * registry, and the observer that joins them. Closed with the gateway: the log writes what it holds, the tracer
 * exports what it holds.
 */
record Observability(Tracing tracing, RequestLog log, GatewayMetrics metrics, RequestObserver observer, AtomicBoolean cacheStage) {
    /** How often the request log writes its queue. */
    static final long LOG_FLUSH_MILLIS = 1_000;

    /**
     * @param tracing spans go here instead of where the config says (tests); null for the config's
     * @param secrets provider keys and the master key: taken out of whatever the log and traces keep
     * @param shortLived the provider tokens minted while running (asked per use), taken out likewise
     * @param ledger  writes most request-log rows, with their ledger rows (its counts are the log's too)
     * @param labels  the label values the metrics may use ({@link #metricLabels})
     */
    static Observability open(GatewayConfig config, Function<String, String> env, Database db, PrometheusMeterRegistry registry,
                              Tracing tracing, List<String> secrets,
                              java.util.function.Supplier<List<String>> shortLived, SpendLedger ledger, MetricLabels labels) {
        TraceSettings ts = TraceSettings.from(config.general().otel(),
                dev.switchboard.config.LiteLlmCallbacks.otel(config.litellmSettings()), env);
        Tracing t = tracing != null ? tracing : ts.enabled() ? Tracing.otlp(ts) : null;
        RequestLogSettings ls = RequestLogSettings.from(config.general().requestLog());
        RequestLog log = ls.enabled() ? new RequestLog(db, ls, LOG_FLUSH_MILLIS, System::currentTimeMillis) : null;
        GatewayMetrics metrics = new GatewayMetrics(registry, labels);
        if (t != null) {
            metrics.functionCounter("switchboard.trace.spans.dropped", "Spans lost: the export queue was full, or the export failed",
                    t, Tracing::droppedSpans, "reason", "queue_full");
            metrics.functionCounter("switchboard.trace.spans.dropped", null, t, Tracing::failedSpans, "reason", "export_failed");
            metrics.functionCounter("switchboard.trace.spans.exported", "Spans the collector accepted", t, Tracing::exportedSpans);
        }
        if (log != null) {
            // most rows are written by the ledger's writer, with their ledger rows (one row a request)
            metrics.functionCounter("switchboard.request.log.written", "Request-log rows written", log,
                    l -> l.written() + ledger.logPartsWritten());
            metrics.functionCounter("switchboard.request.log.dropped", "Request-log rows dropped (store down too long)", log,
                    l -> l.dropped() + ledger.logPartsDropped());
            io.micrometer.core.instrument.Gauge.builder("switchboard.request.log.rows.pending", log, RequestLog::pending)
                    .description("Request-log rows queued for the request log's own writer (most go with their ledger row)")
                    .register(registry);
            metrics.functionCounter("switchboard.request.log.purged", "Request-log rows deleted by the retention purge", log,
                    RequestLog::purged);
        }
        AtomicBoolean cacheStage = new AtomicBoolean();
        RequestObserver observer = new RequestObserver(t, log, ls, metrics, new SecretScrubber(secrets, shortLived, labels.names()), cacheStage::get);
        return new Observability(t, log, metrics, observer, cacheStage);
    }

    /**
     * The model and deployment label values the config allows: model_names (wildcard patterns as written), group
     * aliases, deployment ids, the auto alias; each deployment's {@code provider/model}. Anything else a client names is
     * counted as {@link MetricLabels#OTHER}.
     */
    static MetricLabels metricLabels(GatewayConfig config, dev.switchboard.route.RouterSettings router) {
        java.util.Set<String> models = new java.util.LinkedHashSet<>();
        java.util.Set<String> deployments = new java.util.LinkedHashSet<>();
        for (dev.switchboard.config.Deployment d : config.deployments()) {
            models.add(d.alias());
            Object id = d.modelInfo().get("id");
            if (id != null && !id.toString().isBlank()) models.add(id.toString());
            deployments.add(d.id());
        }
        models.addAll(router.groupAliases().keySet());
        if (router.auto() != null) {
            models.add(router.auto().alias());
        }
        return new MetricLabels(models, deployments);
    }

    /**
     * The warning for LiteLLM's {@code otel} callback with no endpoint anywhere (its variables unset in this shell, say):
     * tracing is then off, which the operator would otherwise learn only from a collector that stays empty. Null when
     * there is nothing to say.
     */
    static String otelWithoutEndpoint(GatewayConfig config, Function<String, String> env) {
        if (!dev.switchboard.config.LiteLlmCallbacks.otel(config.litellmSettings())) return null;
        if (Boolean.FALSE.equals(config.general().otel().get("enabled"))) return null; // turned off on purpose
        if (TraceSettings.from(config.general().otel(), true, env).enabled()) return null;
        return "litellm_settings lists the otel callback, but no OTLP endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "
                + "OTEL_EXPORTER_OTLP_ENDPOINT or general_settings.otel.endpoint): no traces are sent. Fix: export "
                + "OTEL_EXPORTER_OTLP_ENDPOINT=http://<collector>:4318 before starting the gateway.";
    }

    /**
     * The warning for an OTLP protocol the environment asks for and the exporter does not speak (LiteLLM's gRPC settings;
     * {@link TraceSettings#protocolWarning}), when the config's tracing is on; null otherwise.
     */
    static String otlpProtocol(GatewayConfig config, Function<String, String> env) {
        TraceSettings ts = TraceSettings.from(config.general().otel(),
                dev.switchboard.config.LiteLlmCallbacks.otel(config.litellmSettings()), env);
        return ts.enabled() ? TraceSettings.protocolWarning(ts.shownEndpoint(), env) : null;
    }

    void close() {
        if (log != null) log.close();
        if (tracing != null) tracing.close();
    }
}
