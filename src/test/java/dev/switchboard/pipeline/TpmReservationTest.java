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
    /** "hi there": 8 characters, 2 tokens of text, plus one message's framing (4) and the reply's priming (3). */
    private static final long PROMPT = 2 + 4 + 3;

    private static ChatRequest request(Integer maxTokens, Integer maxCompletionTokens, Map<String, JsonNode> extra) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi there")), List.of(), null, null, null, null, null,
                maxTokens, maxCompletionTokens, List.of(), null, null, Map.of(), false, false, extra);
    }

    @Test
    void thePromptPlusTheOutputLimitForEachAnswer() {
        assertThat(Metering.tpmReservation(request(20, null, Map.of()))).isEqualTo(PROMPT + 20);
        assertThat(Metering.tpmReservation(request(null, 20, Map.of()))).as("max_completion_tokens, and the Responses"
                + " API's max_output_tokens and Anthropic's max_tokens, which decode to it").isEqualTo(PROMPT + 20);
        assertThat(Metering.tpmReservation(request(200, null, Map.of("n", JsonNodeFactory.instance.numberNode(100)))))
                .as("n answers, each up to the limit").isEqualTo(PROMPT + 200 * 100);
    }

    @Test
    void withoutAnOutputLimitThePromptOnly() {
        // the model's largest output would refuse agents that send no limit under any ordinary tpm
        assertThat(Metering.tpmReservation(request(null, null, Map.of("n", JsonNodeFactory.instance.numberNode(5))))).isEqualTo(PROMPT);
    }

    /** QA 2026-12-06 (budget run, LOW 2): the chat format's framing is reserved too, so short prompts are not a tenth of their use. */
    @Test
    void theFramingOfEachMessageAndToolIsReserved() {
        ChatRequest two = new ChatRequest("m", List.of(Message.text(Role.SYSTEM, "be brief"), Message.text(Role.USER, "hi")), List.of(),
                null, null, null, null, null, null, null, List.of(), null, null, Map.of(), false, false, Map.of());
        assertThat(Metering.tpmReservation(two)).as("10 characters, two messages, the priming").isEqualTo(10 / 4 + 2 * 4 + 3);
    }

    /**
     * A tool's parameter schema is reserved too, by OpenAI's formula (account.ToolTokens): the cookbook's weather tool
     * with its two messages is 101 prompt tokens by OpenAI's count. Reserved by the name and description alone, it was
     * 63, and an agent's tool schemas let the tpm limit overshoot.
     */
    @Test
    void aToolsParameterSchemaIsReservedAsOpenAiCountsIt() throws Exception {
        JsonNode parameters = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"type": "object",
                 "properties": {
                   "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                   "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["location"]}""");
        var tool = new dev.switchboard.model.Tool("get_current_weather", "Get the current weather in a given location", parameters, null, null);
        ChatRequest weather = new ChatRequest("m", List.of(
                Message.text(Role.SYSTEM, "You are a helpful assistant that can answer to questions about the weather."),
                Message.text(Role.USER, "What's the weather like in San Francisco?")), List.of(tool),
                null, null, null, null, null, null, null, List.of(), null, null, Map.of(), false, false, Map.of());
        assertThat(Metering.tpmReservation(weather)).as("not under OpenAI's 101").isGreaterThanOrEqualTo(101)
                .as("and not far over it").isLessThanOrEqualTo(130);
    }
}
