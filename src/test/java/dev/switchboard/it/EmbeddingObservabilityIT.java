package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An embeddings call is observed as a chat call is: a trace at an OTLP collector (its root with the GenAI attributes
 * that apply to embeddings, its failed attempts as children, {@code ERROR} when it failed), one request-log row (call
 * type {@code embedding}, the input kept as the key's log policy keeps a prompt, a summary of the vectors in place of a
 * completion, never the vectors), {@code x-switchboard-trace-id} on the answer, and a failed one counted in
 * {@code switchboard_requests_total}.
 */
class EmbeddingObservabilityIT {
    static final List<OtlpExportIT.Received> received = new CopyOnWriteArrayList<>();
    static HttpServer collector;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        collector = OtlpExportIT.collector(received);
        gw = TestGateway.start(TestGateway.simModels("embed=text-embedding-3-small", "flaky=flaky-embed-model",
                "dead=dead-embed-model") + """
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  fallbacks: [{ flaky: [embed] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  otel:
                    endpoint: http://127.0.0.1:%d
                    schedule_delay_ms: 100
                  request_log:
                    policy: truncated:2000
                    keys: { full-app: full, short-app: "truncated:10", silent-app: "off" }
                """.formatted(collector.getAddress().getPort()));
        gw.simulator.behaveAlways("flaky-embed-model", SimBehaviour.status(500));
        gw.simulator.behaveAlways("dead-embed-model", SimBehaviour.status(500));
    }

    @AfterAll
    static void stop() {
        gw.close();
        collector.stop(0);
    }

    static HttpResponse<String> embed(String key, String body) { return Http.post(gw.v1() + "/embeddings", key, body); }

    static String id(HttpResponse<String> r) { return r.headers().firstValue("x-switchboard-request-id").orElseThrow(); }

    static String key(String alias) {
        return Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"" + alias + "\"}"))
                .getString("key");
    }

    /** The request's log row, read as the master key reads it. */
    static JsonObject log(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> l = Http.get(gw.baseUrl() + "/logs/" + requestId, TestGateway.MASTER_KEY);
            return l.statusCode() == 200 ? new JsonObject(l.body()) : null;
        }, o -> o != null);
    }

    /** The request's root span and the spans of its trace, once the collector has them. */
    static List<Span> trace(String requestId) {
        Span root = root(requestId);
        return await().atMost(Duration.ofSeconds(10)).until(() -> OtlpExportIT.spans(received).stream()
                .filter(s -> s.getTraceId().equals(root.getTraceId())).toList(), l -> !l.isEmpty());
    }

    static Span root(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> OtlpExportIT.spans(received).stream()
                .filter(s -> requestId.equals(OtlpExportIT.attr(s, "switchboard.request_id"))).findFirst().orElse(null),
                s -> s != null);
    }

    static AnyValue value(Span s, String key) {
        for (KeyValue kv : s.getAttributesList()) if (kv.getKey().equals(key)) return kv.getValue();
        return null;
    }

    static String hex(com.google.protobuf.ByteString b) { return java.util.HexFormat.of().formatHex(b.toByteArray()); }

    @Test
    void anEmbeddingCallIsTracedAndLoggedAsAChatCallIs() {
        HttpResponse<String> r = embed(TestGateway.MASTER_KEY, """
                {"model":"embed","input":["the first text","the second text"],"dimensions":8,"user":"alice",
                 "metadata":{"session_id":"s-9","tags":["nightly"]}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        String id = id(r);
        Span root = root(id);
        assertThat(r.headers().firstValue("x-switchboard-trace-id")).as("the answer names its trace").hasValue(hex(root.getTraceId()));

        assertThat(root.getName()).isEqualTo("embeddings embed");
        assertThat(root.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(OtlpExportIT.attr(root, "gen_ai.operation.name")).isEqualTo("embeddings");
        assertThat(OtlpExportIT.attr(root, "gen_ai.request.model")).isEqualTo("embed");
        assertThat(OtlpExportIT.attr(root, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(OtlpExportIT.attr(root, "gen_ai.response.model")).isEqualTo(body.getString("model"));
        assertThat(OtlpExportIT.attr(root, "switchboard.deployment")).isEqualTo("openai/text-embedding-3-small");
        assertThat(OtlpExportIT.attr(root, "switchboard.route")).isEqualTo("primary");
        assertThat(OtlpExportIT.attr(root, "switchboard.key_id")).isEqualTo("master");
        assertThat(OtlpExportIT.attr(root, "langfuse.observation.type")).isEqualTo("embedding");
        assertThat(OtlpExportIT.attr(root, "session.id")).isEqualTo("s-9");
        assertThat(OtlpExportIT.attr(root, "user.id")).isEqualTo("alice");
        assertThat(value(root, "switchboard.tags").getArrayValue().getValuesList()).extracting(AnyValue::getStringValue)
                .contains("nightly");
        assertThat(value(root, "gen_ai.usage.input_tokens").getIntValue())
                .isEqualTo(body.getJsonObject("usage").getLong("prompt_tokens")).isPositive();
        assertThat(value(root, "gen_ai.usage.output_tokens")).as("an embeddings call has no output tokens").isNull();
        assertThat(value(root, "gen_ai.embeddings.dimension.count").getIntValue()).isEqualTo(8);
        assertThat(value(root, "http.response.status_code").getIntValue()).isEqualTo(200);
        assertThat(BigDecimal.valueOf(value(root, "switchboard.cost_usd").getDoubleValue()))
                .isEqualByComparingTo(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isPositive();
        assertThat(OtlpExportIT.attr(root, "langfuse.observation.input")).contains("the first text").contains("the second text");
        assertThat(OtlpExportIT.attr(root, "langfuse.observation.output"))
                .isEqualTo("2 embeddings of 8 dimensions (float; the vectors are not kept)");
        assertThat(root.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        List<Span> trace = trace(id);
        assertThat(trace).extracting(Span::getName).containsExactlyInAnyOrder("embeddings embed", "embeddings text-embedding-3-small");
        Span attempt = trace.stream().filter(s -> s.getName().equals("embeddings text-embedding-3-small")).findFirst().orElseThrow();
        assertThat(attempt.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(OtlpExportIT.attr(attempt, "gen_ai.operation.name")).isEqualTo("embeddings");
        // Langfuse's first mapping: the attempt is a span of the call's one embedding observation, not a second one
        assertThat(OtlpExportIT.attr(attempt, "langfuse.observation.type")).isEqualTo("span");

        JsonObject row = log(id);
        assertThat(row.getString("call_type")).isEqualTo("embedding");
        assertThat(row.getString("model")).isEqualTo("embed");
        assertThat(row.getString("deployment")).isEqualTo("openai/text-embedding-3-small");
        assertThat(row.getString("route")).isEqualTo("primary");
        assertThat(row.getInteger("status")).isEqualTo(200);
        assertThat(row.getLong("prompt_tokens")).isEqualTo(body.getJsonObject("usage").getLong("prompt_tokens"));
        assertThat(row.getLong("completion_tokens")).isZero();
        assertThat(row.getString("trace_id")).isEqualTo(hex(root.getTraceId()));
        assertThat(row.getString("session_id")).isEqualTo("s-9");
        assertThat(row.getString("log_policy")).isEqualTo("truncated:2000");
        assertThat(new JsonArray(row.getString("prompt"))).containsExactly("the first text", "the second text");
        String firstValue = body.getJsonArray("data").getJsonObject(0).getJsonArray("embedding").getValue(0).toString();
        assertThat(row.getString("completion")).isEqualTo("2 embeddings of 8 dimensions (float; the vectors are not kept)")
                .doesNotContain(firstValue);
        assertThat(new BigDecimal(row.getValue("spend").toString()))
                .isEqualByComparingTo(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        // in the log's list too, and in the dashboard's request view (the ledger's row and the log's, one row)
        JsonObject list = new JsonObject(Http.get(gw.baseUrl() + "/logs?trace_id=" + row.getString("trace_id"), TestGateway.MASTER_KEY).body());
        assertThat(list.getJsonArray("data")).hasSize(1);
        JsonObject ui = new JsonObject(Http.get(gw.baseUrl() + "/ui/api/requests/" + id, TestGateway.MASTER_KEY).body());
        assertThat(ui.getJsonObject("log").getString("call_type")).isEqualTo("embedding");
        assertThat(ui.getJsonArray("rows")).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> gw.gateway.observedInFlight() == 0);
    }

    @Test
    void theInputIsKeptAsTheKeysLogPolicyKeepsAPrompt() {
        String input = "{\"model\":\"embed\",\"input\":\"a text of forty-odd characters, " + TestGateway.PROVIDER_KEY + "\"}";
        String full = key("full-app"), shortKey = key("short-app"), silent = key("silent-app");
        HttpResponse<String> f = embed(full, input), s = embed(shortKey, input), o = embed(silent, input);
        for (HttpResponse<String> r : List.of(f, s, o)) assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        JsonObject fullRow = log(id(f));
        assertThat(fullRow.getString("log_policy")).isEqualTo("full");
        assertThat(fullRow.getString("prompt")).isEqualTo("\"a text of forty-odd characters, [REDACTED]\"");
        assertThat(fullRow.getString("completion")).startsWith("1 embedding of ");
        assertThat(OtlpExportIT.attr(root(id(f)), "langfuse.observation.input")).isEqualTo(fullRow.getString("prompt"));

        JsonObject shortRow = log(id(s));
        assertThat(shortRow.getString("log_policy")).isEqualTo("truncated:10");
        assertThat(shortRow.getString("prompt")).isEqualTo("\"a text of…");

        JsonObject silentRow = log(id(o));
        assertThat(silentRow.getString("log_policy")).isEqualTo("off");
        assertThat(silentRow.getString("prompt")).isNull();
        assertThat(silentRow.getString("completion")).isNull();
        assertThat(silentRow.getLong("prompt_tokens")).as("the numbers are kept").isPositive();
        Span silentRoot = root(id(o));
        assertThat(OtlpExportIT.attr(silentRoot, "langfuse.observation.input")).isNull();
        assertThat(OtlpExportIT.attr(silentRoot, "langfuse.observation.output")).isNull();

        // the owning key reads its own row; another key does not
        assertThat(Http.get(gw.baseUrl() + "/logs/" + id(f), full).statusCode()).isEqualTo(200);
        assertThat(Http.get(gw.baseUrl() + "/logs/" + id(f), silent).statusCode()).isEqualTo(404);
        for (OtlpExportIT.Received rec : received) {
            assertThat(new String(rec.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(TestGateway.PROVIDER_KEY);
        }
    }

    @Test
    void aFailedAttemptIsAnErrorChildAndTheFallbackServes() {
        HttpResponse<String> r = embed(TestGateway.MASTER_KEY, "{\"model\":\"flaky\",\"input\":\"fall back please\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = id(r);
        Span root = root(id);
        assertThat(OtlpExportIT.attr(root, "switchboard.route")).isEqualTo("fallback:error");
        assertThat(OtlpExportIT.attr(root, "switchboard.deployment")).isEqualTo("openai/text-embedding-3-small");
        assertThat(root.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        List<Span> trace = await().atMost(Duration.ofSeconds(10)).until(() -> trace(id), t -> t.size() >= 3);
        Span failed = trace.stream().filter(s -> s.getName().equals("embeddings flaky-embed-model")).findFirst().orElseThrow();
        assertThat(failed.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(value(failed, "http.response.status_code").getIntValue()).isEqualTo(500);
        assertThat(OtlpExportIT.attr(failed, "error.type")).isNotNull();
        assertThat(trace).extracting(Span::getName).contains("embeddings text-embedding-3-small");
        JsonObject row = log(id);
        assertThat(row.getString("route")).isEqualTo("fallback:error");
        assertThat(row.getInteger("status")).isEqualTo(200);
    }

    @Test
    void anEmbeddingCallThatFailsIsAnErrorTracedLoggedAndCounted() {
        HttpResponse<String> r = embed(TestGateway.MASTER_KEY, "{\"model\":\"dead\",\"input\":\"nobody answers\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        String id = id(r);
        Span root = root(id);
        assertThat(r.headers().firstValue("x-switchboard-trace-id")).as("an error answer names its trace too")
                .hasValue(hex(root.getTraceId()));
        assertThat(root.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(value(root, "http.response.status_code").getIntValue()).isEqualTo(502);
        assertThat(OtlpExportIT.attr(root, "error.type")).isNotNull();
        assertThat(OtlpExportIT.attr(root, "langfuse.observation.level")).isEqualTo("ERROR");
        Span attempt = await().atMost(Duration.ofSeconds(10)).until(() -> trace(id).stream()
                .filter(s -> s.getName().equals("embeddings dead-embed-model")).findFirst().orElse(null), s -> s != null);
        assertThat(attempt.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

        JsonObject row = log(id);
        assertThat(row.getString("call_type")).isEqualTo("embedding");
        assertThat(row.getInteger("status")).isEqualTo(502);
        assertThat(row.getString("deployment")).as("where it failed").isEqualTo("openai/dead-embed-model");
        assertThat(row.getString("error_type")).isNotNull();
        assertThat(row.getString("prompt")).isEqualTo("\"nobody answers\"");

        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(MetricsIT.value(metrics, "switchboard_requests_total", "model", "dead", "deployment", "none", "status", "502",
                "key", "master")).isEqualTo(1);
        assertThat(MetricsIT.value(metrics, "switchboard_request_duration_seconds_count", "model", "dead")).isEqualTo(1);
    }
}
