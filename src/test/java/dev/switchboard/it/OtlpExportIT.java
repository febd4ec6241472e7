package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.observe.TraceSettings;
import dev.switchboard.observe.Tracing;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The export path: spans reach an OTLP/HTTP collector (a tiny HTTP server in the test) as protobuf that the official
 * OTLP classes decode, with the configured headers; and a collector that does not keep up costs dropped spans (counted
 * on /metrics), never a slow request.
 */
class OtlpExportIT {
    record Received(String path, String contentType, String authorization, byte[] body) {}

    @Test
    void spansArriveAtTheCollectorAsOtlpProtobufWithTheConfiguredHeaders() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer collector = collector(received);
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  otel:
                    endpoint: http://127.0.0.1:%d/api/public/otel
                    headers: { Authorization: "Basic cGstbGYtMTpzay1sZi0x" }
                    service_name: switchboard-it
                    schedule_delay_ms: 100
                """.formatted(collector.getAddress().getPort()))) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"export me\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> spans(received).stream().anyMatch(s -> id.equals(attr(s, "switchboard.request_id"))));

            Received first = received.get(0);
            assertThat(first.path()).isEqualTo("/api/public/otel/v1/traces");
            assertThat(first.contentType()).isEqualTo("application/x-protobuf");
            assertThat(first.authorization()).isEqualTo("Basic cGstbGYtMTpzay1sZi0x");
            ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(first.body());
            assertThat(req.getResourceSpans(0).getResource().getAttributesList()).anyMatch(kv ->
                    kv.getKey().equals("service.name") && kv.getValue().getStringValue().equals("switchboard-it"));
            Span root = spans(received).stream().filter(s -> id.equals(attr(s, "switchboard.request_id"))).findFirst().orElseThrow();
            assertThat(attr(root, "gen_ai.request.model")).isEqualTo("gpt");
            assertThat(attr(root, "langfuse.observation.type")).isEqualTo("generation");
            assertThat(root.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
            List<Span> ofTrace = spans(received).stream().filter(s -> s.getTraceId().equals(root.getTraceId())).toList();
            // the default shape: the root and its provider attempt; the stages' spans only with stage_spans: true
            // (TracingIT checks those)
            assertThat(ofTrace).extracting(Span::getName).containsExactlyInAnyOrder(root.getName(), "chat gpt-4o-mini");
            Span attempt = ofTrace.stream().filter(s -> s.getName().equals("chat gpt-4o-mini")).findFirst().orElseThrow();
            assertThat(attempt.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(attr(root, "switchboard.route")).isEqualTo("primary");
            for (Received rec : received) assertThat(new String(rec.body(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(TestGateway.MASTER_KEY);
            String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            assertThat(MetricsIT.value(metrics, "switchboard_trace_spans_exported_total")).isPositive();
        } finally {
            collector.stop(0);
        }
    }

    /**
     * LiteLLM's way ({@code callbacks: ["otel"]}, or {@code success_callback}): no {@code otel} section at all, the
     * endpoint and headers from the standard variables of the gateway's environment, as LiteLLM's docs set them up.
     */
    @ParameterizedTest
    @ValueSource(strings = {"callbacks", "success_callback"})
    void litellmsOtelCallbackExportsToTheEndpointTheEnvironmentNames(String key) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer collector = collector(received);
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20cGstbGYtMjpzay1sZi0y", "OTEL_SERVICE_NAME", "from-env");
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                litellm_settings:
                  %s: ["otel"]
                """.formatted(key), env)) {
            assertThat(gw.gateway.tracing()).as("tracing on from litellm_settings." + key).isNotNull();
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"trace me the LiteLLM way\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> spans(received).stream().anyMatch(s -> id.equals(attr(s, "switchboard.request_id"))));
            Received first = received.get(0);
            assertThat(first.path()).isEqualTo("/v1/traces");
            assertThat(first.authorization()).isEqualTo("Basic cGstbGYtMjpzay1sZi0y");
            assertThat(ExportTraceServiceRequest.parseFrom(first.body()).getResourceSpans(0).getResource().getAttributesList())
                    .anyMatch(kv -> kv.getKey().equals("service.name") && kv.getValue().getStringValue().equals("from-env"));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void aCollectorThatDoesNotKeepUpDropsSpansAndCountsThemWithoutSlowingRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SpanExporter stuck = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return CompletableResultCode.ofSuccess();
            }

            @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }

            @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
        };
        Tracing tracing = Tracing.to(stuck, new TraceSettings("stuck", Map.of(), "switchboard", 4, 2, 10, 60_000, true));
        TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """, tracing);
        try {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            }
            String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            // 20 requests of 2 spans each (root, attempt), a queue of 4 and an exporter stuck on its first batch: most are dropped
            assertThat(MetricsIT.value(metrics, "switchboard_trace_spans_dropped_total", "reason", "queue_full")).isGreaterThan(25);
        } finally {
            release.countDown();
            gw.close();
        }
    }

    @Test
    void aBatchLargerThanMaxExportBytesReachesTheCollectorInPostsWithinIt() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer collector = collector(received);
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  otel:
                    endpoint: http://127.0.0.1:%d
                    schedule_delay_ms: 2000
                    max_export_bytes: 8000
                """.formatted(collector.getAddress().getPort()))) {
            String prompt = "Grüße aus 日本, ".repeat(100); // about 1,900 bytes of UTF-8 on each root span
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + i + "\"}]}");
                assertThat(r.statusCode()).isEqualTo(200);
            }
            // ten roots and ten attempts, one batch (they came within the schedule delay) of about 25 KB: several posts
            await().atMost(Duration.ofSeconds(15)).until(() -> spans(received).size() == 20);
            assertThat(received.size()).isGreaterThan(2);
            // "about": the cap is the spans' estimated size; each post adds its resource and scope (a few hundred bytes)
            for (Received rec : received) assertThat(rec.body().length).isLessThanOrEqualTo(8000 + 1000);
            assertThat(spans(received).stream().filter(s -> String.valueOf(attr(s, "langfuse.observation.input")).contains("日本")).count())
                    .isEqualTo(10);
            String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            assertThat(MetricsIT.value(metrics, "switchboard_trace_spans_exported_total")).isEqualTo(20.0);
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void spansStillQueuedAtShutdownReachTheCollectorBeforeTheGatewayHasClosed() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer collector = collector(received);
        try {
            TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                      otel:
                        endpoint: http://127.0.0.1:%d
                        schedule_delay_ms: 600000
                    """.formatted(collector.getAddress().getPort()));
            assertThat(otlpThreads()).as("the exporter's own event loop").isNotEmpty();
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"last words " + i + "\"}]}");
                assertThat(r.statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> gw.gateway.observedInFlight() == 0);
            assertThat(received).as("a batch neither full nor due: nothing sent yet").isEmpty();
            gw.close();
            // the last export is done when close returns: 30 roots and 30 attempts, none lost
            assertThat(spans(received)).hasSize(60);
            assertThat(spans(received).stream().filter(s -> String.valueOf(attr(s, "langfuse.observation.input")).contains("last words"))
                    .count()).isEqualTo(30);
            await().atMost(Duration.ofSeconds(5)).until(() -> otlpThreads().isEmpty());
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void aGatewayWithoutAnExportHasNoExportThreads() {
        await().atMost(Duration.ofSeconds(5)).until(() -> otlpThreads().isEmpty()); // an earlier test's, ending
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            assertThat(gw.gateway.tracing()).isNull();
            assertThat(otlpThreads()).isEmpty();
        }
    }

    /** The OTLP sender's own threads ({@code switchboard-otlp-*}) alive now. */
    static List<Thread> otlpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("switchboard-otlp-")).toList();
    }

    /** A collector that answers 200 to every post and keeps what it got. */
    static HttpServer collector(List<Received> received) throws java.io.IOException {
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", ex -> {
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("content-type"),
                    ex.getRequestHeaders().getFirst("authorization"), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        collector.start();
        return collector;
    }

    static List<Span> spans(List<Received> received) {
        return received.stream().flatMap(r -> {
            try {
                return ExportTraceServiceRequest.parseFrom(r.body()).getResourceSpansList().stream()
                        .flatMap(rs -> rs.getScopeSpansList().stream()).flatMap(ss -> ss.getSpansList().stream());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static String attr(Span s, String key) {
        for (KeyValue kv : s.getAttributesList()) if (kv.getKey().equals(key)) return kv.getValue().getStringValue();
        return null;
    }
}
