package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicRequestEncoderTest {
    private static JsonNode encode(Message... messages) {
        Deployment d = new Deployment("a", "anthropic", "claude-sonnet-4-5", null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        return new AnthropicRequestEncoder(d).encode(new ChatRequest("a", List.of(messages), null, null, null, null, null,
                null, null, null, null, null, null, null, false, false, Map.of()), false);
    }

    @Test
    void emptyTurnsAreDroppedAndTheirNeighboursMerged() {
        // Anthropic rejects a message with no content; an OpenAI client may send an assistant turn of ""
        JsonNode body = encode(Message.text(Role.USER, "first"), Message.text(Role.ASSISTANT, ""),
                Message.text(Role.USER, "second"), Message.text(Role.ASSISTANT, "answer"));
        JsonNode messages = body.get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content")).hasSize(2);
        assertThat(messages.get(0).get("content").get(1).get("text").asText()).isEqualTo("second");
        assertThat(messages.get(1).get("content").get(0).get("text").asText()).isEqualTo("answer");
    }
}
