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
}
