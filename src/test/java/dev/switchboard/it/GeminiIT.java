package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI SDK against a Gemini-backed alias, and the Anthropic dialect translated to Gemini. */
class GeminiIT {
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static ChatCompletionFunctionTool weather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build()).build()).build();
    }

    @Test
    void textStreamAndNot() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addSystemMessage("Be kind.").addUserMessage("hello gemini").temperature(0.3).maxCompletionTokens(100).build());
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo("Hello from the simulator! You said: hello gemini");
        assertThat(c.model()).isEqualTo("gemini-2.5-flash");
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(seen.headers().get("x-goog-api-key")).isEqualTo(TestGateway.GEMINI_PROVIDER_KEY);
        assertThat(seen.headers().get("authorization")).isNull();
        assertThat(seen.body().getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text")).isEqualTo("Be kind.");
        assertThat(seen.body().getJsonObject("generationConfig").getInteger("maxOutputTokens")).isEqualTo(100);

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini").addUserMessage("stream it").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream it");
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokens()).isPositive();
        assertThat(gw.simulator.last().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    }

    @Test
    void toolsRoundTripStreamAndNot() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("weather?").addTool(weather()).build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.function().arguments()).getString("location")).isEqualTo("Paris");
        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        // Gemini rejects additionalProperties in a schema: the gateway strips it
        assertThat(gw.simulator.last().body().encode()).doesNotContain("additionalProperties");

        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("weather?").addTool(weather()).addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny").build()).build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: sunny");
        JsonObject response = gw.simulator.last().body().getJsonArray("contents").getJsonObject(2).getJsonArray("parts")
                .getJsonObject(0).getJsonObject("functionResponse");
        assertThat(response.getString("name")).isEqualTo("get_weather");

        List<String> names = new ArrayList<>();
        StringBuilder args = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini").addUserMessage("weather?").addTool(weather()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
            }))));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(new JsonObject(args.toString()).getString("location")).isEqualTo("Paris");
    }

    @Test
    void imagesAndSchemaConformance() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gemini","messages":[{"role":"user","content":[{"type":"text","text":"what"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.webp"}}]}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
        assertThat(r.body()).contains("I see 2 images.");
        var parts = gw.simulator.last().body().getJsonArray("contents").getJsonObject(0).getJsonArray("parts");
        assertThat(parts.getJsonObject(1).getJsonObject("inlineData").getString("mimeType")).isEqualTo("image/png");
        assertThat(parts.getJsonObject(2).getJsonObject("fileData").getString("mimeType")).isEqualTo("image/webp");

        HttpResponse<String> s = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        for (String d : data.subList(0, data.size() - 1)) OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
    }

    @Test
    void implicitCacheCountIsPassedThroughOnTheSecondCall() {
        String longContext = "Background paragraph about the project. ".repeat(150);
        String body = "{\"model\":\"gemini\",\"messages\":[{\"role\":\"system\",\"content\":\"" + longContext
                + "\"},{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"%s\"}]}";
        JsonObject a = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q1")).body());
        assertThat(a.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isZero();
        JsonObject b = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q2")).body());
        assertThat(b.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isGreaterThan(1000);
    }

    @Test
    void openAiAutomaticCacheCountIsPassedThrough() {
        String longContext = "Stable instructions for the agent. ".repeat(150);
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"system\",\"content\":\"" + longContext
                + "\"},{\"role\":\"user\",\"content\":\"%s\"}]}";
        Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q1"));
        JsonObject b = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q2")).body());
        int cached = b.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens");
        assertThat(cached).isGreaterThanOrEqualTo(1024).matches(n -> n % 128 == 0);
    }

    @Test
    void anthropicDialectToGeminiAndGeminiErrors() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi from claude code\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject m = new JsonObject(r.body());
        assertThat(m.getString("type")).isEqualTo("message");
        assertThat(m.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("Hello from the simulator! You said: hi from claude code");

        gw.simulator.enqueue(SimBehaviour.rateLimited(3));
        HttpResponse<String> limited = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("3");
        OpenAiSchemas.assertValid("ErrorResponse", limited.body());
        gw.simulator.enqueue(SimBehaviour.status(503));
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(503);
    }
}
