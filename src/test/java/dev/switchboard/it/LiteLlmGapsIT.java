package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The LiteLLM behaviours #13 left open, end to end through the simulator: a deployment's own {@code max_retries},
 * a bare {@code model: "*"} that infers each name's provider as the loader does, and the response cache for names
 * that reach a deployment through a wildcard, a deployment id or a group alias.
 */
class LiteLlmGapsIT {
    private static HttpResponse<String> chat(TestGateway gw, String model) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"the same question\"}]}");
    }

    @Test
    void maxRetriesRetriesTheSameDeploymentBeforeTheRoutersOwnRetries() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: patient
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, max_retries: 2 }
                  - model_name: hasty
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
            gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(503));
            HttpResponse<String> r = chat(gw, "patient");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gw.simulator.received()).as("two failures, then the same deployment answered").hasSize(3);

            gw.simulator.reset();
            gw.simulator.enqueue("gpt-4o", SimBehaviour.status(500));
            assertThat(chat(gw, "hasty").statusCode()).as("no max_retries and num_retries 0: one try").isGreaterThanOrEqualTo(500);
            assertThat(gw.simulator.received()).hasSize(1);

            gw.simulator.reset();
            gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.invalidRequest());
            assertThat(chat(gw, "patient").statusCode()).as("a 400 is not retried").isEqualTo(400);
            assertThat(gw.simulator.received()).hasSize(1);
        }
    }

    @Test
    void aBareStarInfersEachNamesProviderAsTheLoaderDoesAndRefusesANameOfNoFamily() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: "*"
                    litellm_params: { model: "*", api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            HttpResponse<String> claude = chat(gw, "claude-haiku-4-5");
            assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
            assertThat(gw.simulator.last().path()).as("claude-* is Anthropic's").isEqualTo("/v1/messages");
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("claude-haiku-4-5");

            HttpResponse<String> unknown = chat(gw, "my-local-llama");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(unknown.body()).getJsonObject("error").getString("message"))
                    .contains("LLM Provider NOT provided").contains("openai/my-local-llama");
        }
    }

    @Test
    void namesServedThroughAWildcardAnIdOrAGroupAliasAreCachedAsTheirEntryIs() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: fast
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: fast-eu }
                  - model_name: "openai/*"
                    litellm_params: { model: "openai/*", api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: fresh
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, cache: false }
                router_settings:
                  model_group_alias: { quick: fast }
                litellm_settings:
                  cache: true
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            for (String name : new String[] {"openai/gpt-4.1-nano", "fast-eu", "quick"}) {
                gw.simulator.reset();
                HttpResponse<String> first = chat(gw, name), second = chat(gw, name);
                assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
                assertThat(second.headers().firstValue("x-switchboard-cache")).as(name).hasValue("hit-exact");
                assertThat(gw.simulator.received()).as(name).hasSize(1);
            }
            gw.simulator.reset();
            chat(gw, "fresh");
            assertThat(chat(gw, "fresh").headers().firstValue("x-switchboard-cache")).as("cache: false still wins").hasValue("miss");
        }
    }
}
