package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.RelayedAnswer;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The decoder against {@link OpenAiChatDecoderReference}, its copy from before the decode was made cheaper: for a broad
 * corpus of answers and stream chunks (the simulator's shapes, the other tests' fixtures, unknown fields and nulls at every
 * level, unicode and escapes, tool calls, logprobs, refusal, audio, several choices, usage details, huge numbers, wrong
 * types, every prefix of an answer as malformed input) both must return the same records, field by field (the class of
 * every kept JSON node included), or fail with the same exception class and message.
 */
class OpenAiChatDecoderDifferentialTest {
    private final OpenAiChatDecoder decoder = new OpenAiChatDecoder("fallback-model");
    private final OpenAiChatDecoderReference reference = new OpenAiChatDecoderReference("fallback-model");

    static final String SIM = """
            {"id":"chatcmpl-sim18a2b3c4d5","object":"chat.completion","created":1764660000,"model":"gpt-4o-mini-2024-07-18",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null,\
            "annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,\
            "total_tokens":21,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":\
            {"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
            "service_tier":"default","system_fingerprint":"fp_sim0001"}""";

    static final String SIM_TOOLS_SEARCH = """
            {"id":"chatcmpl-sim2","object":"chat.completion","created":1764660001,"model":"gpt-4o-search-preview-2024-07-18",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Sunny.","refusal":null,"annotations":[{"type":\
            "url_citation","url_citation":{"start_index":0,"end_index":6,"url":"https://example.com/simulated-source",\
            "title":"Simulated source"}}],"tool_calls":[{"id":"call_sim001","type":"function","function":{"name":"get_weather",\
            "arguments":"{\\"city\\":\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":30,\
            "completion_tokens":12,"total_tokens":42,"prompt_tokens_details":{"cached_tokens":16,"audio_tokens":0},\
            "completion_tokens_details":{"reasoning_tokens":5,"audio_tokens":0,"accepted_prediction_tokens":6,\
            "rejected_prediction_tokens":1}},"service_tier":"default","system_fingerprint":"fp_sim0001"}""";

    static final String LAX = """
            {"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],
             "reasoning":"r"},"finish_reason":"stop"}]}""";

    static final String RICH = """
            {"id":"chatcmpl-\\u00e9\\ud83d\\ude00","object":"chat.completion","created":1.7E9,"model":"m\\"q\\\\",
             "choices":[
              {"index":0,"message":{"role":"assistant","content":"caf\\u00e9 \u00e9\u4e2d\ud83d\ude00 \\n\\t\\"x\\"","refusal":"I can't",
               "audio":{"id":"audio_1","data":"UklGR","expires_at":1700000000,"transcript":"hi"},
               "function_call":{"name":"old","arguments":"{}"},"x_flag":true,"x_off":false,"x_num":12,"x_big":123456789012345678901234567890,
               "x_long":12345678901,"x_float":1.5e300,"x_neg":-0.0,"x_empty_obj":{ },"x_empty_arr":[ \\n ],"x_str":"s","x_null":null},
               "logprobs":{"content":[{"token":"Hi","logprob":-0.01,"bytes":[72,105],"top_logprobs":[]}],"refusal":null},
               "finish_reason":"length"},
              {"index":1,"message":{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":
               {"name":"n","arguments":"{}","extra":1}},{"id":"c2","type":"custom","function":{"name":"n2"}},
               {"type":"function","function":null},{"id":null,"function":{"name":null,"arguments":null}}]},
               "finish_reason":"content_filter","extra_choice_field":{"a":[]}},
              {"index":2,"message":{"content":"z","role":"user"},"finish_reason":"weird_reason"},
              {"index":"3","message":{"role":"assistant","content":"w"},"finish_reason":null,"logprobs":null},
              {"message":{"role":null,"content":"v","tool_calls":null,"reasoning_content":{"a":1},"reasoning":"second"},"finish_reason":"function_call"}
             ],
             "usage":{"prompt_tokens":2147483647,"completion_tokens":0,"total_tokens":2147483647,"prompt_tokens_details":null,
               "completion_tokens_details":{"reasoning_tokens":7,"audio_tokens":3,"accepted_prediction_tokens":2,
               "rejected_prediction_tokens":1,"unknown_tokens":5,"reasoning_tokens":8},"cost":0.0012},
             "system_fingerprint":null,"service_tier":{"tier":"flex"},"error":null,"x_top":[1,2,{"a":null}]}""";

