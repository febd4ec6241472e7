package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream that quotes pieces of a provider key (its own or another deployment's), not the whole key: a prefix
 * followed by more text (the probe's {@code key prefix sk-oai-SECRETVALUE... and more}), the middle, the key in
 * another case, in errors, in a successful answer's {@code model} and text, in tool-call arguments, in stream events
 * (Anthropic pass-through {@code text_delta} and events we do not read included). No run of 8 or more of any key's
 * characters reaches a client, in either dialect, or a log line; the answers still arrive, masked.
 */
class KeyFragmentsIT {
    static final List<String> KEYS = List.of(TestGateway.PROVIDER_KEY, TestGateway.ANTHROPIC_PROVIDER_KEY, TestGateway.GEMINI_PROVIDER_KEY);
    /** Ten characters of the Anthropic deployment's key, quoted by the OpenAI upstream: every configured key counts. */
    static final String FOREIGN = TestGateway.ANTHROPIC_PROVIDER_KEY.substring(20, 30);

    static CannedGateway env;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: o
                    litellm_params: { model: openai/frag-o, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: a
                    litellm_params: { model: anthropic/frag-a, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: g
                    litellm_params: { model: gemini/frag-g, api_base: "%1$s", api_key: os.environ/GEMINI_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    /** The answers every scenario got, in both dialects, for the final check. */
    private final StringBuilder answers = new StringBuilder();

    private List<HttpResponse<String>> both(String alias, String tag, boolean stream) {
        String messages = ",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}";
        List<HttpResponse<String>> out = List.of(
                Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\"" + messages),
                Http.post(env.gw().baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"max_tokens\":20" + messages));
        for (HttpResponse<String> r : out) answers.append(r.headers().map()).append(r.body()).append('\n');
        return out;
    }

    private void expect(String alias, String tag, boolean stream, int status, String stillThere) {
        for (HttpResponse<String> r : both(alias, tag, stream)) {
            assertThat(r.statusCode()).as(alias + " " + r.body()).isEqualTo(status);
            assertThat(r.body()).as(r.body()).contains("********").contains(stillThere);
        }
    }

    /** Runs the scenarios, then checks that no 8 characters of any key are in the answers or the log lines. */
    private void noKeyRunIn(Runnable scenarios) {
        List<String> logLines;
        try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            scenarios.run();
            logLines = new ArrayList<>(log.lines());
        }
        String all = answers.toString().toLowerCase(Locale.ROOT);
        String logs = String.join("\n", logLines).toLowerCase(Locale.ROOT);
        for (String key : KEYS) {
            for (int i = 0; i + 8 <= key.length(); i++) {
                String run = key.substring(i, i + 8).toLowerCase(Locale.ROOT);
                assertThat(all).as("8 characters of a key in an answer: " + run).doesNotContain(run);
                assertThat(logs).as("8 characters of a key in a log line: " + run).doesNotContain(run);
            }
        }
    }

    @Test
    void inErrors() {
        noKeyRunIn(() -> {
            // a prefix followed by more text, the middle in upper case, another deployment's key, a plain-text body: a prefix followed by more text, the middle in upper case, another deployment's key
            expect("o", env.up().json(400, "{\"error\":{\"message\":\"key prefix {KEY:0:17}... and more\",\"type\":\"invalid_request_error\","
                    + "\"param\":null,\"code\":\"x{KEY:5:25}\"}}"), false, 400, "and more");
            expect("a", env.up().json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key ...{KEY:4:14}... "
                    + FOREIGN.toUpperCase(Locale.ROOT) + " seen\"}}"), false, 401, "seen");
            expect("g", env.up().json(500, "upstream broke while using {KEY:2:30} (plain text)"), false, 502, "plain text");
        });
    }

    @Test
    void inSuccessfulAnswers() {
        noKeyRunIn(() -> {
            // model, text, reasoning, tool-call arguments; Anthropic's raw body passed through to its dialect
            expect("o", env.up().json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-{KEY:3:20}\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"your key starts {KEY:0:12} and has " + FOREIGN
                    + " in it\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
                    + "\"{\\\"k\\\":\\\"{KEY:10:30}\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}"), false, 200, "in it");
            expect("a", env.up().json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-{KEY:7:22}\","
                    + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"the key is {KEY}\",\"signature\":\"s\"},"
                    + "{\"type\":\"text\",\"text\":\"pass-through {KEY:0:9} and {KEY:12:33}!\"}],"
                    + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"), false, 200, "pass-through");
            expect("g", env.up().json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"gemini says {KEY:3:19} ok\"}]},"
                    + "\"finishReason\":\"STOP\"}],\"modelVersion\":\"gemini-{KEY:0:10}\",\"usageMetadata\":{\"promptTokenCount\":1,"
                    + "\"candidatesTokenCount\":1}}"), false, 200, "ok");
        });
    }

    @Test
    void inStreamEvents() {
        noKeyRunIn(() -> {
            // content deltas, Anthropic pass-through text_delta and an event type we do not read, Gemini parts
            expect("o", env.up().sse("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-{KEY:1:11}\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"streamed {KEY:0:17}... and more\"},"
                    + "\"finish_reason\":null}]}\n\n"
                    + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"), true, 200, "and more");
            expect("a", env.up().sse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"claude-{KEY:8:20}\",\"content\":[],\"stop_reason\":null,"
                    + "\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                    + "\"text\":\"delta {KEY:0:17}... and more\"}}\n\n"
                    + "event: future_event\ndata: {\"type\":\"future_event\",\"note\":\"{KEY:9:30}\"}\n\n"
                    + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), true, 200, "and more");
            expect("g", env.up().sse("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"g {KEY:5:25} more\"}]}}],"
                    + "\"modelVersion\":\"gemini-2.5-flash\"}\n\n"
                    + "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\".\"}]},\"finishReason\":\"STOP\"}],"
                    + "\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2}}\n\n"),
                    true, 200, "more");
        });
    }

    /** The answer text a client assembles from a stream in either dialect: content deltas, or text_delta texts. */
    private static String streamedText(String body) {
        StringBuilder text = new StringBuilder();
        for (String data : Http.sseData(body)) {
            if (!data.startsWith("{")) continue;
            io.vertx.core.json.JsonObject e = new io.vertx.core.json.JsonObject(data);
            io.vertx.core.json.JsonArray choices = e.getJsonArray("choices");
            if (choices != null && !choices.isEmpty()) {
                String c = choices.getJsonObject(0).getJsonObject("delta", new io.vertx.core.json.JsonObject()).getString("content");
                if (c != null) text.append(c);
            }
            if ("content_block_delta".equals(e.getString("type"))) text.append(e.getJsonObject("delta").getString("text", ""));
        }
        return text.toString();
    }

    /**
     * A key spread over several stream events, 3 characters each (as a model would stream it token by token): no
     * event holds 8 of its characters, but the answer a client assembles would. At most the first 7 get out.
     */
    @Test
    void spreadOverStreamEvents() {
        StringBuilder openai = new StringBuilder(), anthropic = new StringBuilder(), gemini = new StringBuilder();
        anthropic.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":1,"
                + "\"output_tokens\":0}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (int i = 0; i < 30; i += 3) {
            String piece = (i == 0 ? "key: " : "") + "{KEY:" + i + ":" + (i + 3) + "}";
            openai.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"content\":\"").append(piece).append("\"},\"finish_reason\":null}]}\n\n");
            anthropic.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"").append(piece).append("\"}}\n\n");
            gemini.append("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"").append(piece)
                    .append("\"}]}}],\"modelVersion\":\"gemini-2.5-flash\"}\n\n");
        }
        openai.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\" end\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        anthropic.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                + "\"text\":\" end\"}}\n\nevent: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        gemini.append("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\" end\"}]},\"finishReason\":\"STOP\"}],"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2}}\n\n");
        String[][] cases = {{"o", env.up().sse(openai.toString()), TestGateway.PROVIDER_KEY},
                {"a", env.up().sse(anthropic.toString()), TestGateway.ANTHROPIC_PROVIDER_KEY},
                {"g", env.up().sse(gemini.toString()), TestGateway.GEMINI_PROVIDER_KEY}};
        for (String[] c : cases) {
            for (HttpResponse<String> r : both(c[0], c[1], true)) {
                String text = streamedText(r.body());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(text).as(c[0] + ": " + r.body()).startsWith("key: ").endsWith(" end").contains("********");
                String key = c[2].toLowerCase(Locale.ROOT);
                for (int i = 0; i + 8 <= key.length(); i++) {
                    assertThat(text.toLowerCase(Locale.ROOT)).as(c[0] + ": " + text).doesNotContain(key.substring(i, i + 8));
                }
            }
        }
    }

    /**
     * The text {@code "key: " + key + " end"} cut into text deltas of the given sizes, as canned-upstream pieces (the key's
     * characters as {@code {KEY:from:to}}).
     */
    private static List<String> pieces(int keyLength, int[] sizes) {
        return pieces("key: ", keyLength, " end", sizes);
    }

    /** {@code prefix + key + suffix} cut into pieces of the given sizes (the key's characters as {@code {KEY:from:to}}). */
    private static List<String> pieces(String prefix, int keyLength, String suffix, int[] sizes) {
        int total = prefix.length() + keyLength + suffix.length();
        List<String> out = new ArrayList<>();
        int at = 0;
        for (int k = 0; at < total; k++) {
            int to = k < sizes.length ? Math.min(total, at + sizes[k]) : total;
            StringBuilder piece = new StringBuilder();
            for (int i = at; i < to; ) { // the prefix, the key, the suffix: each part this piece covers
                if (i < prefix.length()) {
                    int e = Math.min(to, prefix.length());
                    piece.append(prefix, i, e);
                    i = e;
                } else if (i < prefix.length() + keyLength) {
                    int e = Math.min(to, prefix.length() + keyLength);
                    piece.append("{KEY:").append(i - prefix.length()).append(':').append(e - prefix.length()).append('}');
                    i = e;
                } else {
                    piece.append(suffix, i - prefix.length() - keyLength, to - prefix.length() - keyLength);
                    i = to;
                }
            }
            out.add(piece.toString());
            at = to;
        }
        return out;
    }

    /** What the README promises the client's text is: the key's characters before the delta that holds its 8th, then masks. */
    private static String promised(String key, int[] sizes) {
        int eighth = "key: ".length() + 7, deltaStart = 0;
        for (int n : sizes) {
            if (deltaStart + n > eighth) break;
            deltaStart += n;
        }
        int shown = Math.max(0, deltaStart - "key: ".length());
        return "key: " + key.substring(0, shown) + "*".repeat(key.length() - shown) + " end";
    }

    /**
     * QA's Finding 1: a key in small text deltas, where a delta of 7 characters or fewer right after one the per-event
     * scan masked went out unmasked (the key's middle, or its last 7 characters): the running scan read the masked text,
     * and a mask ended the run. Through each upstream type (OpenAI, Anthropic, Gemini) and both client dialects (the
     * byte relay of each, and the translation), QA's splits, deltas of one character, and seeded random splits of 1 to 9:
     * the client's text is exactly what the README promises, never more than the key's first 7 characters.
     */
    @Test
    void smallDeltasAfterAMaskedOne() {
        List<int[]> splits = new ArrayList<>(List.of(new int[] {9, 11, 7, 8}, new int[] {14, 7, 8}, new int[] {6, 8, 7, 7, 7},
                new int[] {9, 10, 7}, new int[] {13, 7, 7, 7, 7, 7}, new int[] {5, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
        int[] ones = new int[80];
        java.util.Arrays.fill(ones, 1);
        splits.add(ones);
        java.util.Random random = new java.util.Random(1205);
        for (int r = 0; r < 8; r++) {
            int[] sizes = new int[60];
            for (int i = 0; i < sizes.length; i++) sizes[i] = 1 + random.nextInt(9);
            splits.add(sizes);
        }
        String[][] upstreams = {{"o", TestGateway.PROVIDER_KEY}, {"a", TestGateway.ANTHROPIC_PROVIDER_KEY}, {"g", TestGateway.GEMINI_PROVIDER_KEY}};
        for (int[] sizes : splits) {
            for (String[] u : upstreams) {
                List<String> pieces = pieces(u[1].length(), sizes);
                StringBuilder body = new StringBuilder();
                if (u[0].equals("a")) {
                    body.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                            + "\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":1,"
                            + "\"output_tokens\":0}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
                }
                for (String piece : pieces) {
                    body.append(switch (u[0]) {
                        case "o" -> "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                                + "[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"},\"finish_reason\":null}]}\n\n";
                        case "a" -> "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                                + "{\"type\":\"text_delta\",\"text\":\"" + piece + "\"}}\n\n";
                        default -> "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + piece
                                + "\"}]}}],\"modelVersion\":\"gemini-2.5-flash\"}\n\n";
                    });
                }
                body.append(switch (u[0]) {
                    case "o" -> "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
                    case "a" -> "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
                            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
                    default -> "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\"}],"
                            + "\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2}}\n\n";
                });
                String tag = env.up().sse(body.toString());
                List<HttpResponse<String>> answers = both(u[0], tag, true);
                if (u[0].equals("o") && sizes[0] <= "key: ".length() + 7) {
                    // an OpenAI client gets a delta with no key run by the byte relay, as sent (the encoder adds logprobs)
                    String first = java.util.regex.Pattern.compile("\\{KEY:(\\d+):(\\d+)}").matcher(pieces.get(0))
                            .replaceAll(m -> u[1].substring(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
                    assertThat(answers.get(0).body()).startsWith("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + first
                            + "\"},\"finish_reason\":null}]}\n");
                }
                for (HttpResponse<String> r : answers) {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(streamedText(r.body())).as(u[0] + " " + java.util.Arrays.toString(sizes) + ": " + r.body())
                            .isEqualTo(promised(u[1], sizes));
                }
            }
        }
        noKeyRunIn(() -> { }); // and no 8 characters of any key in any of those answers
    }

    // ---- the running scan of each text of a stream: reasoning, each tool call's arguments, each choice ----

    /** Pieces of 1, 2 and 3 characters, starting at {@code phase} in that cycle, enough for any text here. */
    private static int[] smallSizes(int phase) {
        int[] sizes = new int[80];
        for (int i = 0; i < sizes.length; i++) sizes[i] = 1 + (i + phase) % 3;
        return sizes;
    }

    /**
     * A first piece of 16 characters (the 7 of a tool-argument or 6 of a text prefix, then 9 or 10 of the key: the event
     * scan masks them), then pieces of 1 to 3: the running scan must read the masked event as it was sent.
     */
    private static int[] afterAMaskedOne() {
        int[] sizes = smallSizes(0);
        sizes[0] = 16;
        return sizes;
    }

    /** A piece inside a JSON string (tool arguments hold quotes); the key placeholders need no escape. */
    private static String quoted(String piece) {
        return piece.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static final String ARGS_PREFIX = "{\"k\":\"", ARGS_SUFFIX = "\",\"n\":1}";

    /**
     * Each text a client assembles from a stream, by channel: OpenAI's {@code content 0}, {@code reasoning 0},
     * {@code tool 0.1} (choice, call), Anthropic's {@code text_delta}, {@code thinking_delta} and {@code block 2} (a
     * tool input block's deltas).
     */
    private static java.util.Map<String, String> channelTexts(String body) {
        java.util.Map<String, StringBuilder> out = new java.util.TreeMap<>();
        for (String data : Http.sseData(body)) {
            if (!data.startsWith("{")) continue;
            io.vertx.core.json.JsonObject e = new io.vertx.core.json.JsonObject(data);
            io.vertx.core.json.JsonArray choices = e.getJsonArray("choices");
            if (choices != null) {
                for (int c = 0; c < choices.size(); c++) {
                    io.vertx.core.json.JsonObject ch = choices.getJsonObject(c);
                    io.vertx.core.json.JsonObject d = ch.getJsonObject("delta", new io.vertx.core.json.JsonObject());
                    int i = ch.getInteger("index");
                    if (d.getString("content") != null) out.computeIfAbsent("content " + i, k -> new StringBuilder()).append(d.getString("content"));
                    String r = d.getString("reasoning_content", d.getString("reasoning"));
                    if (r != null) out.computeIfAbsent("reasoning " + i, k -> new StringBuilder()).append(r);
                    io.vertx.core.json.JsonArray calls = d.getJsonArray("tool_calls");
                    for (int t = 0; calls != null && t < calls.size(); t++) {
                        io.vertx.core.json.JsonObject call = calls.getJsonObject(t);
                        String args = call.getJsonObject("function", new io.vertx.core.json.JsonObject()).getString("arguments");
                        if (args != null) out.computeIfAbsent("tool " + i + "." + call.getInteger("index"), k -> new StringBuilder()).append(args);
                    }
                }
            }
            if ("content_block_delta".equals(e.getString("type"))) {
                io.vertx.core.json.JsonObject d = e.getJsonObject("delta");
                // text and thinking: each one text across its blocks (a stream may alternate them); a tool input per block
                String channel = d.containsKey("partial_json") ? "block " + e.getInteger("index") : d.getString("type");
                String piece = d.getString("text", d.getString("thinking", d.getString("partial_json")));
                if (piece != null) out.computeIfAbsent(channel, k -> new StringBuilder()).append(piece);
            }
        }
        java.util.Map<String, String> texts = new java.util.TreeMap<>();
        out.forEach((k, v) -> texts.put(k, v.toString()));
        return texts;
    }

    /** The key as a client got it: its first characters (at most 7, those before the delta that held its 8th), then masks. */
    private static void maskedFromTheEighth(String shown, String key, String what) {
        assertThat(shown).as(what).hasSize(key.length());
        int first = shown.indexOf('*');
        assertThat(first).as(what + ": " + shown).isBetween(0, 7);
        assertThat(shown.substring(0, first)).as(what).isEqualTo(key.substring(0, first));
        assertThat(shown.substring(first)).as(what).isEqualTo("*".repeat(key.length() - first));
    }

    /**
     * Each channel's text holds the key as a client may see it: a text {@code prefix + key + suffix}, or tool arguments
     * (still JSON) whose {@code k} is the key. Returns how many channels of each kind: "text", "args".
     */
    private static java.util.Map<String, Integer> checkChannels(String body, String key, String prefix, String suffix) {
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (java.util.Map.Entry<String, String> c : channelTexts(body).entrySet()) {
            String t = c.getValue();
            if (t.startsWith("{")) {
                io.vertx.core.json.JsonObject args = new io.vertx.core.json.JsonObject(t); // still JSON
                assertThat(args.getInteger("n")).as(c.getKey() + " " + t).isEqualTo(1);
                maskedFromTheEighth(args.getString("k"), key, c.getKey() + " " + t);
                kinds.merge("args", 1, Integer::sum);
            } else if (t.startsWith(prefix)) {
                assertThat(t).as(c.getKey()).endsWith(suffix);
                maskedFromTheEighth(t.substring(prefix.length(), t.length() - suffix.length()), key, c.getKey() + " " + t);
                kinds.merge("text", 1, Integer::sum);
            }
        }
        return kinds;
    }

    private static String openAiChunk(String choices) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[" + choices + "]}\n\n";
    }

    /**
     * A key cut into pieces of 1 to 3 characters in OpenAI reasoning deltas, then in two tool calls' arguments streamed
     * side by side (call 0's piece, call 1's piece, …; call 1's first piece masked by the event scan): each text is
     * masked from the key's 8th character, in both dialects (the byte relay reads reasoning_content; tool-call pieces
     * are decoded), and the arguments stay JSON.
     * Before, reasoning was scanned event by event only and the arguments not across events at all: the pieces passed.
     */
    @Test
    void openAiReasoningAndInterleavedToolCallArguments() {
        String key = TestGateway.PROVIDER_KEY;
        StringBuilder body = new StringBuilder();
        for (String piece : pieces("think ", key.length(), " done", smallSizes(0))) {
            body.append(openAiChunk("{\"index\":0,\"delta\":{\"reasoning_content\":\"" + piece + "\"},\"finish_reason\":null}"));
        }
        body.append(openAiChunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}},{\"index\":1,\"id\":\"call_b\",\"type\":\"function\","
                + "\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]},\"finish_reason\":null}"));
        List<String> a = pieces(ARGS_PREFIX, key.length(), ARGS_SUFFIX, smallSizes(1));
        List<String> b = pieces(ARGS_PREFIX, key.length(), ARGS_SUFFIX, afterAMaskedOne());
        for (int k = 0; k < Math.max(a.size(), b.size()); k++) {
            for (int call = 0; call < 2; call++) {
                List<String> p = call == 0 ? a : b;
                if (k >= p.size()) continue;
                body.append(openAiChunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":" + call + ",\"function\":{\"arguments\":\""
                        + quoted(p.get(k)) + "\"}}]},\"finish_reason\":null}"));
            }
        }
        body.append(openAiChunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}")).append("data: [DONE]\n\n");
        noKeyRunIn(() -> {
            for (HttpResponse<String> r : both("o", env.up().sse(body.toString()), true)) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(checkChannels(r.body(), key, "think ", " done")).as(r.body())
                        .isEqualTo(java.util.Map.of("args", 2, "text", 1));
            }
        });
    }

    /**
     * {@code n = 2}: the two choices' content deltas interleaved, a key cut into pieces of 1 to 3 characters in each.
     * Each choice has its own running scan; one shared by both saw the two keys' pieces alternate, no run of 8, and
     * both keys passed.
     */
    @Test
    void twoChoicesInterleaved() {
        String key = TestGateway.PROVIDER_KEY;
        List<String> first = pieces("one ", key.length(), " end", smallSizes(0));
        List<String> second = pieces("one ", key.length(), " end", smallSizes(2));
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < Math.max(first.size(), second.size()); k++) {
            for (int c = 0; c < 2; c++) {
                List<String> p = c == 0 ? first : second;
                if (k < p.size()) body.append(openAiChunk("{\"index\":" + c + ",\"delta\":{\"content\":\"" + p.get(k) + "\"},\"finish_reason\":null}"));
            }
        }
        body.append(openAiChunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}"))
                .append(openAiChunk("{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}")).append("data: [DONE]\n\n");
        String tag = env.up().sse(body.toString());
        noKeyRunIn(() -> {
            HttpResponse<String> r = Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"o\",\"n\":2,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
            answers.append(r.body()).append('\n');
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(checkChannels(r.body(), key, "one ", " end")).as(r.body()).isEqualTo(java.util.Map.of("text", 2));
            assertThat(channelTexts(r.body()).keySet()).as(r.body()).containsExactly("content 0", "content 1");
        });
    }

    /**
     * An Anthropic stream: a key cut into pieces of 1 to 3 characters in a thinking block's thinking_delta, then in two
     * tool_use blocks' input_json_delta (the thinking's and the second input's first piece masked by the event scan): masked from its 8th character in each, in both dialects (the Anthropic client
     * gets the upstream's own events, the masked pieces written into them), the inputs still JSON.
     */
    @Test
    void anthropicThinkingAndToolInputDeltas() {
        String key = TestGateway.ANTHROPIC_PROVIDER_KEY;
        StringBuilder body = new StringBuilder("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\","
                + "\"thinking\":\"\"}}\n\n");
        for (String piece : pieces("think ", key.length(), " done", afterAMaskedOne())) {
            body.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\","
                    + "\"thinking\":\"").append(piece).append("\"}}\n\n");
        }
        body.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\","
                + "\"signature\":\"sig\"}}\n\nevent: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        for (int block = 1; block <= 2; block++) {
            body.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":").append(block)
                    .append(",\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_").append(block)
                    .append("\",\"name\":\"f\",\"input\":{}}}\n\n");
            for (String piece : pieces(ARGS_PREFIX, key.length(), ARGS_SUFFIX, block == 1 ? smallSizes(1) : afterAMaskedOne())) {
                body.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":").append(block)
                        .append(",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"").append(quoted(piece)).append("\"}}\n\n");
            }
            body.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":").append(block).append("}\n\n");
        }
        body.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                + "\"usage\":{\"output_tokens\":5}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        noKeyRunIn(() -> {
            for (HttpResponse<String> r : both("a", env.up().sse(body.toString()), true)) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(checkChannels(r.body(), key, "think ", " done")).as(r.body())
                        .isEqualTo(java.util.Map.of("args", 2, "text", 1));
            }
        });
    }

    /**
     * A Gemini stream whose events each hold a thought part and an answer part, a key cut into pieces of 1 to 3
     * characters in each: the thoughts have their own running scan (before, each event's thought was scanned alone).
     */
    @Test
    void geminiThoughtParts() {
        String key = TestGateway.GEMINI_PROVIDER_KEY;
        List<String> thoughts = pieces("think ", key.length(), " done", smallSizes(0));
        List<String> text = pieces("think ", key.length(), " done", smallSizes(1));
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < Math.max(thoughts.size(), text.size()); k++) {
            StringBuilder parts = new StringBuilder();
            if (k < thoughts.size()) parts.append("{\"text\":\"").append(thoughts.get(k)).append("\",\"thought\":true}");
            if (k < text.size()) parts.append(parts.length() > 0 ? "," : "").append("{\"text\":\"").append(text.get(k)).append("\"}");
            body.append("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[").append(parts)
                    .append("]}}],\"modelVersion\":\"gemini-2.5-flash\"}\n\n");
        }
        body.append("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\"}],"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2}}\n\n");
        noKeyRunIn(() -> {
            for (HttpResponse<String> r : both("g", env.up().sse(body.toString()), true)) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(checkChannels(r.body(), key, "think ", " done")).as(r.body()).isEqualTo(java.util.Map.of("text", 2));
            }
        });
    }

    // ---- OpenAI's Responses API upstream: its own event stream, relayed to a Responses client ----

    private static String responsesEvent(String type, String fields) {
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\"," + fields + "}\n\n";
    }

    /**
     * Each text a Responses client assembles from the {@code *.delta} events, by kind and output item: {@code summary 0},
     * {@code text 1}, {@code args 2}, … And the same texts as the {@code response.completed} event's output holds them.
     */
    private static java.util.Map<String, String> responsesDeltaTexts(String body) {
        java.util.Map<String, StringBuilder> out = new java.util.TreeMap<>();
        for (String data : Http.sseData(body)) {
            io.vertx.core.json.JsonObject e = new io.vertx.core.json.JsonObject(data);
            String type = e.getString("type");
            String kind = switch (type) {
                case "response.reasoning_summary_text.delta" -> "summary";
                case "response.output_text.delta" -> "text";
                case "response.function_call_arguments.delta" -> "args";
                default -> null;
            };
            if (kind != null) out.computeIfAbsent(kind + " " + e.getInteger("output_index"), k -> new StringBuilder()).append(e.getString("delta"));
        }
        java.util.Map<String, String> texts = new java.util.TreeMap<>();
        out.forEach((k, v) -> texts.put(k, v.toString()));
        return texts;
    }

    private static java.util.Map<String, String> responsesFinalTexts(io.vertx.core.json.JsonObject response) {
        java.util.Map<String, String> texts = new java.util.TreeMap<>();
        io.vertx.core.json.JsonArray output = response.getJsonArray("output");
        for (int i = 0; i < output.size(); i++) {
            io.vertx.core.json.JsonObject item = output.getJsonObject(i);
            switch (item.getString("type")) {
                case "reasoning" -> texts.put("summary " + i, item.getJsonArray("summary").getJsonObject(0).getString("text"));
                case "message" -> texts.put("text " + i, item.getJsonArray("content").getJsonObject(0).getString("text"));
                case "function_call" -> texts.put("args " + i, item.getString("arguments"));
                default -> { }
            }
        }
        return texts;
    }

    /**
     * An OpenAI deployment asked in the Responses API streams from the upstream's own {@code /v1/responses}: a key cut
     * into pieces of 1 to 3 characters in reasoning summary deltas, output text deltas (the first piece masked by the
     * event scan) and two function calls' argument deltas side by side (by output item): each text a Responses client
     * assembles is masked from the key's 8th character, the arguments stay JSON, and the {@code response.completed}
     * event's full texts (relayed and stored) mask at least every character the deltas did, and no key run.
     * Before, each event was scanned alone: every piece passed.
     */
    @Test
    void responsesApiUpstreamDeltas() {
        String key = TestGateway.PROVIDER_KEY;
        StringBuilder body = new StringBuilder(responsesEvent("response.created", "\"sequence_number\":0,\"response\":{\"id\":\"resp_up\","
                + "\"object\":\"response\",\"created_at\":1,\"status\":\"in_progress\",\"model\":\"frag-o\",\"output\":[],\"usage\":null}"));
        body.append(responsesEvent("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}"));
        for (String piece : pieces("think ", key.length(), " done", smallSizes(0))) {
            body.append(responsesEvent("response.reasoning_summary_text.delta", "\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,"
                    + "\"delta\":\"" + piece + "\""));
        }
        body.append(responsesEvent("response.output_item.added", "\"output_index\":1,\"item\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"status\":\"in_progress\",\"content\":[]}"));
        for (String piece : pieces("key: ", key.length(), " end", afterAMaskedOne())) {
            body.append(responsesEvent("response.output_text.delta", "\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,"
                    + "\"delta\":\"" + piece + "\",\"logprobs\":[]"));
        }
        body.append(responsesEvent("response.output_text.done", "\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,"
                + "\"text\":\"key: {KEY} end\",\"logprobs\":[]"));
        for (int call = 2; call <= 3; call++) {
            body.append(responsesEvent("response.output_item.added", "\"output_index\":" + call + ",\"item\":{\"id\":\"fc_" + call
                    + "\",\"type\":\"function_call\",\"status\":\"in_progress\",\"call_id\":\"call_" + call + "\",\"name\":\"f\",\"arguments\":\"\"}"));
        }
        List<String> a = pieces(ARGS_PREFIX, key.length(), ARGS_SUFFIX, smallSizes(1));
        List<String> b = pieces(ARGS_PREFIX, key.length(), ARGS_SUFFIX, afterAMaskedOne());
        for (int k = 0; k < Math.max(a.size(), b.size()); k++) {
            for (int call = 2; call <= 3; call++) {
                List<String> p = call == 2 ? a : b;
                if (k < p.size()) body.append(responsesEvent("response.function_call_arguments.delta", "\"item_id\":\"fc_" + call
                        + "\",\"output_index\":" + call + ",\"delta\":\"" + quoted(p.get(k)) + "\""));
            }
        }
        String args = quoted(ARGS_PREFIX + "{KEY}" + ARGS_SUFFIX);
        StringBuilder output = new StringBuilder("{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                + "\"text\":\"think {KEY} done\"}]},{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"key: {KEY} end\",\"annotations\":[]}]}");
        for (int call = 2; call <= 3; call++) {
            output.append(",{\"id\":\"fc_").append(call).append("\",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":\"call_")
                    .append(call).append("\",\"name\":\"f\",\"arguments\":\"").append(args).append("\"}");
        }
        body.append(responsesEvent("response.completed", "\"response\":{\"id\":\"resp_up\",\"object\":\"response\",\"created_at\":1,"
                + "\"status\":\"completed\",\"model\":\"frag-o\",\"output\":[" + output + "],\"usage\":{\"input_tokens\":1,"
                + "\"output_tokens\":5,\"total_tokens\":6}}"));
        String tag = env.up().sse(body.toString());
        noKeyRunIn(() -> {
            HttpResponse<String> r = Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY,
                    "{\"model\":\"o\",\"stream\":true,\"input\":\"" + tag + "\"}");
            answers.append(r.body()).append('\n');
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            java.util.Map<String, String> deltas = responsesDeltaTexts(r.body());
            assertThat(deltas.keySet()).as(r.body()).containsExactly("args 2", "args 3", "summary 0", "text 1");
            for (java.util.Map.Entry<String, String> c : deltas.entrySet()) {
                String t = c.getValue();
                if (c.getKey().startsWith("args")) {
                    io.vertx.core.json.JsonObject parsed = new io.vertx.core.json.JsonObject(t); // still JSON
                    assertThat(parsed.getInteger("n")).as(t).isEqualTo(1);
                    maskedFromTheEighth(parsed.getString("k"), key, c.getKey() + " " + t);
                } else {
                    String prefix = c.getKey().startsWith("summary") ? "think " : "key: ";
                    String suffix = c.getKey().startsWith("summary") ? " done" : " end";
                    assertThat(t).as(c.getKey()).startsWith(prefix).endsWith(suffix);
                    maskedFromTheEighth(t.substring(prefix.length(), t.length() - suffix.length()), key, c.getKey() + " " + t);
                }
            }
            // the full texts of the last event: every character the deltas masked is masked there too (the whole key)
            io.vertx.core.json.JsonObject completed = null;
            for (String data : Http.sseData(r.body())) {
                io.vertx.core.json.JsonObject e = new io.vertx.core.json.JsonObject(data);
                if ("response.completed".equals(e.getString("type"))) completed = e.getJsonObject("response");
            }
            assertThat(completed).as(r.body()).isNotNull();
            HttpResponse<String> stored = Http.get(env.gw().v1() + "/responses/" + completed.getString("id"), TestGateway.MASTER_KEY);
            answers.append(stored.body()).append('\n');
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            for (io.vertx.core.json.JsonObject response : List.of(completed, new io.vertx.core.json.JsonObject(stored.body()))) {
                java.util.Map<String, String> full = responsesFinalTexts(response);
                assertThat(full.keySet()).as(response.encode()).isEqualTo(deltas.keySet());
                for (String channel : deltas.keySet()) {
                    String streamed = deltas.get(channel), whole = full.get(channel);
                    assertThat(whole).as(channel).hasSameSizeAs(streamed).contains("*".repeat(key.length()));
                    for (int i = 0; i < streamed.length(); i++) {
                        char s = streamed.charAt(i), w = whole.charAt(i);
                        assertThat(s == '*' ? w == '*' : w == s || w == '*').as(channel + " at " + i + ": " + whole + " / " + streamed).isTrue();
                    }
                }
            }
        });
    }
}
