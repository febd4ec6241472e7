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

    /**
     * reasoning_effort holds to the values some deployment takes (OpenAI's none to xhigh, Groq's default) before
     * routing: "extreme" or a typo was ignored by Claude and Gemini (no reasoning, 200) while OpenAI refused it (QA F3).
     */
    @Test
    void reasoningEffortIsOneOfTheValuesSomeProviderTakes() throws Exception {
        for (String ok : new String[] {"none", "minimal", "low", "medium", "high", "xhigh", "default"}) {
            assertThatCode(() -> OpenAiRanges.chat(body("\"reasoning_effort\":\"" + ok + "\""))).as(ok).doesNotThrowAnyException();
        }
        assertThatCode(() -> OpenAiRanges.chat(body("\"reasoning_effort\":null"))).doesNotThrowAnyException();
        for (String bad : new String[] {"extreme", "hihg", "HIGH", ""}) {
            assertThatThrownBy(() -> OpenAiRanges.chat(body("\"reasoning_effort\":\"" + bad + "\""))).as(bad)
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).isEqualTo("reasoning_effort");
                        assertThat(e.code()).isEqualTo("invalid_value");
                        assertThat(e.getMessage()).isEqualTo("Invalid value: '" + bad + "'. Supported values are: 'none', 'minimal', "
                                + "'low', 'medium', 'high', 'xhigh', and 'default'.");
                    });
        }
        for (String bad : new String[] {"3", "true", "{\"effort\":\"low\"}", "[\"low\"]"}) {
            assertThatThrownBy(() -> OpenAiRanges.chat(body("\"reasoning_effort\":" + bad))).as(bad)
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.param()).isEqualTo("reasoning_effort");
                        assertThat(e.getMessage()).startsWith("Invalid type for 'reasoning_effort': expected one of 'none'");
                    });
        }
    }

    @Test
    void theResponsesApiHasNoNOrPenalties() throws Exception {
        // its fields of those names are not OpenAI's Responses parameters: not judged by chat's ranges
        assertThatCode(() -> OpenAiRanges.responses(body("\"n\":0,\"presence_penalty\":9"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> OpenAiRanges.responses(body("\"top_logprobs\":21"))).isInstanceOf(GatewayException.class);
    }
}
