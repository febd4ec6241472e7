package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaudeThinkingTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static ChatRequest ask(Double temperature, Double topP, Map<String, JsonNode> extra) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, temperature, topP,
                null, 3000, List.of(), null, null, Map.of(), false, false, extra);
    }

    private static List<String> refused(ChatRequest r) {
        return ClaudeThinking.samplingConflicts(r).stream().map(ParamConflict::field).toList();
    }

    @Test
    void samplingParametersClaudeRefusesWithTheThinkingTheRequestTurnsOn() {
        Map<String, JsonNode> effort = Map.of("reasoning_effort", F.textNode("high"));
        assertThat(refused(ask(0.2, 0.5, effort))).containsExactly("temperature", "top_p");
        assertThat(ClaudeThinking.samplingConflicts(ask(0.2, null, effort)).get(0).why())
                .startsWith("Claude takes temperature 1 only with thinking on");
        assertThat(refused(ask(1.0, 0.95, effort))).as("what thinking allows").isEmpty();
        assertThat(refused(ask(null, null, Map.of("reasoning_effort", F.textNode("low"), "top_k", F.numberNode(5)))))
                .containsExactly("top_k");
        assertThat(refused(ask(0.2, null, Map.of("thinking", F.objectNode().put("type", "enabled").put("budget_tokens", 1024)))))
                .containsExactly("temperature");
    }

    @Test
    void nothingIsRefusedWhenThinkingStaysOff() {
        assertThat(refused(ask(0.2, 0.5, Map.of()))).isEmpty();
        assertThat(refused(ask(0.2, null, Map.of("reasoning_effort", F.textNode("minimal"))))).isEmpty();
        assertThat(refused(ask(0.2, null, Map.of("thinking", F.objectNode().put("type", "disabled"))))).isEmpty();
    }

    /** The limit too small for any budget is named as the client sent it (it was always max_completion_tokens: QA F4). */
    @Test
    void theRefusalNamesTheOutputLimitFieldTheClientSent() {
        Map<String, JsonNode> low = Map.of("reasoning_effort", F.textNode("low"));
        var maxTokens = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null, null,
                500, null, List.of(), null, null, Map.of(), false, false, low);
        var completion = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null, null,
                null, 500, List.of(), null, null, Map.of(), false, false, low);
        var neither = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null, null,
                null, null, List.of(), null, null, Map.of(), false, false, low);
        for (var c : Map.of(maxTokens, "max_tokens", completion, "max_completion_tokens", neither, "max_completion_tokens").entrySet()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.switchboard.model.GatewayException.class,
                    () -> ClaudeThinking.forEffort(c.getKey(), 500));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(c.getValue());
            assertThat(e.getMessage()).contains("the limit is 500");
        }
    }

    @Test
    void eachEffortGetsLiteLlmsBudgetAndXhighThinksMost() {
        for (var e : Map.of("low", 1024, "medium", 2048, "high", 4096, "xhigh", 8192).entrySet()) {
            var r = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null, null,
                    null, 20_000, List.of(), null, null, Map.of(), false, false, Map.of("reasoning_effort", F.textNode(e.getKey())));
            assertThat(ClaudeThinking.forEffort(r, 20_000).path("budget_tokens").asInt()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(ClaudeThinking.thinks(r)).isTrue();
        }
        for (String none : List.of("none", "minimal")) {
            var r = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null, null,
                    null, 20_000, List.of(), null, null, Map.of(), false, false, Map.of("reasoning_effort", F.textNode(none)));
            assertThat(ClaudeThinking.forEffort(r, 20_000)).as(none).isNull();
            assertThat(ClaudeThinking.thinks(r)).isFalse();
        }
    }
}
