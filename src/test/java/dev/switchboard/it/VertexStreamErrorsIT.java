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
 * Vertex's streaming methods ({@code :streamGenerateContent}, {@code :streamRawPredict}) may answer a failure before the
 * stream as Google's error object inside a one-element JSON list ({@code [{"error":{…}}]}), as seen in the wild
 * (cline#651, gemini-cli#14811, genkit#4688; claude-code#1440 shows a plain object too). Read as an object, the list said nothing: a streamed prompt over Gemini's window was a
 * plain 400 (no {@code context_length_exceeded}, so {@code context_window_fallbacks} did not apply), a streamed 429
 * lost its {@code retryDelay} and its message, and Google's 503 before Claude reached an Anthropic client as a 503, not
 * the 529 {@code overloaded_error} the same failure gives unstreamed. Its own gateway: the failures cool deployments down.
 */
@ExtendWith(GatewayPerClass.class)
class VertexStreamErrorsIT {
    static TestGateway gw;
    static final String CLAUDE = "claude-sonnet-4-5@20250929";

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("vertex-stream-errors-");
        dir.toFile().deleteOnExit();
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trustedFile(sim, dir);
            return """
                    model_list:
                      - model_name: small
                        litellm_params: { model: vertex_ai/gemini-2.5-flash, vertex_credentials: %s, api_base: ${SIM_ROOT} }
                      - model_name: big
                        litellm_params: { model: vertex_ai/gemini-2.5-pro, vertex_credentials: %s, api_base: ${SIM_ROOT} }
                      - model_name: vclaude
                        litellm_params: { model: vertex_ai/%s, vertex_location: us-east5, vertex_credentials: %s, api_base: ${SIM_ROOT} }
                    router_settings:
                      num_retries: 0
                      allowed_fails: 100
                      context_window_fallbacks: [{ small: [big] }]
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(file, file, CLAUDE, file);
        }, java.util.Map.of());
    }

    private static HttpResponse<String> streamChat(String model) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void aStreamedPromptOverGeminisWindowFallsBack() {
        gw.simulator.enqueue("gemini-2.5-flash", SimBehaviour.contextLength());
        HttpResponse<String> r = streamChat("small");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"model\":\"gemini-2.5-pro\"").contains("[DONE]");
    }

    @Test
    void aStreamedQuotaRefusalKeepsGooglesDelayAndWords() {
        gw.simulator.enqueue("gemini-2.5-pro", SimBehaviour.rateLimited(7));
        HttpResponse<String> r = streamChat("big");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(r.body()).contains("Resource has been exhausted");
    }

    @Test
    void googlesUnavailableBeforeAStreamedClaudeIsAnthropicsOverload() {
        gw.simulator.enqueue(CLAUDE, SimBehaviour.status(503));
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"vclaude\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(529);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
        assertThat(r.body()).contains("The service is currently unavailable");
    }

    @Test
    void aStreamedClaudeQuotaRefusalKeepsGooglesWords() {
        gw.simulator.enqueue(CLAUDE, SimBehaviour.rateLimited(9));
        HttpResponse<String> r = streamChat("vclaude");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).contains("Quota exceeded");
        // only when Google sends a RetryInfo detail (the simulator does; real Vertex 429s before Claude were not seen
        // with one): its retryDelay is the retry-after
        assertThat(r.headers().firstValue("retry-after")).hasValue("9");
    }

    /**
     * A model Vertex does not have, streamed: the 404 comes inside a list (genkit#4688), which read as an object had no
     * message and passed for a web server's bare 404, so the client was told its api_base lacked "/v1". Google's own
     * words, as the same typo unstreamed gets.
     */
    @Test
    void aStreamedUnknownGeminiModelIsGooglesNotFound() {
        gw.simulator.enqueue("gemini-2.5-flash", SimBehaviour.status(404));
        unknownModel(streamChat("small"), "gemini-2.5-flash");
    }

    @Test
    void aStreamedUnknownClaudeModelIsGooglesNotFound() {
        gw.simulator.enqueue(CLAUDE, SimBehaviour.status(404));
        unknownModel(streamChat("vclaude"), CLAUDE);
    }

    @Test
    void anUnknownModelUnstreamedSaysTheSame() {
        gw.simulator.enqueue("gemini-2.5-flash", SimBehaviour.status(404));
        unknownModel(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "gemini-2.5-flash");
    }

    private static void unknownModel(HttpResponse<String> r, String model) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("message")).contains("Publisher Model").contains("/models/" + model + "` was not found")
                .doesNotContain("api_base");
        assertThat(error.getString("code")).isNotEqualTo("upstream_endpoint_not_found");
    }
}
