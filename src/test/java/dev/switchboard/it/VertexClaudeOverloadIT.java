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
 * Google's 503 UNAVAILABLE in front of Claude on Vertex is Vertex's overload: an Anthropic-dialect client gets
 * Anthropic's own 529 overloaded_error, as Claude on Anthropic answers it (it was a 503 with Anthropic's api_error);
 * an OpenAI-dialect client a 503. Its own gateway: the failures cool the deployment down, which other tests would see.
 */
@ExtendWith(GatewayPerClass.class)
class VertexClaudeOverloadIT {
    static TestGateway gw;
    static final String MODEL = "claude-sonnet-4-5@20250929";
    static final String MESSAGE = "{\"model\":\"vclaude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("vertex-overload-");
        dir.toFile().deleteOnExit();
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trustedFile(sim, dir);
            return """
                    model_list:
                      - model_name: vclaude
                        litellm_params:
                          model: vertex_ai/%s
                          vertex_location: us-east5
                          vertex_credentials: %s
                          api_base: ${SIM_ROOT}
                    router_settings:
                      num_retries: 0
                      allowed_fails: 100
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(MODEL, file);
        }, java.util.Map.of());
    }

    @Test
    void vertexsUnavailableReachesAnthropicClientsAsOverloaded() {
        gw.simulator.enqueue(MODEL, SimBehaviour.status(503));
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, MESSAGE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(529);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("overloaded_error");
        assertThat(error.getString("message")).contains("HTTP 503"); // the status Vertex sent, in the words
    }

    @Test
    void openAiClientsGetA503() {
        gw.simulator.enqueue(MODEL, SimBehaviour.status(503));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"vclaude\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("server_error"); // OpenAI's own word for its 503
    }

    @Test
    void claudesOwnOverloadPassedThroughStaysA529() {
        gw.simulator.enqueue(MODEL, SimBehaviour.status(529));
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, MESSAGE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(529);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
    }
}
