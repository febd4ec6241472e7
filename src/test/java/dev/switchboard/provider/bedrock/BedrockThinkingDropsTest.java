package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Claude on Bedrock drops a request's thinking where the encoder leaves it off, as on anthropic/, and the router's
 * thinking-drop metric (route.ThinkingDrops) is told so: before, BedrockProvider counted other families only.
 */
class BedrockThinkingDropsTest {
    private static final String SONNET_45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    private static final String OPUS_46 = "anthropic.claude-opus-4-6-v1";

    private static BedrockRequestEncoder encoder(String modelId) {
        Deployment d = new Deployment("a", "bedrock", modelId, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        return new BedrockRequestEncoder(d, modelId);
    }

    private static ChatRequest request(Integer maxTokens, Map<String, JsonNode> extra, List<Tool> tools, ToolChoice choice) {
        return new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), tools, choice, null, null, null, null, maxTokens,
                null, null, null, null, null, false, false, extra);
    }

    private static JsonNode adaptive() { return JsonNodeFactory.instance.objectNode().put("type", "adaptive"); }

    /** Whether the encoded Converse body carries Claude's thinking: what dropsThinking must agree with. */
    private static boolean sendsThinking(BedrockRequestEncoder e, ChatRequest r) {
        return e.encode(r).path("additionalModelRequestFields").has("thinking");
    }

    @Test
    void anAdaptiveThinkingABudgetOnlyClaudeHasNoRoomForIsADrop() {
        BedrockRequestEncoder sonnet = encoder(SONNET_45);
        ChatRequest tight = request(1000, Map.of("thinking", adaptive()), null, null);
        assertThat(sendsThinking(sonnet, tight)).isFalse();
        assertThat(sonnet.dropsThinking(tight)).as("no room for the smallest budget: left off, counted").isTrue();

        ChatRequest room = request(8000, Map.of("thinking", adaptive()), null, null);
        assertThat(sendsThinking(sonnet, room)).isTrue();
        assertThat(sonnet.dropsThinking(room)).isFalse();

        BedrockRequestEncoder opus = encoder(OPUS_46);
        assertThat(opus.dropsThinking(tight)).as("a 4.6 Claude takes adaptive thinking as sent").isFalse();
        assertThat(sendsThinking(opus, tight)).isTrue();
    }

    @Test
    void aReasoningEffortClaudeTakesOnlyWithoutThinkingIsADrop() {
        BedrockRequestEncoder sonnet = encoder(SONNET_45);
        Tool w = new Tool("w", "weather", JsonNodeFactory.instance.objectNode().put("type", "object"), null, null);
        ChatRequest forced = request(8000, Map.of("reasoning_effort", TextNode.valueOf("high")), List.of(w),
                ToolChoice.of(ToolChoice.Mode.REQUIRED));
        assertThat(sendsThinking(sonnet, forced)).isFalse();
        assertThat(sonnet.dropsThinking(forced)).as("a forced tool choice: Claude takes it only without thinking").isTrue();

        ChatRequest free = request(8000, Map.of("reasoning_effort", TextNode.valueOf("high")), List.of(w), null);
        assertThat(sendsThinking(sonnet, free)).isTrue();
        assertThat(sonnet.dropsThinking(free)).isFalse();
        assertThat(sonnet.dropsThinking(request(8000, Map.of(), null, null))).as("no thinking asked").isFalse();
    }

    @Test
    void anotherFamilyDropsAnyThinkingAsked() {
        BedrockRequestEncoder nova = encoder("us.amazon.nova-pro-v1:0");
        assertThat(nova.dropsThinking(request(8000, Map.of("reasoning_effort", TextNode.valueOf("low")), null, null))).isTrue();
        assertThat(nova.dropsThinking(request(8000, Map.of("reasoning_effort", TextNode.valueOf("none")), null, null))).isFalse();
    }
}
