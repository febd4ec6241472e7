package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An upstream that answers 200 with a body of the wrong shape ({@code {}}, no {@code choices}, {@code candidates:
 * "nope"}, wrongly typed fields), from each provider type, whole or streamed: the client gets a 502 naming the
 * deployment (never a 200 with an empty answer, nor Anthropic's raw {@code {}} passed through), and as a retryable
 * failure it falls back to a good deployment. A 200 carrying {@code {"error":…}} is reported as that error.
 */
class UpstreamShapeIT {
    static CannedGateway env;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: o
                    litellm_params: { model: openai/shape-o, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: a
                    litellm_params: { model: anthropic/shape-a, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: g
                    litellm_params: { model: gemini/shape-g, api_base: "%1$s", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: o2
                    litellm_params: { model: openai/shape-o2, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: a2
                    litellm_params: { model: anthropic/shape-a2, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: g2
                    litellm_params: { model: gemini/shape-g2, api_base: "%1$s", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: good
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                  fallbacks: [{ o2: [good] }, { a2: [good] }, { g2: [good] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    private static HttpResponse<String> chat(String alias, String tag, boolean stream) {
        return Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"stream\":"
                + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    private static HttpResponse<String> messages(String alias, String tag, boolean stream) {
        return Http.post(env.gw().baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"max_tokens\":20,"
                + "\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    private static String deployment(String alias) {
        return switch (alias.charAt(0)) {
            case 'o' -> "openai/shape-" + alias;
            case 'a' -> "anthropic/shape-" + alias;
            default -> "gemini/shape-" + alias;
        };
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            o | {}                                                                                      | choices
            o | {"id":"c1","choices":"nope"}                                                            | choices
            o | {"id":"c1","choices":[{"index":0,"message":"hi","finish_reason":"stop"}]}               | message
            o | {"id":"c1","choices":[{"index":0,"finish_reason":"stop"}]}                              | message
            o | {"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":5},"finish_reason":"stop"}]} | content
            o | {"id":"c1","model":7,"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]} | model
            o | [1,2]                                                                                   | JSON object
            a | {}                                                                                      | content
            a | {"id":"m1","type":"message","role":"assistant","content":"nope"}                        | content
            a | {"id":"m1","type":"message","role":"assistant","content":[{"text":"hi"}]}               | type
            a | {"id":"m1","type":"message","role":"assistant","content":[{"type":"text","text":5}]}    | text
            a | {"id":"m1","type":"message","role":"assistant","model":["x"],"content":[]}              | model
            g | {}                                                                                      | candidates
            g | {"candidates":"nope"}                                                                   | candidates
            g | {"candidates":[{"content":{"role":"model","parts":[{"text":5}]}}]}                      | text
            g | {"candidates":[{"content":{"role":"model","parts":"hi"}}]}                              | parts
            """)
    void aWrongShaped200IsA502NamingTheDeploymentInBothDialects(String alias, String body, String names) {
        String tag = env.up().json(200, body);
        HttpResponse<String> o = chat(alias, tag, false);
        assertThat(o.statusCode()).as(o.body()).isEqualTo(502);
        OpenAiSchemas.assertValid("ErrorResponse", o.body());
        assertThat(new JsonObject(o.body()).getJsonObject("error").getString("message"))
                .contains(deployment(alias)).contains("200").contains(names).doesNotContain("not valid JSON");
        HttpResponse<String> a = messages(alias, tag, false); // for alias a: Anthropic pass-through of the raw body
        assertThat(a.statusCode()).as(a.body()).isEqualTo(502);
        JsonObject err = new JsonObject(a.body());
        assertThat(err.getString("type")).isEqualTo("error");
        assertThat(err.getJsonObject("error").getString("message")).contains(deployment(alias)).contains(names);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            o | 429 | {"error":{"message":"Your quota is exhausted for this project","type":"insufficient_quota","code":"insufficient_quota"}}
            a | 502 | {"type":"error","error":{"type":"api_error","message":"Your quota is exhausted for this project"}}
            g | 429 | {"error":{"code":429,"message":"Your quota is exhausted for this project","status":"RESOURCE_EXHAUSTED"}}
            """)
    void aNErrorSentWithStatus200IsReportedAsThatError(String alias, int status, String body) {
        String tag = env.up().json(200, body);
        for (HttpResponse<String> r : java.util.List.of(chat(alias, tag, false), messages(alias, tag, false))) {
            // the error names its status: Google's RESOURCE_EXHAUSTED and OpenAI's insufficient_quota are the 429 they
            // are with their own status
            assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
            assertThat(r.body()).contains("Your quota is exhausted for this project")
                    .doesNotContain("not valid JSON");
            if (status == 502) assertThat(r.body()).contains(deployment(alias));
        }
    }

    /**
     * Gemini's overload sent as the body of a 200: a 503 (Anthropic's {@code overloaded_error}), as the same error in a
     * stream is, worded as an error in that 200 answer, not as a failure of "HTTP 200" (QA cloud finding 3).
     */
    @Test
    void aGeminiOverloadSentWithStatus200IsA503() {
        String tag = env.up().json(200, "{\"error\":{\"code\":503,\"message\":\"overloaded in 200\",\"status\":\"UNAVAILABLE\"}}");
        HttpResponse<String> o = chat("g", tag, false);
        assertThat(o.statusCode()).as(o.body()).isEqualTo(503);
        JsonObject error = new JsonObject(o.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("server_error"); // OpenAI's type for its own 503, not service_unavailable
        assertThat(error.getString("message")).isEqualTo("Upstream gemini/shape-g is overloaded (an error in its HTTP 200 answer): "
                + "overloaded in 200");
        HttpResponse<String> a = messages("g", tag, false);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(503);
        assertThat(new JsonObject(a.body()).getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
        assertThat(a.body()).doesNotContain("HTTP 200)");
    }

    /**
     * An OpenAI-style or Anthropic error object sent as the body of a 200 (OpenRouter's numeric {@code code}, a
     * compatible server's or a proxy's own): the status the error names, worded as an error in that 200 answer, as
     * Gemini's is — it was a 502 "failed (HTTP 200)" (QA leftover of the nineteenth session).
     */
    @ParameterizedTest(name = "{0} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            o | {"error":{"code":400,"message":"bad params in 200","metadata":{"provider_name":"x"}}} | 400
            o | {"error":{"message":"bad params in 200","type":"invalid_request_error","param":null,"code":null}} | 400
            o | {"error":{"message":"bad params in 200","type":"not_found_error"}} | 404
            a | {"type":"error","error":{"type":"invalid_request_error","message":"bad params in 200"}} | 400
            a | {"type":"error","error":{"type":"permission_error","message":"bad params in 200"}} | 403
            o | {"error":{"code":502,"message":"bad params in 200"}} | 502
            a | {"type":"error","error":{"type":"api_error","message":"bad params in 200"}} | 502
            """)
    void anErrorSentWithStatus200IsTheStatusItNames(String alias, String body, int status) {
        String tag = env.up().json(200, body);
        HttpResponse<String> r = chat(alias, tag, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        // a client error passes the upstream's words on as they are; the gateway's own words say where a failure was
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).isEqualTo(status < 500 ? "bad params in 200"
                : "Upstream " + deployment(alias) + " failed (an error in its HTTP 200 answer): bad params in 200");
        HttpResponse<String> a = messages(alias, tag, false);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(status);
        assertThat(a.body()).contains("bad params in 200").doesNotContain("HTTP 200)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            o2 | {"id":"c1","choices":"nope"}
            a2 | {}
            g2 | {"candidates":"nope"}
            """)
    void aWrongShaped200FallsBackToAGoodDeployment(String alias, String body) {
        String tag = env.up().json(200, body);
        for (boolean anthropicClient : new boolean[] {false, true}) {
            HttpResponse<String> r = anthropicClient ? messages(alias, tag, false) : chat(alias, tag, false);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
            assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
        }
        assertThat(env.up().hits(tag)).isEqualTo(2); // the wrong answer was asked for once per request, then the fallback served
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            o | data: {"id":"c1","object":"chat.completion.chunk","choices":"nope"}                                                  | choices
            o | data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":"hi"}]}                              | delta
            o | data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":{"a":1}}}]}              | content
            a | event: message_start\\ndata: {"type":"message_start","message":"nope"}                                            | message
            a | event: message_start\\ndata: {"type":"message_start","message":{"id":"m1","model":"x","content":[]}}\\n\\nevent: content_block_delta\\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}} | text
            g | data: {"candidates":"nope"}                                                                                          | candidates
            g | data: {"candidates":[{"content":{"parts":[{"text":["x"]}]}}]}                                                       | text
            """)
    void aWrongShapedStreamEventFailsTheStreamNamingTheDeployment(String alias, String event, String names) {
        String tag = env.up().sse(event.replace("\\n", "\n") + "\n\n");
        for (boolean anthropicClient : new boolean[] {false, true}) {
            HttpResponse<String> r = anthropicClient ? messages(alias, tag, true) : chat(alias, tag, true);
            String what = (anthropicClient ? "anthropic client: " : "openai client: ") + r.body();
            // before the first byte went out this is a status; either way the client learns the stream failed and why
            assertThat(r.statusCode()).as(what).isIn(200, 502);
            assertThat(r.body()).as(what).contains(deployment(alias)).contains(names).contains("error")
                    .doesNotContain("[DONE]").doesNotContain("message_stop").doesNotContain("\"nope\"");
        }
    }

    /** The Responses API passed through to an OpenAI-style server whose 200 is not a Response object: a 502, never a hang. */
    @Test
    void aResponsesAnswerWithoutOutputIsA502() {
        String tag = env.up().json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
        HttpResponse<String> r = Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY, "{\"model\":\"o\",\"input\":\"" + tag + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains(deployment("o")).contains("output");
    }

    @Test
    void aGoodAnswerStillPasses() {
        String tag = env.up().json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"shape-o\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"fine\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}");
        HttpResponse<String> r = chat("o", tag, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"fine\"");
    }

    /**
     * A stream that ends right after the upstream's usage (no {@code message_stop}): the client
     * gets an error event, and the ledger row says the same (502), priced at the usage the provider reported, where it
     * was a 200 the moment the usage passed (QA finding 2).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"a"}) // an OpenAI stream that ends cleanly after its finish reason counts as complete: UpstreamFaultsIT cuts one
    void aStreamCutAfterItsUsageIsA502InTheLedgerAtTheProvidersUsage(String alias) {
        boolean anthropic = alias.equals("a");
        String tag = env.up().sse(anthropic ? """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_u","type":"message","role":"assistant","model":"shape-a","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}

                """ : """
                data: {"id":"chatcmpl-u","object":"chat.completion.chunk","created":1,"model":"shape-o","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}

                data: {"id":"chatcmpl-u","object":"chat.completion.chunk","created":1,"model":"shape-o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"chatcmpl-u","object":"chat.completion.chunk","created":1,"model":"shape-o","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}

                """);
        HttpResponse<String> r = anthropic ? messages(alias, tag, true) : chat(alias, tag, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as("the client saw the break").contains(anthropic ? "event: error" : "\"error\"")
                .doesNotContain(anthropic ? "message_stop" : "[DONE]");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject row = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            var rows = dev.switchboard.support.Admin.ok(Http.get(env.gw().baseUrl() + "/spend/logs?request_id=" + id, TestGateway.MASTER_KEY))
                    .getJsonArray("data");
            // the call's own row (attempt 0); the broken stream's failed attempt has a row of its own, at cost 0
            return rows.stream().map(JsonObject.class::cast).filter(o -> o.getInteger("attempt") == 0).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
        assertThat(row.getInteger("status")).as(row.encode()).isEqualTo(502);
        assertThat(row.getString("error_type")).isNotNull();
        assertThat(row.getBoolean("usage_estimated")).as("the provider's usage, not an estimate").isFalse();
        assertThat(row.getInteger("prompt_tokens")).isEqualTo(11);
        assertThat(row.getInteger("completion_tokens")).isEqualTo(3);
    }

    /**
     * An Anthropic 503 overloaded_error (Claude behind a proxy, a compatible server) is an overload, answered as the
     * error contract says (529 to Anthropic's clients, 503 to OpenAI's), but its message, and the ledger's attempt row
     * when it is fallen back from, keep the 503 the upstream sent: it read "HTTP 529" (QA routing F2).
     */
    @Test
    void anAnthropic503OverloadKeepsTheStatusItWasSentWith() {
        String tag = env.up().json(503, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"boom 503\"}}");
        HttpResponse<String> anthropic = messages("a", tag, false);
        assertThat(anthropic.statusCode()).isEqualTo(529);
        assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("message"))
                .isEqualTo("Upstream anthropic/shape-a is overloaded (HTTP 503): boom 503");
        HttpResponse<String> openAi = chat("a", tag, false);
        assertThat(openAi.statusCode()).isEqualTo(503);
        assertThat(openAi.body()).contains("(HTTP 503)").doesNotContain("529");

        HttpResponse<String> fellBack = chat("a2", tag, false);
        assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
        assertThat(fellBack.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        List<JsonObject> rows = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> env.admin().ledgerRows(fellBack), r -> r.size() == 2);
        JsonObject failed = rows.stream().filter(o -> o.getInteger("attempt") == 1).findFirst().orElseThrow();
        assertThat(failed.getString("deployment")).isEqualTo("anthropic/shape-a2");
        assertThat(failed.getInteger("status")).as(failed.encode()).isEqualTo(503);
    }

    /**
     * An error event in a stream the upstream answered with HTTP 200 is worded as that, not as an HTTP status the
     * upstream never sent ("failed (HTTP 502)", "is overloaded (HTTP 529)"; QA finding 5).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"o", "a"})
    void anErrorEventInAStreamIsWordedAsOneNotAsAnHttpStatus(String alias) {
        boolean anthropic = alias.equals("a");
        String tag = env.up().sse(anthropic ? """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_e","type":"message","role":"assistant","model":"shape-a","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"mid-stream fault"}}

                """ : """
                data: {"id":"chatcmpl-e","object":"chat.completion.chunk","created":1,"model":"shape-o","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}

                data: {"error":{"message":"mid-stream fault","type":"overloaded_error"}}

                """);
        HttpResponse<String> r = anthropic ? messages(alias, tag, true) : chat(alias, tag, true);
        assertThat(r.body()).contains("mid-stream fault").contains("an error event in its HTTP 200 stream")
                .doesNotContain("(HTTP 502)").doesNotContain("(HTTP 529)");
    }

    /**
     * Gemini's error chunk in a 200 stream ({@code data: {"error":{"code":500,…}}}) is worded as an error event too, on
     * the chat route and on the Responses API's {@code response.failed} and {@code error} events: it read "failed (HTTP
     * 500)", a status Google never sent (QA run of the Responses API, 2026-12-05, defect 4).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"chat", "responses"})
    void geminisErrorChunkInA200StreamIsWordedAsAnErrorEvent(String route) {
        String tag = env.up().sse("""
                data: {"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},"index":0}],"modelVersion":"shape-g"}

                data: {"error":{"code":500,"message":"gemini mid-stream fault","status":"INTERNAL"}}

                """);
        HttpResponse<String> r = route.equals("chat") ? chat("g", tag, true) : Http.post(env.gw().v1() + "/responses",
                TestGateway.MASTER_KEY, "{\"model\":\"g\",\"stream\":true,\"input\":\"" + tag + "\"}");
        assertThat(r.body()).contains("gemini mid-stream fault")
                .contains("Upstream gemini/shape-g failed (an error event in its HTTP 200 stream): gemini mid-stream fault")
                .doesNotContain("(HTTP 500)");
        if (route.equals("responses")) {
            List<String> types = Http.sseData(r.body()).stream().map(d -> new JsonObject(d).getString("type")).toList();
            assertThat(types).contains("response.failed", "error");
        }
    }

    /**
     * An overload in a Responses stream (Gemini's 503 error chunk after the first text): the {@code error} event's
     * {@code code} is OpenAI's {@code server_error}, as its {@code type} and the {@code response.failed}'s
     * {@code error.code} are; it said {@code service_unavailable} beside {@code type: server_error}.
     */
    @Test
    void anOverloadInAResponsesStreamIsServerErrorInItsCodeAndType() {
        String tag = env.up().sse("""
                data: {"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},"index":0}],"modelVersion":"shape-g"}

                data: {"error":{"code":503,"message":"gemini overloaded mid-stream","status":"UNAVAILABLE"}}

                """);
        HttpResponse<String> r = Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"g\",\"stream\":true,\"input\":\"" + tag + "\"}");
        List<JsonObject> events = Http.sseData(r.body()).stream().map(JsonObject::new).toList();
        JsonObject error = events.stream().filter(e -> "error".equals(e.getString("type"))).findFirst().orElseThrow();
        assertThat(error.getString("code")).as(r.body()).isEqualTo("server_error");
        assertThat(error.getJsonObject("error").getString("type")).isEqualTo("server_error");
        JsonObject failed = events.stream().filter(e -> "response.failed".equals(e.getString("type"))).findFirst().orElseThrow();
        assertThat(failed.getJsonObject("response").getJsonObject("error").getString("code")).isEqualTo("server_error");
    }
}
