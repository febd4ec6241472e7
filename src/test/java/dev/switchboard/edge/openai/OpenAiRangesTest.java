package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OpenAI's ranges at their edges: what OpenAI takes passes untouched, what it refuses is refused in its words. */
class OpenAiRangesTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode body(String fields) throws Exception {
        return M.readTree("{" + fields + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"temperature\":-0.0", "\"temperature\":2.0", "\"temperature\":0", "\"top_p\":1", "\"n\":128", "\"n\":2.0",
            "\"frequency_penalty\":-2", "\"presence_penalty\":2", "\"top_logprobs\":0", "\"top_logprobs\":20",
            "\"temperature\":null,\"n\":null",
    })
    void openAisOwnBoundsPass(String fields) throws Exception {
        assertThatCode(() -> OpenAiRanges.chat(body(fields))).doesNotThrowAnyException();
    }

    @Test
    void aValueJustOutsideIsRefusedAsWritten() throws Exception {
        assertThatThrownBy(() -> OpenAiRanges.chat(body("\"top_p\":1.0001"))).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.0001 instead.");
            assertThat(e.code()).isEqualTo("decimal_above_max_value");
            assertThat(e.param()).isEqualTo("top_p");
        });
        assertThatThrownBy(() -> OpenAiRanges.chat(body("\"n\":1.5"))).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.param()).isEqualTo("n"));
        assertThatThrownBy(() -> OpenAiRanges.chat(body("\"presence_penalty\":\"high\""))).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.getMessage()).startsWith("Invalid type for 'presence_penalty': expected a number"));
    }

    @Test
    void theResponsesApiHasNoNOrPenalties() throws Exception {
        // its fields of those names are not OpenAI's Responses parameters: not judged by chat's ranges
        assertThatCode(() -> OpenAiRanges.responses(body("\"n\":0,\"presence_penalty\":9"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> OpenAiRanges.responses(body("\"top_logprobs\":21"))).isInstanceOf(GatewayException.class);
    }
}
