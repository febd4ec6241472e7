package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.edge.anthropic.AnthropicRequestDecoder;
import dev.switchboard.model.ChatRequest;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an Anthropic client's headers add to the key: its betas (in any order, once each), not its anthropic-version. */
class RequestFingerprintTest {
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String key(Map<String, String> headers) {
        ChatRequest r = new AnthropicRequestDecoder().messages(Buffer.buffer(BODY), headers);
        return RequestFingerprint.exact("ns", r);
    }

    @Test
    void betasAreKeyedInAnyOrderAndTheVersionIsNot() {
        String plain = key(Map.of());
        assertThat(key(Map.of("anthropic-version", "2023-06-01"))).as("every SDK sends it, curl does not").isEqualTo(plain);
        String ab = key(Map.of("anthropic-beta", "a-2025-01-01,b-2025-01-01"));
        assertThat(ab).isNotEqualTo(plain);
        assertThat(key(Map.of("anthropic-beta", " b-2025-01-01, a-2025-01-01,a-2025-01-01"))).isEqualTo(ab);
        assertThat(RequestFingerprint.normalisedBetas("b, a,a")).isEqualTo("a,b");
    }
}
