package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.model.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The tool-definition estimate: the cookbook's formula ("How to count tokens with tiktoken", the section on tools; its
 * weather tool and two messages are 101 prompt tokens on gpt-4o, as the API reported), computed from lengths without
 * building a string, and what that costs a call.
 */
class ToolTokensTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SYSTEM = "You are a helpful assistant that can answer to questions about the weather.";
    static final String USER = "What's the weather like in San Francisco?";

    static Tool weather() throws Exception {
        JsonNode parameters = JSON.readTree("""
                {"type": "object",
                 "properties": {
                   "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                   "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["location"]}""");
        return new Tool("get_current_weather", "Get the current weather in a given location", parameters, null, null);
    }

    /**
     * The formula as written first (commit 52be6b7d, reverted for its cost): each line built as a string and measured.
     * Kept here as the reference the arithmetic must equal, and to run the formula with a real tokenizer.
     */
    static long reference(List<Tool> tools, ToIntFunction<String> measure) {
        if (tools.isEmpty()) return 0;
        long total = ToolTokens.FUNC_END;
        for (Tool tool : tools) {
            total += ToolTokens.FUNC_INIT + measure.applyAsInt((tool.name() == null ? "" : tool.name()) + ":" + noPeriod(tool.description()));
            if (tool.custom()) total += measure.applyAsInt(tool.customFormat().toString());
            JsonNode schema = tool.parameters();
            if (schema == null || !schema.isObject()) continue;
            for (Map.Entry<String, JsonNode> e : schema.properties()) {
                if (!Set.of("type", "properties", "required", "additionalProperties").contains(e.getKey())) {
                    total += measure.applyAsInt(e.getValue().toString());
                }
            }
            JsonNode props = schema.get("properties");
            if (props == null || !props.isObject() || props.isEmpty()) continue;
            total += ToolTokens.PROP_INIT;
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                total += ToolTokens.PROP_KEY;
                JsonNode p = e.getValue();
                JsonNode values = p.get("enum");
                if (values != null && values.isArray()) {
                    total += ToolTokens.ENUM_INIT;
                    for (JsonNode v : values) total += ToolTokens.ENUM_ITEM + measure.applyAsInt(v.isTextual() ? v.textValue() : v.toString());
                }
                JsonNode d = p.get("description");
                total += measure.applyAsInt(e.getKey() + ":" + type(p) + ":" + noPeriod(d != null && d.isTextual() ? d.textValue() : null));
            }
        }
        return total;
    }

    private static String type(JsonNode p) {
        if (!p.isObject()) return p.toString();
        boolean flat = p.path("type").isTextual();
        for (Map.Entry<String, JsonNode> e : p.properties()) flat &= Set.of("type", "description", "enum").contains(e.getKey());
        if (flat) return p.get("type").textValue();
        com.fasterxml.jackson.databind.node.ObjectNode rest = p.deepCopy();
        rest.remove("description");
        rest.remove("enum");
        return rest.toString();
    }

    private static String noPeriod(String d) {
        if (d == null) return "";
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    private static int quarterChars(String s) { return (s.length() + 3) / 4; }

    /** The cookbook's num_tokens_from_messages: 3 a message, its role and content, 3 for the reply's priming. */
    private static int messages(Encoding e) {
        return 3 + e.countTokensOrdinary("system") + e.countTokensOrdinary(SYSTEM)
                + 3 + e.countTokensOrdinary("user") + e.countTokensOrdinary(USER) + 3;
    }

    @Test
    void theFormulaGivesTheCookbooksFigureForGpt4o() throws Exception {
        Encoding o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        assertThat(messages(o200k) + reference(List.of(weather()), o200k::countTokensOrdinary)).isEqualTo(101);
        assertThat(ToolTokens.estimate(List.of(weather()))).as("four characters a token: not under the tokenizer's count")
                .isGreaterThanOrEqualTo(reference(List.of(weather()), o200k::countTokensOrdinary))
                .isEqualTo(reference(List.of(weather()), ToolTokensTest::quarterChars));
    }

    /** The arithmetic equals the string-built formula on every shape: flat, enums, nested, unions, $defs, numbers, custom. */
    @Test
    void theArithmeticEqualsTheFormulaBuiltFromStrings() throws Exception {
        List<Tool> tools = new ArrayList<>(List.of(weather()));
        tools.add(new Tool("f", null, JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\",\"minimum\":-12,"
                + "\"maximum\":1.5e3}}},\"description\":\"Addresses.\",\"enum\":[1,null,true,{\"x\":[]}]}}}"), null, null));
        tools.add(new Tool("g", "Quote \"this\"\\ and\nthat\u0001.", JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\"},"
                + "\"u\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}],\"description\":\"é \\\"q\\\" \\t\"},\"s\":\"plain\"},"
                + "\"$defs\":{\"Address\":{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"}}}},\"required\":[\"a\"],"
                + "\"additionalProperties\":false}"), true, null));
        tools.add(new Tool("h", "", JSON.readTree("{\"type\":\"object\",\"properties\":{}}"), null, null));
        tools.add(new Tool("grammar", "A custom tool.", null, null, null, JSON.readTree("{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: /[a-z]+/\"}")));
        tools.add(new Tool(null, null, null, null, null));
        for (Tool t : tools) {
            assertThat(ToolTokens.estimate(List.of(t))).as(t.name()).isEqualTo(reference(List.of(t), ToolTokensTest::quarterChars));
        }
        assertThat(ToolTokens.estimate(tools)).isEqualTo(reference(tools, ToolTokensTest::quarterChars));
        assertThat(ToolTokens.estimate(List.of())).isZero();
        // JSON escapes are not counted (ToolTokens.quotedLength): a regex's backslashes, a token at most a line
        Tool pattern = new Tool("p", null, JSON.readTree("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\","
                + "\"pattern\":\"^\\\\d{3}-\\\\w+$\"}}}"), null, null);
        assertThat(ToolTokens.estimate(List.of(pattern))).isBetween(reference(List.of(pattern), ToolTokensTest::quarterChars) - 1,
                reference(List.of(pattern), ToolTokensTest::quarterChars));
        assertThat(ToolTokens.estimate(List.of(tools.get(1)))).as("a nested schema counts its JSON")
                .isGreaterThan(ToolTokens.estimate(List.of(new Tool("f", null, JSON.readTree(
                        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\"}}}"), null, null))) + 10);
    }

    /** An agent's tool list of about 34 KB: 22 tools of 8 parameters, enums, nested items, long descriptions. */
    static List<Tool> agentTools() throws Exception {
        List<Tool> out = new ArrayList<>();
        for (int t = 0; t < 22; t++) {
            StringBuilder props = new StringBuilder();
            for (int p = 0; p < 8; p++) {
                if (p > 0) props.append(',');
                props.append("\"param_").append(p).append("\":");
                if (p % 3 == 0) {
                    props.append("{\"type\":\"string\",\"description\":\"The ").append(p).append(" option of the operation, one of the listed modes.\",")
                            .append("\"enum\":[\"fast\",\"balanced\",\"thorough\",\"exhaustive\"]}");
                } else if (p % 3 == 1) {
                    props.append("{\"type\":\"array\",\"description\":\"Items to act on, each with a path and a flag.\",\"items\":{\"type\":\"object\",")
                            .append("\"properties\":{\"path\":{\"type\":\"string\"},\"recursive\":{\"type\":\"boolean\"}},\"required\":[\"path\"]}}");
                } else {
                    props.append("{\"type\":\"integer\",\"description\":\"A limit on how much work this step may do before it reports back.\",\"minimum\":0}");
                }
            }
            out.add(new Tool("tool_number_" + t, "Performs operation " + t + " on the workspace: reads, filters and writes files as the "
                    + "parameters say, reporting what it changed and why.", JSON.readTree("{\"type\":\"object\",\"properties\":{" + props
                    + "},\"required\":[\"param_0\"],\"additionalProperties\":false}"), true, null));
        }
        return out;
    }

    /**
     * What a call costs with a 34 KB tool list, measured without JMH: the bytes the calling thread allocates
     * (ThreadMXBean.getThreadAllocatedBytes) and the time per call after a warm-up. The string-built first version
     * allocated ~158 KB and took ~130 µs; this one allocates nothing once warm (bound 2 KB) and ~15-20 µs on the
     * development VM (the asserted bound, 200 µs, leaves room for a loaded machine; the figure is printed).
     */
    @Test
    void aThirtyFourKilobyteToolListCostsNoAllocationAndMicroseconds() throws Exception {
        List<Tool> tools = agentTools();
        int size = 0;
        for (Tool t : tools) size += t.name().length() + t.description().length() + t.parameters().toString().length();
        assertThat(size).as("the tool list's size").isBetween(30_000, 40_000);
        assertThat(ToolTokens.estimate(tools)).isEqualTo(reference(tools, ToolTokensTest::quarterChars));
        long sink = 0;
        for (int i = 0; i < 20_000; i++) sink += ToolTokens.estimate(tools); // warm-up: the JIT compiles the walk
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int calls = 2_000;
        long bytes0 = mx.getThreadAllocatedBytes(thread);
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) sink += ToolTokens.estimate(tools);
        long nanos = System.nanoTime() - t0;
        long bytes = mx.getThreadAllocatedBytes(thread) - bytes0;
        double perCallBytes = (double) bytes / calls;
        double perCallMicros = nanos / 1e3 / calls;
        System.out.printf("ToolTokens.estimate, %d-character tool list: %.1f B and %.2f µs a call (%d)%n", size, perCallBytes, perCallMicros, sink);
        assertThat(perCallBytes).as("bytes allocated a call").isLessThan(2_048);
        assertThat(perCallMicros).as("µs a call").isLessThan(200);
    }
}
