package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mistral on Azure AI as LiteLLM configures it: a {@code mistral/} entry without api_base or api_key, and
 * MISTRAL_AZURE_API_BASE (here without its {@code /v1}, which LiteLLM adds) and MISTRAL_AZURE_API_KEY in the environment,
 * MISTRAL_API_KEY set too. The call goes to that base's {@code /v1/chat/completions} with the Azure key
 * ({@code MistralConfig._get_openai_compatible_provider_info}: api_base or MISTRAL_AZURE_API_BASE; api_key or
 * MISTRAL_AZURE_API_KEY or MISTRAL_API_KEY). Before 2026-12-07 it went to api.mistral.ai with MISTRAL_API_KEY.
 */
class MistralOnAzureIT {
    private static final String AZURE_KEY = "az-mistral-test-5c4b3a2910";
    private static final String PLAIN_KEY = "m-plain-test-0123456789";
    private static TestGateway gw;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mistral-azure
                    litellm_params: { model: mistral/mistral-small-latest }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """, (ProviderSimulator sim) -> Map.of("MISTRAL_AZURE_API_BASE", sim.rootUrl() + "/quirks/mistral",
                "MISTRAL_AZURE_API_KEY", AZURE_KEY, "MISTRAL_API_KEY", PLAIN_KEY));
        openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void theCallGoesToTheAzureBaseWithTheAzureKey() {
        gw.simulator.reset();
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("mistral-azure")
                .addUserMessage("hello from the SDK").build());
        assertThat(c.choices()).isNotEmpty();
        ProviderSimulator.Received sent = gw.simulator.last();
        // the simulator records the path under its /quirks/mistral prefix: /v1 is the one added to the variable's base
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer " + AZURE_KEY);
        assertThat(sent.body().getString("model")).isEqualTo("mistral-small-latest");
    }
}
