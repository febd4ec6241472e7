package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Claude Code sends {@code output_config.effort} to every alias. Anthropic takes it from Claude Opus 4.5 on ({@code max}
 * from 4.6, {@code xhigh} from 4.7, no beta header on any) and refuses it on the older models ("This model does not
 * support the effort parameter."), as the simulator does: before, the gateway passed it as sent, so a Sonnet 4.5 alias
 * answered that 400. Claude on Vertex refuses the old beta {@code effort-2025-11-24} in the {@code anthropic-beta} header,
 * which Claude Code sends itself: the gateway added it for Opus 4.5 and passed the client's on, and Vertex answered 400.
 */
@ExtendWith(GatewayPerClass.class)
class ClaudeEffortIT {
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("claude-effort-");
        dir.toFile().deleteOnExit();
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trustedFile(sim, dir);
            return """
                    model_list:
                      - model_name: sonnet45
                        litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, ${SIM_ANTHROPIC} }
                      - model_name: opus45
                        litellm_params: { model: anthropic/claude-opus-4-5-20251101, ${SIM_ANTHROPIC} }
                      - model_name: opus46
                        litellm_params: { model: anthropic/claude-opus-4-6, ${SIM_ANTHROPIC} }
                      - model_name: opus48
                        litellm_params: { model: anthropic/claude-opus-4-8, ${SIM_ANTHROPIC} }
                      - model_name: unknown
                        litellm_params: { model: anthropic/acme-claude-tuned, ${SIM_ANTHROPIC} }
                      - model_name: vopus45
                        litellm_params:
                          model: vertex_ai/claude-opus-4-5@20251101
                          vertex_location: us-east5
                          vertex_credentials: %s
                          api_base: ${SIM_ROOT}
                    """.formatted(file) + TestGateway.NO_RETRIES_MASTER_KEY;
        }, java.util.Map.of());
    }

    private static String body(String alias, String outputConfig) {
        return "{\"model\":\"" + alias + "\",\"max_tokens\":2000,\"output_config\":" + outputConfig
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static HttpResponse<String> ask(String alias, String effort, String... headers) {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                body(alias, "{\"effort\":\"" + effort + "\"}"), headers);
        assertThat(r.statusCode()).as(alias + " " + effort + ": " + r.body()).isEqualTo(200);
        return r;
    }

    private static String sentEffort() {
        JsonObject config = gw.simulator.last().body().getJsonObject("output_config");
        return config == null ? null : config.getString("effort");
    }

    /** The simulator refuses effort where Anthropic does, so the gateway's handling is what the tests below see. */
    @Test
    void theSimulatorRefusesEffortAsTheApiDoes() {
        String[] h = {"x-api-key", "k", "anthropic-version", "2023-06-01"};
        String sonnet = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":10,\"output_config\":{\"effort\":\"high\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.simulator.rootUrl() + "/v1/messages", null, sonnet, h);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("This model does not support the effort parameter.");
        r = Http.post(gw.simulator.rootUrl() + "/v1/messages", null, sonnet.replace("sonnet-4-5-20250929", "opus-4-5-20251101"), h);
        assertThat(r.statusCode()).as("Opus 4.5 takes effort without a beta: " + r.body()).isEqualTo(200);
        r = Http.post(gw.simulator.rootUrl() + "/v1/messages", null, sonnet.replace("sonnet-4-5-20250929", "opus-4-6")
                .replace("\"high\"", "\"xhigh\""), h);
        assertThat(r.statusCode()).as("xhigh is Opus 4.7's, not 4.6's").isEqualTo(400);
    }

    @Test
    void aClaudeThatTakesNoEffortGetsNoneAndKeepsTheRestOfOutputConfig() {
        ask("sonnet45", "low");
        assertThat(gw.simulator.last().body().containsKey("output_config")).isFalse();
        String schema = "{\"effort\":\"high\",\"format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\"}}}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("sonnet45", schema));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("output_config"))
                .isEqualTo(new JsonObject().put("format", new JsonObject().put("type", "json_schema")
                        .put("schema", new JsonObject().put("type", "object"))));
    }

    @Test
    void opus45GetsItWithoutABetaAndTheClientsBetasAsSent() {
        ask("opus45", "medium");
        assertThat(sentEffort()).isEqualTo("medium");
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).as("effort needs no beta").isNull();
        ask("opus45", "low", "anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14");
        assertThat(gw.simulator.last().headers().get("anthropic-beta"))
                .isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
        ask("opus45", "low", "anthropic-beta", "effort-2025-11-24");
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).as("Anthropic's API still takes it").isEqualTo("effort-2025-11-24");
        ask("opus45", "max");
        assertThat(sentEffort()).as("the highest level Opus 4.5 takes").isEqualTo("high");
    }

    @Test
    void aLevelTheModelLacksIsLoweredToItsHighest() {
        ask("opus46", "xhigh");
        assertThat(sentEffort()).isEqualTo("high");
        ask("opus46", "max");
        assertThat(sentEffort()).isEqualTo("max");
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).as("no beta from 4.6 on").isNull();
        ask("opus48", "xhigh");
        assertThat(sentEffort()).isEqualTo("xhigh");
        ask("unknown", "xhigh");
        assertThat(sentEffort()).as("a model the gateway does not know: as sent").isEqualTo("xhigh");
    }

    /** Claude Code's own betas, effort's among them (claude-code#34802), a blank entry too ("a,"): Vertex gets the rest. */
    @Test
    void claudeOnVertexGetsTheSameStreamedTooWithoutTheBetasVertexRefuses() {
        String claudeCode = "claude-code-20250219,effort-2025-11-24,, interleaved-thinking-2025-05-14,adaptive-thinking-2026-01-28";
        ask("vopus45", "high", "anthropic-beta", claudeCode);
        assertThat(gw.simulator.last().path()).endsWith("claude-opus-4-5@20251101:rawPredict");
        assertThat(sentEffort()).isEqualTo("high");
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
        ask("vopus45", "low", "anthropic-beta", "effort-2025-11-24");
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).as("none left: no header").isNull();
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                body("vopus45", "{\"effort\":\"max\"}").replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""),
                "anthropic-beta", claudeCode);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("message_stop").doesNotContain("\"error\"");
        assertThat(sentEffort()).isEqualTo("high");
    }
}
