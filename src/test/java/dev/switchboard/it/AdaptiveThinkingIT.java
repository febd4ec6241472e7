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
 * Claude Code sends {@code thinking: {type: "adaptive"}} and {@code output_config.effort} to every model name it does not
 * know, such as a gateway alias; a Claude before 4.6 refuses adaptive thinking ("adaptive thinking is not supported on
 * this model", which the simulator answers as the API does) and Claude Code does not ask again. The gateway knows the
 * deployment's model: such a model gets a thinking budget by the effort; the models that take adaptive thinking, and
 * those the gateway does not know, get it as sent.
 */
@ExtendWith(GatewayPerClass.class)
class AdaptiveThinkingIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: sonnet45
                    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, ${SIM_ANTHROPIC} }
                  - model_name: haiku45
                    litellm_params: { model: anthropic/claude-haiku-4-5, ${SIM_ANTHROPIC} }
                  - model_name: opus46
                    litellm_params: { model: anthropic/claude-opus-4-6, ${SIM_ANTHROPIC} }
                  - model_name: unknown
                    litellm_params: { model: anthropic/acme-claude-tuned, ${SIM_ANTHROPIC} }
                """ + TestGateway.NO_RETRIES_MASTER_KEY);
    }

    private static JsonObject sentThinking(String alias, int maxTokens, String effort) {
        String body = "{\"model\":\"" + alias + "\",\"max_tokens\":" + maxTokens + ",\"thinking\":{\"type\":\"adaptive\"},"
                + (effort == null ? "" : "\"output_config\":{\"effort\":\"" + effort + "\"},")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        return gw.simulator.last().body().getJsonObject("thinking");
    }

    private static JsonObject budget(int n) { return new JsonObject().put("type", "enabled").put("budget_tokens", n); }

    @Test
    void aClaudeBefore46GetsTheEffortsBudget() {
        assertThat(sentThinking("sonnet45", 32_000, "low")).isEqualTo(budget(1024));
        assertThat(sentThinking("sonnet45", 32_000, "medium")).isEqualTo(budget(2048));
        assertThat(sentThinking("haiku45", 32_000, "high")).isEqualTo(budget(4096));
        assertThat(sentThinking("sonnet45", 32_000, "max")).isEqualTo(budget(16_384));
        assertThat(sentThinking("sonnet45", 32_000, null)).as("the API's default effort, high").isEqualTo(budget(4096));
    }

    @Test
    void theBudgetStaysUnderMaxTokensAndThinkingIsLeftOffWithoutRoomForTheSmallest() {
        assertThat(sentThinking("sonnet45", 3000, "high")).isEqualTo(budget(2999));
        assertThat(sentThinking("sonnet45", 1024, "high")).isNull();
    }

    @Test
    void modelsThatTakeItAndModelsTheGatewayDoesNotKnowGetItAsSent() {
        assertThat(sentThinking("opus46", 32_000, "low")).isEqualTo(new JsonObject().put("type", "adaptive"));
        assertThat(sentThinking("unknown", 32_000, "low")).isEqualTo(new JsonObject().put("type", "adaptive"));
    }

    /**
     * Claude Code sends its tool loop's assistant turns back without their thinking blocks: budget thinking would make
     * Claude refuse the turn ("a final assistant message must start with a thinking block"), so it is left off there.
     */
    @Test
    void aToolLoopWhoseTurnCameBackWithoutThinkingGoesWithoutIt() {
        String body = "{\"model\":\"sonnet45\",\"max_tokens\":32000,\"thinking\":{\"type\":\"adaptive\"},\"messages\":["
                + "{\"role\":\"user\",\"content\":\"find Paris\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Glob\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"Paris/Paris\"}]}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getValue("thinking")).isNull();
    }
}