    static final List<String> CHUNKS = List.of(
            """
            {"id":"chatcmpl-sim1","object":"chat.completion.chunk","created":1764660000,"model":"gpt-4o-mini-2024-07-18",\
            "system_fingerprint":"fp_sim0001","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},\
            "logprobs":null,"finish_reason":null}],"usage":null}""",
            """
            {"id":"chatcmpl-sim1","object":"chat.completion.chunk","created":1764660000,"model":"gpt-4o-mini-2024-07-18",\
            "choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}""",
            """
            {"id":"chatcmpl-sim1","created":1764660000,"model":"gpt-4o-search-preview","choices":[{"index":0,"delta":\
            {"annotations":[{"type":"url_citation","url_citation":{"start_index":0,"end_index":5}}]},"finish_reason":null}]}""",
            """
            {"id":"chatcmpl-sim1","created":1764660000,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,\
            "finish_reason":"stop"}],"usage":null}""",
            """
            {"id":"chatcmpl-sim1","created":1764660000,"model":"m","choices":[],"usage":{"prompt_tokens":12,\
            "completion_tokens":9,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},\
            "completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0,"accepted_prediction_tokens":0,\
            "rejected_prediction_tokens":0}},"service_tier":"default"}""",
            """
            {"id":"x","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"",
             "tool_calls":[{"index":1,"id":"call_9","type":"function","function":{"name":"f","arguments":""}}]},
             "logprobs":null,"finish_reason":null}],"usage":null}""",
            """
            {"id":"x","choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{\\"a\\""}},{"index":"2","function":\
            {"arguments":{"o":1}}}],"reasoning_content":"hm","reasoning":"no","x":[],"y":{},"z":"s","w":[1]},"finish_reason":"tool_calls"}]}""",
            """
            {"id":"x","choices":[{"delta":null,"finish_reason":"odd"}],"model":""}""",
            """
            {"error":{"message":"boom","type":"server_error"}}""",
            """
            {"choices":[{"delta":{"content":[{"type":"text","text":"p"}]}}],"error":null}""");

    /** Every kind of value a field can meet, to put in every place. */
    static final List<String> VALUES = List.of("null", "true", "false", "0", "-1", "3.25", "1e400", "99999999999999999999",
            "\"\"", "\"s\\u00e9\\n\"", "[]", "[ ]", "{}", "{ }", "[1,\"a\",null]", "{\"k\":[{}]}", "\"stop\"", "\"assistant\"",
            "\"function\"", "\"chat.completion\"",
            // near misses of the values compared in place or reused from the answer before
            "\"chat.completioN\"", "\"stoP\"", "\"lengtH\"", "\"assistanT\"", "\"functioN\"", "\"gpt-4o-mini-2024-07-1X\"",
            "\"gpt-4o-mini-2024-07-18\"", "\"fp_sim000X\"", "\"defaulT\"", "\"default\"");

