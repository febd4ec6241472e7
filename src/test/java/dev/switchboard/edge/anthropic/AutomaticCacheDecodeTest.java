package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.CacheInjectionPoint;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's automatic caching (a top-level {@code cache_control}) on the canonical request: the decoder leaves the
 * messages unmarked (prompt-cache affinity and the lint read them, and a marker moving to each turn's last message would
 * give every turn another affinity prefix); {@link CacheInjectionPoint#automatic}, which the Bedrock provider applies,
 * marks the last text part with the control, ttl kept, and leaves a marked one alone.
 */
class AutomaticCacheDecodeTest {
    private static ChatRequest decode(String lastContent) {
        return new AnthropicRequestDecoder().messages(Buffer.buffer("{\"model\":\"m\",\"max_tokens\":10,"
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"},\"system\":\"rules\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":" + lastContent + "}]}"), Map.of());
    }

    private static long markers(ChatRequest r) {
        return r.messages().stream().flatMap(m -> m.content().stream()).filter(p -> p.cacheControl() != null).count();
    }

    @Test
    void theDecoderLeavesTheMessagesUnmarkedAndTheProviderMarksTheLastPart() {
        ChatRequest r = decode("\"second\"");
        assertThat(markers(r)).isZero();
        ChatRequest marked = CacheInjectionPoint.automatic(r);
        assertThat(markers(marked)).isEqualTo(1);
        Message last = marked.messages().get(marked.messages().size() - 1);
        ContentPart.Text t = (ContentPart.Text) last.content().get(last.content().size() - 1);
        assertThat(t.text()).isEqualTo("second");
        assertThat(t.cacheControl().get("ttl").textValue()).isEqualTo("1h");
    }

    @Test
    void aMarkedLastPartIsLeftAloneAndARequestWithoutTheFieldIsTheSame() {
        ChatRequest r = decode("[{\"type\":\"text\",\"text\":\"second\",\"cache_control\":{\"type\":\"ephemeral\"}}]");
        ChatRequest marked = CacheInjectionPoint.automatic(r);
        Message last = marked.messages().get(marked.messages().size() - 1);
        assertThat(last.content().get(0).cacheControl().has("ttl")).isFalse();
        assertThat(markers(marked)).isEqualTo(1);
        ChatRequest plain = new AnthropicRequestDecoder().messages(Buffer.buffer(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), Map.of());
        assertThat(CacheInjectionPoint.automatic(plain)).isSameAs(plain);
    }
}
