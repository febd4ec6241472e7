package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstreams that repeat a tool call's id and name on every streamed piece (DeepSeek, Qwen, Fireworks; the
 * simulator does so for deepseek-* models) still reach clients in OpenAI's shape: id and name once per call. Two
 * parallel calls whose pieces interleave by index (simulator: parallel-interleaved-*), or that come whole without
 * an index (parallel-noindex-*), reach both dialects' SDKs as two calls, each with its own id, name and arguments.
 */
class ToolCallStreamIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("ds=deepseek-chat", "pi=parallel-interleaved-gpt", "pn=parallel-noindex-gpt",
                "kimi=kimi-k2-instruct") + """
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}}}],\"tool_choice\":\"required\"";

    @Test
    void openAiDialectGetsTheIdAndNameOnTheFirstPieceOnly() {
        var r = Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"ds\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}]," + TOOLS + "}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder args = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            String data = line.substring(6);
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", data);
            for (Object c : new JsonObject(data).getJsonArray("choices")) {
                JsonArray calls = ((JsonObject) c).getJsonObject("delta").getJsonArray("tool_calls");
                if (calls == null) continue;
                for (Object o : calls) {
                    JsonObject call = (JsonObject) o;
                    if (call.getString("id") != null) ids.add(call.getString("id"));
                    JsonObject fn = call.getJsonObject("function");
                    if (fn.getString("name") != null) names.add(fn.getString("name"));
                    if (fn.getString("arguments") != null) args.append(fn.getString("arguments"));
                }
            }
        }
        assertThat(ids).containsExactly("call_sim001");
        assertThat(names).containsExactly("get_weather");
        assertThat(new JsonObject(args.toString()).getString("location")).isEqualTo("Paris");
    }

    private static final String WEATHER = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"location\":{\"type\":\"string\"}}}}]";

    /**
     * Kimi K2 (vLLM, Moonshot) names its calls {@code functions.get_weather:0}, which Anthropic refuses as a tool_use id
     * (the simulator's Anthropic too). Every client is shown it as Kimi wrote it (K2 needs its own format back), streamed
     * and not; only a request to Claude has it mapped to Anthropic's pattern, the raw Anthropic-dialect body and a
     * translated OpenAI-dialect one alike, its call and its result still matching; back to Kimi it is Kimi's own again.
     */
    @Test
    void anIdOutsideAnthropicsPatternReachesClientsAsItIsAndClaudeMapped() {
        String kimiId = "functions.get_weather:0";
        String ask = "{\"model\":\"kimi\",\"max_tokens\":256,%s" + WEATHER + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}]}";
        HttpResponse<String> whole = Http.post(gw.v1() + "/messages", null, ask.formatted(""));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonObject use = new JsonObject(whole.body()).getJsonArray("content").stream().map(JsonObject.class::cast)
                .filter(b -> "tool_use".equals(b.getString("type"))).findFirst().orElseThrow();
        assertThat(use.getString("id")).isEqualTo(kimiId);
        String streamed = Http.post(gw.v1() + "/messages", null, ask.formatted("\"stream\":true,")).body();
        assertThat(streamed).contains("\"id\":\"" + kimiId + "\"");
        HttpResponse<String> openAi = Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"kimi\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"weather in Paris?\"}]," + TOOLS + "}");
        assertThat(openAi.body()).contains("\"id\":\"" + kimiId + "\"");

        String history = "{\"model\":\"%s\",\"max_tokens\":256," + WEATHER + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":[" + use.encode() + "]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"" + kimiId + "\",\"content\":\"sunny\"}]}]}";
        gw.simulator.reset();
        HttpResponse<String> toClaude = Http.post(gw.v1() + "/messages", null, history.formatted("claude"));
        assertThat(toClaude.statusCode()).as(toClaude.body()).isEqualTo(200);
        JsonArray raw = gw.simulator.last().body().getJsonArray("messages");
        String mapped = raw.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("id");
        assertThat(mapped).matches("^[a-zA-Z0-9_-]+$").startsWith("functions_get_weather_0_");
        assertThat(raw.getJsonObject(2).getJsonArray("content").getJsonObject(0).getString("tool_use_id")).isEqualTo(mapped);

        String openAiHistory = "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + kimiId + "\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + kimiId + "\",\"content\":\"sunny\"}]," + TOOLS + "}";
        HttpResponse<String> translated = Http.post(gw.v1() + "/chat/completions", null, openAiHistory);
        assertThat(translated.statusCode()).as(translated.body()).isEqualTo(200);
        JsonArray sentToClaude = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sentToClaude.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("id")).isEqualTo(mapped);
        assertThat(sentToClaude.getJsonObject(2).getJsonArray("content").getJsonObject(0).getString("tool_use_id")).isEqualTo(mapped);

        gw.simulator.reset();
        HttpResponse<String> back = Http.post(gw.v1() + "/messages", null, history.formatted("kimi"));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sent.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id")).isEqualTo(kimiId);
        assertThat(sent.getJsonObject(2).getString("tool_call_id")).isEqualTo(kimiId);
    }

    /** The Anthropic SDK's form of the tool the simulator calls. */
    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("location", Map.of("type", "string")))).build())
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pi", "pn"})
    void parallelCallsReachTheOpenAiSdkAsTwoCalls(String alias) {
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("any").maxRetries(0).build();
        try {
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(alias).addUserMessage("weather in Paris?")
                    .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                            .parameters(FunctionParameters.builder().putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                                    .putAdditionalProperty("properties", com.openai.core.JsonValue.from(Map.of("location", Map.of("type", "string"))))
                                    .build())
                            .build()).build())
                    .build();
            try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(params)) {
                s.stream().forEach(acc::accumulate);
            }
            List<ChatCompletionMessageToolCall> calls = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow();
            assertThat(calls).hasSize(2);
            assertThat(calls.stream().map(c -> c.asFunction().id()).toList()).containsExactly("call_sim001", "call_sim002");
            for (ChatCompletionMessageToolCall c : calls) {
                assertThat(c.asFunction().function().name()).isEqualTo("get_weather");
                assertThat(new JsonObject(c.asFunction().function().arguments()).getString("location")).isEqualTo("Paris");
            }
        } finally {
            openai.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pi", "pn"})
    void parallelCallsReachTheAnthropicSdkAsOneBlockEach(String alias) {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey("any").maxRetries(0).build();
        try {
            Tool weather = weatherTool();
            MessageAccumulator acc = MessageAccumulator.create();
            List<String> order = new ArrayList<>();
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams.builder()
                    .model(alias).maxTokens(256).addUserMessage("weather in Paris?").addTool(weather).build())) {
                s.stream().forEach(e -> {
                    acc.accumulate(e);
                    e.contentBlockStart().ifPresent(b -> order.add("start " + b.index()));
                    e.contentBlockStop().ifPresent(b -> order.add("stop " + b.index()));
                });
            }
            // Anthropic's blocks come one after another: each stopped before the next starts
            assertThat(order).containsExactly("start 0", "stop 0", "start 1", "stop 1");
            List<ToolUseBlock> toolUses = acc.message().content().stream().flatMap(b -> b.toolUse().stream()).toList();
            assertThat(toolUses.stream().map(ToolUseBlock::id).toList()).containsExactly("call_sim001", "call_sim002");
            for (ToolUseBlock t : toolUses) {
                assertThat(t.name()).isEqualTo("get_weather");
                assertThat(t._input().toString()).contains("Paris");
            }
        } finally {
            anthropic.close();
        }
    }

    @Test
    void anthropicDialectGetsOneToolUseBlockPerCall() {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey("any").maxRetries(0).build();
        try {
            Tool weather = weatherTool();
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams.builder()
                    .model("ds").maxTokens(256).addUserMessage("weather in Paris?").addTool(weather).build())) {
                s.stream().forEach(acc::accumulate);
            }
            List<ContentBlock> toolUses = acc.message().content().stream().filter(b -> b.toolUse().isPresent()).toList();
            assertThat(toolUses).hasSize(1);
            assertThat(toolUses.get(0).toolUse().orElseThrow().name()).isEqualTo("get_weather");
            assertThat(toolUses.get(0).toolUse().orElseThrow()._input().toString()).contains("Paris");
        } finally {
            anthropic.close();
        }
    }
    /**
     * Claude calling a tool that takes no arguments streams {@code input: {}} at the block's start and only an empty
     * {@code partial_json} piece after it. OpenAI streams such a call's arguments as {@code "{}"}, and the non-stream
     * answer says {@code "{}"}: an OpenAI-dialect stream, chat completions and Responses alike, must end with that valid
     * JSON too, not {@code ""} (QA, twenty-fifth session, F1). The Anthropic dialect still gets {@code input: {}}.
     */
    @Test
    void aClaudeCallWithNoArgumentsStreamsValidJsonArguments() {
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("any").maxRetries(0).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey("any").maxRetries(0).build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("claude").addUserMessage("what time is it?")
                    .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_time")
                            .parameters(FunctionParameters.builder().putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                                    .putAdditionalProperty("properties", com.openai.core.JsonValue.from(Map.of())).build())
                            .build()).build())
                    .build();
            String whole = openai.chat().completions().create(params).choices().get(0).message().toolCalls().orElseThrow().get(0)
                    .asFunction().function().arguments();
            assertThat(whole).isEqualTo("{}");
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(params)) {
                s.stream().forEach(acc::accumulate);
            }
            ChatCompletionMessageToolCall call = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow().get(0);
            assertThat(call.asFunction().function().name()).isEqualTo("get_time");
            assertThat(call.asFunction().function().arguments()).isEqualTo("{}");

            com.openai.models.responses.ResponseCreateParams responses = com.openai.models.responses.ResponseCreateParams.builder()
                    .model("claude").input("what time is it?").addTool(com.openai.models.responses.FunctionTool.builder().name("get_time")
                            .strict(false).parameters(com.openai.models.responses.FunctionTool.Parameters.builder()
                                    .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                                    .putAdditionalProperty("properties", com.openai.core.JsonValue.from(Map.of())).build())
                            .build())
                    .build();
            List<com.openai.models.responses.ResponseStreamEvent> events = new ArrayList<>();
            try (com.openai.core.http.StreamResponse<com.openai.models.responses.ResponseStreamEvent> s =
                         openai.responses().createStreaming(responses)) {
                s.stream().forEach(events::add);
            }
            StringBuilder deltas = new StringBuilder();
            events.forEach(e -> e.functionCallArgumentsDelta().ifPresent(d -> deltas.append(d.delta())));
            assertThat(deltas.toString()).isEqualTo("{}");
            assertThat(events.stream().flatMap(e -> e.functionCallArgumentsDone().stream()).map(d -> d.arguments()).toList())
                    .containsExactly("{}");
            com.openai.models.responses.Response done = events.get(events.size() - 1).asCompleted().response();
            assertThat(done.output().stream().flatMap(o -> o.functionCall().stream()).map(f -> f.arguments()).toList())
                    .containsExactly("{}");

            MessageAccumulator messages = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams.builder()
                    .model("claude").maxTokens(256).addUserMessage("what time is it?").addTool(Tool.builder().name("get_time")
                            .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of())).build()).build()).build())) {
                s.stream().forEach(messages::accumulate);
            }
            ToolUseBlock use = messages.message().content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
            assertThat(use.name()).isEqualTo("get_time");
            assertThat(use._input().toString()).isEqualTo("{}");
        } finally {
            openai.close();
            anthropic.close();
        }
    }
}
