package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM configs carried over as they are, through a real socket with the official OpenAI SDK, the simulator
 * echoing what each provider received: YAML merge keys, providers inferred from a bare model name, and deployment
 * request parameters as defaults the request overrides.
 */
class LiteLlmConfigIT {
    private static OpenAIClient client(TestGateway gw) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello");
    }

    @Test
    void mergeKeysCarryKeyBaseAndTimeoutAndAnEntryOverridesThem() {
        try (TestGateway gw = TestGateway.start("""
                openai_common: &openai_common
                  api_key: os.environ/PROVIDER_KEY
                  api_base: ${SIM}
                  timeout: 30
                  tpm: 20_000
                model_list:
                  - model_name: merged
                    litellm_params:
                      <<: *openai_common
                      model: openai/gpt-4o-mini
                  - model_name: overridden
                    litellm_params:
                      <<: *openai_common
                      model: openai/gpt-4o
                      api_key: sk-wrong-key-on-purpose-0000
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            ChatCompletion c = client(gw).chat().completions().create(ask("merged").build());
            assertThat(c.choices()).hasSize(1);
            var seen = gw.simulator.last();
            assertThat(seen.headers().get("Authorization")).as("the merged api_key reached the provider")
                    .isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
            assertThat(seen.body().getString("model")).isEqualTo("gpt-4o-mini");

            gw.simulator.reset();
            try {
                client(gw).chat().completions().create(ask("overridden").build());
            } catch (RuntimeException expected) {
                // the simulator refuses the wrong key; what matters is which key was sent
            }
            assertThat(gw.simulator.last().headers().get("Authorization")).as("the entry's own api_key wins over the merged one")
                    .isEqualTo("Bearer sk-wrong-key-on-purpose-0000");
        }
    }

    @Test
    void bareModelNamesGoToTheProviderLiteLlmWouldPick() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: family
                    litellm_params: {model: claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY}
                  - model_name: custom
                    litellm_params: {model: my-claude, custom_llm_provider: anthropic, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY}
                  - model_name: info
                    litellm_params: {model: claude-haiku-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY}
                    model_info: {litellm_provider: anthropic}
                  - model_name: gpt
                    litellm_params: {model: gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY}
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            for (String[] c : new String[][] {{"family", "claude-sonnet-4-5"}, {"custom", "my-claude"}, {"info", "claude-haiku-4-5"}}) {
                gw.simulator.reset();
                ChatCompletion answer = client(gw).chat().completions().create(ask(c[0]).build());
                assertThat(answer.choices()).hasSize(1);
                var seen = gw.simulator.last();
                assertThat(seen.path()).as(c[0] + " went to Anthropic's Messages API").endsWith("/v1/messages");
                assertThat(seen.body().getString("model")).isEqualTo(c[1]);
            }
            gw.simulator.reset();
            client(gw).chat().completions().create(ask("gpt").build());
            assertThat(gw.simulator.last().path()).endsWith("/chat/completions");
        }
    }

    @Test
    void deploymentParametersAreDefaultsTheRequestOverrides() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: tuned
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                      temperature: 0.2
                      top_p: 0.9
                      seed: 7
                      stop: ["END"]
                      reasoning_effort: low
                  - model_name: claude
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/ANTHROPIC_PROVIDER_KEY
                      stop: ["END"]
                      thinking: {type: enabled, budget_tokens: 1024}
                  - model_name: claude-cool
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/ANTHROPIC_PROVIDER_KEY
                      temperature: 0.3
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            client(gw).chat().completions().create(ask("tuned").build());
            JsonObject body = gw.simulator.last().body();
            assertThat(body.getDouble("temperature")).isEqualTo(0.2);
            assertThat(body.getDouble("top_p")).isEqualTo(0.9);
            assertThat(body.getLong("seed")).isEqualTo(7L);
            assertThat(body.getValue("stop").toString()).contains("END");
            assertThat(body.getString("reasoning_effort")).isEqualTo("low");

            gw.simulator.reset();
            client(gw).chat().completions().create(ask("tuned").temperature(1.0).seed(99L)
                    .putAdditionalBodyProperty("reasoning_effort", JsonValue.from("high")).build());
            body = gw.simulator.last().body();
            assertThat(body.getDouble("temperature")).as("the request's own value wins").isEqualTo(1.0);
            assertThat(body.getLong("seed")).isEqualTo(99L);
            assertThat(body.getString("reasoning_effort")).isEqualTo("high");
            assertThat(body.getDouble("top_p")).as("defaults the request did not set stay").isEqualTo(0.9);

            gw.simulator.reset();
            client(gw).chat().completions().create(ask("claude").build());
            body = gw.simulator.last().body();
            assertThat(body.getJsonArray("stop_sequences").getString(0)).as("stop in Anthropic's terms").isEqualTo("END");
            assertThat(body.getJsonObject("thinking").getInteger("budget_tokens")).isEqualTo(1024);

            gw.simulator.reset();
            client(gw).chat().completions().create(ask("claude-cool").build());
            assertThat(gw.simulator.last().body().getDouble("temperature")).isEqualTo(0.3);
        }
    }
}
