package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the real gateway, which forwards to the OpenAI simulator. */
class OpenAiSdkIT {
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

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    @Test
    void nonStreamAnswerNamesTheModelThatServed() {
        ChatCompletion c = client.chat().completions().create(ask("gpt", "hello there").temperature(0.2).seed(7).build());
        c.validate();
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo("Hello from the simulator! You said: hello there");
        assertThat(c.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        JsonObject upstream = gw.simulator.last().body();
        assertThat(upstream.getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(upstream.getDouble("temperature")).isEqualTo(0.2);
        assertThat(upstream.getLong("seed")).isEqualTo(7L);
    }

    @Test
    void streamWithUsageDeliversEveryChunkAndTheUsage() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("gpt", "stream me")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream me");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("gpt-4o-mini-2024-07-18"));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isPositive();
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(ch -> ch.finishReason().isPresent()).count()).isEqualTo(1);
    }

    @Test
    void streamWithoutUsageRequestHasNoUsageChunk() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("gpt", "x").build())) {
            s.stream().forEach(chunks::add);
        }
        assertThat(chunks).isNotEmpty().allSatisfy(c -> {
            assertThat(c.usage()).isEmpty();
            assertThat(c.choices()).isNotEmpty();
        });
        // the gateway still asked upstream for usage (it needs it for accounting)
        assertThat(gw.simulator.last().body().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Current weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                        .build())
                .build()).build();
    }

    @Test
    void toolCallNonStream() {
        ChatCompletion c = client.chat().completions().create(ask("gpt", "weather in Paris?").addTool(weatherTool())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).parallelToolCalls(false).build());
        ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.function().arguments()).getString("location")).isEqualTo("Paris");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        JsonObject upstream = gw.simulator.last().body();
        assertThat(upstream.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("get_weather");
        assertThat(upstream.getString("tool_choice")).isEqualTo("auto");
        assertThat(upstream.getBoolean("parallel_tool_calls")).isFalse();
    }

    @Test
    void toolCallStreamAssemblesArguments() {
        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                .createStreaming(ask("gpt", "weather?").addTool(weatherTool()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> {
                ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                    tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
                }));
                ch.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(new JsonObject(args.toString()).getString("location")).isEqualTo("Paris");
        assertThat(finish).containsExactly("tool_calls");
    }

    @Test
    void toolResultRoundTrip() {
        ChatCompletion first = client.chat().completions().create(ask("gpt", "weather?").addTool(weatherTool()).build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        ChatCompletion second = client.chat().completions().create(ask("gpt", "weather?").addTool(weatherTool())
                .addMessage(first.choices().get(0).message())
                .addMessage(com.openai.models.chat.completions.ChatCompletionToolMessageParam.builder()
                        .toolCallId(call.id()).content("18 degrees and sunny").build())
                .build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: 18 degrees and sunny");
        JsonObject assistant = gw.simulator.last().body().getJsonArray("messages").getJsonObject(1);
        assertThat(assistant.getString("role")).isEqualTo("assistant");
        assertThat(assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id")).isEqualTo(call.id());
    }

    @Test
    void imagePartsReachTheProvider() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url("https://example.com/cat.png")
                                        .detail(ChatCompletionContentPartImage.ImageUrl.Detail.LOW).build())
                                .build())))
                .build());
        assertThat(c.choices().get(0).message().content().orElseThrow()).startsWith("I see 1 image.");
        JsonObject part = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(1);
        assertThat(part.getString("type")).isEqualTo("image_url");
        assertThat(part.getJsonObject("image_url").getString("url")).isEqualTo("https://example.com/cat.png");
        assertThat(part.getJsonObject("image_url").getString("detail")).isEqualTo("low");
    }

    @Test
    void jsonModeAndUnknownFieldsAreForwarded() {
        client.chat().completions().create(ask("gpt", "json please")
                .responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build())
                .maxCompletionTokens(50L)
                .putAdditionalBodyProperty("logit_bias", JsonValue.from(Map.of("50256", -100)))
                .build());
        JsonObject upstream = gw.simulator.last().body();
        assertThat(upstream.getJsonObject("response_format").getString("type")).isEqualTo("json_object");
        assertThat(upstream.getInteger("max_completion_tokens")).isEqualTo(50);
        assertThat(upstream.getJsonObject("logit_bias").getInteger("50256")).isEqualTo(-100);
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("embedder").input("hello world").build());
        assertThat(r.data()).hasSize(1);
        assertThat(r.data().get(0).embedding()).hasSize(8);
        assertThat(r.usage().promptTokens()).isPositive();
    }

    @Test
    void modelsListsTheAliases() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("gpt", "mock", "embedder", "claude", "gemini", "gemini3");
        // apps check a model exists before they call it
        assertThat(client.models().retrieve(com.openai.models.models.ModelRetrieveParams.builder().model("claude").build()).id())
                .isEqualTo("claude");
        assertThatThrownBy(() -> client.models().retrieve(com.openai.models.models.ModelRetrieveParams.builder().model("nope").build()))
                .isInstanceOf(com.openai.errors.NotFoundException.class).hasMessageContaining("nope");
    }

    @Test
    void answersCarryTheRequestIdTheSdkReads() {
        // OpenAI's SDKs read x-request-id (response._request_id / withResponse().requestId())
        var raw = client.chat().completions().withRawResponse().create(ask("mock", "id please").build());
        String sdkId = raw.requestId().orElseThrow();
        assertThat(sdkId).startsWith("req_").isEqualTo(raw.headers().values("x-switchboard-request-id").get(0));
    }

    @Test
    void mockProviderAnswersWithoutNetwork() {
        ChatCompletion c = client.chat().completions().create(ask("mock", "ping").build());
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo(
                "This is a mock response from mock/mock-model. You said: ping");
        assertThat(c.model()).isEqualTo("mock-model");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void unknownModelIsNotFoundAndWrongKeyUnauthorized() {
        assertThatThrownBy(() -> client.chat().completions().create(ask("nope", "x").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("Known models: gpt, mock, embedder, claude, gemini");
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("sk-wrong").maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.chat().completions().create(ask("gpt", "x").build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }
    }

    /**
     * A request without what OpenAI requires reaches the SDK with OpenAI's code, as OpenAI answers it
     * ({@code missing_required_parameter}): the SDK's {@code code()} read null for chat and embeddings. The SDK's
     * builders insist on the fields, so the bodies leave them out through {@code JsonMissing} / {@code JsonValue}.
     */
    @Test
    void missingRequiredParametersReachTheSdkWithOpenAisCode() {
        var noMessages = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                        .messages(com.openai.core.JsonMissing.of()).build()));
        assertThat(noMessages.code()).contains("missing_required_parameter");
        assertThat(noMessages.param()).contains("messages");
        assertThat(noMessages.type()).contains("invalid_request_error");
        assertThat(noMessages.getMessage()).contains("Missing required parameter: 'messages'.");

        var noPartType = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                        .messages(JsonValue.from(List.of(Map.of("role", "user", "content", List.of(Map.of("text", "a")))))).build()));
        assertThat(noPartType.code()).contains("missing_required_parameter");
        assertThat(noPartType.param()).contains("messages[0].content[0].type");

        var noInput = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.embeddings().create(EmbeddingCreateParams.builder().model("embedder")
                        .input(com.openai.core.JsonMissing.of()).build()));
        assertThat(noInput.code()).contains("missing_required_parameter");
        assertThat(noInput.param()).contains("input");
        assertThat(gw.simulator.received()).as("no provider was asked").isEmpty();
    }
    /**
     * OpenAI's own words reach the official SDK: a call without {@code model} is "you must provide a model parameter"
     * with no param and no code (OpenAI's answer, quoted in lss233/kirara-ai#800), chat and embeddings; {@code messages}
     * as a string is "Invalid type for 'messages': expected an array of objects, but got a string instead."
     * ({@code invalid_type}); an empty {@code messages} is OpenAI's {@code empty_array}.
     */
    @Test
    void openAisWordsForModelAndMessagesReachTheSdk() {
        var noModel = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model(com.openai.core.JsonMissing.of())
                        .addUserMessage("hi").build()));
        assertThat(noModel.getMessage()).contains("you must provide a model parameter");
        assertThat(noModel.code()).isEmpty();
        assertThat(noModel.param()).isEmpty();
        assertThat(noModel.type()).contains("invalid_request_error");

        var noEmbeddingModel = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.embeddings().create(EmbeddingCreateParams.builder().model(com.openai.core.JsonMissing.of())
                        .input("hi").build()));
        assertThat(noEmbeddingModel.getMessage()).contains("you must provide a model parameter");
        assertThat(noEmbeddingModel.code()).isEmpty();

        var stringMessages = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                        .messages(JsonValue.from("hi")).build()));
        assertThat(stringMessages.getMessage())
                .contains("Invalid type for 'messages': expected an array of objects, but got a string instead.");
        assertThat(stringMessages.code()).contains("invalid_type");
        assertThat(stringMessages.param()).contains("messages");

        var emptyMessages = org.assertj.core.api.Assertions.catchThrowableOfType(com.openai.errors.BadRequestException.class,
                () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                        .messages(List.of()).build()));
        assertThat(emptyMessages.getMessage())
                .contains("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
        assertThat(emptyMessages.code()).contains("empty_array");
        assertThat(gw.simulator.received()).as("no provider was asked").isEmpty();
    }
}
