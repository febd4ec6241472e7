package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stream whose upstream answers HTTP 200 and then an error as its first event (Claude's overloaded_error, an
 * OpenAI-style {"error":…} chunk, Gemini's error chunk) has sent the client nothing: the attempt failed as the same
 * error sent as a status would have, so the request falls back, and the client gets the fallback's stream with
 * {@code x-switchboard-route: fallback:error}. It got a 200 holding the one error event, route primary (QA routing F1).
 * A healthy stream's events are delivered as before, its first event included; an error after the first event still
 * only ends the stream.
 */
class FirstEventErrorIT {
    static CannedGateway env;

    private static final String ANTHROPIC_OVERLOAD = """
            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded first"}}

            """;
    private static final String OPENAI_ERROR = """
            data: {"error":{"message":"server busy first","type":"server_error","code":null}}

            """;
    private static final String GEMINI_ERROR = """
            data: {"error":{"code":503,"message":"gemini overloaded first","status":"UNAVAILABLE"}}

            """;

    /** A function call Gemini could not write: the only candidate finished MALFORMED_FUNCTION_CALL (QA streams run, finding 1). */
    private static final String GEMINI_MALFORMED = """
            data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MALFORMED_FUNCTION_CALL","finishMessage":"Malformed function call: f(a=","index":0}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"modelVersion":"gemini-2.5-flash"}

            """;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: a
                    litellm_params: { model: anthropic/first-a, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: o
                    litellm_params: { model: openai/first-o, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: g
                    litellm_params: { model: gemini/first-g, api_base: "%1$s", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: lone
                    litellm_params: { model: anthropic/first-lone, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: lone-o
                    litellm_params: { model: openai/first-lone-o, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: good
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                  fallbacks: [{ a: [good] }, { o: [good] }, { g: [good] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    private static HttpResponse<String> chat(String alias, String tag) {
        return Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    private static HttpResponse<String> messages(String alias, String tag) {
        return Http.post(env.gw().baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"" + alias
                + "\",\"max_tokens\":20,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    private static List<JsonObject> rows(HttpResponse<String> r, int n) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> env.admin().ledgerRows(r), rows -> rows.size() == n);
    }

    @ParameterizedTest(name = "{0} upstream, {1} client")
    @CsvSource({
            "a, openai, anthropic/first-a, 529",
            "a, anthropic, anthropic/first-a, 529",
            "o, openai, openai/first-o, 500",
            "o, anthropic, openai/first-o, 500",
            "g, openai, gemini/first-g, 503",
            "gm, openai, gemini/first-g, 502",
            "gm, anthropic, gemini/first-g, 502"})
    void anErrorAsTheFirstEventFallsBackBeforeTheClientSeesAnything(String alias, String client, String deployment, int status) {
        String tag = env.up().sse(switch (alias) {
            case "a" -> ANTHROPIC_OVERLOAD;
            case "o" -> OPENAI_ERROR;
            case "gm" -> GEMINI_MALFORMED;
            default -> GEMINI_ERROR;
        });
        if (alias.equals("gm")) alias = "g";
        boolean anthropicClient = client.equals("anthropic");
        HttpResponse<String> r = anthropicClient ? messages(alias, tag) : chat(alias, tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
        assertThat(r.body()).as("the fallback's whole stream, nothing of the failed one")
                .contains(anthropicClient ? "event: message_stop" : "data: [DONE]")
                .doesNotContain("first\"").doesNotContain("an error event in its HTTP 200 stream").doesNotContain("event: error");
        if (anthropicClient) assertThat(r.body()).startsWith("event: message_start");
        assertThat(env.up().hits(tag)).as("asked once: num_retries 0, then the fallback").isEqualTo(1);

        List<JsonObject> rows = rows(r, 2);
        JsonObject failed = rows.stream().filter(o -> o.getInteger("attempt") == 1).findFirst().orElseThrow();
        assertThat(failed.getString("deployment")).isEqualTo(deployment);
        assertThat(failed.getInteger("status")).as(failed.encode()).isEqualTo(status);
        assertThat(failed.getDouble("spend")).isZero();
        JsonObject served = rows.stream().filter(o -> o.getInteger("attempt") == 0).findFirst().orElseThrow();
        assertThat(served.getString("deployment")).isEqualTo("openai/gpt-4o-mini");
        assertThat(served.getString("route")).isEqualTo("fallback:error");
        assertThat(served.getInteger("status")).isEqualTo(200);
    }

    /**
     * Without a fallback the first event's error is the answer's status, as the same error sent as a status would be:
     * Anthropic's 529 to its clients (whose SDKs retry it), 503 to OpenAI's; never a 200 holding one error event.
     */
    @Test
    void withoutAFallbackTheFirstEventsErrorIsTheAnswersStatus() {
        String tag = env.up().sse(ANTHROPIC_OVERLOAD);
        HttpResponse<String> anthropic = messages("lone", tag);
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(529);
        JsonObject error = new JsonObject(anthropic.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("overloaded_error");
        assertThat(error.getString("message"))
                .isEqualTo("Upstream anthropic/first-lone is overloaded (an error event in its HTTP 200 stream): Overloaded first");
        HttpResponse<String> openAi = chat("lone", tag);
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(503);
        assertThat(openAi.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    }

    /**
     * An OpenAI-style error event is mapped by what it names, as a status would be: a rate limit (OpenAI's
     * {@code rate_limit_exceeded}, OpenRouter's numeric {@code code}) is a 429 to both dialects' clients, so their SDKs
     * wait and retry it, and to the router (a rate-limit cool-down), not a 502.
     */
    @Test
    void anOpenAiStyleFirstEventIsMappedByWhatItNames() {
        String tag = env.up().sse("""
                data: {"error":{"message":"Rate limit reached first","type":"requests","code":"rate_limit_exceeded"}}

                """);
        HttpResponse<String> openAi = chat("lone-o", tag);
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(429);
        JsonObject error = new JsonObject(openAi.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
        assertThat(error.getString("message")).contains("Rate limit reached first");
        HttpResponse<String> anthropic = messages("lone-o", tag);
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(429);
        assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
        assertThat(rows(openAi, 1).get(0).getInteger("status")).isEqualTo(429);

        String openRouter = env.up().sse("""
                data: {"error":{"code":429,"message":"Provider returned error first"}}

                """);
        HttpResponse<String> viaOpenRouter = chat("lone-o", openRouter);
        assertThat(viaOpenRouter.statusCode()).as(viaOpenRouter.body()).isEqualTo(429);
    }

    /** A healthy stream: its first event is held only until it is known to be no error, then delivered first, unchanged. */
    @Test
    void aHealthyStreamsEventsAreDeliveredAsTheUpstreamSentThem() {
        String messageStart = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_ok\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"first-a\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}";
        String blockStart = "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
        String delta = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hello there\"}}";
        String blockStop = "{\"type\":\"content_block_stop\",\"index\":0}";
        String messageDelta = "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}";
        String messageStop = "{\"type\":\"message_stop\"}";
        StringBuilder sse = new StringBuilder();
        String[][] events = {{"message_start", messageStart}, {"content_block_start", blockStart}, {"content_block_delta", delta},
                {"content_block_stop", blockStop}, {"message_delta", messageDelta}, {"message_stop", messageStop}};
        for (String[] e : events) sse.append("event: ").append(e[0]).append("\ndata: ").append(e[1]).append("\n\n");
        String tag = env.up().sse(sse.toString());
        HttpResponse<String> r = messages("a", tag);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("primary");
        List<String> data = Http.sseData(r.body());
        assertThat(data).as(r.body()).hasSize(events.length);
        assertThat(new JsonObject(data.get(0)).getString("type")).as("the held first event goes first").isEqualTo("message_start");
        assertThat(data.get(2)).as("a text delta is relayed as the upstream sent it").isEqualTo(delta);
        assertThat(data.get(3)).isEqualTo(blockStop);
        assertThat(data.get(5)).isEqualTo(messageStop);

        String chunk = "{\"id\":\"chatcmpl-ok\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"first-o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}";
        String finish = "{\"id\":\"chatcmpl-ok\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"first-o\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
        String openAiTag = env.up().sse("data: " + chunk + "\n\ndata: " + finish + "\n\ndata: [DONE]\n\n");
        HttpResponse<String> o = chat("o", openAiTag);
        assertThat(o.statusCode()).isEqualTo(200);
        assertThat(o.headers().firstValue("x-switchboard-route")).hasValue("primary");
        assertThat(Http.sseData(o.body())).as(o.body()).containsExactly(chunk, finish, "[DONE]");
    }

    /** An error after the first event can no longer fall back: the client has its headers; the stream ends with it. */
    @Test
    void anErrorAfterTheFirstEventStillOnlyEndsTheStream() {
        String tag = env.up().sse("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_e","type":"message","role":"assistant","model":"first-a","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}

                """ + ANTHROPIC_OVERLOAD);
        HttpResponse<String> r = messages("a", tag);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("primary");
        assertThat(r.body()).contains("event: message_start").contains("event: error").contains("Overloaded first")
                .doesNotContain("message_stop");
        // in the ledger, a failed attempt like any other (its provider's status, at no cost), beside the call's own row,
        // which keeps the prompt's tokens message_start said and the status the client saw
        List<JsonObject> rows = rows(r, 2).stream().sorted(java.util.Comparator.comparingInt(o -> o.getInteger("attempt"))).toList();
        JsonObject call = rows.get(0), attempt = rows.get(1);
        assertThat(call.getInteger("attempt")).isZero();
        assertThat(call.getLong("prompt_tokens")).isEqualTo(11);
        assertThat(call.getInteger("status")).isGreaterThanOrEqualTo(500);
        assertThat(attempt.getInteger("attempt")).isEqualTo(1);
        assertThat(attempt.getString("deployment")).isEqualTo("anthropic/first-a");
        assertThat(attempt.getInteger("status")).as(attempt.encode()).isEqualTo(529);
        assertThat(attempt.getString("error_type")).isNotBlank();
        assertThat(attempt.getDouble("spend")).isZero();
        assertThat(attempt.getLong("prompt_tokens")).isZero();
    }
}
