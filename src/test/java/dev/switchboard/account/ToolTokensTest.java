package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.model.Tool;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tool-definition formula against the figures OpenAI's cookbook ("How to count tokens with tiktoken", the section on
 * tools) prints next to what the API reported for them: its weather tool and two messages are 101 prompt tokens on
 * gpt-4o and gpt-4o-mini (o200k_base) and 105 on gpt-3.5-turbo and gpt-4 (cl100k_base).
 */
class ToolTokensTest {
    static final String SYSTEM = "You are a helpful assistant that can answer to questions about the weather.";
    static final String USER = "What's the weather like in San Francisco?";

    static Tool weather() throws Exception {
        JsonNode parameters = new ObjectMapper().readTree("""
                {"type": "object",
                 "properties": {
                   "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                   "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["location"]}""");
        return new Tool("get_current_weather", "Get the current weather in a given location", parameters, null, null);
    }

    /** The cookbook's num_tokens_from_messages: 3 a message, its role and content, 3 for the reply's priming. */
    private static int messages(Encoding e) {
        return 3 + e.countTokensOrdinary("system") + e.countTokensOrdinary(SYSTEM)
                + 3 + e.countTokensOrdinary("user") + e.countTokensOrdinary(USER) + 3;
    }

    @Test
    void theCookbooksFigureForGpt4o() throws Exception {
        Encoding o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        long tools = ToolTokens.count(List.of(weather()), ToolTokens.Framing.GPT_4O, o200k::countTokensOrdinary);
        assertThat(messages(o200k) + tools).isEqualTo(101);
    }

    @Test
    void theCookbooksFigureForGpt4() throws Exception {
        Encoding cl100k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        long tools = ToolTokens.count(List.of(weather()), ToolTokens.Framing.GPT_4, cl100k::countTokensOrdinary);
        assertThat(messages(cl100k) + tools).isEqualTo(105);
    }

    @Test
    void atFourCharactersATokenTheEstimateIsNotUnderTheTokenizersCount() throws Exception {
        Encoding o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        long exact = ToolTokens.count(List.of(weather()), ToolTokens.Framing.GPT_4O, o200k::countTokensOrdinary);
        long rough = ToolTokens.count(List.of(weather()), ToolTokens.Framing.GPT_4O, ToolTokens::quarterChars);
        assertThat(rough).isGreaterThanOrEqualTo(exact);
    }

    @Test
    void nestedSchemasAndDefinitionsCountTheirJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Tool flat = new Tool("f", null, json.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\"}}}"), null, null);
        Tool nested = new Tool("f", null, json.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}}}}"), null, null);
        Tool defs = new Tool("f", null, json.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\"}},"
                + "\"$defs\":{\"Address\":{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"}}}}}"), null, null);
        long base = ToolTokens.count(List.of(flat), ToolTokens.Framing.GPT_4O, ToolTokens::quarterChars);
        assertThat(ToolTokens.count(List.of(nested), ToolTokens.Framing.GPT_4O, ToolTokens::quarterChars)).isGreaterThan(base + 10);
        assertThat(ToolTokens.count(List.of(defs), ToolTokens.Framing.GPT_4O, ToolTokens::quarterChars)).isGreaterThan(base + 10);
        assertThat(ToolTokens.count(List.of(), ToolTokens.Framing.GPT_4O, ToolTokens::quarterChars)).isZero();
    }
    /** The budget's estimate tokenizes the whole JSON schema, which is never less than the formula's lines. */
    @Test
    void theBudgetsEstimateIsNotUnderOpenAisCount() throws Exception {
        dev.switchboard.model.ChatRequest r = new dev.switchboard.model.ChatRequest("gpt-4o", List.of(
                dev.switchboard.model.Message.text(dev.switchboard.model.Role.SYSTEM, SYSTEM),
                dev.switchboard.model.Message.text(dev.switchboard.model.Role.USER, USER)), List.of(weather()),
                null, null, null, null, null, null, null, List.of(), null, null, java.util.Map.of(), false, false, java.util.Map.of());
        assertThat(new PromptTokens().estimate(r, "openai")).isGreaterThanOrEqualTo(101);
        assertThat(new PromptTokens().contextCount(r)).isGreaterThanOrEqualTo(101);
    }
}
