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

    /**
     * An empty last user turn is not dropped: the request would end with the assistant's turn, which Claude continues
     * as a prefill instead of replying, or (alone) go as messages: [] (QA of the twenty-first session, F2). Refused before
     * any call, naming the message as the client numbered it; an empty user turn in the middle, after a tool result, or
     * before the client's own prefill is still served.
     */
    @Test
    void anEmptyLastUserTurnIsRefusedNotDropped() {
        var system = Message.text(Role.SYSTEM, "be brief");
        var empty = new Message(Role.USER, List.of(), null, null, null, null, null);
        assertThat(refusal(Message.text(Role.USER, "hi"), Message.text(Role.ASSISTANT, "Hello! How can I help?"),
                Message.text(Role.USER, ""))).isEqualTo("messages[2].content");
        assertThat(refusal(system, Message.text(Role.USER, ""))).isEqualTo("messages[1].content");
        assertThat(refusal(empty)).isEqualTo("messages[0].content");
        // an empty assistant turn after it changes nothing: the user turn to answer is still the empty one
        assertThat(refusal(Message.text(Role.USER, "hi"), Message.text(Role.ASSISTANT, "Hello"), Message.text(Role.USER, ""),
                Message.text(Role.ASSISTANT, ""))).isEqualTo("messages[2].content");
        assertThat(refusal(system, Message.text(Role.ASSISTANT, ""))).as("nothing left at all").isEqualTo("messages");
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.switchboard.model.GatewayException.class,
                () -> encode(Message.text(Role.USER, "hi"), Message.text(Role.ASSISTANT, "Hello"), Message.text(Role.USER, "")));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("Claude does not accept an empty user message");

        // served: an empty user turn in the middle, one after a tool result (the turn ends on the result), the client's prefill
        assertThat(encode(Message.text(Role.USER, "a"), Message.text(Role.ASSISTANT, "b"), Message.text(Role.USER, ""),
                Message.text(Role.ASSISTANT, "c"), Message.text(Role.USER, "d")).get("messages")).hasSize(3);
        var call = new Message(Role.ASSISTANT, List.of(), null, List.of(new dev.switchboard.model.ToolCall("toolu_1", "f", "{}")),
                null, null, null);
        var result = new Message(Role.TOOL, List.of(dev.switchboard.model.ContentPart.Text.of("ok")), null, null, "toolu_1", null, null);
        JsonNode loop = encode(Message.text(Role.USER, "go"), call, result, Message.text(Role.USER, "")).get("messages");
        assertThat(loop.get(loop.size() - 1).get("content").get(0).get("type").asText()).isEqualTo("tool_result");
        JsonNode prefill = encode(Message.text(Role.USER, ""), Message.text(Role.USER, "q"), Message.text(Role.ASSISTANT, "The answer is"))
                .get("messages");
        assertThat(prefill.get(prefill.size() - 1).get("role").asText()).isEqualTo("assistant");
    }

    private static String refusal(Message... messages) {
        try {
            encode(messages);
        } catch (dev.switchboard.model.GatewayException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.param();
        }
        throw new AssertionError("served");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode body(String json) throws Exception {
        return (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    }

    /**
     * A thinking block no signature vouches for (another provider's thinking, answered with "signature": "") never
     * reaches Claude, which refuses the request for it; a tool loop's last turn left without its thinking block then
     * goes without thinking, as LiteLLM sends it (QA of the twentieth session, finding 2).
     */
    @Test
    void unsignedThinkingBlocksAreDroppedAndAToolLoopWithoutOneGoesWithoutThinking() throws Exception {
        var loop = body("""
                {"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[
                 {"role":"user","content":"weather?"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"from gemini","signature":""},
                   {"type":"tool_use","id":"t1","name":"w","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"sunny"}]}]}""");
        // the router's drop check (Provider#dropsThinking) reads the same, without changing the body
        assertThat(AnthropicRequestEncoder.unsignedThinkingTurnsItOff(loop)).isTrue();
        AnthropicRequestEncoder.withoutUnsignedThinking(loop);
        assertThat(loop.get("messages").get(1).get("content")).hasSize(1);
        assertThat(loop.get("messages").get(1).get("content").get(0).get("type").asText()).isEqualTo("tool_use");
        assertThat(loop.has("thinking")).as("Claude requires the loop's turn to start with thinking while it is on").isFalse();

        // an earlier turn's unsigned block (no tool loop now): dropped, thinking stays on; a turn of nothing else goes
        var earlier = body("""
                {"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[
                 {"role":"user","content":"hi"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"x"},{"type":"text","text":"hello"}]},
                 {"role":"user","content":"again"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"y","signature":""}]},
                 {"role":"user","content":"and?"}]}""");
        assertThat(AnthropicRequestEncoder.unsignedThinkingTurnsItOff(earlier)).isFalse();
        AnthropicRequestEncoder.withoutUnsignedThinking(earlier);
        assertThat(earlier.get("messages")).hasSize(4);
        assertThat(earlier.get("messages").get(1).get("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"hello\"}]");
        assertThat(earlier.has("thinking")).isTrue();

        // a last assistant turn without content (Claude's own 400 to give, not the gateway's 500)
        var bare = body("""
                {"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[
                 {"role":"user","content":"hi"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"x","signature":""},{"type":"text","text":"a"}]},
                 {"role":"user","content":"again"},{"role":"assistant"}]}""");
        assertThat(AnthropicRequestEncoder.unsignedThinkingTurnsItOff(bare)).isFalse();
        AnthropicRequestEncoder.withoutUnsignedThinking(bare);
        assertThat(bare.has("thinking")).isTrue();
    }

    @Test
    void signedAndRedactedThinkingStayAsTheyAre() throws Exception {
        String json = """
                {"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[
                 {"role":"user","content":"weather?"},
                 {"role":"assistant","content":[{"type":"redacted_thinking","data":"abc"},
                   {"type":"thinking","thinking":"mine","signature":"EqQBCkYIBxgCKkA"},
                   {"type":"tool_use","id":"t1","name":"w","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"sunny"}]}]}""";
        var b = body(json);
        assertThat(AnthropicRequestEncoder.unsignedThinkingTurnsItOff(b)).isFalse();
        AnthropicRequestEncoder.withoutUnsignedThinking(b);
        assertThat(b).isEqualTo(body(json));
    }
}
