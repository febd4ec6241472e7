package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bedrock/ provider against the simulator's Bedrock runtime (which verifies every SigV4 signature with the AWS
 * SDK's signer): the OpenAI and Anthropic SDKs in, Converse and ConverseStream's binary event stream out, tools,
 * prompt caching with cachePoint blocks, errors and embeddings.
 */
class BedrockIT {
    static final String CLAUDE = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
    static final String WRONG_SECRET = "not/the+secret0000000000000000000000000";
    static final String PROFILE_ARN = "arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc123xyz";
    /** An application inference profile of a Claude, named as such by its model_info.base_model only. */
    static final String CLAUDE_PROFILE_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/cl4ude9prof";
    static TestGateway gw;
    static OpenAIClient client;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        String keys = TestGateway.BEDROCK_PARAMS;
        gw = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: bedrock/%1$s, %2$s }
                  - model_name: claude-cached
                    litellm_params:
                      model: bedrock/converse/anthropic.claude-3-7-sonnet-20250219-v1:0
                      aws_access_key_id: %3$s
                      aws_secret_access_key: "%4$s"
                      aws_region_name: us-east-1
                      api_base: "${SIM_ROOT}"
                      cache_control_injection_points: [{location: message, role: system}]
                  - model_name: llama
                    litellm_params: { model: bedrock/meta.llama3-1-70b-instruct-v1:0, %2$s }
                  - model_name: nova
                    litellm_params: { model: bedrock/invoke/us.amazon.nova-pro-v1:0, %2$s }
                  - model_name: wrong-secret
                    litellm_params: { model: bedrock/%1$s, aws_access_key_id: %3$s, aws_secret_access_key: "%5$s", api_base: "${SIM_ROOT}" }
                  - model_name: temporary
                    litellm_params: { model: bedrock/%1$s, aws_access_key_id: ASIATEMPORARY0000001, aws_secret_access_key: "temp/secret0000000000000000000000000000", aws_session_token: "FwoGZXIvYXdzEXAMPLETOKEN", api_base: "${SIM_ROOT}" }
                  - model_name: api-key
                    litellm_params: { model: bedrock/%1$s, api_key: bedrock-api-key-ABSKexample0001, api_base: "${SIM_ROOT}" }
                  - model_name: titan
                    litellm_params: { model: bedrock/amazon.titan-embed-text-v2:0, %2$s }
                  - model_name: profile-arn
                    litellm_params: { model: "bedrock/%6$s", aws_access_key_id: %3$s, aws_secret_access_key: "%4$s", api_base: "${SIM_ROOT}" }
                  - model_name: claude-profile
                    litellm_params: { model: "bedrock/%7$s", aws_access_key_id: %3$s, aws_secret_access_key: "%4$s", api_base: "${SIM_ROOT}" }
                    model_info: { base_model: anthropic.claude-3-7-sonnet-20250219-v1:0 }
                  - model_name: cohere-embed
                    litellm_params: { model: bedrock/cohere.embed-english-v3, %2$s }
                  - model_name: small
                    litellm_params: { model: bedrock/anthropic.claude-3-haiku-20240307-v1:0, %2$s }
                  - model_name: big
                    litellm_params: { model: bedrock/%1$s, %2$s }
                  - model_name: mixed
                    litellm_params: { model: bedrock/meta.llama3-1-70b-instruct-v1:0, %2$s, order: 1 }
                  - model_name: mixed
                    litellm_params: { model: bedrock/%1$s, %2$s, order: 2 }
                router_settings:
                  num_retries: 0
                  context_window_fallbacks: [{ small: [big] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(CLAUDE, keys, ProviderSimulator.BEDROCK_ACCESS_KEY, ProviderSimulator.BEDROCK_SECRET, WRONG_SECRET, PROFILE_ARN, CLAUDE_PROFILE_ARN));
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        anthropic.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static ChatCompletionFunctionTool weather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("The weather in a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string")))).build())
                .build()).build();
    }

    @Test
    void converseSignedWithSigV4() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addSystemMessage("Be brief.").addUserMessage("hello bedrock").temperature(0.2).maxCompletionTokens(200)
                .stop("END").build());
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo("Hello from the simulator! You said: hello bedrock");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.model()).isEqualTo(CLAUDE);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        ProviderSimulator.Received seen = gw.simulator.last();
        // the model id percent-encoded in the path, as the AWS SDKs send it
        assertThat(seen.path()).isEqualTo("/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse");
        assertThat(seen.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ProviderSimulator.BEDROCK_ACCESS_KEY + "/")
                .contains("/us-east-1/bedrock/aws4_request").contains("SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date");
        JsonObject body = seen.body();
        assertThat(body.getJsonArray("system")).isEqualTo(new JsonArray().add(new JsonObject().put("text", "Be brief.")));
        assertThat(body.getJsonArray("messages").getJsonObject(0)).isEqualTo(new JsonObject().put("role", "user")
                .put("content", new JsonArray().add(new JsonObject().put("text", "hello bedrock"))));
        assertThat(body.getJsonObject("inferenceConfig")).isEqualTo(new JsonObject().put("maxTokens", 200).put("temperature", 0.2)
                .put("stopSequences", new JsonArray().add("END")));
    }

    @Test
    void converseStreamDecodesTheBinaryEventStream() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("stream it please").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream it please");
        assertThat(chunks.stream().filter(ch -> !ch.choices().isEmpty()).map(ch -> ch.choices().get(0).finishReason())
                .flatMap(java.util.Optional::stream).toList()).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isPositive();
        assertThat(gw.simulator.last().path()).endsWith("/converse-stream");
        assertThat(gw.simulator.last().headers().get("accept")).isEqualTo("application/vnd.amazon.eventstream");
    }

    /**
     * Converse takes toolUseId of [a-zA-Z0-9_-]+ only: another provider's id in the history (Kimi K2's
     * functions.get_weather:0, which the client keeps as it is) is sent mapped, call and result alike (ToolUseIds).
     */
    @Test
    void anotherProvidersToolIdIsSentInConversesPattern() {
        String kimiId = "functions.get_weather:0";
        String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + kimiId + "\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + kimiId + "\",\"content\":\"sunny\"}]}";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray messages = gw.simulator.last().body().getJsonArray("messages");
        String use = messages.getJsonObject(1).getJsonArray("content").getJsonObject(0).getJsonObject("toolUse").getString("toolUseId");
        assertThat(use).matches("^[a-zA-Z0-9_-]+$").startsWith("functions_get_weather_0_");
        assertThat(messages.getJsonObject(2).getJsonArray("content").getJsonObject(0).getJsonObject("toolResult").getString("toolUseId"))
                .isEqualTo(use);
    }

    @Test
    void toolLoopStreamAndNot() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("weather in Paris?").addTool(weather())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.function().arguments())).isEqualTo(new JsonObject().put("location", "Paris"));
        JsonObject toolConfig = gw.simulator.last().body().getJsonObject("toolConfig");
        assertThat(toolConfig.getJsonObject("toolChoice")).isEqualTo(new JsonObject().put("any", new JsonObject()));
        assertThat(toolConfig.getJsonArray("tools").getJsonObject(0).getJsonObject("toolSpec").getString("name")).isEqualTo("get_weather");

        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("weather in Paris?").addTool(weather())
                .addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(call).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny, 21C").build()).build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: sunny, 21C");
        JsonArray messages = gw.simulator.last().body().getJsonArray("messages");
        assertThat(messages.getJsonObject(1).getJsonArray("content").getJsonObject(0).getJsonObject("toolUse").getString("toolUseId"))
                .isEqualTo(call.id());
        assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("user");
        assertThat(messages.getJsonObject(2).getJsonArray("content").getJsonObject(0).getJsonObject("toolResult").getString("toolUseId"))
                .isEqualTo(call.id());

        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        ChatCompletionChunk.Choice.FinishReason[] finish = new ChatCompletionChunk.Choice.FinishReason[1];
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("weather?").addTool(weather()).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(choice -> {
                choice.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                    tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
                }));
                choice.finishReason().ifPresent(f -> finish[0] = f);
            }));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(new JsonObject(args.toString())).isEqualTo(new JsonObject().put("location", "Paris"));
        assertThat(finish[0]).isEqualTo(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    /**
     * A call with no arguments, whose input Converse streams (as Claude does) only as empty pieces: the OpenAI SDK's
     * accumulated arguments are {@code "{}"}, as the non-stream answer's and as OpenAI streams them, never {@code ""}.
     */
    @Test
    void aCallWithNoArgumentsStreamsValidJsonArguments() {
        ChatCompletionFunctionTool time = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_time")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of())).build()).build()).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("claude").addUserMessage("what time is it?")
                .addTool(time).build();
        assertThat(client.chat().completions().create(params).choices().get(0).message().toolCalls().orElseThrow().get(0)
                .asFunction().function().arguments()).isEqualTo("{}");
        com.openai.helpers.ChatCompletionAccumulator acc = com.openai.helpers.ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletionMessageFunctionToolCall call = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow().get(0)
                .asFunction();
        assertThat(call.function().name()).isEqualTo("get_time");
        assertThat(call.function().arguments()).isEqualTo("{}");
    }

    /** A tool result with a picture (an Anthropic client's): the image goes inside the toolResult; the simulator reads its text only. */
    @Test
    void aToolResultWithAnImage() {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, """
                {"model":"claude","max_tokens":100,"messages":[
                 {"role":"user","content":"weather?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":[{"type":"text","text":"sunny"},
                   {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]}]}],
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}""".formatted(png));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("The tool returned: sunny");
        JsonArray content = gw.simulator.last().body().getJsonArray("messages").getJsonObject(2).getJsonArray("content")
                .getJsonObject(0).getJsonObject("toolResult").getJsonArray("content");
        assertThat(content.getJsonObject(1).getJsonObject("image").getString("format")).isEqualTo("png");
    }

    /**
     * A tool that returned nothing (an empty or whitespace-only result): Converse refuses a blank text block inside a
     * toolResult (the simulator too, in Claude's words), so the result says "(empty result)" instead.
     */
    @Test
    void anEmptyToolResultIsSaidNotSentBlank() {
        String body = """
                {"model":"claude","messages":[
                 {"role":"user","content":"weather in Paris and time?"},
                 {"role":"assistant","content":null,"tool_calls":[
                  {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                  {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}},
                  {"id":"call_3","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"},
                 {"role":"tool","tool_call_id":"call_2","content":""},
                 {"role":"tool","tool_call_id":"call_3","content":"  "},
                 {"role":"user","content":"thanks, summarize"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
                          {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]}""";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray results = gw.simulator.last().body().getJsonArray("messages").getJsonObject(2).getJsonArray("content");
        assertThat(results.getJsonObject(0).getJsonObject("toolResult").getJsonArray("content"))
                .isEqualTo(new JsonArray().add(new JsonObject().put("text", "sunny")));
        for (int i = 1; i <= 2; i++) {
            assertThat(results.getJsonObject(i).getJsonObject("toolResult").getJsonArray("content"))
                    .isEqualTo(new JsonArray().add(new JsonObject().put("text", "(empty result)")));
        }
    }

    /**
     * Claude on Bedrock with thinking on, in a tool loop: the signed reasoning comes back (LiteLLM's thinking_blocks to
     * an OpenAI client, thinking blocks with their signature to an Anthropic one, streamed too) and goes back first in
     * the assistant turn as reasoningContent, which the simulator, as Claude, requires.
     */
    @Test
    void signedThinkingRoundTripsThroughConverseFromBothDialects() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]";
        JsonObject first = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_completion_tokens\":3000,\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"weather in Paris?\"}]," + tools + "}").body());
        JsonObject message = first.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(message.getJsonArray("thinking_blocks").encode())
                .isEqualTo("[{\"type\":\"thinking\",\"thinking\":\"Let me think about that.\",\"signature\":\"sig_sim_EqQBCgIYAhIM\"}]");
        String callId = message.getJsonArray("tool_calls").getJsonObject(0).getString("id");
        String next = "{\"model\":\"claude\",\"max_completion_tokens\":3000,\"reasoning_effort\":\"low\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather in Paris?\"},%s,"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + callId + "\",\"content\":\"sunny\"}]," + tools + "}";
        HttpResponse<String> second = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, next.formatted(message.encode()));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonObject turn = gw.simulator.last().body().getJsonArray("messages").getJsonObject(1);
        assertThat(turn.getJsonArray("content").getJsonObject(0).encode()).isEqualTo(
                "{\"reasoningContent\":{\"reasoningText\":{\"text\":\"Let me think about that.\",\"signature\":\"sig_sim_EqQBCgIYAhIM\"}}}");
        message.remove("thinking_blocks");
        HttpResponse<String> unsigned = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, next.formatted(message.encode()));
        assertThat(unsigned.statusCode()).as("reasoning_effort leaves thinking off where Claude would refuse it").isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("additionalModelRequestFields", new JsonObject()).containsKey("thinking")).isFalse();
        HttpResponse<String> explicit = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, next.formatted(message.encode())
                .replace("\"reasoning_effort\":\"low\"", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}"));
        assertThat(explicit.statusCode()).as("an explicit thinking is sent as asked: Claude's own rule, through Bedrock").isEqualTo(400);
        assertThat(explicit.body()).contains("must start with a thinking block");

        // Claude's sampling rule with the thinking reasoning_effort turns on holds on Bedrock too (DropParamsIT has the rest)
        HttpResponse<String> warm = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_completion_tokens\":3000,\"reasoning_effort\":\"low\",\"temperature\":0.3,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}");
        assertThat(warm.statusCode()).as(warm.body()).isEqualTo(400);
        assertThat(new JsonObject(warm.body()).getJsonObject("error").getString("param")).isEqualTo("temperature");

        String stream = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"stream\":true,\"max_completion_tokens\":3000,\"reasoning_effort\":\"low\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}").body();
        assertThat(stream).contains("\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"sig_sim_EqQBCgIYAhIM\"}]");

        // Claude Code's shape: Anthropic's dialect in, its thinking blocks signed, streamed or not, and handed back
        String anthropicTools = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]";
        String ask = "{\"model\":\"claude\",\"max_tokens\":3000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + anthropicTools + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}]%s}";
        JsonObject a = new JsonObject(Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted(""),
                "anthropic-version", "2023-06-01").body());
        JsonObject block = a.getJsonArray("content").getJsonObject(0);
        assertThat(block.getString("type")).isEqualTo("thinking");
        assertThat(block.getString("signature")).isEqualTo("sig_sim_EqQBCgIYAhIM");
        String events = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted(",\"stream\":true"),
                "anthropic-version", "2023-06-01").body();
        assertThat(events).contains("\"signature_delta\",\"signature\":\"sig_sim_EqQBCgIYAhIM\"")
                .doesNotContain("\"signature\":\"\"");
        JsonObject use = a.getJsonArray("content").stream().map(JsonObject.class::cast)
                .filter(b -> "tool_use".equals(b.getString("type"))).findFirst().orElseThrow();
        String loop = "{\"model\":\"claude\",\"max_tokens\":3000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + anthropicTools + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":" + a.getJsonArray("content").encode() + "},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + use.getString("id")
                + "\",\"content\":\"sunny\"}]}]}";
        HttpResponse<String> looped = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, loop, "anthropic-version", "2023-06-01");
        assertThat(looped.statusCode()).as(looped.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getJsonArray("content").getJsonObject(0)
                .getJsonObject("reasoningContent").getJsonObject("reasoningText").getString("signature")).isEqualTo("sig_sim_EqQBCgIYAhIM");
    }

    /**
     * Claude takes thinking only under an output limit above its budget, and Bedrock's own default is no such limit
     * (the simulator refuses it in Claude's words): with thinking on and no max_tokens, the model's default limit is
     * sent, as the anthropic/ and Vertex paths send it. Without thinking, none is sent (Bedrock applies the model's).
     */
    @Test
    void thinkingWithoutMaxTokensSendsClaudesDefaultLimit() {
        for (String thinking : new String[] {"\"reasoning_effort\":\"high\"", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}"}) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"claude\"," + thinking + ",\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject sent = gw.simulator.last().body();
            assertThat(sent.getJsonObject("inferenceConfig").getInteger("maxTokens")).as(thinking).isEqualTo(8192);
            assertThat(sent.getJsonObject("additionalModelRequestFields").getJsonObject("thinking").getInteger("budget_tokens"))
                    .isLessThan(8192);
        }
        HttpResponse<String> plain = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("inferenceConfig")).isFalse();
    }

    @Test
    void anthropicDialectStreamAndNot() {
        com.anthropic.models.messages.Message m = anthropic.messages().create(MessageCreateParams.builder().model("claude")
                .maxTokens(300).system("Be brief.").addUserMessage("hi from claude code").build());
        assertThat(m.content().get(0).asText().text()).isEqualTo("Hello from the simulator! You said: hi from claude code");
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(gw.simulator.last().body().getJsonObject("inferenceConfig").getInteger("maxTokens")).isEqualTo(300);

        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(
                MessageCreateParams.builder().model("claude").maxTokens(300).addUserMessage("stream to anthropic").build())) {
            s.stream().forEach(e -> {
                types.add(e.isMessageStart() ? "message_start" : e.isMessageStop() ? "message_stop" : e.isMessageDelta() ? "message_delta" : "other");
                e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text())));
            });
        }
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream to anthropic");
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(types.size() - 1)).isEqualTo("message_stop");
    }

    /**
     * An Anthropic client's anthropic-beta header (Claude Code's context-1m-2025-08-07) reaches Claude on Bedrock as
     * additionalModelRequestFields.anthropic_beta, as LiteLLM sends it; betas Converse does not take (claude-code-…,
     * interleaved-thinking-…) are left out, as LiteLLM leaves them out. Other families get none.
     */
    @Test
    void anthropicBetaHeaderReachesClaudeAsAnthropicBeta() {
        String ask = "{\"model\":\"%s\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String betas = "claude-code-20250219, context-1m-2025-08-07,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14";
        HttpResponse<String> claude = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted("claude"),
                "anthropic-version", "2023-06-01", "anthropic-beta", betas);
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("additionalModelRequestFields").getJsonArray("anthropic_beta"))
                .isEqualTo(new JsonArray().add("context-1m-2025-08-07").add("fine-grained-tool-streaming-2025-05-14"));
        HttpResponse<String> llama = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted("llama"),
                "anthropic-version", "2023-06-01", "anthropic-beta", betas);
        assertThat(llama.statusCode()).as(llama.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("additionalModelRequestFields")).isFalse();
    }

    @Test
    void countTokensIsBedrocksOwnCountForClaude() {
        com.anthropic.models.messages.MessageTokensCount count = anthropic.messages().countTokens(
                com.anthropic.models.messages.MessageCountTokensParams.builder().model("claude").system("Be brief.")
                        .addUserMessage("abcd".repeat(100)).build());
        ProviderSimulator.Received asked = gw.simulator.last();
        // CountTokens names the foundation model: the cross-region profile's prefix is left out; signed like any call
        assertThat(asked.path()).isEqualTo("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/count-tokens");
        assertThat(asked.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ProviderSimulator.BEDROCK_ACCESS_KEY + "/");
        JsonObject converse = asked.body().getJsonObject("input").getJsonObject("converse");
        assertThat(asked.body().fieldNames()).containsExactly("input");
        assertThat(converse.fieldNames()).containsExactlyInAnyOrder("messages", "system");
        long called = anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20).system("Be brief.")
                .addUserMessage("abcd".repeat(100)).build()).usage().inputTokens();
        assertThat(count.inputTokens()).as("the count a call's usage has").isEqualTo(called).isNotEqualTo(100);
        HttpResponse<String> raw = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(raw.headers().firstValue("x-switchboard-token-count")).hasValue("provider");

        // other families have no count on Bedrock: the estimate, and no call
        gw.simulator.reset();
        HttpResponse<String> llama = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "abcd".repeat(100) + "\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(llama.headers().firstValue("x-switchboard-token-count")).hasValue("estimate");
        assertThat(new JsonObject(llama.body()).getInteger("input_tokens")).isEqualTo(100);
        assertThat(gw.simulator.received()).isEmpty();

        // an alias whose first deployment cannot count (Llama) is counted by the next that can (Claude)
        HttpResponse<String> mixed = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                "{\"model\":\"mixed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(mixed.headers().firstValue("x-switchboard-token-count")).hasValue("provider");
        assertThat(gw.simulator.last().path()).endsWith("/count-tokens");
    }

    /** A model ARN without aws_region_name is signed for the ARN's region, as LiteLLM reads it (was us-west-2). */
    @Test
    void aModelArnIsSignedForItsOwnRegion() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"profile-arn\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/model/" + software.amazon.awssdk.utils.http.SdkHttpUtils.urlEncode(PROFILE_ARN) + "/converse");
        assertThat(seen.headers().get("authorization")).contains("/eu-central-1/bedrock/aws4_request");
    }

    @Test
    void aWrongSecretIsRefusedByTheSignatureCheck() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"wrong-secret\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("InvalidSignatureException").contains("signature we calculated does not match")
                .doesNotContain(WRONG_SECRET);
    }

    @Test
    void sessionTokensAndBedrockApiKeys() {
        HttpResponse<String> refused = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"temporary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("UnrecognizedClientException");
        gw.simulator.allowAws("ASIATEMPORARY0000001", "temp/secret0000000000000000000000000000", "FwoGZXIvYXdzEXAMPLETOKEN");
        HttpResponse<String> ok = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"temporary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().headers().get("x-amz-security-token")).isEqualTo("FwoGZXIvYXdzEXAMPLETOKEN");

        gw.simulator.allowBedrockApiKey("bedrock-api-key-ABSKexample0001");
        HttpResponse<String> bearer = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"api-key\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().headers().get("authorization")).isEqualTo("Bearer bedrock-api-key-ABSKexample0001");
    }

    @Test
    void errorsMapped() {
        gw.simulator.enqueue(SimBehaviour.rateLimited(3));
        HttpResponse<String> throttled = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.body()).contains("Too many requests");

        gw.simulator.enqueue(SimBehaviour.status(425)); // the simulator's ModelNotReadyException (AWS's 429)
        HttpResponse<String> notReady = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("ModelNotReadyException");

        gw.simulator.enqueue(SimBehaviour.status(403));
        HttpResponse<String> denied = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(denied.statusCode()).isEqualTo(403);

        gw.simulator.enqueue(SimBehaviour.status(503));
        HttpResponse<String> unavailable = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unavailable.statusCode()).isEqualTo(503);
    }

    /**
     * Bedrock's error statuses the gateway answers as another 5xx keep Bedrock's own in the failed attempt's ledger row
     * and in the message, as every provider's 500 does; the client's status is the README's (QA cloud finding 1).
     */
    @Test
    void aFailedAttemptKeepsTheStatusBedrockSent() {
        record Case(int simulated, int sent, int answered, String type) {}
        for (Case c : List.of(new Case(500, 500, 502, "InternalServerException"), new Case(424, 424, 502, "ModelErrorException"),
                new Case(425, 429, 503, "ModelNotReadyException"), new Case(408, 408, 504, "ModelTimeoutException"))) {
            gw.simulator.enqueue(SimBehaviour.status(c.simulated()));
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(c.answered());
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).as(c.type())
                    .contains("(HTTP " + c.sent() + "): " + c.type());
            String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
            JsonObject attempt = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    new dev.switchboard.support.Admin(gw).getOk("/spend/logs?request_id=" + id).getJsonArray("data").stream()
                            .map(o -> (JsonObject) o).filter(row -> row.getInteger("attempt", 0) > 0).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            assertThat(attempt.getInteger("status")).as(c.type() + ": " + attempt.encode()).isEqualTo(c.sent());
        }
    }

    /** An exception frame after the 200 is worded as an error event in that stream, not as "HTTP 502" (QA cloud finding 2). */
    @Test
    void anExceptionInsideTheStreamIsWordedAsAnEventOfIt() {
        for (boolean anthropicClient : new boolean[] {false, true}) {
            gw.simulator.failNextBedrockStream("modelStreamErrorException");
            HttpResponse<String> r = anthropicClient
                    ? Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"claude\",\"max_tokens\":100,"
                            + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"this will break\"}]}")
                    : Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"claude\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"this will break\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as(r.body()).contains("failed (an error event in its HTTP 200 stream): ModelStreamErrorException")
                    .doesNotContain("(HTTP 502)").doesNotContain("(HTTP 500)");
        }
    }

    @Test
    void contextLengthFallsBack() {
        gw.simulator.enqueue("anthropic.claude-3-haiku-20240307-v1:0", SimBehaviour.status(400)); // "Input is too long"
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"a very long prompt\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route").orElseThrow()).isEqualTo("fallback:context_window");
        assertThat(r.headers().firstValue("x-switchboard-model").orElseThrow()).isEqualTo("bedrock/" + CLAUDE);
    }

    @Test
    void anExceptionInsideTheStreamFailsIt() {
        gw.simulator.failNextBedrockStream("modelStreamErrorException");
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("claude").addUserMessage("this will break").build())) {
                s.stream().forEach(ch -> { });
            }
        }).hasMessageContaining("ModelStreamErrorException")
                // an exception event in a 200 stream is worded as one, not as an HTTP status AWS never sent (README, Errors)
                .hasMessageContaining("an error event in its HTTP 200 stream").hasMessageNotContaining("(HTTP 50");
    }

    @Test
    void promptCachingWithCachePoints() {
        String longSystem = "You are a careful assistant. ".repeat(200); // over 1024 tokens
        String body = new JsonObject().put("model", "claude").put("messages", new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", new JsonArray().add(new JsonObject().put("type", "text")
                        .put("text", longSystem).put("cache_control", new JsonObject().put("type", "ephemeral")))))
                .add(new JsonObject().put("role", "user").put("content", "first question"))).encode();
        HttpResponse<String> first = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("system").getJsonObject(1))
                .isEqualTo(new JsonObject().put("cachePoint", new JsonObject().put("type", "default")));
        JsonObject firstUsage = new JsonObject(first.body()).getJsonObject("usage");
        assertThat(firstUsage.getInteger("cache_creation_input_tokens")).isGreaterThan(1024);

        HttpResponse<String> second = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.replace("first question", "second"));
        JsonObject usage = new JsonObject(second.body()).getJsonObject("usage");
        assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isGreaterThan(1024);
        assertThat(usage.getInteger("prompt_tokens")).isGreaterThan(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens"));

        // Anthropic dialect: the same marker, the read reported in Anthropic's fields
        String anthropicBody = new JsonObject().put("model", "claude").put("max_tokens", 100).put("system", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", longSystem).put("cache_control", new JsonObject().put("type", "ephemeral"))))
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "third"))).encode();
        HttpResponse<String> third = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, anthropicBody, "anthropic-version", "2023-06-01");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(third.body()).getJsonObject("usage").getInteger("cache_read_input_tokens")).isGreaterThan(1024);
    }

    /**
     * A one-hour cache point's write comes back in Converse's {@code usage.cacheDetails} ({@code ttl: "1h"}): priced at
     * twice the input rate ($6 a million on this $3 model), not at the 5-minute $3.75 it was priced at when cacheDetails
     * went unread.
     */
    @Test
    void anHourLongCacheWriteIsReportedAndPricedAsOne() {
        String longSystem = "You keep notes for an hour. ".repeat(200); // over 1024 tokens
        String body = new JsonObject().put("model", "claude").put("max_tokens", 100).put("system", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", longSystem)
                        .put("cache_control", new JsonObject().put("type", "ephemeral").put("ttl", "1h"))))
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("system").getJsonObject(1).getJsonObject("cachePoint").getString("ttl"))
                .isEqualTo("1h");
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        int written = usage.getInteger("cache_creation_input_tokens");
        assertThat(written).isGreaterThan(1024);
        double expected = (usage.getInteger("input_tokens") * 3 + written * 6 + usage.getInteger("output_tokens") * 15) / 1e6;
        assertThat(Double.parseDouble(r.headers().firstValue("x-litellm-response-cost").orElseThrow()))
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    }

    /** A system prompt of a one-hour block then a five-minute one, each cached, as an Anthropic SDK client sends it. */
    private static MessageCreateParams twoLifetimes(String tag) {
        return MessageCreateParams.builder().model("claude").maxTokens(50)
                .systemOfTextBlockParams(List.of(
                        com.anthropic.models.messages.TextBlockParam.builder().text(("Hour-long rules " + tag + ". ").repeat(300))
                                .cacheControl(com.anthropic.models.messages.CacheControlEphemeral.builder()
                                        .ttl(com.anthropic.models.messages.CacheControlEphemeral.Ttl.TTL_1H).build()).build(),
                        com.anthropic.models.messages.TextBlockParam.builder().text(("Five-minute notes " + tag + ". ").repeat(300))
                                .cacheControl(com.anthropic.models.messages.CacheControlEphemeral.builder().build()).build()))
                .addUserMessage("hi").build();
    }

    /**
     * An Anthropic client of Claude on Bedrock gets Anthropic's usage.cache_creation: Converse's cacheDetails split
     * into ephemeral_1h and ephemeral_5m input tokens, summing to cache_creation_input_tokens, as the Messages API gives it.
     */
    @Test
    void anAnthropicClientReadsTheCacheWritesByLifetime() {
        com.anthropic.models.messages.Message m = anthropic.messages().create(twoLifetimes("unstreamed"));
        long written = m.usage().cacheCreationInputTokens().orElseThrow();
        assertThat(written).isGreaterThan(2048);
        com.anthropic.models.messages.CacheCreation split = m.usage().cacheCreation().orElseThrow();
        assertThat(split.ephemeral1hInputTokens()).isGreaterThan(1024);
        assertThat(split.ephemeral5mInputTokens()).isGreaterThan(1024);
        assertThat(split.ephemeral1hInputTokens() + split.ephemeral5mInputTokens()).isEqualTo(written);
    }

    /**
     * Streamed, the split is known only with ConverseStream's final metadata: message_delta carries it beside the
     * cumulative counts; message_start, sent before, leaves it out (not known yet) rather than zeros or a null.
     */
    @Test
    void aStreamingAnthropicClientReadsTheCacheWritesByLifetimeAtTheEnd() {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(twoLifetimes("streamed"))) {
            s.stream().forEach(events::add);
        }
        assertThat(events.get(0).messageStart().orElseThrow().message().usage().cacheCreation()).isEmpty();
        com.anthropic.models.messages.MessageDeltaUsage usage = events.stream().filter(RawMessageStreamEvent::isMessageDelta)
                .findFirst().orElseThrow().asMessageDelta().usage();
        long written = usage.cacheCreationInputTokens().orElseThrow();
        assertThat(written).isGreaterThan(2048);
        com.anthropic.models.messages.CacheCreation split = usage._additionalProperties().get("cache_creation")
                .convert(com.anthropic.models.messages.CacheCreation.class);
        assertThat(split.ephemeral1hInputTokens()).isGreaterThan(1024);
        assertThat(split.ephemeral1hInputTokens() + split.ephemeral5mInputTokens()).isEqualTo(written);
    }

    /**
     * The same one-hour write streamed (ConverseStream's metadata event carries the cacheDetails): no cost header comes
     * before the stream, so the ledger row says what was billed, at the one-hour price too.
     */
    @Test
    void aStreamedHourLongCacheWriteIsPricedAsOne() {
        String longSystem = "You keep streamed notes for an hour. ".repeat(200); // over 1024 tokens, and not yet cached
        String body = new JsonObject().put("model", "claude").put("max_tokens", 100).put("stream", true).put("system", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", longSystem)
                        .put("cache_control", new JsonObject().put("type", "ephemeral").put("ttl", "1h"))))
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("message_stop");
        assertThat(gw.simulator.last().path()).endsWith("/converse-stream");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject row = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                new dev.switchboard.support.Admin(gw).getOk("/spend/logs?request_id=" + id).getJsonArray("data").stream()
                        .map(o -> (JsonObject) o).filter(x -> x.getInteger("attempt", 0) == 0).findFirst().orElse(null),
                java.util.Objects::nonNull);
        int written = row.getInteger("cache_write_tokens");
        assertThat(written).as(row.encode()).isGreaterThan(1024);
        int uncached = row.getInteger("prompt_tokens") - written - row.getInteger("cache_read_tokens");
        double expected = (uncached * 3 + written * 6 + row.getInteger("completion_tokens") * 15) / 1e6;
        assertThat(row.getDouble("spend")).as(row.encode()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void injectionPointsBecomeCachePoints() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude-cached\",\"messages\":[{\"role\":\"system\",\"content\":\"Stable rules.\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).isEqualTo("/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse");
        assertThat(gw.simulator.last().body().getJsonArray("system")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("text", "Stable rules.")).add(new JsonObject().put("cachePoint", new JsonObject().put("type", "default"))));
    }

    @Test
    void otherFamilies() {
        // Llama takes no cache points (Bedrock would refuse them) and no forced tool choice
        String marked = "{\"model\":\"llama\",\"messages\":[{\"role\":\"system\",\"content\":\"Rules.\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"role\":\"user\",\"content\":\"hi llama\"}]}";
        HttpResponse<String> llama = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, marked);
        assertThat(llama.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("system")).isEqualTo(new JsonArray().add(new JsonObject().put("text", "Rules.")));
        HttpResponse<String> forced = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"llama\",\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(forced.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(forced.body()).getJsonObject("error").getString("param")).isEqualTo("tool_choice");

        // bedrock/invoke/… is served through Converse too; Nova takes cache points
        HttpResponse<String> nova = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, marked.replace("llama", "nova"));
        assertThat(nova.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).isEqualTo("/model/us.amazon.nova-pro-v1%3A0/converse");
        assertThat(gw.simulator.last().body().getJsonArray("system").size()).isEqualTo(2);

        // an http image URL cannot reach Converse: a 400 that says what to do
        HttpResponse<String> image = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}");
        assertThat(image.statusCode()).isEqualTo(400);
        assertThat(image.body()).contains("data URL");
    }

    @Test
    void responseFormatBecomesAnInstructionWithItsSchema() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"city\","
                        + "\"schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"where?\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String instruction = gw.simulator.last().body().getJsonArray("system").getJsonObject(0).getString("text");
        assertThat(instruction).contains("JSON object").contains("\"city\":{\"type\":\"string\"}");
    }

    @Test
    void imagesAndDocumentsAsBytes() {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        String pdf = java.util.Base64.getEncoder().encodeToString("%PDF-1.4 1 0 obj << /Type /Page >> endobj".getBytes());
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, new JsonObject().put("model", "claude")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "what is this?"))
                        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/png;base64," + png)))
                        .add(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "report_2024.pdf")
                                .put("file_data", "data:application/pdf;base64," + pdf)))))).encode());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .startsWith("I see 1 image and 1 document.");
        JsonArray content = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(content.getJsonObject(1).getJsonObject("image")).isEqualTo(new JsonObject().put("format", "png")
                .put("source", new JsonObject().put("bytes", png)));
        assertThat(content.getJsonObject(2).getJsonObject("document").getString("name")).isEqualTo("report 2024");
        assertThat(content.getJsonObject(2).getJsonObject("document").getString("format")).isEqualTo("pdf");
    }

    /**
     * An Anthropic client's document with {@code citations: {enabled: true}} reaches Converse as
     * {@code DocumentBlock.citations}, and the answer's {@code citationsContent} comes back as Anthropic's text blocks
     * with {@code char_location} (a text document) and {@code page_location} (a PDF) citations, read by the Anthropic SDK.
     * Before, the field was dropped and the answer had no citations.
     */
    /**
     * An application inference profile's ARN names no model: its {@code model_info.base_model} says it runs a Claude, as
     * the estimate, the worst case and /model/info already read it, and the encoder now reads it too. A document's
     * citations reach Converse and come back cited, and Anthropic's automatic caching (a top-level cache_control) becomes
     * a cachePoint after the last block. Before, the encoder took the ARN for an unknown family: citations were dropped
     * and no cachePoint was sent, while the budget had reserved a cache write.
     */
    @Test
    void anApplicationInferenceProfileOfAClaudeIsEncodedAsAClaude() {
        gw.simulator.defineBedrockProfile(CLAUDE_PROFILE_ARN, "anthropic.claude-3-7-sonnet-20250219-v1:0");
        String ask = "{\"model\":\"claude-profile\",\"max_tokens\":100,\"cache_control\":{\"type\":\"ephemeral\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{\"type\":\"text\","
                + "\"media_type\":\"text/plain\",\"data\":\"The grass is green. The sky is blue.\"},\"title\":\"Facts\","
                + "\"citations\":{\"enabled\":true}},{\"type\":\"text\",\"text\":\"What colour is the grass?\"}]}]}";
        HttpResponse<String> r = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/model/" + software.amazon.awssdk.utils.http.SdkHttpUtils.urlEncode(CLAUDE_PROFILE_ARN) + "/converse");
        JsonArray content = seen.body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(content.getJsonObject(0).getJsonObject("document").getJsonObject("citations"))
                .isEqualTo(new JsonObject().put("enabled", true));
        assertThat(content.getJsonObject(content.size() - 1))
                .isEqualTo(new JsonObject().put("cachePoint", new JsonObject().put("type", "default")));
        JsonArray answer = new JsonObject(r.body()).getJsonArray("content");
        assertThat(answer.stream().map(JsonObject.class::cast).anyMatch(b -> b.containsKey("citations"))).as(r.body()).isTrue();
    }

    @Test
    void anAnthropicDocumentsCitationsReachConverseAndComeBackAsAnthropicCitations() {
        var doc = com.anthropic.models.messages.DocumentBlockParam.builder()
                .textSource("The grass is green. The sky is blue.").title("Facts")
                .citations(com.anthropic.models.messages.CitationsConfigParam.builder().enabled(true).build()).build();
        com.anthropic.models.messages.Message m = anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(200)
                .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofDocument(doc),
                        com.anthropic.models.messages.ContentBlockParam.ofText(com.anthropic.models.messages.TextBlockParam.builder()
                                .text("What colour is the grass?").build()))).build());
        JsonObject sent = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(0).getJsonObject("document");
        assertThat(sent.getJsonObject("citations")).isEqualTo(new JsonObject().put("enabled", true));
        List<com.anthropic.models.messages.TextBlock> texts = m.content().stream().filter(b -> b.isText()).map(b -> b.asText()).toList();
        assertThat(texts).hasSize(2);
        assertThat(texts.get(0).citations().orElse(List.of())).isEmpty();
        assertThat(texts.get(1).text()).isEqualTo(" The document says: The grass is green.");
        var cited = texts.get(1).citations().orElseThrow();
        assertThat(cited).hasSize(1);
        var at = cited.get(0).asCharLocation();
        assertThat(at.citedText()).isEqualTo("The grass is green.");
        assertThat(at.documentIndex()).isZero();
        assertThat(at.documentTitle()).contains("Facts");
        assertThat(at.startCharIndex()).isZero();
        assertThat(at.endCharIndex()).isEqualTo(19);
        assertThat(at.fileId()).isEmpty();

        // a PDF, second of two documents (the first without citations): cited by pages, its index among the documents
        String pdf = java.util.Base64.getEncoder().encodeToString("%PDF-1.4 1 0 obj << /Type /Page >> endobj".getBytes());
        var plain = com.anthropic.models.messages.DocumentBlockParam.builder().textSource("Unrelated.").title("Other").build();
        var paper = com.anthropic.models.messages.DocumentBlockParam.builder().base64Source(pdf).title("Paper")
                .citations(com.anthropic.models.messages.CitationsConfigParam.builder().enabled(true).build()).build();
        com.anthropic.models.messages.Message p = anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(200)
                .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofDocument(plain),
                        com.anthropic.models.messages.ContentBlockParam.ofDocument(paper),
                        com.anthropic.models.messages.ContentBlockParam.ofText(com.anthropic.models.messages.TextBlockParam.builder()
                                .text("Summarise the paper.").build()))).build());
        var page = p.content().stream().filter(b -> b.isText() && b.asText().citations().isPresent()).findFirst().orElseThrow()
                .asText().citations().orElseThrow().get(0).asPageLocation();
        assertThat(page.documentIndex()).isEqualTo(1);
        assertThat(page.startPageNumber()).isEqualTo(1);
        assertThat(page.endPageNumber()).isEqualTo(2);
        assertThat(page.documentTitle()).contains("Paper");

        // an OpenAI client's file part has no citations setting: its document goes without one, as before
        JsonObject openAi = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{"
                        + "\"filename\":\"facts.txt\",\"file_data\":\"data:text/plain;base64,"
                        + java.util.Base64.getEncoder().encodeToString("The grass is green.".getBytes()) + "\"}},"
                        + "{\"type\":\"text\",\"text\":\"colour?\"}]}]}").body());
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(0).getJsonObject("document").containsKey("citations")).isFalse();
        assertThat(openAi.getJsonArray("choices").getJsonObject(0).getJsonObject("message").containsKey(
                dev.switchboard.model.CitedText.FIELD)).isFalse();
    }

    /**
     * Converse's {@code citations} only for a Claude and only when on: an Anthropic client whose alias falls back to
     * Nova (Bedrock refuses the field there, "This model doesn't support citations.", as the simulator does now) is
     * answered, without citations, as before; {@code enabled: false} on a Claude sends no field; an OpenAI {@code file}
     * part's unknown {@code citations} member is not read (OpenAI has no such field). Before, all three sent the field,
     * and the Nova call was Bedrock's 400.
     */
    @Test
    void citationsGoToConverseOnlyForAClaudeAndOnlyWhenOn() {
        String ask = "{\"model\":\"%s\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"The grass is green.\"},"
                + "\"citations\":{\"enabled\":%s}},{\"type\":\"text\",\"text\":\"What colour is the grass?\"}]}]}";
        HttpResponse<String> nova = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted("nova", "true"),
                "anthropic-version", "2023-06-01");
        assertThat(nova.statusCode()).as(nova.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).isEqualTo("/model/us.amazon.nova-pro-v1%3A0/converse");
        JsonObject sent = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(0).getJsonObject("document");
        assertThat(sent.getString("format")).isEqualTo("txt");
        assertThat(sent.containsKey("citations")).isFalse();
        JsonArray content = new JsonObject(nova.body()).getJsonArray("content");
        assertThat(content).hasSize(1);
        assertThat(content.getJsonObject(0).containsKey("citations")).isFalse();

        HttpResponse<String> off = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted("claude", "false"),
                "anthropic-version", "2023-06-01");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(0).getJsonObject("document").containsKey("citations")).isFalse();
        assertThat(new JsonObject(off.body()).getJsonArray("content")).hasSize(1);

        HttpResponse<String> openAi = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{"
                        + "\"filename\":\"facts.txt\",\"file_data\":\"data:text/plain;base64,"
                        + java.util.Base64.getEncoder().encodeToString("The grass is green.".getBytes())
                        + "\"},\"citations\":{\"enabled\":true}},{\"type\":\"text\",\"text\":\"colour?\"}]}]}");
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(0).getJsonObject("document").containsKey("citations")).isFalse();
    }

    /**
     * A stream with a citations-enabled document, through the Anthropic SDK: the simulator streams the cited part as
     * Converse does (its text as {@code text} deltas in a block of its own, then a {@code citation} delta); the request
     * carried the citations, the streamed text is whole (the cited part included) and the stream ends normally. The
     * citation itself is not relayed yet (no {@code citations_delta}).
     */
    @Test
    void aStreamWithCitationsOnCarriesThemAndEndsWithTheWholeText() {
        var doc = com.anthropic.models.messages.DocumentBlockParam.builder()
                .textSource("The grass is green. The sky is blue.").title("Facts")
                .citations(com.anthropic.models.messages.CitationsConfigParam.builder().enabled(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(
                MessageCreateParams.builder().model("claude").maxTokens(200)
                        .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofDocument(doc),
                                com.anthropic.models.messages.ContentBlockParam.ofText(com.anthropic.models.messages.TextBlockParam.builder()
                                        .text("What colour is the grass?").build()))).build())) {
            s.stream().forEach(e -> {
                types.add(e.isMessageStart() ? "message_start" : e.isMessageStop() ? "message_stop" : e.isMessageDelta() ? "message_delta" : "other");
                e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text())));
            });
        }
        assertThat(gw.simulator.last().path()).endsWith("/converse-stream");
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(0).getJsonObject("document").getJsonObject("citations")).isEqualTo(new JsonObject().put("enabled", true));
        assertThat(text.toString()).isEqualTo("I see 1 document. Hello from the simulator! You said: What colour is the grass?"
                + " The document says: The grass is green.");
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(types.size() - 2)).isEqualTo("message_delta");
        assertThat(types.get(types.size() - 1)).isEqualTo("message_stop");
    }

    /**
     * An image Bedrock cannot take (by http URL; a data URL that is not base64) is a 400 naming the image itself in the
     * caller's spelling, where it named only {@code messages}: the second message's second part here.
     */
    @Test
    void anImageBedrockCannotTakeIsRefusedNamingThePart() {
        String chat = "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\","
                + "\"content\":\"hello\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"%s\"}}]}]}";
        for (String url : List.of("https://example.com/cat.png", "data:image/png;charset=utf-8,not-base64")) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, chat.formatted(url));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonObject e = new JsonObject(r.body()).getJsonObject("error");
            assertThat(e.getString("param")).as(url).isEqualTo("messages[2].content[1].image_url.url");
            assertThat(e.getString("message")).as(url).startsWith("messages[2].content[1].image_url.url: ");
        }
        String messages = "{\"model\":\"claude\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.png\"}}]}]}";
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, messages, "anthropic-version", "2023-06-01");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(400);
        assertThat(new JsonObject(a.body()).getJsonObject("error").getString("message"))
                .startsWith("messages.0.content.1.source: an image by http URL cannot be sent to Bedrock");
        assertThat(gw.simulator.received()).isEmpty();
    }

    /**
     * Converse refuses two documents of one name anywhere in the request (the simulator too, in Bedrock's words): two
     * untitled PDFs in different turns, and report.pdf beside report.docx, each get a name of their own.
     */
    @Test
    void documentNamesAreUniqueAcrossTheRequest() {
        String pdf = "data:application/pdf;base64," + java.util.Base64.getEncoder().encodeToString("%PDF-1.4".getBytes());
        String docx = "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64,UEsDBA==";
        java.util.function.BiFunction<String, String, JsonObject> file = (name, data) -> {
            JsonObject f = new JsonObject().put("file_data", data);
            if (name != null) f.put("filename", name);
            return new JsonObject().put("type", "file").put("file", f);
        };
        JsonArray messages = new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "read this")).add(file.apply(null, pdf))))
                .add(new JsonObject().put("role", "assistant").put("content", "Read."))
                .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "and these")).add(file.apply(null, pdf))
                        .add(file.apply("report.pdf", pdf)).add(file.apply("report.docx", docx))));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                new JsonObject().put("model", "claude").put("messages", messages).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (Object m : gw.simulator.last().body().getJsonArray("messages")) {
            for (Object b : ((JsonObject) m).getJsonArray("content")) {
                JsonObject document = ((JsonObject) b).getJsonObject("document");
                if (document != null) names.add(document.getString("name"));
            }
        }
        assertThat(names).containsExactly("document 1", "document 2", "report", "report (2)");
    }

    @Test
    void titanAndCohereEmbeddings() {
        var titan = client.embeddings().create(EmbeddingCreateParams.builder().model("titan")
                .inputOfArrayOfStrings(List.of("one", "two words")).dimensions(256).build());
        assertThat(titan.data()).hasSize(2);
        assertThat(titan.data().get(1).embedding()).hasSize(256);
        assertThat(titan.usage().promptTokens()).isEqualTo(1 + 3);
        assertThat(gw.simulator.last().path()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
        assertThat(gw.simulator.last().body().getBoolean("normalize")).isTrue();

        var cohere = client.embeddings().create(EmbeddingCreateParams.builder().model("cohere-embed")
                .inputOfArrayOfStrings(List.of("alpha", "beta", "gamma")).build());
        assertThat(cohere.data()).hasSize(3);
        assertThat(cohere.data().get(0).embedding()).hasSize(1024);
        assertThat(cohere.usage().promptTokens()).isEqualTo(2 + 1 + 2);
        assertThat(gw.simulator.last().body().getString("input_type")).isEqualTo("search_document");
    }

    /**
     * Titan V2 makes 256, 512 or 1024 dimensions: another is a 400 naming {@code dimensions}, before any call (it was
     * Bedrock's own 400, with {@code param: null}, once per text).
     */
    @Test
    void aTitanDimensionsOutsideItsSizesIsRefusedNamingTheParameter() {
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"titan\",\"input\":[\"one\",\"two\"],\"dimensions\":300}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("param")).isEqualTo("dimensions");
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("message")).contains("300").contains("256, 512 or 1024");
        assertThat(gw.simulator.received()).isEmpty();
        assertThat(Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"titan\",\"input\":\"one\",\"dimensions\":512}").statusCode()).isEqualTo(200);
    }
    /**
     * Cohere Embed on Bedrock takes at most 96 texts a call (ValidationException past it): a longer list goes in batches
     * of 96, joined in input order (it was a 400 before any call). Titan embeds one text a call: a 40-text list is 40
     * calls, at most 8 in flight (all 40 went at once, meeting Bedrock's per-second quota together).
     */
    @Test
    void longEmbeddingListsGoInBatchesAndAWindowOfCalls() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) texts.add("text number " + i);
        var cohere = client.embeddings().create(EmbeddingCreateParams.builder().model("cohere-embed")
                .inputOfArrayOfStrings(texts).build());
        assertThat(gw.simulator.received().stream().map(r -> r.body().getJsonArray("texts").size()).toList())
                .containsExactlyInAnyOrder(96, 96, 8);
        assertThat(cohere.data()).hasSize(200);
        var alone = client.embeddings().create(EmbeddingCreateParams.builder().model("cohere-embed")
                .input("text number 137").build());
        assertThat(cohere.data().get(137).index()).isEqualTo(137);
        assertThat(cohere.data().get(137).embedding()).isEqualTo(alone.data().get(0).embedding());

        gw.simulator.reset();
        gw.simulator.behaveAlways("amazon.titan-embed-text-v2:0", SimBehaviour.slowFirstByte(100));
        var titan = client.embeddings().create(EmbeddingCreateParams.builder().model("titan")
                .inputOfArrayOfStrings(texts.subList(0, 40)).dimensions(256).build());
        assertThat(titan.data()).hasSize(40);
        assertThat(gw.simulator.received()).hasSize(40);
        assertThat(gw.simulator.peakOpenRequests()).isBetween(2, 8);
    }

    /**
     * A Cohere batch that fails fails the list, but the batches Bedrock answered were billed: their tokens are on the
     * failed attempt's ledger row (they were on no row). The error is the OpenAI dialect's. A batch that got a 503 is
     * called once more, and the list then answers.
     */
    @Test
    void aFailedBatchLeavesTheAnsweredBatchesTokensOnTheAttemptRow() {
        StringBuilder body = new StringBuilder("{\"model\":\"cohere-embed\",\"input\":[");
        for (int i = 0; i < 192; i++) body.append(i == 0 ? "" : ",").append("\"same words here\"");
        String list = body.append("]}").toString();
        HttpResponse<String> ok = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, list);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        int perBatch = new JsonObject(ok.body()).getJsonObject("usage").getInteger("prompt_tokens") / 2;
        assertThat(perBatch).isPositive();

        gw.simulator.reset();
        gw.simulator.enqueue("cohere.embed-english-v3", SimBehaviour.status(400));
        HttpResponse<String> failed = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, list);
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(400);
        assertThat(new JsonObject(failed.body()).getJsonObject("error").getString("message")).isNotBlank();
        var admin = new dev.switchboard.support.Admin(gw);
        JsonObject row = admin.ledgerRows(failed).stream().filter(o -> o.getInteger("attempt") == 1).findFirst().orElseThrow();
        assertThat(row.getLong("prompt_tokens")).as(row.encode()).isEqualTo(perBatch);

        gw.simulator.reset();
        gw.simulator.enqueue("cohere.embed-english-v3", SimBehaviour.status(503));
        HttpResponse<String> retried = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, list);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        var calls = gw.simulator.received();
        assertThat(calls).hasSize(3);
        // the one more call waited its pause (Windowed.pause), not sent at once as before the thirty-ninth session: the
        // simulator received it no sooner than the pause after the first of the list's two calls (the 503 came no
        // sooner than either)
        long gapMs = (calls.get(2).atNanos() - Math.min(calls.get(0).atNanos(), calls.get(1).atNanos())) / 1_000_000;
        assertThat(gapMs).as("the retried batch's call not before the pause").isGreaterThanOrEqualTo(
                dev.switchboard.provider.Windowed.PAUSE_MIN_MS);
    }

    /** A Titan call that fails stops the list: the calls in flight answer, no call after them is made. */
    @Test
    void aFailedTitanCallStartsNoFurtherCalls() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) texts.add("text number " + i);
        gw.simulator.behaveAlways("amazon.titan-embed-text-v2:0", SimBehaviour.slowFirstByte(200));
        gw.simulator.enqueue("amazon.titan-embed-text-v2:0", SimBehaviour.status(400));
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("titan")
                .inputOfArrayOfStrings(texts).build())).isInstanceOf(com.openai.errors.BadRequestException.class);
        assertThat(gw.simulator.received()).hasSize(8);
    }
}
