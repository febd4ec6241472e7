package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServiceAccount;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Claude words an over-long request two ways: "prompt is too long: … > 200000 maximum" (the prompt alone) and "input
 * length and `max_tokens` exceed context limit: 197626 + 8192 > 200000, …" (the prompt fits, not with the output limit:
 * the common case of a long agent session, which LiteLLM also maps to ContextWindowExceededError). Only the first was
 * read as {@code context_length_exceeded}, so the second skipped {@code context_window_fallbacks} on Anthropic, on
 * Vertex and on Bedrock (where Converse passes Claude's words on inside a ValidationException).
 */
@ExtendWith(GatewayPerClass.class)
class ClaudeContextLimitIT {
    static TestGateway gw;
    static final String VERTEX_CLAUDE = "claude-sonnet-4@20250514";
    static final String BEDROCK_CLAUDE = "anthropic.claude-3-7-sonnet-20250219-v1:0";

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("claude-context-limit-");
        dir.toFile().deleteOnExit();
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trustedFile(sim, dir);
            return """
                    model_list:
                      - model_name: anthropic-small
                        litellm_params: { model: anthropic/claude-sonnet-4-20250514, ${SIM_ANTHROPIC} }
                      - model_name: vertex-small
                        litellm_params: { model: vertex_ai/%s, vertex_location: us-east5, vertex_credentials: %s, api_base: "${SIM_ROOT}" }
                      - model_name: bedrock-small
                        litellm_params: { model: bedrock/%s, ${SIM_BEDROCK} }
                      - model_name: big
                        litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, ${SIM_ANTHROPIC} }
                    router_settings:
                      num_retries: 0
                      allowed_fails: 100
                      context_window_fallbacks: [{ anthropic-small: [big] }, { vertex-small: [big] }, { bedrock-small: [big] }]
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(VERTEX_CLAUDE, file, BEDROCK_CLAUDE);
        }, java.util.Map.of());
    }

    private static HttpResponse<String> ask(String model, boolean stream) {
        return Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"" + model
                + "\",\"max_tokens\":8192,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"a long session\"}]}");
    }

    private static void fallsBack(String model, String upstream, boolean stream) {
        gw.simulator.enqueue(upstream, SimBehaviour.contextLimit());
        HttpResponse<String> r = ask(model, stream);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:context_window");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("anthropic/claude-sonnet-4-5-20250929");
    }

    @Test
    void onAnthropic() { fallsBack("anthropic-small", "claude-sonnet-4-20250514", false); }

    @Test
    void onVertexStreamed() { fallsBack("vertex-small", VERTEX_CLAUDE, true); }

    @Test
    void onBedrock() { fallsBack("bedrock-small", BEDROCK_CLAUDE, false); }

    @Test
    void withoutAFallbackTheClientIsToldItsRequestIsTooLong() {
        gw.simulator.enqueue("claude-sonnet-4-5-20250929", SimBehaviour.contextLimit());
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(error.getString("message")).contains("exceed context limit");
    }

    /** Claude's own words reach an Anthropic client as Claude said them: clients match them anchored at the start. */
    @Test
    void anAnthropicClientGetsClaudesExactWords() {
        gw.simulator.enqueue("claude-sonnet-4-5-20250929", SimBehaviour.contextLimit());
        HttpResponse<String> r = ask("big", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("message")).startsWith("input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000");
    }
}
