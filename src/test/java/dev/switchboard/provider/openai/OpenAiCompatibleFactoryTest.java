package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check-only path refuses what {@code create} refuses, building nothing: a name a bare {@code *} sends to
 * {@code hosted_vllm/} or {@code openai_compatible/} without an api_base, or to a full endpoint URL given as the base,
 * is no model to look up (GET /v1/models/{model}), as it is no model to call.
 */
class OpenAiCompatibleFactoryTest {
    private static Deployment d(String provider, String base) {
        return new Deployment("x", provider, "llama-3", base, null, null, null, null, Map.of(), Map.of(), Map.of(), 7);
    }

    @Test
    void checkRefusesAPrefixWithoutAnAddressAndAWrongBaseAsCreateDoes() {
        OpenAiCompatibleFactory f = new OpenAiCompatibleFactory();
        assertThatThrownBy(() -> f.check(d("hosted_vllm", null), k -> null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hosted_vllm/ has no default address");
        assertThatThrownBy(() -> f.check(d("openai_compatible", null), k -> null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openai_compatible/ has no default address");
        assertThatThrownBy(() -> f.check(d("openai_compatible", "http://h:8000/v1/chat/completions"), k -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a full endpoint URL");
        assertThatThrownBy(() -> f.check(d("openai", "https://api.openai.com/v1/chat/completions"), k -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a full endpoint URL");
        assertThatCode(() -> f.check(d("hosted_vllm", "http://h:8000/v1"), k -> null)).doesNotThrowAnyException();
        assertThatCode(() -> f.check(d("openai", null), k -> null)).doesNotThrowAnyException();
    }

    /**
     * Together's and Fireworks' keys in LiteLLM's order (its together_ai/ and fireworks_ai/ code: TOGETHER_API_KEY, then
     * TOGETHER_AI_API_KEY, TOGETHERAI_API_KEY, TOGETHER_AI_TOKEN; FIREWORKS_API_KEY, then FIREWORKS_AI_API_KEY,
     * FIREWORKSAI_API_KEY, FIREWORKS_AI_TOKEN): the first set wins, and check names the first.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "together_ai, TOGETHER_API_KEY, TOGETHER_AI_API_KEY", "together_ai, TOGETHER_AI_API_KEY, TOGETHERAI_API_KEY",
            "together_ai, TOGETHERAI_API_KEY, TOGETHER_AI_TOKEN",
            "fireworks_ai, FIREWORKS_API_KEY, FIREWORKS_AI_API_KEY", "fireworks_ai, FIREWORKS_AI_API_KEY, FIREWORKSAI_API_KEY",
            "fireworks_ai, FIREWORKSAI_API_KEY, FIREWORKS_AI_TOKEN"})
    void togethersAndFireworksKeysInLiteLlmsOrder(String provider, String first, String later) {
        var f = dev.switchboard.provider.ProviderRegistry.standard();
        Map<String, String> env = Map.of(first, "k-first-0123456789", later, "k-later-0123456789");
        org.assertj.core.api.Assertions.assertThat(f.key(d(provider, null), env::get).reveal()).isEqualTo("k-first-0123456789");
        org.assertj.core.api.Assertions.assertThat(f.key(d(provider, null), Map.of(later, "k-later-0123456789")::get).reveal())
                .isEqualTo("k-later-0123456789");
        org.assertj.core.api.Assertions.assertThat(f.keyEnv(d(provider, null)))
                .isEqualTo(provider.equals("together_ai") ? "TOGETHER_API_KEY" : "FIREWORKS_API_KEY");
    }

    /**
     * Mistral as LiteLLM's MistralConfig._get_openai_compatible_provider_info: the key api_key, else
     * MISTRAL_AZURE_API_KEY (Mistral on Azure AI), else MISTRAL_API_KEY; /v1 added to any base that does not end in it
     * (Azure AI's endpoint is documented with and without it). check still names MISTRAL_API_KEY for a plain entry.
     */
    @Test
    void mistralsKeyAndBaseAsLiteLlmReadsThem() {
        var f = dev.switchboard.provider.ProviderRegistry.standard();
        Map<String, String> both = Map.of("MISTRAL_AZURE_API_KEY", "az-0123456789", "MISTRAL_API_KEY", "m-0123456789");
        for (String p : new String[] {"mistral", "mistralai"}) {
            org.assertj.core.api.Assertions.assertThat(f.key(d(p, null), both::get).reveal()).isEqualTo("az-0123456789");
            org.assertj.core.api.Assertions.assertThat(f.key(d(p, null), Map.of("MISTRAL_API_KEY", "m-0123456789")::get).reveal())
                    .isEqualTo("m-0123456789");
            org.assertj.core.api.Assertions.assertThat(f.keyEnv(d(p, null))).isEqualTo("MISTRAL_API_KEY");
            // check's KEY column names the variable the key came from
            org.assertj.core.api.Assertions.assertThat(f.keySource(d(p, null), both::get, f.key(d(p, null), both::get)))
                    .isEqualTo("MISTRAL_AZURE_API_KEY");
            org.assertj.core.api.Assertions.assertThat(f.keySource(d(p, null), Map.of("MISTRAL_API_KEY", "m-0123456789")::get,
                    new dev.switchboard.config.Secret("m-0123456789"))).isEqualTo("MISTRAL_API_KEY");
            org.assertj.core.api.Assertions.assertThat(f.baseUrl(d(p, "https://m.eastus2.inference.ai.azure.com")))
                    .isEqualTo("https://m.eastus2.inference.ai.azure.com/v1");
            org.assertj.core.api.Assertions.assertThat(f.baseUrl(d(p, "https://m.eastus2.inference.ai.azure.com/v1/")))
                    .isEqualTo("https://m.eastus2.inference.ai.azure.com/v1");
            org.assertj.core.api.Assertions.assertThat(f.baseUrl(d(p, null))).isEqualTo("https://api.mistral.ai/v1");
        }
        org.assertj.core.api.Assertions.assertThat(f.baseUrl(d("groq", "https://proxy.test/groq"))).as("others: as given")
                .isEqualTo("https://proxy.test/groq");
        org.assertj.core.api.Assertions.assertThat(f.key(d("codestral", null), both::get)).as("codestral reads its own").isNull();
    }
}
