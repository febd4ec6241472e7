package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A budget reserves only for the fallbacks the router really tries (thirty-seventh session): a request with a
 * {@code seed} to gpt-4o-mini, whose error fallback is Claude Opus, which refuses a seed (drop_params off), is never
 * served by Opus, so a key with $0.003 left is served: 1,000 output tokens cost $0.0006 on gpt-4o-mini and $0.075 on
 * Opus. Before, Opus's price was reserved and the key refused up front ("could cost up to $0.075195"). Without the seed
 * Opus may serve, and the same key is refused.
 */
@ExtendWith(GatewayPerClass.class)
class RefusingFallbackReservationIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: opus
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC} }
                  - model_name: cheap-dropping
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: opus-dropping
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC}, drop_params: true }
                  - model_name: cheap-seedless
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: opus-seedless
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC}, additional_drop_params: [seed] }
                router_settings:
                  num_retries: 0
                  fallbacks: [{ cheap: [opus] }, { cheap-dropping: [opus-dropping] }, { cheap-seedless: [opus-seedless] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @Test
    void aFallbackThatWouldRefuseAParameterIsNotReservedFor() {
        String key = new dev.switchboard.support.Admin(gw).generate(new JsonObject().put("key_alias", "seed-budget")
                .put("max_budget", 0.003)).getString("key");
        HttpResponse<String> seeded = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"cheap\",\"seed\":7,\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(200);
        assertThat(seeded.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");

        HttpResponse<String> plain = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"cheap\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(400);
        JsonObject error = new JsonObject(plain.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).contains("could cost up to");
    }

    /**
     * A fallback that drops the seed takes the request, so it is reserved for: drop_params on that deployment only, the
     * request's own "drop_params": true, additional_drop_params: [seed] on the fallback.
     */
    @Test
    void aFallbackThatWouldDropTheParameterIsReservedFor() {
        String key = new dev.switchboard.support.Admin(gw).generate(new JsonObject().put("key_alias", "seed-dropped-budget")
                .put("max_budget", 0.003)).getString("key");
        for (String body : java.util.List.of(
                "{\"model\":\"cheap-dropping\",\"seed\":7,\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"cheap\",\"seed\":7,\"drop_params\":true,\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"cheap-seedless\",\"seed\":7,\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, body);
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("code")).as(body).isEqualTo("budget_exceeded");
            assertThat(error.getString("message")).as(body).contains("could cost up to");
        }
    }

    /** And the router does pass Opus over for it: gpt-4o-mini failing, the seeded request ends in Opus's refusal, no call. */
    @Test
    void theRouterIndeedNeverCallsThatFallback() {
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
        int before = gw.simulator.received().size();
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"cheap\",\"seed\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isIn(400, 500);
        assertThat(gw.simulator.received().subList(before, gw.simulator.received().size()))
                .noneMatch(q -> q.body() != null && "claude-opus-4-1".equals(q.body().getString("model")));
    }
}