    @Test
    void answersDecodeExactlyAsTheReferenceDoes() throws Exception {
        Set<String> corpus = new LinkedHashSet<>(List.of(SIM, SIM_TOOLS_SEARCH, OpenAiChatDecoderTest.FULL_ANSWER, LAX, RICH));
        corpus.addAll(CHUNKS);
        corpus.add("\uFEFF" + SIM); // a byte order mark
        corpus.add(SIM.replace("\"annotations\":[]", "\"annotations\":[]  ,\"audio\":{}"));
        corpus.add(SIM.replace("\"created\":1764660000,", "")); // no created: now, in both
        for (String base : List.of(SIM, SIM_TOOLS_SEARCH)) {
            for (String field : List.of("id", "object", "created", "model", "choices", "usage", "service_tier",
                    "system_fingerprint", "index", "message", "logprobs", "finish_reason", "role", "content", "refusal",
                    "annotations", "tool_calls", "type", "function", "name", "arguments", "prompt_tokens",
                    "completion_tokens", "prompt_tokens_details", "cached_tokens", "audio_tokens",
                    "completion_tokens_details", "reasoning_tokens", "accepted_prediction_tokens")) {
                for (String value : VALUES) corpus.addAll(variants(base, field, value));
            }
            // an unknown field, and a repeated known one, at the start of every object
            for (String value : VALUES) {
                corpus.add(base.replace("{", "{\"x_unknown\":" + value + ","));
                corpus.add(base.replace("{\"", "{\"x_unknown\":" + value + ",\""));
            }
            corpus.add(base.replace("{\"", "{\"annotations\":[],\""));
            corpus.add(base.replace(",\"", " , \"").replace(":", " :\n\t"));
        }
        int compared = 0;
        for (String json : corpus) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            compareAnswer(json, bytes, bytes.length);
            compareChunk(json, bytes);
            compared++;
            // every prefix: malformed input, same error (or the same result where a prefix parses)
            if (json.equals(SIM) || json.equals(RICH) || json.equals(SIM_TOOLS_SEARCH) || CHUNKS.contains(json)) {
                for (int n = 0; n < bytes.length; n++) {
                    compareAnswer(json + " [prefix " + n + "]", bytes, n);
                    compareChunk(json + " [prefix " + n + "]", Arrays.copyOf(bytes, n));
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
        assertThat(scanned).as("answers of the corpus read from their bytes").isGreaterThan(100);
    }

    /** {@code base} with the value of each occurrence of {@code "field":} replaced by {@code value}, one at a time. */
    private static List<String> variants(String base, String field, String value) {
        List<String> out = new ArrayList<>();
        String key = "\"" + field + "\":";
        for (int at = base.indexOf(key); at >= 0; at = base.indexOf(key, at + 1)) {
            int from = at + key.length();
            int to = valueEnd(base, from);
            out.add(base.substring(0, from) + value + base.substring(to));
            out.add(base.substring(0, to) + ",\"" + field + "\":" + value + base.substring(to)); // the field twice
            out.add(base.substring(0, at) + base.substring(to + (base.charAt(to) == ',' ? 1 : 0))); // the field left out
        }
        return out;
    }

    private static int valueEnd(String s, int i) {
        int depth = 0;
        boolean str = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (str) {
                if (c == '\\') i++;
                else if (c == '"') str = false;
                if (!str && depth == 0) return i + 1;
            } else if (c == '"') {
                str = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) return i;
                if (--depth == 0) return i + 1;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return i;
    }

    private void compareAnswer(String what, byte[] bytes, int length) throws Exception {
        for (int attempt = 0; ; attempt++) { // an answer without `created` is dated now: a second may tick between the two
            String expected = outcome(() -> reference.response(bytes, length));
            String actual = outcome(() -> decoder.response(bytes, length));
            if (attempt == 0 && !expected.equals(actual)) continue;
            assertThat(actual).as(what).isEqualTo(expected);
            compareScan(what, bytes, length, expected);
            return;
        }
    }

    /** Answers the byte scan read (the rest went to Jackson); the tests below check it reads the common shapes. */
    private int scanned;

    /**
     * The byte scan alone, when it reads the answer: the reference's records, field by field, with no repeated strings
     * to reuse, with the right ones, and with near misses of them (one character short, one different).
     */
    private void compareScan(String what, byte[] bytes, int length, String expected) {
        String[][] lasts = {{null, null, null}, {"gpt-4o-mini-2024-07-18", "fp_sim0001", "default"},
                {"gpt-4o-mini-2024-07-1", "fp_sim000", "defaul"}, {"gpt-4o-mini-2024-07-1X", "fp_sim000X", "defaulT"}};
        int read = 0;
        for (String[] last : lasts) {
            ChatResponse r = new OpenAiAnswerByteScan(last[0], last[1], last[2]).read(bytes, length);
            if (r == null) continue;
            assertThat(describe(r)).as("%s, scanned (last strings %s)", what, Arrays.toString(last)).isEqualTo(expected);
            read++;
        }
        assertThat(read).as("%s: read whatever strings the scan may reuse, or never", what).isIn(0, lasts.length);
        if (read > 0) scanned++;
    }

    /** Whether the byte scan reads {@code json} (and, by {@link #compareAnswer}, into the reference's records). */
    private boolean scans(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        int before = scanned;
        compareAnswer(json, bytes, bytes.length);
        return scanned > before;
    }

    /** OpenAI's answer as the API sends it (pretty-printed, two-space indent), with escapes and unicode in its text. */
    static final String OPENAI = """
            {
              "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
              "object": "chat.completion",
              "created": 1741569952,
              "model": "gpt-4.1-2025-04-14",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": "Hello! How can I assist you today?\\n\\n- \\"one\\"\\n- caf\\u00e9 \u00e9\u4e2d\ud83d\ude00",
                    "refusal": null,
                    "annotations": []
                  },
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {
                "prompt_tokens": 19,
                "completion_tokens": 10,
                "total_tokens": 29,
                "prompt_tokens_details": {
                  "cached_tokens": 0,
                  "audio_tokens": 0
                },
                "completion_tokens_details": {
                  "reasoning_tokens": 0,
                  "audio_tokens": 0,
                  "accepted_prediction_tokens": 0,
                  "rejected_prediction_tokens": 0
                }
              },
              "service_tier": "default",
              "system_fingerprint": "fp_fc9f1d7035"
            }
            """;

    /** The simulator's tool-call answer without the search model's citations (a non-empty kept array is databind's). */
    static final String SIM_TOOLS = SIM_TOOLS_SEARCH.replaceFirst("\"annotations\":\\[\\{.*?\\}\\}\\]", "\"annotations\":[]");

    @Test
    void theCommonShapesAreReadFromTheirBytesIntoTheReferencesRecords() throws Exception {
        assertThat(SIM_TOOLS).contains("\"annotations\":[],\"tool_calls\"");
        List<String> common = new ArrayList<>(List.of(SIM, SIM_TOOLS, OPENAI,
                OPENAI.replace("\n", "\r\n").replace("  ", "\t"), // other white space
                " \n" + SIM + " \n\t", // white space around the answer
                SIM.replace(",\"", " , \"").replace(":", " :\n\t").replace("{", "{ ").replace("}", " }"),
                reordered(SIM), reordered(SIM_TOOLS), reordered(OPENAI),
                SIM.replace("\"system_fingerprint\":\"fp_sim0001\"", "\"system_fingerprint\":null"), // read, not relayed
                SIM.replace("\"service_tier\":\"default\",", ""), // none: relayed all the same
                SIM.replace("\"refusal\":null", "\"refusal\":\"I can\\u2019t \\\"help\\\" \\ud83d\\ude00\"")
                        .replace("\"content\":\"Hello! How can I help you today?\"", "\"content\":null"),
                SIM.replace("Hello!", "\\ud800 lone \\udfff, \\/ \\b\\f\\n\\r\\t \\u0000 \u00ff\u0800\uffff"),
                SIM.replace("\"annotations\":[]", "\"annotations\":[ ],\"x_t\":true,\"x_f\":false,\"x_s\":\"\",\"x_o\":{ }"),
                SIM.replace("\"refusal\":null", "\"refusal\":null,\"reasoning_content\":\"thinking\\n\""),
                SIM.replace("\"annotations\":[]", "\"annotations\":[],\"tool_calls\":[]"),
                SIM.replace("1764660000", "999999999999999999").replace("\"index\":0", "\"index\":2147483647")
                        .replace("\"prompt_tokens\":12", "\"prompt_tokens\":-2147483648")
                        .replace("\"cached_tokens\":0", "\"cached_tokens\":-0"),
                SIM.replace("\"choices\":[{", "\"choices\":[{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"\","
                        + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"length\"},{"), // two choices
                SIM.replaceFirst("\"choices\":\\[.*\\],\"usage\"", "\"choices\":[],\"usage\""), // none
                SIM.replace("\"total_tokens\":21", "\"total_tokens\":21,\"cost\":{\"usd\":[0.1,1e-3,null,true]},\"prompt_tokens\":13"),
                SIM.replace("\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}",
                        "\"prompt_tokens_details\":null,\"prompt_tokens_details\":{\"cached_tokens\":5,\"x\":\"y\",\"cached_tokens\":6}")));
        for (FinishReason r : FinishReason.values()) common.add(SIM.replace("\"stop\"", "\"" + r.wire() + "\""));
        for (String json : common) assertThat(scans(json)).as("read from its bytes: %s", json).isTrue();
    }

    @Test
    void nearMissesGoToJackson() throws Exception {
        List<String> others = new ArrayList<>(List.of(
                "\uFEFF" + SIM, SIM + "x", SIM + "{}", SIM.substring(0, SIM.length() - 1),
                SIM_TOOLS_SEARCH, OpenAiChatDecoderTest.FULL_ANSWER, RICH, LAX,
                SIM.replace("1764660000", "1000000000000000000"), // 19 digits: Jackson's
                SIM.replace("1764660000", "1.76466E9"), SIM.replace("1764660000", "01"),
                SIM.replace("\"index\":0", "\"index\":2147483648"), SIM.replace("\"index\":0", "\"index\":0.0"),
                SIM.replace("\"prompt_tokens\":12", "\"prompt_tokens\":12.0"),
                SIM.replace("\"prompt_tokens\":12", "\"prompt_tokens\":null"),
                SIM.replace("\"cached_tokens\":0", "\"cached_tokens\":\"0\""),
                SIM.replace("\"object\":\"chat.completion\"", "\"object\":\"chat.completio\\u006e\""),
                SIM.replace("\"role\":\"assistant\"", "\"role\":\"assistan\\u0074\""),
                SIM.replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"sto\\u0070\""),
                SIM.replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"end_turn\""),
                SIM.replace("\"model\":", "\"mode\\u006c\":"),
                SIM.replace("\"model\":\"gpt-4o-mini-2024-07-18\"", "\"model\":\"\""),
                SIM.replace("\"id\":", "\"x_id\":\"1\",\"id\":"), SIM.replace("\"usage\":{", "\"usage\":null,\"x\":{"),
                SIM.replace("\"logprobs\":null", "\"logprobs\":{\"content\":[]}"),
                SIM.replace("\"annotations\":[]", "\"annotations\":[],\"annotations\":[]"),
                SIM.replace("\"annotations\":[]", "\"annotations\":[],\"audio\":null"),
                SIM.replace("\"annotations\":[]", "\"annotations\":[],\"reasoning\":\"r\""),
                SIM.replace("\"annotations\":[]", "\"annotations\":[],\"x_n\":1"),
                SIM.replace("\"content\":\"Hello! How can I help you today?\"", "\"content\":[{\"type\":\"text\",\"text\":\"a\"}]"),
                SIM.replace("\"created\":1764660000,", ""),
                SIM.replace("\"system_fingerprint\"", "\"error\":null,\"system_fingerprint\""),
                SIM_TOOLS.replace("\"type\":\"function\"", "\"type\":\"function\",\"index\":0"),
                SIM_TOOLS.replace("\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"", "\"arguments\":{\"city\":\"Paris\"}"),
                // a name longer than the scan reads (Jackson's own limit is far beyond)
                SIM.replace("\"prompt_tokens_details\":{", "\"prompt_tokens_details\":{\"" + "x".repeat(OpenAiJsonBytes.MAX_NAME + 1) + "\":1,")));
        for (String json : others) assertThat(scans(json)).as("left to Jackson: %s", json).isFalse();
        // bytes no String can carry: invalid UTF-8, an encoded surrogate, an overlong form, a control character
        byte[] sim = SIM.getBytes(StandardCharsets.UTF_8);
        int at = SIM.indexOf("Hello");
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF}, new byte[] {0x1F})) {
            byte[] json = new byte[sim.length + bad.length];
            System.arraycopy(sim, 0, json, 0, at);
            System.arraycopy(bad, 0, json, at, bad.length);
            System.arraycopy(sim, at, json, at + bad.length, sim.length - at);
            int before = scanned;
            compareAnswer(Arrays.toString(bad), json, json.length);
            assertThat(scanned).as("left to Jackson: %s", Arrays.toString(bad)).isEqualTo(before);
        }
    }

    /** 12,000 damaged copies of the common answers (bytes changed, dropped, doubled), read as the reference reads them. */
    @Test
    void damagedAnswersReadAsTheReferenceReadsThem() throws Exception {
        java.util.Random random = new java.util.Random(15);
        byte[] alphabet = "{}[]\",:\\ \n0123456789-+.eEnulltruefalsexyz\u00e9".getBytes(StandardCharsets.UTF_8);
        List<byte[]> bases = new ArrayList<>();
        for (String json : List.of(SIM, SIM_TOOLS, OPENAI)) bases.add(json.getBytes(StandardCharsets.UTF_8));
        int read = 0;
        for (int n = 0; n < 12_000; n++) {
            byte[] json = bases.get(n % bases.size()).clone();
            for (int k = 1 + random.nextInt(2); k > 0; k--) {
                int i = random.nextInt(json.length);
                switch (random.nextInt(4)) {
                    case 0 -> json[i] = alphabet[random.nextInt(alphabet.length)];
                    case 1 -> json[i] = (byte) random.nextInt(256);
                    case 2 -> { // a byte dropped
                        byte[] shorter = new byte[json.length - 1];
                        System.arraycopy(json, 0, shorter, 0, i);
                        System.arraycopy(json, i + 1, shorter, i, json.length - i - 1);
                        json = shorter;
                    }
                    default -> { // a byte doubled
                        byte[] longer = new byte[json.length + 1];
                        System.arraycopy(json, 0, longer, 0, i + 1);
                        System.arraycopy(json, i, longer, i + 1, json.length - i);
                        json = longer;
                    }
                }
            }
            int before = scanned;
            byte[] damaged = json;
            compareAnswer("damaged #" + n + ": " + new String(damaged, StandardCharsets.UTF_8), damaged, damaged.length);
            if (scanned > before) read++;
        }
        assertThat(read).as("damaged copies the scan still read (a digit, a letter in a string)").isGreaterThan(500);
    }

    /** {@code json} with the members of every object in reverse order (written compactly by Jackson). */
    private static String reordered(String json) throws Exception {
        return reverse(dev.switchboard.provider.Json.MAPPER.readTree(json)).toString();
    }

    private static JsonNode reverse(JsonNode n) {
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : n) out.add(reverse(e));
            return out;
        }
        if (!n.isObject()) return n;
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
        n.fields().forEachRemaining(members::add);
        java.util.Collections.reverse(members);
        com.fasterxml.jackson.databind.node.ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : members) out.set(e.getKey(), reverse(e.getValue()));
        return out;
    }

    private void compareChunk(String what, byte[] bytes) throws Exception {
        // inside a larger array, with closing brackets around it that are not the chunk's
        byte[] framed = new byte[bytes.length + 8];
        Arrays.fill(framed, (byte) ']');
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        for (int attempt = 0; ; attempt++) {
            String expected = outcome(() -> reference.chunk(bytes)) + outcome(() -> reference.chunk(framed, 3, bytes.length));
            String actual = outcome(() -> decoder.chunk(bytes)) + outcome(() -> decoder.chunk(framed, 3, bytes.length));
            if (attempt == 0 && !expected.equals(actual)) continue;
            assertThat(actual).as(what + " as a chunk").isEqualTo(expected);
            return;
        }
    }

    private interface Decode {
        Object run() throws Exception;
    }

    private static String outcome(Decode d) {
        try {
            return describe(d.run());
        } catch (OpenAiChatDecoder.ErrorEvent e) {
            return "ErrorEvent " + e.getMessage() + " " + describe(e.error);
        } catch (OpenAiChatDecoderReference.ErrorEvent e) {
            return "ErrorEvent " + e.getMessage() + " " + describe(e.error);
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** Every field of the records, recursively; JSON trees with the class of every node. */
    static String describe(Object o) {
        if (o == null) return "null";
        if (o instanceof JsonNode n) {
            StringBuilder sb = new StringBuilder(n.getClass().getSimpleName()).append('(');
            if (n.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    sb.append(e.getKey()).append('=').append(describe(e.getValue())).append(',');
                }
            } else if (n.isArray()) {
                for (JsonNode c : n) sb.append(describe(c)).append(',');
            } else {
                sb.append(n);
            }
            return sb.append(')').toString();
        }
        if (o instanceof RelayedAnswer r) {
            return "RelayedAnswer(" + r.dialect() + "," + Arrays.toString(r.body()) + "," + r.start() + "," + r.usageFrom()
                    + "," + r.usageTo() + "," + r.end() + ")";
        }
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder(l.getClass().getSimpleName()).append('[');
            for (Object e : l) sb.append(describe(e)).append(',');
            return sb.append(']').toString();
        }
        if (o.getClass().isRecord()) {
            StringBuilder sb = new StringBuilder(o.getClass().getSimpleName()).append('(');
            for (RecordComponent c : o.getClass().getRecordComponents()) {
                try {
                    sb.append(c.getName()).append('=').append(describe(c.getAccessor().invoke(o))).append(',');
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return sb.append(')').toString();
        }
        if (o instanceof String s) return '"' + s + '"';
        return o.getClass().getSimpleName() + ":" + o;
    }
}
