package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.switchboard.model.CacheInjectionPoint;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
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
        ChatRequest r = decode("[{\"type\":\"text\",\"text\":\"second\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]");
        ChatRequest marked = CacheInjectionPoint.automatic(r);
        Message last = marked.messages().get(marked.messages().size() - 1);
        assertThat(last.content().get(0).cacheControl().get("ttl").textValue()).isEqualTo("1h");
        assertThat(markers(marked)).isEqualTo(1);
        ChatRequest plain = new AnthropicRequestDecoder().messages(Buffer.buffer(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), Map.of());
        assertThat(CacheInjectionPoint.automatic(plain)).isSameAs(plain);
    }

    /** Anthropic's edge cases: the last block marked with another lifetime (absent = 5m), or no slot left, is its 400. */
    @Test
    void anotherLifetimeOnTheLastBlockOrNoSlotLeftIsAnthropicsFourHundred() {
        assertThatThrownBy(() -> decode("[{\"type\":\"text\",\"text\":\"second\",\"cache_control\":{\"type\":\"ephemeral\"}}]"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("ttl '1h'").hasMessageContaining("ttl '5m'");
        // the last cacheable block is found past a trailing thinking block and empty text
        assertThatThrownBy(() -> decode("[{\"type\":\"text\",\"text\":\"second\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"5m\"}},"
                + "{\"type\":\"text\",\"text\":\"\"}]")).isInstanceOf(GatewayException.class).hasMessageContaining("ttl '5m'");
        String four = "[" + "{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}},".repeat(4)
                + "{\"type\":\"text\",\"text\":\"last\"}]";
        assertThatThrownBy(() -> decode(four)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("A maximum of 4 blocks with cache_control may be provided. Found 5.");
        // three explicit ones leave the automatic one its slot
        assertThat(markers(decode(four.replaceFirst(",\"cache_control\":\\{[^}]*}", "")))).isEqualTo(3);
    }

    /** A top-level field with a key Anthropic does not know is refused in its words, not passed to a host that drops it. */
    @Test
    void anUnknownKeyInTheTopLevelFieldIsRefused() {
        assertThatThrownBy(() -> new AnthropicRequestDecoder().messages(Buffer.buffer("{\"model\":\"m\",\"max_tokens\":10,"
                + "\"cache_control\":{\"type\":\"ephemeral\",\"scope\":\"global\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), Map.of()))
                .isInstanceOf(GatewayException.class).hasMessage("cache_control.scope: Extra inputs are not permitted");
    }

    /** The cache split of the answer knows a one-hour automatic breakpoint as it knows a block-level one. */
    @Test
    void aOneHourTopLevelFieldIsAnHourBreakpoint() {
        assertThat(AnthropicResponseEncoder.hourBreakpoint(decode("\"second\""))).isTrue();
    }

    /**
     * The Bedrock marking: a part already marked ends the walk whatever its kind; a tool result is marked as a whole (one
     * without a text part gets an empty one to carry it); blank text is passed over (Converse drops it with its marker).
     */
    @Test
    void theWalkStopsAtAnyMarkedPartMarksAToolResultAndSkipsBlankText() {
        JsonNode five = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");
        ChatRequest base = decode("\"second\"");
        ChatRequest withFile = base.withMessages(List.of(new Message(Role.USER, List.of(ContentPart.Text.of("text"),
                new ContentPart.Other("document", (com.fasterxml.jackson.databind.node.ObjectNode) JsonNodeFactory.instance.objectNode().put("type", "document")
                        .set("cache_control", five), null)), null, List.of(), null, null, null)));
        assertThat(markers(CacheInjectionPoint.automatic(withFile))).as("the marked document ends the prompt").isEqualTo(1);
        ChatRequest tool = base.withMessages(List.of(new Message(Role.TOOL, List.of(), null, List.of(), "call_1", null, null)));
        Message result = CacheInjectionPoint.automatic(tool).messages().get(0);
        assertThat(result.content()).hasSize(1);
        assertThat(result.content().get(0).cacheControl().get("ttl").textValue()).isEqualTo("1h");
        ChatRequest blank = base.withMessages(List.of(new Message(Role.USER, List.of(ContentPart.Text.of("real"), ContentPart.Text.of("  ")),
                null, List.of(), null, null, null)));
        Message user = CacheInjectionPoint.automatic(blank).messages().get(0);
        assertThat(user.content().get(0).cacheControl()).isNotNull();
        assertThat(user.content().get(1).cacheControl()).isNull();
    }
}
