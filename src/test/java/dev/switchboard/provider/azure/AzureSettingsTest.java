package dev.switchboard.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What an azure/ deployment's settings say about credentials and which request fields its api-version takes. */
class AzureSettingsTest {
    private static Deployment azure(String apiKey, Map<String, Object> params) {
        return new Deployment("az", "azure", "gpt-4o", "https://r.openai.azure.com", apiKey == null ? null : new Secret(apiKey),
                null, null, null, Map.of(), params, Map.of(), 3);
    }

    /**
     * api_key: "" is no key, as LiteLLM reads it (a falsy ""): AZURE_API_KEY, else azure_ad_token, else client
     * credentials. It went as an empty api-key header, the token dropped, and every call was a 401 (cloud QA F3).
     */
    @Test
    void anEmptyApiKeyIsNoKey() {
        Function<String, String> noEnv = name -> null;
        Deployment d = azure("", Map.of("azure_ad_token", "ad-token-1"));
        AzureSettings s = AzureSettings.from(d, noEnv);
        assertThat(s.apiKey()).isNull();
        assertThat(s.adToken()).isEqualTo("ad-token-1");
        // what `check` and the scrubber are told the requests carry: the token
        assertThat(new AzureProviderFactory().key(d, noEnv).reveal()).isEqualTo("ad-token-1");
        // the variable, when set, wins over the token (LiteLLM's order)
        Function<String, String> env = name -> name.equals("AZURE_API_KEY") ? "env-key" : null;
        assertThat(AzureSettings.from(d, env).apiKey()).isEqualTo("env-key");
        assertThat(new AzureProviderFactory().key(d, env).reveal()).isEqualTo("env-key");
        assertThat(AzureSettings.from(azure("  ", Map.of("azure_ad_token", "t")), noEnv).apiKey()).isNull();
        // a real key still wins over the token
        assertThat(AzureSettings.from(azure("k1", Map.of("azure_ad_token", "t")), noEnv).apiKey()).isEqualTo("k1");
        assertThat(new AzureProviderFactory().key(azure("k1", Map.of("azure_ad_token", "t")), noEnv).reveal()).isEqualTo("k1");
    }
}
