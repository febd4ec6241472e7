package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessage;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenAI's deprecated function calling ({@code functions}, {@code function_call}, {@code role: "function"}) from the
 * official SDK and raw bodies: every provider serves it as tools, and the client gets the old shape back, streamed
 * or not (one {@code function_call}, {@code finish_reason: "function_call"}).
 */
@SuppressWarnings("deprecation") // the deprecated API is what is under test
class LegacyFunctionsIT {
    static TestGateway gw;
    static OpenAIClient client;

    private static final String WEATHER = """
            {"name":"get_weather","description":"The weather in a city","parameters":{"type":"object",
            "properties":{"location":{"type":"string"}},"required":["location"]}}""";

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static ChatCompletionCreateParams.Function weatherFunction() {
        return ChatCompletionCreateParams.Function.builder().name("get_weather").description("The weather in a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .build())
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini"})
    void theSdksFunctionsAreServedAsToolsAndAnsweredAsAFunctionCall(String alias) {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(alias)
                .addUserMessage("weather in Paris?").addFunction(weatherFunction()).build());
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.FUNCTION_CALL);
        ChatCompletionMessage.FunctionCall call = choice.message().functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.arguments()).containsKey("location")).isTrue();
        assertThat(choice.message().toolCalls()).isEmpty();

        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.containsKey("functions")).isFalse();
        assertThat(sent.containsKey("function_call")).isFalse();
        switch (alias) {
            case "gpt" -> {
                assertThat(sent.getJsonArray("tools").getJsonObject(0).getString("type")).isEqualTo("function");
                assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("get_weather");
                assertThat(sent.getBoolean("parallel_tool_calls")).isFalse(); // one call an answer, as the old API
            }
            case "claude" -> {
                assertThat(sent.getJsonArray("tools").getJsonObject(0).getString("name")).isEqualTo("get_weather");
                assertThat(sent.getJsonObject("tool_choice").getBoolean("disable_parallel_tool_use")).isTrue();
            }
            default -> assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations")
                    .getJsonObject(0).getString("name")).isEqualTo("get_weather");
        }
    }

    @Test
    void theRawAnswerIsOpenAisOldShape() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}],\"functions\":[" + WEATHER + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
        JsonObject choice = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("function_call");
        JsonObject message = choice.getJsonObject("message");
        assertThat(message.containsKey("tool_calls")).isFalse();
        assertThat(message.getValue("content")).isNull();
        assertThat(message.getJsonObject("function_call").fieldNames()).containsExactly("name", "arguments");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini"})
    void aStreamedFunctionCallComesAsFunctionCallDeltas(String alias) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"w\"}],\"functions\":[" + WEATHER + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder args = new StringBuilder();
        String name = null;
        String finish = null;
        for (String d : data.subList(0, data.size() - 1)) {
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
            JsonArray choices = new JsonObject(d).getJsonArray("choices");
            if (choices.isEmpty()) continue;
            JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
            assertThat(delta.containsKey("tool_calls")).as(d).isFalse();
            JsonObject fc = delta.getJsonObject("function_call");
            if (fc != null) {
                if (fc.getString("name") != null) name = fc.getString("name");
                args.append(fc.getString("arguments", ""));
            }
            if (choices.getJsonObject(0).getString("finish_reason") != null) finish = choices.getJsonObject(0).getString("finish_reason");
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(new JsonObject(args.toString()).containsKey("location")).isTrue();
        assertThat(finish).isEqualTo("function_call");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini"})
    void aHistoryOfFunctionCallsAndResultsReachesEveryProviderAsToolTurns(String alias) {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(alias)
                .addUserMessage("weather in Paris?")
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .functionCall(ChatCompletionAssistantMessageParam.FunctionCall.builder().name("get_weather")
                                .arguments("{\"location\":\"Paris\"}").build()).build())
                .addMessage(ChatCompletionFunctionMessageParam.builder().name("get_weather").content("18 C and sunny").build())
                .addFunction(weatherFunction()).build());
        assertThat(c.choices().get(0).message().content()).contains("The tool returned: 18 C and sunny");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);

        JsonObject sent = gw.simulator.last().body();
        switch (alias) {
            case "gpt" -> {
                JsonArray m = sent.getJsonArray("messages");
                assertThat(m.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id")).isEqualTo("call_fn_1");
                assertThat(m.getJsonObject(2).getString("role")).isEqualTo("tool");
                assertThat(m.getJsonObject(2).getString("tool_call_id")).isEqualTo("call_fn_1");
                assertThat(m.getJsonObject(2).getString("content")).isEqualTo("18 C and sunny");
            }
            case "claude" -> {
                JsonArray m = sent.getJsonArray("messages");
                JsonObject use = m.getJsonObject(1).getJsonArray("content").getJsonObject(0);
                assertThat(use.getString("type")).isEqualTo("tool_use");
                assertThat(use.getString("id")).isEqualTo("call_fn_1");
                assertThat(use.getJsonObject("input").getString("location")).isEqualTo("Paris");
                JsonObject result = m.getJsonObject(2).getJsonArray("content").getJsonObject(0);
                assertThat(result.getString("type")).isEqualTo("tool_result");
                assertThat(result.getString("tool_use_id")).isEqualTo("call_fn_1");
            }
            default -> {
                JsonArray contents = sent.getJsonArray("contents");
                assertThat(contents.getJsonObject(1).getJsonArray("parts").getJsonObject(0).getJsonObject("functionCall")
                        .getString("name")).isEqualTo("get_weather");
                assertThat(contents.getJsonObject(2).getJsonArray("parts").getJsonObject(0).getJsonObject("functionResponse")
                        .getString("name")).isEqualTo("get_weather");
            }
        }
    }

    @Test
    void functionCallNamesOrRefusesTheFunction() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}],\"functions\":[{\"name\":\"a\"},"
                        + WEATHER + "],\"function_call\":{\"name\":\"get_weather\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("tool_choice").encode())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getJsonObject("function_call").getString("name")).isEqualTo("get_weather");

        r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}],\"functions\":[" + WEATHER
                        + "],\"function_call\":\"none\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject choice = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
        assertThat(choice.getJsonObject("message").containsKey("function_call")).isFalse();
        assertThat(choice.getJsonObject("message").getString("content")).contains("Hello from the simulator");
    }

    @Test
    void malformedOrMixedOldFieldsAreA400NamingThem() {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"w\"}]";
        assertBad("{\"model\":\"gpt\"," + user + ",\"functions\":[" + WEATHER + "],\"tools\":[{\"type\":\"function\",\"function\":"
                + WEATHER + "}]}", "functions", "not both");
        assertBad("{\"model\":\"gpt\"," + user + ",\"functions\":{\"name\":\"x\"}}", "functions", "must be an array");
        assertBad("{\"model\":\"gpt\"," + user + ",\"functions\":[" + WEATHER + "],\"function_call\":\"always\"}", "function_call",
                "'none', 'auto'");
        assertBad("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"},{\"role\":\"function\","
                + "\"name\":\"get_weather\",\"content\":\"18 C\"}]}", "messages[1]", "answers no earlier");
        assertBad("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"},{\"role\":\"assistant\","
                + "\"content\":null,\"function_call\":\"get_weather\"}]}", "messages[1].function_call", "must be an object");
    }

    private static void assertBad(String body, String param, String words) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        OpenAiSchemas.assertValid("ErrorResponse", r.body());
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("param")).isEqualTo(param);
        assertThat(e.getString("message")).contains(words);
    }
}
