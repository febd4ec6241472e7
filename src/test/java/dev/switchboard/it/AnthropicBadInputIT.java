package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input in the Anthropic dialect, through a real socket: a 400 in Anthropic's shape whose message names the
 * field in Anthropic's words, the same whichever provider serves the alias (the Anthropic one gets the raw body,
 * the others a translation), and nothing reaches the upstream.
 */
class AnthropicBadInputIT {
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    /** A valid request for {@code model} with {@code fields} (a JSON fragment, or empty) added at the top. */
    private static String body(String model, String fields) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":2048," + fields + (fields.isEmpty() ? "" : ",")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                Arguments.of("\"stop_sequences\":[5,{\"a\":1}]", "stop_sequences.0: Input should be a valid string"),
                Arguments.of("\"stop_sequences\":[\"ok\",null]", "stop_sequences.1: Input should be a valid string"),
                Arguments.of("\"stop_sequences\":\"END\"", "stop_sequences: Input should be a valid list"),
                Arguments.of("\"stop_sequences\":[\"END\",\" \\n\"]", "stop_sequences: each stop sequence must contain non-whitespace"),
                Arguments.of("\"stop_sequences\":[\"\"]", "stop_sequences: each stop sequence must contain non-whitespace"),
                Arguments.of("\"thinking\":5", "thinking: Input should be a valid dictionary"),
                Arguments.of("\"thinking\":\"x\"", "thinking: Input should be a valid dictionary"),
                Arguments.of("\"thinking\":{}", "thinking: Unable to extract tag using discriminator 'type'"),
                Arguments.of("\"thinking\":{\"type\":\"on\"}", "thinking: Input tag 'on' found using 'type' does not match"),
                Arguments.of("\"thinking\":{\"type\":\"enabled\"}", "thinking.enabled.budget_tokens: Field required"),
                Arguments.of("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"x\"}", "thinking.enabled.budget_tokens: Input should be a valid integer"),
                Arguments.of("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024.5}", "thinking.enabled.budget_tokens: Input should be a valid integer"),
                Arguments.of("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1000}", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
                Arguments.of("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4096}", "`max_tokens` must be greater than `thinking.budget_tokens`"),
                Arguments.of("\"metadata\":5", "metadata: Input should be a valid dictionary"),
                Arguments.of("\"metadata\":{\"user_id\":7}", "metadata.user_id: Input should be a valid string"),
                Arguments.of("\"top_k\":\"x\"", "top_k: Input should be a valid integer"),
                Arguments.of("\"top_k\":2.5", "top_k: Input should be a valid integer"),
                Arguments.of("\"top_k\":-1", "top_k: Input should be greater than or equal to 0"),
                Arguments.of("\"temperature\":1e400", "temperature: Input should be a finite number"),
                Arguments.of("\"top_p\":-1e400", "top_p: Input should be a finite number"),
                Arguments.of("\"future_field\":{\"x\":[1e999]}", "future_field.x.0: Input should be a finite number"),
                Arguments.of("\"tools\":[{\"name\":\"\",\"input_schema\":{\"type\":\"object\"}}]",
                        "tools.0.name: String should have at least 1 character"),
                Arguments.of("\"tools\":[{\"name\":\"a\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"b\"}",
                        "Tool 'b' not found in provided tools"),
                // Anthropic's words for a forced choice with nothing to choose from (a live probe of the API: auto and
                // none without tools are accepted, any and tool refused)
                Arguments.of("\"tool_choice\":{\"type\":\"any\"}", "tool_choice.any may only be specified while providing tools"),
                Arguments.of("\"tools\":[],\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true}",
                        "tool_choice.any may only be specified while providing tools"),
                Arguments.of("\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}", "Tool 'get_weather' not found in provided tools"),
                Arguments.of("\"metadata\":{\"user_id\":\"u1\",\"session\":\"abc\"}", "metadata.session: Extra inputs are not permitted"),
                Arguments.of("\"metadata\":{\"trace_id\":\"t\",\"traceid\":\"t\"}", "metadata.traceid: Extra inputs are not permitted"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void aBadFieldIsTheSame400WhicheverProviderServes(String fields, String says) {
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            assertThat(error(Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(alias, fields))))
                    .as(alias).contains(says);
        }
        assertThat(gw.simulator.received()).as("refused before routing").isEmpty();
    }

