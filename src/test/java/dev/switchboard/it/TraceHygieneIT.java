package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.support.Admin;
import dev.switchboard.support.CannedUpstream;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client sends does not reach the request log or the collector as sent when it should not (the QA run of the
 * observability layer, 2026-12-06): a key sent as the model is masked in the row and the spans; a key's log policy
 * covers an upstream error that quotes the prompt; a client's long names are cut; the answer's id in the trace is the
 * one the client got; a collector endpoint's query stays a query and is not logged; a virtual key's {@code /logs}
 * filter on another key is refused. Spans are read as the collector receives them (OTLP/HTTP protobuf on a socket).
 */
class TraceHygieneIT {
    record Received(String path, String query, byte[] body) {}

    static final List<Received> received = new CopyOnWriteArrayList<>();
    static HttpServer collector;
    static CannedUpstream up;
    static TestGateway gw;
    static LogCapture tracingLog;
    static Admin admin;
    static String notes, other, lonely, support;
    static final long MAX_EXPORT_BYTES = 1_000_000;
    /** LM Studio's documented placeholder key (https://lmstudio.ai/docs: api_key "lm-studio"), a configured secret. */
    static final String LM_STUDIO_KEY = "lm-" + "studio";

    @BeforeAll
    static void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", ex -> {
            received.add(new Received(ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        collector.start();
        up = CannedUpstream.start();
        tracingLog = LogCapture.of("switchboard.tracing");
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "embedder=text-embedding-3-small") + """
                  - model_name: quoting
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: lm-studio-qwen
                    litellm_params: { model: openai/lm-studio-qwen, api_base: "${SIM}", api_key: %3$s }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  request_log:
                    policy: full
                    keys: { lonely: "off", support: redacted }
                    redact_patterns: ['\\b\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}\\b']
                  otel:
                    endpoint: "http://lfuser:lfpassword123@127.0.0.1:%2$d/api/public/otel?token=querysecret123"
                    schedule_delay_ms: 100
                """.formatted(up.rootUrl(), collector.getAddress().getPort(), LM_STUDIO_KEY));
        admin = new Admin(gw);
        notes = admin.generate(new JsonObject().put("key_alias", "notes")).getString("key");
        other = admin.generate(new JsonObject().put("key_alias", "other")).getString("key");
        lonely = admin.generate(new JsonObject().put("key_alias", "lonely")).getString("key");
        support = admin.generate(new JsonObject().put("key_alias", "support")).getString("key");
    }

    @AfterAll
    static void stop() {
        gw.close();
        up.close();
        collector.stop(0);
        tracingLog.close();
    }

    @Test
    void aSecretSentAsTheModelIsMaskedInTheRowAndTheSpans() {
        // the provider keys, the master key and another app's virtual key, as a client with its arguments swapped sends them
        for (String secret : List.of(TestGateway.PROVIDER_KEY, "x " + TestGateway.ANTHROPIC_PROVIDER_KEY, TestGateway.MASTER_KEY, other)) {
            String bare = secret.startsWith("x ") ? secret.substring(2) : secret;
            for (String route : List.of("/chat/completions", "/embeddings")) {
                String body = route.equals("/embeddings") ? "{\"model\":\"" + secret + "\",\"input\":\"x\"}"
                        : "{\"model\":\"" + secret + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
                HttpResponse<String> r = Http.post(gw.v1() + route, notes, body);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
                String id = Admin.requestId(r);
                JsonObject row = logRow(id);
                assertThat(row.getString("model")).as("requested_model of " + route).contains("[REDACTED]").doesNotContain(bare);
                assertThat(Http.get(gw.baseUrl() + "/logs?model=" + java.net.URLEncoder.encode(row.getString("model"), StandardCharsets.UTF_8),
                        TestGateway.MASTER_KEY).body()).doesNotContain(bare);
                Span root = root(id);
                assertThat(root.getName()).contains("[REDACTED]").doesNotContain(bare);
                assertThat(attr(root, "gen_ai.request.model")).contains("[REDACTED]").doesNotContain(bare);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(posts()).doesNotContain(bare));
        }
    }

    /**
     * A configured alias that holds a configured (placeholder) key is recorded as written in the log row, the ledger and
     * the spans: the scrub skips the config's own names. The same key in a name the client made up is still masked.
     */
    @Test
    void aConfiguredAliasHoldingAShortKeyIsRecordedAsWrittenAndAClientsNameIsStillMasked() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", notes,
                "{\"model\":\"lm-studio-qwen\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = Admin.requestId(r);
        assertThat(logRow(id).getString("model")).isEqualTo("lm-studio-qwen");
        Span root = root(id);
        assertThat(attr(root, "gen_ai.request.model")).isEqualTo("lm-studio-qwen");
        assertThat(root.getName()).contains("lm-studio-qwen").doesNotContain("[REDACTED]");
        JsonObject spend = await().atMost(Duration.ofSeconds(10)).until(() -> {
            var rows = new JsonObject(Http.get(gw.baseUrl() + "/spend/logs?request_id=" + id, TestGateway.MASTER_KEY).body())
                    .getJsonArray("data");
            return rows == null || rows.isEmpty() ? null : rows.getJsonObject(0);
        }, o -> o != null);
        assertThat(spend.getString("model")).isEqualTo("lm-studio-qwen");
        assertThat(spansOf(id)).noneSatisfy(s -> assertThat(String.valueOf(attr(s, "switchboard.deployment"))).contains("[REDACTED]"));

        HttpResponse<String> unknown = Http.post(gw.v1() + "/chat/completions", notes,
                "{\"model\":\"my-lm-studio-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(logRow(Admin.requestId(unknown)).getString("model")).isEqualTo("my-[REDACTED]-model");
    }

    /**
     * A key whose log policy is {@code off} keeps the gateway's own refusal text (it quotes no prompt): an operator
     * debugging the refusal needs it. Only an upstream's words are hidden (the test below).
     */
    @Test
    void logPolicyOffKeepsTheGatewaysOwnErrorMessage() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", lonely,
                "{\"model\":\"no-such-model-here\",\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        String id = Admin.requestId(r);
        JsonObject row = logRow(id);
        assertThat(row.getString("log_policy")).isEqualTo("off");
        assertThat(row.getString("error_message")).contains("no-such-model-here").doesNotContain("log policy off");
        assertThat(root(id).getStatus().getMessage()).contains("no-such-model-here");
    }

    @Test
    void theKeysLogPolicyCoversAnUpstreamErrorThatQuotesThePrompt() {
        String said = "patient John Doe diagnosis CONFIDENTIAL-XYZ card 4111 1111 1111 1111";
        String tag = up.json(400, "{\"error\":{\"message\":\"Invalid prompt: " + said + "\",\"type\":\"invalid_request_error\"}}");

        // off: the status and error type, none of the upstream's words
        String offId = quoting(lonely, tag + " " + said);
        JsonObject off = logRow(offId);
        assertThat(off.getString("log_policy")).isEqualTo("off");
        assertThat(off.getString("error_message")).doesNotContain("CONFIDENTIAL").contains("400").contains("log policy off");
        assertThat(spansOf(offId)).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getStatus().getMessage()).doesNotContain("CONFIDENTIAL");
            assertThat(String.valueOf(attr(s, "langfuse.observation.status_message"))).doesNotContain("CONFIDENTIAL");
        });
        assertThat(spansOf(offId)).as("the root and its failed attempt").hasSizeGreaterThanOrEqualTo(2);

        // redacted: the policy's patterns masked, as in the prompt
        String redactedId = quoting(support, tag + " " + said);
        JsonObject redacted = logRow(redactedId);
        assertThat(redacted.getString("error_message")).contains("CONFIDENTIAL-XYZ card [REDACTED]").doesNotContain("4111 1111");
        assertThat(spansOf(redactedId)).allSatisfy(s -> {
            assertThat(s.getStatus().getMessage()).doesNotContain("4111 1111");
            assertThat(String.valueOf(attr(s, "langfuse.observation.status_message"))).doesNotContain("4111 1111");
        });
        assertThat(attr(root(redactedId), "langfuse.observation.status_message")).contains("card [REDACTED]");

        // full: as the upstream said it
        assertThat(logRow(quoting(notes, tag + " " + said)).getString("error_message")).contains(said);
    }

    private static String quoting(String key, String prompt) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"quoting\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).as("the client still gets the upstream's words").contains("CONFIDENTIAL-XYZ");
        return Admin.requestId(r);
    }

    @Test
    void aClientsLongNamesAreCutInSpansAndNoPostExceedsTheCap() {
        String huge = "m".repeat(500_000);
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", notes, "{\"model\":\"" + huge
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"metadata\":{\"generation_name\":\"" + "g".repeat(300_000)
                + "\",\"session_id\":\"" + "s".repeat(300_000) + "\"}}");
        assertThat(r.statusCode()).isEqualTo(404);
        String id = Admin.requestId(r);
        Span root = root(id);
        assertThat(root.getName()).hasSize(255);
        assertThat(attr(root, "gen_ai.request.model")).hasSize(255);
        assertThat(attr(root, "session.id")).hasSizeLessThanOrEqualTo(255);
        assertThat(logRow(id).getString("model")).hasSize(255);
        // each post within max_export_bytes (and its resource and scope): the collector takes every one
        for (Received rec : received) assertThat(rec.body().length).isLessThanOrEqualTo((int) MAX_EXPORT_BYTES + 1000);
    }

    @Test
    void theTraceNamesTheAnswerIdTheClientGot() {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", notes, "{\"model\":\"claude\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String respId = new JsonObject(r.body()).getString("id");
        assertThat(respId).startsWith("resp_");
        Span root = root(Admin.requestId(r));
        assertThat(attr(root, "gen_ai.response.id")).isEqualTo(respId);
        assertThat(attr(root, "switchboard.upstream_response_id")).isNotNull().isNotEqualTo(respId);

        HttpResponse<String> m = Http.post(gw.v1() + "/messages", notes,
                "{\"model\":\"gpt\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
        String msgId = new JsonObject(m.body()).getString("id");
        assertThat(msgId).startsWith("msg_");
        Span mRoot = root(Admin.requestId(m));
        assertThat(attr(mRoot, "gen_ai.response.id")).isEqualTo(msgId);
        assertThat("msg_" + attr(mRoot, "switchboard.upstream_response_id")).isEqualTo(msgId);

        // an answer whose id the client gets as it is: one id, no second attribute
        HttpResponse<String> c = Http.post(gw.v1() + "/chat/completions", notes, "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Span cRoot = root(Admin.requestId(c));
        assertThat(attr(cRoot, "gen_ai.response.id")).isEqualTo(new JsonObject(c.body()).getString("id"));
        assertThat(attr(cRoot, "switchboard.upstream_response_id")).isNull();
    }

    @Test
    void anEndpointsQueryStaysAQueryAndTheLogShowsNeitherItNorTheUserPart() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", notes, "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        root(Admin.requestId(r));
        assertThat(received).isNotEmpty().allSatisfy(rec -> {
            assertThat(rec.path()).isEqualTo("/api/public/otel/v1/traces");
            assertThat(rec.query()).isEqualTo("token=querysecret123");
        });
        assertThat(tracingLog.lines()).anySatisfy(l -> assertThat(l).contains("OTLP/HTTP to http://127.0.0.1:"
                + collector.getAddress().getPort() + "/api/public/otel/v1/traces"));
        assertThat(tracingLog.lines()).noneSatisfy(l -> assertThat(l).containsAnyOf("lfpassword123", "querysecret123", "lfuser"));
    }

    @Test
    void aVirtualKeysLogsFilterOnAnotherKeyIsRefused() {
        for (String q : List.of("key=" + other, "api_key=" + other, "key_alias=other",
                "key=no-such-key")) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + "/logs?" + q, notes);
            assertThat(r.statusCode()).as(q + ": " + r.body()).isEqualTo(403);
            assertThat(r.body()).contains("its own logs");
        }
        for (String q : List.of("key=" + notes, "key_alias=notes", "")) {
            assertThat(Http.get(gw.baseUrl() + "/logs?" + q, notes).statusCode()).as(q).isEqualTo(200);
        }
        assertThat(Http.get(gw.baseUrl() + "/logs?key_alias=other", TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void theProviderCacheHitsHelpTextSaysItCountsCalls() {
        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(metrics).contains("# HELP switchboard_cache_hits_total Requests answered by a cache (exact, semantic), or served calls "
                + "with provider-cached prompt tokens (provider_prompt)").doesNotContain("prompt tokens discounted");
    }

    private static JsonObject logRow(String id) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> l = Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY);
            return l.statusCode() == 200 ? new JsonObject(l.body()) : null;
        }, o -> o != null);
    }

    private static List<Span> spans() {
        return received.stream().flatMap(r -> {
            try {
                return ExportTraceServiceRequest.parseFrom(r.body()).getResourceSpansList().stream()
                        .flatMap(rs -> rs.getScopeSpansList().stream()).flatMap(ss -> ss.getSpansList().stream());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** Every post's bytes as text (protobuf strings are UTF-8 in it). */
    private static String posts() {
        StringBuilder b = new StringBuilder();
        for (Received r : received) b.append(new String(r.body(), StandardCharsets.ISO_8859_1));
        return b.toString();
    }

    private static Span root(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> spans().stream()
                .filter(s -> requestId.equals(attr(s, "switchboard.request_id"))).findFirst().orElse(null), s -> s != null);
    }

    /** The root and every span of its trace (its attempts). */
    private static List<Span> spansOf(String requestId) {
        Span root = root(requestId);
        await().atMost(Duration.ofSeconds(5)).until(() -> spans().stream().filter(s -> s.getTraceId().equals(root.getTraceId())).count() >= 2);
        return spans().stream().filter(s -> s.getTraceId().equals(root.getTraceId())).toList();
    }

    static String attr(Span s, String key) {
        for (KeyValue kv : s.getAttributesList()) if (kv.getKey().equals(key)) return kv.getValue().getStringValue();
        return null;
    }
}
