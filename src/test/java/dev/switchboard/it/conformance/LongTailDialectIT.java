package dev.switchboard.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The long tail's own request and answer rules, through a real socket in every client dialect: DeepSeek's thinking
 * mode wants the reasoning of its tool-calling turns back, OpenRouter takes reasoning back as {@code reasoning}, Mistral
 * takes {@code random_seed}, no {@code user} and nine-character tool-call ids, and the finish reasons and thinking
 * chunks these servers write reach clients with their meaning. The simulator plays the services' request checks
 * ({@code /quirks/deepseek}, {@code /quirks/mistral}); a canned upstream sends their exact answers.
 */
class LongTailDialectIT {
    static CannedGateway env;
    static AnthropicClient anthropic;

    private static final String WEATHER = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
    private static final String ANTHROPIC_WEATHER = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]";

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: ds-reasoner
                    litellm_params: { model: deepseek/deepseek-reasoner, api_base: "${SIM_ROOT}/quirks/deepseek/v1", api_key: sk-ds-test-9f8e7d6c }
                  - model_name: or-think
                    litellm_params: { model: openrouter/deepseek/deepseek-r1, api_base: "${SIM_ROOT}/quirks/openrouter/v1", api_key: sk-or-test-9f8e7d6c }
                  - model_name: mistral
                    litellm_params: { model: mistral/mistral-small-latest, api_base: "${SIM_ROOT}/quirks/mistral/v1", api_key: sk-mi-test-9f8e7d6c }
                  - model_name: magistral
                    litellm_params: { model: mistral/magistral-medium-latest, api_base: "%1$s/v1", api_key: sk-mi-test-9f8e7d6c }
                  - model_name: ds-chat
                    litellm_params: { model: deepseek/deepseek-chat, api_base: "%1$s/v1", api_key: sk-ds-test-9f8e7d6c }
                router_settings: { num_retries: 0, allowed_fails: 100000 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        anthropic = AnthropicOkHttpClient.builder().baseUrl(env.gw().baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() { env.close(); }

    private static HttpResponse<String> chat(String body) {
        return Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
    }

    private static HttpResponse<String> messages(String body) {
        return Http.post(env.gw().baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body, "anthropic-version", "2023-06-01");
    }

    private static JsonArray sentMessages() { return env.gw().simulator.last().body().getJsonArray("messages"); }

    // ---- D1: DeepSeek thinking mode gets the reasoning of its tool-calling turns back -------------------------------

    /**
     * An OpenAI client sends its reasoning_content back: the tool loop's turn keeps it (DeepSeek's 400 otherwise), an
     * earlier turn without tool calls has it dropped (DeepSeek ignores it), and a client that dropped it gets the empty
     * field DeepSeek requires instead of a 400.
     */
    @Test
    void deepSeekToolLoopFromTheOpenAiDialectCarriesReasoningContent() {
        HttpResponse<String> r = chat("{\"model\":\"ds-reasoner\"," + WEATHER + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hello\"},"
                + "{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning_content\":\"a greeting\"},"
                + "{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"I should call get_weather.\",\"tool_calls\":"
                + "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray sent = sentMessages();
        assertThat(sent.getJsonObject(1).containsKey("reasoning_content")).as("no tools in that turn: dropped").isFalse();
        assertThat(sent.getJsonObject(3).getString("reasoning_content")).isEqualTo("I should call get_weather.");

        HttpResponse<String> dropped = chat("{\"model\":\"ds-reasoner\"," + WEATHER + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}]}");
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        assertThat(sentMessages().getJsonObject(1).getString("reasoning_content")).isEmpty();
    }

    /** Claude Code on a DeepSeek alias: the thinking block of its tool-use turn reaches DeepSeek as reasoning_content. */
    @Test
    void deepSeekToolLoopFromTheAnthropicSdkCarriesTheThinkingBlock() {
        var answer = anthropic.messages().create(toolLoop("ds-reasoner", "toolu_01A09q90qw90lq917835lq9", "Let me look it env.up()."));
        assertThat(answer.content()).isNotEmpty();
        JsonObject assistant = sentMessages().getJsonObject(1);
        assertThat(assistant.getString("reasoning_content")).isEqualTo("Let me look it env.up().");
    }

    /** A Responses client's reasoning item (its summary) is the reasoning of the function call after it. */
    @Test
    void deepSeekToolLoopFromTheResponsesApiCarriesTheReasoningItem() {
        HttpResponse<String> r = Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY, "{\"model\":\"ds-reasoner\",\"store\":false,"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}],\"input\":["
                + "{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"Call the tool.\"}]},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"sunny\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(sentMessages().getJsonObject(1).getString("reasoning_content")).isEqualTo("Call the tool.");
    }

    /** OpenRouter takes an Anthropic client's thinking back as its own {@code reasoning} field. */
    @Test
    void openRouterGetsAnAnthropicClientsThinkingAsReasoning() {
        anthropic.messages().create(toolLoop("or-think", "toolu_01A09q90qw90lq917835lq9", "Weather needs the tool."));
        JsonObject assistant = sentMessages().getJsonObject(1);
        assertThat(assistant.getString("reasoning")).isEqualTo("Weather needs the tool.");
        assertThat(assistant.containsKey("reasoning_content")).isFalse();
    }

    // ---- D4 and D10: Mistral's schema -----------------------------------------------------------------------------

    /** Mistral's schema: random_seed for seed, no user, a name only on tool messages (each else a 422 extra_forbidden). */
    @Test
    void mistralTakesRandomSeedAndNoUser() {
        HttpResponse<String> r = chat("{\"model\":\"mistral\",\"seed\":7,\"user\":\"alice\",\"messages\":[{\"role\":\"user\",\"name\":\"alice\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = env.gw().simulator.last().body();
        assertThat(sent.getInteger("random_seed")).isEqualTo(7);
        assertThat(sent.containsKey("seed")).isFalse();
        assertThat(sent.containsKey("user")).isFalse();
        assertThat(sent.getJsonArray("messages").getJsonObject(0).containsKey("name")).isFalse();
    }

    /**
     * Claude Code on a Mistral alias: its metadata.user_id is not sent (Mistral refuses user), and the Claude ids of a
     * conversation begun on Claude reach Mistral as nine letters and digits, the tool_use and its result alike, and the
     * thinking block not at all (Mistral refuses any field it does not model).
     */
    @Test
    void claudeCodeOnMistralSendsNoUserAndNineCharacterToolCallIds() {
        var answer = anthropic.messages().create(toolLoop("mistral", "toolu_01A09q90qw90lq917835lq9", "thinking"));
        assertThat(answer.content()).isNotEmpty();
        JsonObject sent = env.gw().simulator.last().body();
        assertThat(sent.containsKey("user")).isFalse();
        String id = sent.getJsonArray("messages").getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id");
        assertThat(id).matches("[a-zA-Z0-9]{9}");
        assertThat(sent.getJsonArray("messages").getJsonObject(2).getString("tool_call_id")).isEqualTo(id);

        // an OpenAI id maps the same way every time, and Mistral's own ids go unchanged
        for (String given : new String[] {"call_Xk3PqL9aZ0", "abcDEF123"}) {
            HttpResponse<String> r = chat("{\"model\":\"mistral\"," + WEATHER + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                    + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + given + "\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"" + given + "\",\"content\":\"sunny\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String mapped = sentMessages().getJsonObject(2).getString("tool_call_id");
            assertThat(mapped).matches("[a-zA-Z0-9]{9}");
            if (given.length() == 9) assertThat(mapped).isEqualTo(given);
        }
    }

    /** A tool loop as Claude Code sends it: a thinking block and a tool_use, then the tool_result, with metadata.user_id. */
    private static MessageCreateParams toolLoop(String alias, String toolUseId, String thinking) {
        return MessageCreateParams.builder().model(alias).maxTokens(200)
                .metadata(Metadata.builder().userId("{\"device_id\":\"d1\",\"account_uuid\":\"a1\",\"session_id\":\"s1\"}").build())
                .addTool(ConformanceRequests.anthropicWeather())
                .addUserMessage("What is the weather in Paris?")
                .addAssistantMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofThinking(ThinkingBlockParam.builder().thinking(thinking).signature("sig-from-elsewhere").build()),
                        ContentBlockParam.ofToolUse(ToolUseBlockParam.builder().id(toolUseId).name("get_weather")
                                .input(ToolUseBlockParam.Input.builder().putAdditionalProperty("location", JsonValue.from("Paris")).build())
                                .build())))
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(toolUseId).content("18 degrees and sunny").build())))
                .build();
    }

    // ---- D5: finish reasons of the long tail -----------------------------------------------------------------------

    private static String answer(String model, String content, String finish) {
        return "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model + "\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":" + content + ",\"tool_calls\":null},\"finish_reason\":\"" + finish + "\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}";
    }

    /** Mistral's model_length (cut by the context length) is a cut answer in every dialect, as length is. */
    @Test
    void mistralModelLengthIsACutAnswerInEveryDialect() {
        String tag = env.up().json(200, answer("magistral-medium-latest", "\"partial\"", "model_length"));
        JsonObject openai = new JsonObject(chat("{\"model\":\"magistral\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body());
        assertThat(openai.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
        JsonObject claude = new JsonObject(messages("{\"model\":\"magistral\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body());
        assertThat(claude.getString("stop_reason")).isEqualTo("max_tokens");
        JsonObject resp = new JsonObject(Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"magistral\",\"store\":false,\"input\":\"" + tag + "\"}").body());
        assertThat(resp.getString("status")).isEqualTo("incomplete");
    }

    /**
     * A reason no table knows is a stop, as LiteLLM's map_finish_reason takes it, in every dialect: not a cut answer,
     * which clients act on (openai-python's parse() raises, Claude Code reads max_tokens as a cut, Responses says
     * incomplete).
     */
    @Test
    void anUnknownFinishReasonIsAStopAsInLiteLlm() {
        String tag = env.up().json(200, answer("deepseek-chat", "\"whole\"", "some_new_reason"));
        JsonObject openai = new JsonObject(chat("{\"model\":\"ds-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body());
        assertThat(openai.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        assertThat(openai.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")).isEqualTo("whole");
        JsonObject claude = new JsonObject(messages("{\"model\":\"ds-chat\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body());
        assertThat(claude.getString("stop_reason")).isEqualTo("end_turn");
        JsonObject resp = new JsonObject(Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"ds-chat\",\"store\":false,\"input\":\"" + tag + "\"}").body());
        assertThat(resp.getString("status")).isEqualTo("completed");
    }

    /** An upper-case word of a cut answer (Gemini's MAX_TOKENS through an OpenAI-compatible front) is still a cut. */
    @Test
    void anUpperCaseMaxTokensIsACutAnswer() {
        String tag = env.up().json(200, answer("deepseek-chat", "\"partial\"", "MAX_TOKENS"));
        JsonObject openai = new JsonObject(chat("{\"model\":\"ds-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body());
        assertThat(openai.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
    }

    /** DeepSeek's insufficient_system_resource is a failure (503, overloaded for Anthropic clients), never an answer. */
    @Test
    void deepSeekInsufficientSystemResourceIsAFailure() {
        String tag = env.up().json(200, answer("deepseek-chat", "\"inter\"", "insufficient_system_resource"));
        HttpResponse<String> openai = chat("{\"model\":\"ds-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
        assertThat(openai.statusCode()).as(openai.body()).isEqualTo(503);
        assertThat(openai.body()).contains("insufficient_system_resource");
        HttpResponse<String> claude = messages("{\"model\":\"ds-chat\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
        assertThat(claude.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(claude.body()).getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
    }

    /** Mistral's stream that ends with finish_reason "error" after some text ends with an error event, never [DONE]. */
    @Test
    void mistralStreamEndingInErrorEndsWithAnErrorEvent() {
        String chunk = "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"magistral-medium-latest\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n";
        String tag = env.up().sse(chunk.formatted("{\"role\":\"assistant\",\"content\":\"partial \"}", "null")
                + chunk.formatted("{\"content\":\"\"}", "\"error\"") + "data: [DONE]\n\n");
        String openai = chat("{\"model\":\"magistral\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body();
        assertThat(openai).contains("partial ").contains("\"error\"").doesNotContain("[DONE]").doesNotContain("\"finish_reason\":\"stop\"");
        String claude = messages("{\"model\":\"magistral\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body();
        assertThat(claude).contains("event: error").doesNotContain("end_turn").doesNotContain("message_stop");
    }

    // ---- D8: Magistral's thinking chunks ---------------------------------------------------------------------------

    @Test
    void magistralThinkingChunksAreReasoningInEveryDialect() {
        String tag = env.up().json(200, answer("magistral-medium-latest", "[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\","
                + "\"text\":\"Two and two.\"}]},{\"type\":\"text\",\"text\":\"4\"}]", "stop"));
        JsonObject message = new JsonObject(chat("{\"model\":\"magistral\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body())
                .getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(message.getString("content")).isEqualTo("4");
        assertThat(message.getString("reasoning_content")).isEqualTo("Two and two.");
        JsonArray blocks = new JsonObject(messages("{\"model\":\"magistral\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\""
                + tag + "\"}]}").body()).getJsonArray("content");
        assertThat(blocks.getJsonObject(0).getString("type")).isEqualTo("thinking");
        assertThat(blocks.getJsonObject(0).getString("thinking")).isEqualTo("Two and two.");
        assertThat(blocks.getJsonObject(1).getString("text")).isEqualTo("4");

        String chunk = "data: {\"id\":\"s2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"magistral-medium-latest\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n";
        String streamed = env.up().sse(chunk.formatted("{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":"
                + "[{\"type\":\"text\",\"text\":\"Two and \"}]}]}", "null")
                + chunk.formatted("{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"two.\"}]}]}", "null")
                + chunk.formatted("{\"content\":\"4\"}", "\"stop\"") + "data: [DONE]\n\n");
        StringBuilder reasoning = new StringBuilder(), text = new StringBuilder();
        for (String d : Http.sseData(chat("{\"model\":\"magistral\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + streamed + "\"}]}").body())) {
            if (!d.startsWith("{")) continue;
            for (Object c : new JsonObject(d).getJsonArray("choices")) {
                JsonObject delta = ((JsonObject) c).getJsonObject("delta");
                if (delta.getString("reasoning_content") != null) reasoning.append(delta.getString("reasoning_content"));
                if (delta.getString("content") != null) text.append(delta.getString("content"));
            }
        }
        assertThat(reasoning.toString()).isEqualTo("Two and two.");
        assertThat(text.toString()).isEqualTo("4");
    }
}
