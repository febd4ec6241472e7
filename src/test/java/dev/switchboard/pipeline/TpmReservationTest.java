package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a chat request reserves of a tpm limit up front (QA 2026-12-06, overshoot finding 3). */
class TpmReservationTest {
    private static ChatRequest request(Integer maxTokens, Integer maxCompletionTokens, Map<String, JsonNode> extra) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi there")), List.of(), null, null, null, null, null,
                maxTokens, maxCompletionTokens, List.of(), null, null, Map.of(), false, false, extra);
    }

    @Test
    void thePromptPlusTheOutputLimitForEachAnswer() {
        assertThat(Metering.tpmReservation(request(20, null, Map.of()))).isEqualTo(2 + 20);
        assertThat(Metering.tpmReservation(request(null, 20, Map.of()))).as("max_completion_tokens, and the Responses"
                + " API's max_output_tokens and Anthropic's max_tokens, which decode to it").isEqualTo(2 + 20);
        assertThat(Metering.tpmReservation(request(200, null, Map.of("n", JsonNodeFactory.instance.numberNode(100)))))
                .as("n answers, each up to the limit").isEqualTo(2 + 200 * 100);
    }

    @Test
    void withoutAnOutputLimitThePromptOnly() {
        // the model's largest output would refuse agents that send no limit under any ordinary tpm
        assertThat(Metering.tpmReservation(request(null, null, Map.of("n", JsonNodeFactory.instance.numberNode(5))))).isEqualTo(2);
    }
}
