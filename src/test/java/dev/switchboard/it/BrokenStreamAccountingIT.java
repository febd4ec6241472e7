package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.observe.TraceSettings;
import dev.switchboard.observe.Tracing;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream that breaks upstream after its first byte is a failed attempt like any other (QA-C defect 1): the cooldown
 * it starts is logged and counted, it is in {@code switchboard_attempt_errors_total}, and its attempt span ends
 * {@code ERROR}; a client that leaves a stream is still none of these.
 */
class BrokenStreamAccountingIT {
    static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    static Tracing tracing;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        tracing = Tracing.to(spans, new TraceSettings("memory", Map.of(), "switchboard-test", 2048, 512, 50, 1000, true, 1.0,
                false));
        gw = TestGateway.start(TestGateway.simModels("brk=brk-model", "left=left-model") + """
                router_settings:
                  num_retries: 0
                  allowed_fails: 0
                  cooldown_time: 60
                """, tracing);
    }

    @AfterAll
    static void stop() { gw.close(); }

    static String stream(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream me a few words please\"}]}";
    }

    static List<String> metricLines(String prefix, String deployment) {
        return Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body().lines()
                .filter(l -> l.startsWith(prefix + "{") && l.contains("deployment=\"" + deployment + "\"")).toList();
    }

    @Test
    void aStreamBrokenAfterItsFirstByteIsAFailedAttemptItsCooldownLoggedAndCounted() {
        gw.simulator.enqueue("brk-model", SimBehaviour.cutAfter(2));
        HttpResponse<String> r;
        try (LogCapture log = LogCapture.of("dev.switchboard.route.CallEngine")) {
            r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, stream("brk"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Http.sseData(r.body())).doesNotContain("[DONE]");
            await().atMost(Duration.ofSeconds(5)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.startsWith("WARN deployment openai/brk-model of 'brk' cooling down after:")));
        }
        assertThat(metricLines("switchboard_cooldowns_total", "openai/brk-model")).singleElement()
                .satisfies(l -> assertThat(l).endsWith(" 1.0"));
        assertThat(metricLines("switchboard_attempt_errors_total", "openai/brk-model")).singleElement()
                .satisfies(l -> assertThat(l).contains("status=\"502\"").endsWith(" 1.0"));

        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        SpanData attempt = await().atMost(Duration.ofSeconds(10)).until(() -> {
            tracing.flush(Duration.ofSeconds(5));
            return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("chat brk-model")).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
        SpanData root = spans.getFinishedSpanItems().stream()
                .filter(s -> id.equals(s.getAttributes().get(AttributeKey.stringKey("switchboard.request_id")))).findFirst().orElseThrow();
        assertThat(attempt.getTraceId()).isEqualTo(root.getTraceId());
        assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(502);
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("error.type"))).isNotBlank();
        assertThat(attempt.getEndEpochNanos()).isLessThanOrEqualTo(root.getEndEpochNanos());
    }

    /** A client that leaves a stream says nothing about the provider: no attempt error, no cooldown, no failed span. */
    @Test
    void aClientThatLeavesAStreamIsNoFailedAttempt() throws Exception {
        gw.simulator.enqueue("left-model", SimBehaviour.longSlowStream(50, 40)); // hundreds of events, 50 ms apart
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(stream("left"))).build();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        try (InputStream in = r.body()) {
            assertThat(new String(in.readNBytes(200))).startsWith("data: ");
        } // the client goes away
        client.shutdownNow();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gw.simulator.cancelledStreams()).isPositive());
        SpanData root = await().atMost(Duration.ofSeconds(10)).until(() -> {
            tracing.flush(Duration.ofSeconds(5));
            return spans.getFinishedSpanItems().stream()
                    .filter(s -> id.equals(s.getAttributes().get(AttributeKey.stringKey("switchboard.request_id")))).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
        SpanData attempt = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat left-model") && s.getTraceId().equals(root.getTraceId())).findFirst().orElseThrow();
        assertThat(attempt.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(metricLines("switchboard_attempt_errors_total", "openai/left-model")).isEmpty();
        assertThat(metricLines("switchboard_cooldowns_total", "openai/left-model")).isEmpty();
    }
}