    /** A valid request for {@code model} with these messages (a JSON array). */
    private static String withMessages(String model, String messages) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"messages\":" + messages + "}";
    }

    static Stream<Arguments> emptyContent() {
        String nonEmpty = "all messages must have non-empty content except for the optional final assistant message";
        return Stream.of(
                Arguments.of("[{\"role\":\"user\",\"content\":[]}]", "messages.0: " + nonEmpty),
                Arguments.of("[{\"role\":\"user\",\"content\":\"\"}]", "messages.0: " + nonEmpty),
                Arguments.of("[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":[]},"
                        + "{\"role\":\"user\",\"content\":\"b\"}]", "messages.1: " + nonEmpty),
                Arguments.of("[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"\"},"
                        + "{\"role\":\"user\",\"content\":\"b\"}]", "messages.1: " + nonEmpty),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}]",
                        "messages: text content blocks must be non-empty"),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\" \\n\"}]}]",
                        "messages: text content blocks must contain non-whitespace text"),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\" \"},{\"type\":\"text\",\"text\":\"\\t\"}]}]",
                        "messages: text content blocks must contain non-whitespace text"),
                // an empty block is refused even beside real text
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"text\",\"text\":\"\"}]}]",
                        "messages: text content blocks must be non-empty"));
    }

    /**
     * Empty content is Anthropic's 400 before routing, whichever provider serves the alias: never a turn dropped, nor
     * {@code messages: []} / {@code contents: []} sent upstream to come back in another API's words.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyContent")
    void emptyContentIsAnthropics400ForEveryAlias(String messages, String says) {
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            assertThat(error(Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, withMessages(alias, messages))))
                    .as(alias).isEqualTo(says);
        }
        assertThat(gw.simulator.received()).as("refused before routing").isEmpty();
    }

    /**
     * A whitespace-only text block beside one with real text is what Anthropic takes (LibreChat-AI/agents#124): served
     * for every alias, the Anthropic one given the body as written, a translation without the blank block.
     */
    @Test
    void aWhitespaceBlockBesideRealTextIsServed() {
        String messages = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\" \"},{\"type\":\"text\",\"text\":\"real\"}]}]";
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, withMessages(alias, messages));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        }
        for (var q : gw.simulator.received()) {
            String sent = q.body().encode();
            if (q.path().equals("/v1/messages")) assertThat(sent).as("as the client wrote it").contains("{\"type\":\"text\",\"text\":\" \"}");
            else assertThat(sent).as(q.path()).contains("real").doesNotContain("\" \"");
        }
    }

    /**
     * The gateway's own metadata keys (tags, LiteLLM's tracing keys, guardrails) are not Anthropic's "Extra inputs":
     * accepted for every alias, read for the call (the session is the request log's) and never in Anthropic's body.
     */
    @Test
    void theGatewaysMetadataKeysAreAcceptedAndNeverReachAnthropic() throws InterruptedException {
        String session = "anthropic-sess-" + System.nanoTime();
        String fields = "\"metadata\":{\"user_id\":\"u1\",\"tags\":[\"t1\"],\"trace_id\":\"tr-1\",\"session_id\":\"" + session
                + "\",\"generation_name\":\"g\",\"trace_name\":\"n\"}";
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(alias, fields));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        }
        JsonObject toClaude = gw.simulator.received().stream().filter(q -> q.path().equals("/v1/messages")).findFirst().orElseThrow().body();
        assertThat(toClaude.getJsonObject("metadata").getMap()).as("Anthropic takes only user_id").isEqualTo(java.util.Map.of("user_id", "u1"));
        HttpResponse<String> only = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                body("claude", "\"metadata\":{\"session_id\":\"" + session + "\",\"trace_name\":\"n\"}"));
        assertThat(only.statusCode()).as(only.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("metadata")).as("an emptied metadata is left out").isFalse();
        io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
        for (int i = 0; i < 100 && rows.size() < 4; i++) {
            rows = new JsonObject(Http.get(gw.baseUrl() + "/spend/logs?session_id=" + session, TestGateway.MASTER_KEY).body()).getJsonArray("data");
            if (rows.size() < 4) Thread.sleep(50);
        }
        assertThat(rows).as("the session is read for tracing, as in the OpenAI dialect").hasSize(4);
    }

    /** The optional final assistant message may be empty (a prefill of nothing): served, and left out in translation. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"\"", "[]"})
    void anEmptyFinalAssistantMessageIsServed(String content) {
        String messages = "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":" + content + "}]";
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, withMessages(alias, messages));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        }
        JsonObject toGpt = gw.simulator.received().stream().filter(q -> q.path().equals("/v1/chat/completions")).findFirst().orElseThrow().body();
        assertThat(toGpt.getJsonArray("messages").size()).isEqualTo(1);
    }

    /**
     * {@code tool_choice} auto or none without tools: Anthropic takes it (and means nothing by it), so the translation
     * leaves it out: OpenAI refuses {@code tool_choice} and {@code parallel_tool_calls} without {@code tools}. An
     * Anthropic alias gets the body as sent.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"type\":\"auto\",\"disable_parallel_tool_use\":true}", "{\"type\":\"none\"}"})
    void anUnforcedToolChoiceWithoutToolsIsLeftOutInTranslation(String choice) {
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                    body(alias, "\"tool_choice\":" + choice));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        }
        for (var q : gw.simulator.received()) {
            JsonObject sent = q.body();
            if (q.path().equals("/v1/messages")) {
                assertThat(sent.getJsonObject("tool_choice")).isEqualTo(new JsonObject(choice));
            } else {
                assertThat(sent.fieldNames()).as(q.path()).doesNotContain("tool_choice", "parallel_tool_calls", "toolConfig", "tools");
            }
        }
    }

    @Test
    void aToolUseWithoutAnObjectInputIsRefusedNotSentAsEmpty() {
        String body = """
                {"model":"gpt","max_tokens":100,"messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"w","input":"Paris"}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"}]}]}""";
        assertThat(error(Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body)))
                .contains("messages.1.content.0.tool_use.input: Input should be a valid dictionary");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {" xyz", "{\"model\":\"claude\"}", "[1]"})
    void trailingContentAfterTheObjectIsRefused(String trailing) {
        assertThat(error(Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body("claude", "") + trailing)))
                .contains("invalid JSON");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"type\":\"disabled\"}", "{\"type\":\"adaptive\"}", "{\"type\":\"enabled\",\"budget_tokens\":1024}"})
    void everyThinkingModeAnthropicTakesStillGoesThrough(String thinking) {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                // top_k only with thinking off: Claude refuses it with thinking on (the simulator too)
                body("claude", "\"thinking\":" + thinking + (thinking.contains("disabled") ? ",\"top_k\":5" : "")
                        + ",\"metadata\":{\"user_id\":\"u1\"},\"stop_sequences\":[\"END\"]"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // the alias is Claude Sonnet 4.5, which thinks with a budget only: adaptive thinking reaches it as the budget of
        // the API's default effort (high, 4,096) under max_tokens (2,048); AdaptiveThinkingIT has the models that take it
        JsonObject expected = thinking.contains("adaptive")
                ? new JsonObject().put("type", "enabled").put("budget_tokens", 2047) : new JsonObject(thinking);
        assertThat(gw.simulator.last().body().getJsonObject("thinking")).isEqualTo(expected);
    }

    /**
     * Interleaved thinking (the beta Claude Code sends) makes budget_tokens the whole turn's budget, which Anthropic
     * lets exceed max_tokens: the same body that is a 400 without the beta goes through with it, on every provider.
     */
    @Test
    void interleavedThinkingLetsTheBudgetExceedMaxTokens() {
        String fields = "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4096}"; // max_tokens is 2048
        for (String alias : new String[] {"claude", "gpt", "gemini"}) {
            assertThat(error(Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(alias, fields))))
                    .as(alias).contains("`max_tokens` must be greater than `thinking.budget_tokens`");
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body(alias, fields),
                    "anthropic-beta", "claude-code-20250219, interleaved-thinking-2025-05-14");
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        }
        JsonObject relayed = gw.simulator.received().stream().filter(q -> q.path().equals("/v1/messages")).findFirst().orElseThrow().body();
        assertThat(relayed.getJsonObject("thinking").getInteger("budget_tokens")).isEqualTo(4096);
    }

    /** A Claude conversation's reasoning blocks (thinking, redacted_thinking) are left out for another provider, not refused. */
    @Test
    void reasoningBlocksInTheHistoryAreLeftOutForAnotherProvider() {
        String body = """
                {"model":"gpt","max_tokens":100,"messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},
                  {"type":"redacted_thinking","data":"ENCRYPTED"},{"type":"text","text":"the answer"}]},
                 {"role":"user","content":"more"}]}""";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String sent = gw.simulator.last().body().encode();
        assertThat(sent).contains("the answer").doesNotContain("redacted_thinking").doesNotContain("ENCRYPTED");
    }

    /** @return the error message, after checking the status and Anthropic's error shape */
    private static String error(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("request-id")).isPresent();
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        return body.getJsonObject("error").getString("message");
    }
}
