package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator stops an answer where the real provider would, in every wire format it speaks, streamed and not: at the
 * model's maximum output (the price catalog's) when the request names no limit, with the API's own "length" stop
 * reason (OpenAI's {@code length}, Gemini's {@code MAX_TOKENS}, Bedrock's {@code max_tokens}, translated by the gateway
 * into the client's dialect) and the usage it wrote. It echoed any prompt back whole: an 8 MB prompt came back as ~2 M
 * tokens, more than gpt-4o-mini's 16,384 (QA hardening F2), and a budget's reservation, made from that limit, looked
 * overrun. Through the gateway over a real socket.
 */
class SimulatorOutputLimitIT {
    static TestGateway gw;
    /** 100,000 characters: an echo of 25,000 tokens, over each model's maximum output below. */
    static final String LONG = "word ".repeat(20_000);

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.0-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: llama
                    litellm_params: { model: bedrock/meta.llama3-1-70b-instruct-v1:0, %s }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-3-5-haiku-20241022, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(TestGateway.BEDROCK_PARAMS));
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> chat(String model, boolean stream) {
        JsonObject body = new JsonObject().put("model", model)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", LONG)));
        if (stream) body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.encode());
        assertThat(r.statusCode()).as(r.body().length() > 500 ? r.body().substring(0, 500) : r.body()).isEqualTo(200);
        return r;
    }

    private static void stopsAtTheModelsMaximum(String alias, int maximum) {
        JsonObject answer = new JsonObject(chat(alias, false).body());
        JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).as(alias).isEqualTo("length");
        assertThat(answer.getJsonObject("usage").getInteger("completion_tokens")).as(alias).isEqualTo(maximum);
        assertThat(choice.getJsonObject("message").getString("content").length()).as(alias).isLessThanOrEqualTo(maximum * 4);

        List<String> events = Http.sseData(chat(alias, true).body());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonObject usage = null;
        for (String e : events) {
            if (!e.startsWith("{")) continue;
            JsonObject chunk = new JsonObject(e);
            if (chunk.getJsonObject("usage") != null) usage = chunk.getJsonObject("usage");
            for (Object o : chunk.getJsonArray("choices", new JsonArray())) {
                JsonObject c = (JsonObject) o;
                JsonObject delta = c.getJsonObject("delta", new JsonObject());
                if (delta.getString("content") != null) text.append(delta.getString("content"));
                if (c.getString("finish_reason") != null) finish = c.getString("finish_reason");
            }
        }
        assertThat(finish).as(alias + " streamed").isEqualTo("length");
        assertThat(usage).as(alias + " streamed").isNotNull();
        assertThat(usage.getInteger("completion_tokens")).as(alias + " streamed").isEqualTo(maximum);
        assertThat(text.length()).as(alias + " streamed").isLessThanOrEqualTo(maximum * 4);
    }

    @Test
    void openAiStopsAtGpt4oMinisMaximumOutput() { stopsAtTheModelsMaximum("gpt", 16_384); }

    @Test
    void geminiStopsAtItsModelsMaximumOutput() { stopsAtTheModelsMaximum("gemini", 8_192); }

    @Test
    void bedrockStopsAtItsModelsMaximumOutput() { stopsAtTheModelsMaximum("llama", 4_096); }

    @Test
    void anthropicStopsAtTheRequestsMaxTokensStreamedAndNot() {
        String body = new JsonObject().put("model", "claude").put("max_tokens", 40)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", LONG))).encode();
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject m = new JsonObject(r.body());
        assertThat(m.getString("stop_reason")).isEqualTo("max_tokens");
        assertThat(m.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(40);

        String streamed = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                new JsonObject(body).put("stream", true).encode()).body();
        JsonObject delta = null;
        for (String e : Http.sseData(streamed)) {
            if (e.startsWith("{") && "message_delta".equals(new JsonObject(e).getString("type"))) delta = new JsonObject(e);
        }
        assertThat(delta).isNotNull();
        assertThat(delta.getJsonObject("delta").getString("stop_reason")).isEqualTo("max_tokens");
        assertThat(delta.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(40);
    }
}
