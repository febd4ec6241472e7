package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the client sees when the provider fails: passed-through 4xx, 502/504 for 5xx and timeouts, broken streams. */
class UpstreamFaultsIT {
    static TestGateway gw;
    static final String CHAT = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static JsonObject error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        OpenAiSchemas.assertValid("ErrorResponse", r.body());
        return new JsonObject(r.body()).getJsonObject("error");
    }

    @Test
    void upstream429PassesThroughWithRetryAfter() {
        gw.simulator.enqueue(SimBehaviour.rateLimited(7));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, CHAT);
        JsonObject e = error(r, 429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(e.getString("code")).isEqualTo("rate_limit_exceeded");
        assertThat(e.getString("message")).contains("Rate limit reached");
    }

    @Test
    void upstream4xxPassesThroughWithItsMessage() {
        gw.simulator.enqueue(SimBehaviour.status(400));
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, CHAT), 400);
        assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(e.getString("param")).isEqualTo("messages");
        assertThat(e.getString("message")).contains("maximum context length");
    }

    @Test
    void upstream5xxIs502AndNamesTheDeployment() {
        gw.simulator.enqueue(SimBehaviour.status(500));
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, CHAT), 502);
        assertThat(e.getString("message")).contains("openai/gpt-4o-mini").contains("HTTP 500")
                .as("the upstream's address is the operator's (the log has it), not the client's").doesNotContain("127.0.0.1");
    }

    @Test
    void upstreamTimeoutIs504() {
        gw.simulator.enqueue(SimBehaviour.slowFirstByte(3_000)); // the deployment's timeout is 2 s
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, CHAT), 504);
        assertThat(e.getString("message")).contains("did not answer in time");
    }

    @Test
    void unreachableUpstreamIs502() {
        try (TestGateway dead = TestGateway.start("""
                model_list:
                  - model_name: gone
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:1/v1", api_key: sk-x }
                """)) {
            JsonObject e = error(Http.post(dead.v1() + "/chat/completions", null,
                    "{\"model\":\"gone\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 502);
            assertThat(e.getString("message")).contains("Cannot connect to upstream openai/gpt-4o-mini")
                    .contains("onnection refused").doesNotContain("127.0.0.1").doesNotContain(":1");
        }
    }

    @Test
    void streamFailingBeforeFirstByteIsAPlainError() {
        gw.simulator.enqueue(SimBehaviour.rateLimited(2));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, STREAM);
        error(r, 429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
    }

    @Test
    void streamCutMidwayEndsWithAnErrorEventNeverDone() {
        gw.simulator.enqueue(SimBehaviour.cutAfter(3));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, STREAM);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data).doesNotContain("[DONE]");
        assertThat(data).hasSize(4); // three relayed chunks, then the error event
        OpenAiSchemas.assertValid("ErrorResponse", data.get(3));
        assertThat(new JsonObject(data.get(3)).getJsonObject("error").getString("message")).contains("openai/gpt-4o-mini")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void aCutAtOrPastTheStreamsEndCutsBeforeItsLastEvent() {
        // --cut-after N with N at least the stream's event count used to cut nothing: the stream ended whole
        gw.simulator.enqueue(SimBehaviour.cutAfter(10_000));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, STREAM);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data).doesNotContain("[DONE]");
        OpenAiSchemas.assertValid("ErrorResponse", data.get(data.size() - 1));
    }

    @Test
    void streamThatFallsSilentMidwayEndsWithATimeoutErrorEvent() {
        // one event, then 6 s of silence: over the deployment's 2 s (stream_timeout defaults to timeout); the silence is
        // far longer than the timeout so that a loaded machine's delay (it once took 2.9 s with a 3 s silence) cannot
        // blur the gateway's timeout with the upstream's own next event
        gw.simulator.enqueue(SimBehaviour.longSlowStream(6_000, 1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, STREAM);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data).doesNotContain("[DONE]");
        String last = data.get(data.size() - 1);
        OpenAiSchemas.assertValid("ErrorResponse", last);
        assertThat(new JsonObject(last).getJsonObject("error").getString("message")).contains("did not answer in time");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1_900L, 5_000L);
    }

    @Test
    void slowStreamWithinTheTimeoutBetweenEventsCompletes() {
        // an event every 700 ms, longer than the 2 s timeout in all: each silence is what counts
        gw.simulator.enqueue(SimBehaviour.longSlowStream(700, 1));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, STREAM);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.sseData(r.body())).contains("[DONE]");
    }

    @Test
    void streamCutMidwayRaisesInTheSdk() {
        gw.simulator.enqueue(SimBehaviour.cutAfter(3));
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            List<ChatCompletionChunk> got = new ArrayList<>();
            assertThatThrownBy(() -> {
                try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                        ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi").build())) {
                    s.stream().forEach(got::add);
                }
            }).isInstanceOf(com.openai.errors.OpenAIException.class);
            assertThat(got).hasSize(3);
        } finally {
            client.close();
        }
    }

    @Test
    void clientDisconnectMidStreamCancelsTheUpstream() throws Exception {
        gw.simulator.enqueue(SimBehaviour.longSlowStream(50, 40)); // hundreds of events, 50 ms apart
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        InputStream in = r.body();
        byte[] first = in.readNBytes(200); // some of the stream arrived
        assertThat(new String(first)).startsWith("data: ");
        in.close(); // the client goes away
        client.shutdownNow();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gw.simulator.cancelledStreams()).isEqualTo(1));
        assertThat(gw.simulator.completedStreams()).isZero();
    }

    /**
     * A stream whose connection breaks right after the upstream's usage, before {@code [DONE]} / {@code message_stop}
     * (the simulator cut after all its events but the last): the client gets an error event, and the ledger row says
     * the same, 502, at the usage the provider reported; it was a 200 the moment the usage passed (QA finding 2).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({"openai", "anthropic"})
    void aStreamBrokenRightAfterItsUsageIsA502InTheLedgerAtTheProvidersUsage(String dialect) {
        boolean anthropic = dialect.equals("anthropic");
        String prompt = "usage then a cut";
        // the simulator's own events for this prompt: the last is [DONE] / message_stop, the one before it has the usage
        String events = anthropic
                ? Http.post(gw.simulator.rootUrl() + "/v1/messages", null, "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,"
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}",
                        "x-api-key", TestGateway.ANTHROPIC_PROVIDER_KEY, "anthropic-version", "2023-06-01").body()
                : Http.post(gw.simulator.baseUrl() + "/chat/completions", TestGateway.PROVIDER_KEY, "{\"model\":\"gpt-4o-mini\","
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\""
                        + prompt + "\"}]}").body();
        int count = events.split(anthropic ? "\nevent: |^event: " : "\ndata: |^data: ", -1).length - 1;
        assertThat(events).contains(anthropic ? "message_stop" : "[DONE]");
        gw.simulator.reset();
        gw.simulator.enqueue(SimBehaviour.cutAfter(count - 1));
        HttpResponse<String> r = anthropic
                ? Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"claude\",\"max_tokens\":100,"
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")
                : Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as("the usage passed, then the break").contains(anthropic ? "\"output_tokens\"" : "\"usage\":{")
                .contains(anthropic ? "event: error" : "{\"error\":").doesNotContain(anthropic ? "message_stop" : "[DONE]");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject row = await().atMost(Duration.ofSeconds(10)).until(() -> {
            // the call's own row 0 (the broken attempt is a row of its own, 1, at no cost)
            var rows = dev.switchboard.support.Admin.ok(Http.get(gw.baseUrl() + "/spend/logs?request_id=" + id, TestGateway.MASTER_KEY))
                    .getJsonArray("data");
            return rows.stream().map(JsonObject.class::cast).filter(o -> o.getInteger("attempt") == 0).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
        assertThat(row.getInteger("status")).as(row.encode()).isEqualTo(502);
        assertThat(row.getBoolean("usage_estimated")).as("the provider's usage, not an estimate").isFalse();
        assertThat(row.getInteger("prompt_tokens")).isPositive();
        assertThat(new java.math.BigDecimal(row.getValue("spend").toString())).as("what the provider billed").isPositive();
    }
}
