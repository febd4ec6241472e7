package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.edge.anthropic.AnthropicRequestDecoder;
import dev.switchboard.edge.openai.OpenAiRequestDecoder;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's automatic caching (a top-level {@code cache_control}) writes the prompt to the cache at 1.25x (5m) or 2x
 * (1h) the input price: the budget's worst case must price it as a write, from either dialect. Before, only block-level
 * markers counted, and such a call was reserved at 1x input.
 */
class AutomaticCacheWorstCaseTest {
    @Test
    void aTopLevelCacheControlMayWriteTheCacheFromEitherDialect() {
        var anthropic = new AnthropicRequestDecoder().messages(Buffer.buffer("{\"model\":\"m\",\"max_tokens\":10,"
                + "\"cache_control\":{\"type\":\"ephemeral\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), Map.of());
        assertThat(RequestWorstCase.mayWriteCache(anthropic, List.of())).isTrue();
        var openai = new OpenAiRequestDecoder().chatCall(Buffer.buffer("{\"model\":\"m\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).request();
        assertThat(RequestWorstCase.mayWriteCache(openai, List.of())).isTrue();
        var plain = new AnthropicRequestDecoder().messages(Buffer.buffer("{\"model\":\"m\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), Map.of());
        assertThat(RequestWorstCase.mayWriteCache(plain, List.of())).isFalse();
    }
}
