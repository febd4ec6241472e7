package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole answer of Claude behind OpenRouter for an Anthropic client: its {@code reasoning_details} as content blocks,
 * with OpenRouter's plain {@code reasoning} where the details carry no text of their own.
 */
class AnthropicWholeReasoningTest {

    /**
     * An encrypted block and a signed one without text, the text only as the plain reasoning: the signed block gets it,
     * as the stream's walk gives a piece's plain reasoning to its first thinking detail. Before, with more than one block
     * the plain reasoning was dropped and the signature went with an empty text.
     */
    @Test
    void detailsWithoutTextGetThePlainReasoningOnTheFirstThinkingBlock() throws Exception {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.set("reasoning_details", new ObjectMapper().readTree("[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\","
                + "\"format\":\"anthropic-claude-v1\",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"\",\"signature\":\"sigA\","
                + "\"format\":\"anthropic-claude-v1\",\"index\":1}]"));
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Sunny.")), null, null, null, "Thought it over.", null, extra);
        JsonArray content = new JsonObject(new AnthropicResponseEncoder().response(new ChatResponse("gen-1", 1, "m",
                List.of(new Choice(0, m, FinishReason.STOP, null, null)), Usage.ZERO, null, null))).getJsonArray("content");
        assertThat(content.size()).as(content.encode()).isEqualTo(3);
        assertThat(content.getJsonObject(0).getString("type")).isEqualTo("redacted_thinking");
        assertThat(content.getJsonObject(1).getString("thinking")).isEqualTo("Thought it over.");
        assertThat(content.getJsonObject(1).getString("signature")).isEqualTo("sigA");
        assertThat(content.getJsonObject(2).getString("text")).isEqualTo("Sunny.");
    }
}
