package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.observe.TraceSettings;
import dev.switchboard.observe.Tracing;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every call a trace: the spans and attributes of a plain call, a fallback, a cache hit and a stream, captured with the
 * OpenTelemetry SDK's in-memory exporter from a real gateway in front of the simulator, and the client's trace context
 * (W3C traceparent, LiteLLM's metadata) carried into them.
 */
class TracingIT {
    static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    static Tracing tracing;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        tracing = Tracing.to(spans, new TraceSettings("memory", Map.of(), "switchboard-test", 2048, 512, 50, 1000, true, 1.0,
                true)); // stage_spans: true, so the stages' spans are checked too (OtlpExportIT checks the default shape)
        gw = TestGateway.start(TestGateway.simModels("primary=primary-model", "backup=backup-model") + """
                  - model_name: cached
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, cache: true }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: twin
                    litellm_params: { model: openai/twin-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: twin-east }
                  - model_name: backup2
                    litellm_params: { model: openai/backup-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: backup-west }
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  fallbacks: [{ primary: [backup] }, { twin: [backup2] }]
                general_settings:
                  request_log: { policy: full }
                """, tracing);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() {
        gw.simulator.reset();
        spans.reset();
    }

    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("switchboard.request_id");

    /** The spans of one request: its root (by request id) and everything in its subtree. */
    static List<SpanData> trace(String requestId) {
        tracing.flush(Duration.ofSeconds(5));
        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData root = all.stream().filter(s -> requestId.equals(s.getAttributes().get(REQUEST_ID))).findFirst().orElseThrow();
        return all.stream().filter(s -> s.getTraceId().equals(root.getTraceId())).toList();
    }

    /** A request's root span once the exporter has it (a busy machine may export it a moment after the answer). */
    static SpanData exportedRoot(String requestId) {
        return org.awaitility.Awaitility.await("the root span of " + requestId).atMost(Duration.ofSeconds(10))
                .ignoreExceptions().until(() -> root(trace(requestId), requestId), java.util.Objects::nonNull);
    }

    static SpanData root(List<SpanData> trace, String requestId) {
        return trace.stream().filter(s -> requestId.equals(s.getAttributes().get(REQUEST_ID))).findFirst().orElseThrow();
    }

    static List<SpanData> named(List<SpanData> trace, String prefix) {
        return trace.stream().filter(s -> s.getName().startsWith(prefix)).toList();
    }

    static String str(SpanData s, String key) { return s.getAttributes().get(AttributeKey.stringKey(key)); }

    static Long num(SpanData s, String key) { return s.getAttributes().get(AttributeKey.longKey(key)); }

    static Double dbl(SpanData s, String key) { return s.getAttributes().get(AttributeKey.doubleKey(key)); }

    @Test
    void aPlainCallIsOneGenerationWithItsPhasesAndContinuesTheClientsTrace() {
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"primary","temperature":0.2,"max_tokens":50,"user":"alice",
                 "metadata":{"session_id":"chat-42","generation_name":"summarise","tags":"team-a"},
                 "messages":[{"role":"user","content":"say hello"}]}""",
                "traceparent", "00-" + clientTrace + "-" + clientSpan + "-01", "x-switchboard-tags", "nightly");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject body = new JsonObject(r.body());
        List<SpanData> trace = trace(id);
        SpanData root = root(trace, id);

        assertThat(root.getTraceId()).isEqualTo(clientTrace);
        assertThat(r.headers().firstValue("x-switchboard-trace-id")).hasValue(clientTrace);
        assertThat(root.getParentSpanId()).isEqualTo(clientSpan);
        assertThat(root.getName()).isEqualTo("summarise");
        assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(str(root, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(str(root, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(str(root, "gen_ai.request.model")).isEqualTo("primary");
        assertThat(str(root, "gen_ai.response.model")).isEqualTo(body.getString("model"));
        assertThat(num(root, "gen_ai.usage.input_tokens")).isEqualTo(body.getJsonObject("usage").getLong("prompt_tokens"));
        assertThat(num(root, "gen_ai.usage.output_tokens")).isEqualTo(body.getJsonObject("usage").getLong("completion_tokens"));
        assertThat(num(root, "gen_ai.request.max_tokens")).isEqualTo(50);
        assertThat(dbl(root, "gen_ai.request.temperature")).isEqualTo(0.2);
        assertThat(root.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"))).containsExactly("stop");
        assertThat(BigDecimal.valueOf(dbl(root, "switchboard.cost_usd")))
                .isEqualByComparingTo(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        assertThat(str(root, "switchboard.route")).isEqualTo("primary");
        assertThat(str(root, "switchboard.cache")).isEqualTo("miss");
        assertThat(num(root, "switchboard.cached_tokens")).isEqualTo(0);
        assertThat(root.getAttributes().get(AttributeKey.stringArrayKey("switchboard.tags"))).containsExactly("team-a", "nightly");
        assertThat(str(root, "langfuse.observation.type")).isEqualTo("generation");
        assertThat(str(root, "langfuse.observation.model.name")).isEqualTo(body.getString("model"));
        assertThat(str(root, "langfuse.session.id")).isEqualTo("chat-42");
        assertThat(str(root, "session.id")).isEqualTo("chat-42");
        assertThat(str(root, "user.id")).isEqualTo("alice");
        assertThat(new JsonObject(str(root, "langfuse.observation.usage_details")).getLong("output"))
                .isEqualTo(body.getJsonObject("usage").getLong("completion_tokens"));
        // the cost as plain decimal text, the same figure as the answer's cost header
        assertThat(str(root, "langfuse.observation.cost_details")).doesNotContain("E").matches("\\{\"total\":[0-9.]+}");
        assertThat(new BigDecimal(new JsonObject(str(root, "langfuse.observation.cost_details")).getValue("total").toString()))
                .isEqualByComparingTo(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        assertThat(str(root, "langfuse.observation.input")).contains("say hello");
        assertThat(str(root, "langfuse.observation.output"))
                .isEqualTo(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));

        SpanData auth = named(trace, "switchboard.auth_and_limits").get(0);
        SpanData route = named(trace, "switchboard.route").get(0);
        SpanData attempt = named(trace, "chat primary-model").get(0);
        assertThat(auth.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(route.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(attempt.getParentSpanId()).isEqualTo(route.getSpanId());
        assertThat(str(route, "switchboard.route")).isEqualTo("primary");
        assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(str(attempt, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(num(attempt, "http.response.status_code")).isEqualTo(200);
        assertThat(str(attempt, "switchboard.attempt.reason")).isEqualTo("first");
        // the phases are in order, inside the root
        assertThat(auth.getEndEpochNanos()).isLessThanOrEqualTo(route.getStartEpochNanos());
        assertThat(attempt.getStartEpochNanos()).isGreaterThanOrEqualTo(route.getStartEpochNanos());
        assertThat(root.getEndEpochNanos()).isGreaterThanOrEqualTo(route.getEndEpochNanos());
        assertThat(named(trace, "switchboard.cache_lookup")).hasSize(1); // a cache stage runs (the 'cached' alias)
        assertThat(str(route, "gen_ai.request.model")).isEqualTo("primary"); // GenAI attributes stay for other consumers
        assertThat(str(attempt, "gen_ai.request.model")).isEqualTo("primary-model");
        assertOneLangfuseGeneration(trace, root);
        assertNoSecret(trace);
    }

    /** A virtual key's own alias: the trace names the model the call went to and the name the client asked for. */
    @Test
    void aKeysAliasIsInTheTraceAsAskedAndAsServed() {
        String key = new dev.switchboard.support.Admin(gw).generate(new JsonObject().put("key_alias", "traced-alias")
                .put("aliases", new JsonObject().put("gpt-4", "primary"))).getString("key");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        SpanData root = exportedRoot(id);
        assertThat(str(root, "gen_ai.request.model")).isEqualTo("primary");
        assertThat(str(root, "switchboard.model_asked")).isEqualTo("gpt-4");
        HttpResponse<String> plain = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(plain.statusCode()).isEqualTo(200);
        String plainId = plain.headers().firstValue("x-switchboard-request-id").orElseThrow();
        assertThat(str(exportedRoot(plainId), "switchboard.model_asked")).as("no alias, no attribute").isNull();
    }

    @Test
    void aFallbackShowsTheFailedAttemptAndTheFallbackThatServed() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        SpanData root = root(trace, id);
        assertThat(str(root, "switchboard.route")).isEqualTo("fallback:error");
        assertThat(str(root, "switchboard.deployment")).isEqualTo("openai/backup-model");
        SpanData failed = named(trace, "chat primary-model").get(0);
        SpanData served = named(trace, "chat backup-model").get(0);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(num(failed, "http.response.status_code")).isEqualTo(500); // the provider's own status, on the attempt that got it
        assertThat(str(failed, "error.type")).isNotBlank();
        assertThat(num(failed, "switchboard.attempt")).isEqualTo(1);
        assertThat(str(served, "switchboard.attempt.reason")).isEqualTo("fallback:error");
        assertThat(num(served, "switchboard.attempt")).isEqualTo(2);
        assertThat(served.getStartEpochNanos()).isGreaterThanOrEqualTo(failed.getEndEpochNanos());
        assertOneLangfuseGeneration(trace, root);
        assertNoSecret(trace);
    }

    /**
     * Each attempt span names its deployment entry's model_info.id (switchboard.model_id), as the ledger and metrics do:
     * two entries of one provider/model (backup, backup2) are apart by it, on a failed attempt and on the one that served.
     */
    @Test
    void attemptSpansNameTheirDeploymentEntrysModelId() {
        gw.simulator.behaveAlways("twin-model", SimBehaviour.status(500));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"twin\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        assertThat(str(named(trace, "chat twin-model").get(0), "switchboard.model_id")).isEqualTo("twin-east");
        SpanData served = named(trace, "chat backup-model").get(0);
        assertThat(str(served, "switchboard.alias")).isEqualTo("backup2");
        assertThat(str(served, "switchboard.model_id")).isEqualTo("backup-west");
        // the config's first entry of openai/backup-model has no id: no attribute, as the ledger's "" says
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        HttpResponse<String> p = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<SpanData> other = trace(p.headers().firstValue("x-switchboard-request-id").orElseThrow());
        assertThat(str(named(other, "chat backup-model").get(0), "switchboard.model_id")).isNull();
    }

    /** Every attempt failed: the root names where the last one failed, as the request log's row does (QA-C 4). */
    @Test
    void aRequestWhoseEveryAttemptFailedNamesTheProviderDeploymentAndRouteOfTheLastFailure() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        gw.simulator.behaveAlways("backup-model", SimBehaviour.status(500));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(502);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        SpanData root = root(trace, id);
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(str(root, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(str(root, "switchboard.deployment")).isEqualTo("openai/backup-model");
        assertThat(str(root, "switchboard.route")).isEqualTo("fallback:error");
        assertThat(str(named(trace, "chat backup-model").get(0), "switchboard.attempt.reason")).isEqualTo("fallback:error");
        assertOneLangfuseGeneration(trace, root);
    }

    /** Anthropic's prompt-cache writes have their own key in Langfuse's usage, as its reads do. */
    @Test
    void promptCacheWritesAndReadsAreApartInLangfusesUsage() {
        String longText = "You are a careful assistant. ".repeat(200); // above the cache minimum
        String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\""
                + longText + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"user\",\"content\":\"q\"}]}";
        HttpResponse<String> write = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        JsonObject usage = new JsonObject(write.body()).getJsonObject("usage");
        int written = usage.getInteger("cache_creation_input_tokens");
        assertThat(written).isGreaterThan(1000);
        SpanData root = exportedRoot(write.headers().firstValue("x-switchboard-request-id").orElseThrow());
        JsonObject details = new JsonObject(str(root, "langfuse.observation.usage_details"));
        assertThat(details.getInteger("cache_creation_input_tokens")).isEqualTo(written);
        assertThat(details.getInteger("cache_read_input_tokens")).isZero();
        assertThat(details.getInteger("input")).isEqualTo(usage.getInteger("prompt_tokens") - written);
        assertThat(details.getInteger("total")).isEqualTo(usage.getInteger("total_tokens"));

        HttpResponse<String> read = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        JsonObject readUsage = new JsonObject(read.body()).getJsonObject("usage");
        int cached = readUsage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens");
        assertThat(cached).isGreaterThan(1000);
        JsonObject readDetails = new JsonObject(str(exportedRoot(read.headers().firstValue("x-switchboard-request-id")
                .orElseThrow()), "langfuse.observation.usage_details"));
        assertThat(readDetails.getInteger("cache_read_input_tokens")).isEqualTo(cached);
        assertThat(readDetails.containsKey("cache_creation_input_tokens")).as("nothing written: no key").isFalse();
        assertThat(readDetails.getInteger("input")).isEqualTo(readUsage.getInteger("prompt_tokens") - cached);
    }

    /**
     * An OpenAI model's cache reads go under input_cached_tokens, the key Langfuse's OpenAI prices (and Gemini's) use;
     * cache_read_input_tokens is Anthropic's, which Langfuse's o1, o3-mini and Gemini prices do not have.
     */
    @Test
    void anOpenAiModelsCacheReadsUseTheKeyLangfusesOpenAiPricesUse() {
        String longText = "You are a careful assistant. ".repeat(300); // above OpenAI's 1,024-token cache minimum
        String body = "{\"model\":\"primary\",\"messages\":[{\"role\":\"system\",\"content\":\"" + longText
                + "\"},{\"role\":\"user\",\"content\":\"q\"}]}";
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body).statusCode()).isEqualTo(200);
        HttpResponse<String> read = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        JsonObject usage = new JsonObject(read.body()).getJsonObject("usage");
        int cached = usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens");
        assertThat(cached).isGreaterThan(1000);
        JsonObject details = new JsonObject(str(exportedRoot(read.headers().firstValue("x-switchboard-request-id")
                .orElseThrow()), "langfuse.observation.usage_details"));
        assertThat(details.getInteger("input_cached_tokens")).as(details.encode()).isEqualTo(cached);
        assertThat(details.containsKey("cache_read_input_tokens")).as(details.encode()).isFalse();
        assertThat(details.getInteger("input")).isEqualTo(usage.getInteger("prompt_tokens") - cached);
        assertThat(details.getInteger("total")).isEqualTo(usage.getInteger("total_tokens"));
    }

    @Test
    void aCacheHitHasNoProviderAttemptCostsNothingAndSaysWhatItSaved() {
        String ask = "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}";
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, ask).statusCode()).isEqualTo(200);
        HttpResponse<String> hit = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, ask);
        assertThat(hit.headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
        String id = hit.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        SpanData root = root(trace, id);
        assertThat(str(root, "switchboard.cache")).isEqualTo("hit-exact");
        assertThat(dbl(root, "switchboard.cost_usd")).isEqualTo(0.0);
        assertThat(dbl(root, "switchboard.saved_usd")).isPositive();
        assertThat(str(named(trace, "switchboard.cache_lookup").get(0), "switchboard.cache")).isEqualTo("hit-exact");
        assertThat(named(trace, "switchboard.route")).isEmpty();
        assertThat(named(trace, "chat gpt-4o-mini")).isEmpty();
    }

    @Test
    void aStreamHasItsStreamSpanWithTimeToFirstTokenAndJoinsTheTraceItsMetadataNames() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"primary","stream":true,"metadata":{"trace_id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                 "trace_name":"agent-run"},"messages":[{"role":"user","content":"stream me a few words please"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("[DONE]");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        SpanData root = root(trace, id);
        assertThat(root.getTraceId()).isEqualTo("3f2504e04f8911d39a0c0305e82c3301");
        assertThat(r.headers().firstValue("x-switchboard-trace-id")).hasValue(root.getTraceId());
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(str(root, "langfuse.trace.name")).isEqualTo("agent-run");
        assertThat(num(root, "gen_ai.usage.output_tokens")).isPositive();
        assertThat(dbl(root, "switchboard.ttft_ms")).isNotNull();
        SpanData stream = named(trace, "switchboard.stream").get(0);
        assertThat(stream.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(num(stream, "switchboard.stream.chunks")).isGreaterThan(1);
        assertThat(dbl(stream, "switchboard.ttft_ms")).isPositive();
        assertThat(stream.getEvents()).extracting(e -> e.getName()).contains("first_token");
        assertOneLangfuseGeneration(trace, root);
        // Langfuse's time to first token: the first token's instant, inside the call
        long firstToken = java.time.Instant.parse(str(root, "langfuse.observation.completion_start_time")).toEpochMilli();
        assertThat(firstToken).isBetween(root.getStartEpochNanos() / 1_000_000, root.getEndEpochNanos() / 1_000_000);
        long firstTokenEvent = stream.getEvents().stream().filter(e -> e.getName().equals("first_token")).findFirst()
                .orElseThrow().getEpochNanos() / 1_000_000;
        assertThat(firstToken).as("one instant: the event's and Langfuse's attribute").isEqualTo(firstTokenEvent);
        String streamed = String.join("", Http.sseData(r.body()).stream().filter(d -> !d.equals("[DONE]"))
                .map(d -> new JsonObject(d).getJsonArray("choices")).filter(c -> c != null && !c.isEmpty())
                .map(c -> c.getJsonObject(0).getJsonObject("delta").getString("content", "")).toList());
        assertThat(str(root, "langfuse.observation.output")).isEqualTo(streamed);
        // a second call with the same metadata.trace_id joins the same trace
        HttpResponse<String> again = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"primary","metadata":{"trace_id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
                 "messages":[{"role":"user","content":"next step"}]}""");
        String id2 = again.headers().firstValue("x-switchboard-request-id").orElseThrow();
        assertThat(root(trace(id2), id2).getTraceId()).isEqualTo(root.getTraceId());
    }

    @Test
    void aRefusedRequestIsATraceWithItsErrorAndNothingIsLeftInFlight() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"primary\",\"models\":[\"nope\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isGreaterThanOrEqualTo(400);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        SpanData root = root(trace(id), id);
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(num(root, "http.response.status_code")).isEqualTo(r.statusCode());
        assertThat(str(root, "langfuse.observation.level")).isEqualTo("ERROR");
        assertThat(gw.gateway.observedInFlight()).isZero();
    }

    @Test
    void aProviderKeyInAPromptNeverReachesASpan() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + TestGateway.PROVIDER_KEY + "\"}]}");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        assertThat(str(root(trace, id), "langfuse.observation.input")).contains("[REDACTED]");
        assertNoSecret(trace);
    }

    /** A key a client put in its call's names (metadata, user, tags) is masked in spans, the request log and the ledger. */
    @Test
    void aKeyInTheCallsNamesNeverReachesASpanTheLogOrTheLedger() {
        String vk = "sk-sb-" + "A".repeat(43);
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"primary","user":"user-%s","metadata":{"session_id":"sess-%s","generation_name":"gen-%s",
                 "trace_name":"tn-%s","tags":["t-%s"]},"messages":[{"role":"user","content":"hi"}]}"""
                .formatted(TestGateway.PROVIDER_KEY, vk, TestGateway.PROVIDER_KEY, vk, TestGateway.PROVIDER_KEY));
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<SpanData> trace = trace(id);
        SpanData root = root(trace, id);
        assertThat(root.getName()).isEqualTo("gen-[REDACTED]");
        assertThat(str(root, "session.id")).isEqualTo("sess-[REDACTED]");
        assertNoSecret(trace);
        for (SpanData s : trace) assertThat(s.toString()).doesNotContain(vk);
        dev.switchboard.support.Admin admin = new dev.switchboard.support.Admin(gw);
        String log = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY), x -> x.statusCode() == 200).body();
        String ledger = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> admin.getOk("/spend/logs?request_id=" + id).encode(), x -> x.contains(id));
        for (String stored : List.of(log, ledger)) {
            assertThat(stored).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(vk)
                    .contains("[REDACTED]");
        }
        assertThat(ledger).contains("user-[REDACTED]").contains("t-[REDACTED]");
    }

    /**
     * Langfuse ingests the call as one generation (the root): every other span that carries a GenAI attribute, which
     * Langfuse would otherwise type by it as a generation of its own (gen_ai.operation.name, gen_ai.request.model), says
     * {@code langfuse.observation.type=span}, the attribute Langfuse reads first (its ObservationTypeMapper).
     */
    static void assertOneLangfuseGeneration(List<SpanData> trace, SpanData root) {
        assertThat(str(root, "langfuse.observation.type")).isEqualTo("generation");
        List<SpanData> genAi = trace.stream().filter(s -> s != root)
                .filter(s -> s.getAttributes().asMap().keySet().stream().anyMatch(k -> k.getKey().startsWith("gen_ai."))).toList();
        assertThat(genAi).isNotEmpty();
        for (SpanData s : genAi) assertThat(str(s, "langfuse.observation.type")).as(s.getName()).isEqualTo("span");
    }

    static void assertNoSecret(List<SpanData> trace) {
        for (SpanData s : trace) {
            assertThat(s.toString()).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(TestGateway.MASTER_KEY);
        }
    }
}
