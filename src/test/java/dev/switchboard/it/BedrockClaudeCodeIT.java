package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Claude Code through a Bedrock (Converse) alias: it sends adaptive thinking and {@code output_config.effort} to every
 * model name it does not know. Before, the effort was dropped unsaid, so Claude 4.6 on Bedrock never got it, and
 * adaptive thinking reached Claude Sonnet 4.5, which refuses it (the simulator, as Bedrock, answers 400).
 */
@ExtendWith(GatewayPerClass.class)
class BedrockClaudeCodeIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: sonnet45
                    litellm_params: { model: bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0, ${SIM_BEDROCK} }
                  - model_name: opus46
                    litellm_params: { model: bedrock/us.anthropic.claude-opus-4-6-v1, ${SIM_BEDROCK} }
                  - model_name: opus45
                    litellm_params: { model: bedrock/us.anthropic.claude-opus-4-5-20251101-v1:0, ${SIM_BEDROCK} }
                  - model_name: nova
                    litellm_params: { model: bedrock/amazon.nova-pro-v1:0, ${SIM_BEDROCK} }
                """ + TestGateway.NO_RETRIES_MASTER_KEY);
    }

    /** Claude Code's shape: adaptive thinking, an effort, a tool loop's turns after the first when given. */
    private static String body(String alias, String effort, boolean stream, String turnsAfterFirst) {
        return "{\"model\":\"" + alias + "\",\"max_tokens\":8000,\"stream\":" + stream + ",\"thinking\":{\"type\":\"adaptive\"},"
                + "\"output_config\":{\"effort\":\"" + effort + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}"
                + turnsAfterFirst + "]}";
    }

    private static JsonObject sent(String alias, String effort, boolean stream, String turnsAfterFirst) {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(alias, effort, stream, turnsAfterFirst));
        assertThat(r.statusCode()).as(alias + " " + effort + ": " + r.body()).isEqualTo(200);
        return gw.simulator.last().body().getJsonObject("additionalModelRequestFields", new JsonObject());
    }

    @Test
    void adaptiveThinkingOnSonnet45BecomesTheEffortsBudgetAndTheEffortItRefusesIsLeftOut() {
        for (boolean stream : new boolean[] {false, true}) {
            JsonObject extra = sent("sonnet45", "medium", stream, "");
            assertThat(extra.getJsonObject("thinking")).as("stream " + stream)
                    .isEqualTo(new JsonObject().put("type", "enabled").put("budget_tokens", 2048));
            assertThat(extra.containsKey("output_config")).as("Sonnet 4.5 takes no effort").isFalse();
        }
    }

    /** Claude Code sends its tool loop's assistant turns back without their thinking blocks: no budget thinking then. */
    @Test
    void inAToolLoopWithoutTheThinkingBlockSonnet45ThinksNot() {
        String loop = ",{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_A\",\"name\":\"read\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_A\",\"content\":\"ok\"}]}";
        String tools = ",\"tools\":[{\"name\":\"read\",\"input_schema\":{\"type\":\"object\"}}]}";
        String b = body("sonnet45", "high", false, loop);
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, b.substring(0, b.length() - 1) + tools);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject extra = gw.simulator.last().body().getJsonObject("additionalModelRequestFields", new JsonObject());
        assertThat(extra.containsKey("thinking")).isFalse();
        assertThat(extra.containsKey("output_config")).isFalse();
    }

    @Test
    void opus46GetsAdaptiveThinkingAndTheEffortLoweredToWhatItTakes() {
        JsonObject extra = sent("opus46", "max", false, "");
        assertThat(extra.getJsonObject("thinking")).isEqualTo(new JsonObject().put("type", "adaptive"));
        assertThat(extra.getJsonObject("output_config")).isEqualTo(new JsonObject().put("effort", "max"));
        extra = sent("opus46", "xhigh", true, "");
        assertThat(extra.getJsonObject("output_config")).as("xhigh is 4.7's: 4.6 gets high").isEqualTo(new JsonObject().put("effort", "high"));
    }

    /**
     * Opus 4.5 takes the effort on Bedrock under the effort-2025-11-24 beta only (the simulator, as Bedrock, refuses it
     * without): the gateway adds it, once, where it keeps the effort.
     */
    @Test
    void opus45GetsTheEffortWithItsBetaOnce() {
        JsonObject extra = sent("opus45", "max", false, "");
        assertThat(extra.getJsonObject("output_config")).isEqualTo(new JsonObject().put("effort", "high"));
        assertThat(extra.getJsonArray("anthropic_beta")).containsExactly("effort-2025-11-24");
        assertThat(extra.getJsonObject("thinking")).as("adaptive thinking as the effort's budget")
                .isEqualTo(new JsonObject().put("type", "enabled").put("budget_tokens", 7999));
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("opus45", "low", true, ""),
                "anthropic-beta", "context-1m-2025-08-07,effort-2025-11-24");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("additionalModelRequestFields").getJsonArray("anthropic_beta"))
                .containsExactly("context-1m-2025-08-07", "effort-2025-11-24");
        assertThat(sent("opus46", "high", false, "").containsKey("anthropic_beta")).as("4.6 takes it without a beta").isFalse();
    }

    /** A non-Claude Bedrock model gets none of Claude's fields from Claude Code's body. */
    @Test
    void aNonClaudeDeploymentGetsNoEffortNorThinking() {
        JsonObject extra = sent("nova", "high", false, "");
        assertThat(extra.containsKey("output_config")).isFalse();
        assertThat(extra.containsKey("thinking")).isFalse();
    }

    /** The effort shapes the answer, not the prompt: CountTokens gets the thinking, not output_config. */
    @Test
    void countTokensLeavesTheEffortOut() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                "{\"model\":\"opus46\",\"thinking\":{\"type\":\"adaptive\"},\"output_config\":{\"effort\":\"high\"},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(r.headers().firstValue("x-switchboard-token-count")).as(r.body()).hasValue("provider");
        JsonObject converse = gw.simulator.last().body().getJsonObject("input").getJsonObject("converse");
        assertThat(converse.getJsonObject("additionalModelRequestFields")).isEqualTo(new JsonObject()
                .put("thinking", new JsonObject().put("type", "adaptive")));
    }
}
