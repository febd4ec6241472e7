package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.ChatRequest;
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
        for (String ok : new String[] {"none", "minimal", "low", "medium", "high", "xhigh", "default", "disable"}) {
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
                                + "'low', 'medium', 'high', 'xhigh', 'default', and 'disable'.");
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

    /**
     * LiteLLM's "disable" (thinking budget 0), which clients moving over from LiteLLM send, is taken and made OpenAI's
     * "none" at decode time: every provider then treats it as none (Claude and Gemini no thinking, OpenAI-style services
     * the none they take), and no provider is sent a "disable" it would refuse. The body is then not the client's
     * bytes, so it is not relayed as written (the relay would carry "disable").
     */
    @Test
    void litellmsDisableIsTakenAsNone() {
        ChatRequest r = new OpenAiRequestDecoder().chat(io.vertx.core.buffer.Buffer.buffer(
                "{\"model\":\"m\",\"reasoning_effort\":\"disable\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertThat(r.extra().get("reasoning_effort").textValue()).isEqualTo("none");
        assertThat(r.relay()).as("the client's bytes say disable: not relayed").isNull();
        ChatRequest none = new OpenAiRequestDecoder().chat(io.vertx.core.buffer.Buffer.buffer(
                "{\"model\":\"m\",\"reasoning_effort\":\"none\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertThat(none.extra().get("reasoning_effort").textValue()).isEqualTo("none");
        assertThat(none.relay()).as("none is relayed as written, as before").isNotNull();
    }

    @Test
    void theResponsesApiHasNoNOrPenalties() throws Exception {
        // its fields of those names are not OpenAI's Responses parameters: not judged by chat's ranges
        assertThatCode(() -> OpenAiRanges.responses(body("\"n\":0,\"presence_penalty\":9"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> OpenAiRanges.responses(body("\"top_logprobs\":21"))).isInstanceOf(GatewayException.class);
    }
}
