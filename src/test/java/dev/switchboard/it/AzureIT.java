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
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
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

/**
 * Azure OpenAI ({@code azure/}) and Azure AI Foundry ({@code azure_ai/}) through the gateway, against the simulator
 * playing Azure's URLs, api-version, credentials, errors and content filter; the official OpenAI SDK and the
 * Anthropic dialect as clients.
 */
class AzureIT {
    static final String AD_TOKEN = "eyJ0eXAiOiJKV1Qi.static-ad-token-for-tests";
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: az
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}/
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-priced-mini
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                    model_info: { base_model: azure/gpt-4o-mini }
                  - model_name: az-priced-big
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}/
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                    model_info: { base_model: azure/gpt-4o }
                  - model_name: az-o3
                    litellm_params:
                      model: azure/my-o3
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                    model_info: { base_model: azure/o3-mini }
                  - model_name: az-o-series
                    litellm_params:
                      model: azure/o_series/my-reasoner
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-o-series-v1
                    litellm_params:
                      model: azure/o_series/my-reasoner
                      api_base: ${SIM_ROOT}
                      api_version: v1
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-embed
                    litellm_params:
                      model: azure/my-embedding
                      api_base: ${SIM_ROOT}
                      api_version: 2024-02-01
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-v1
                    litellm_params:
                      model: azure/my-gpt4o-v1
                      api_base: ${SIM_ROOT}
                      api_version: v1
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-v1-base
                    litellm_params:
                      model: azure/my-gpt4o-v1
                      api_base: ${SIM_ROOT}/openai/v1/
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-token
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}
                      api_version: "2024-08-01-preview"
                      azure_ad_token: %s
                  - model_name: az-old-version
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}
                      api_version: "2099-01-01"
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-missing
                    litellm_params:
                      model: azure/missing-deployment
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-filtered
                    litellm_params:
                      model: azure/filtered-deployment
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: foundry
                    litellm_params:
                      model: azure_ai/mistral-large-2411
                      api_base: ${SIM_ROOT}/models
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: foundry-serverless
                    litellm_params:
                      model: azure_ai/gpt-4o-mini
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: gpt
                    litellm_params:
                      model: openai/gpt-4o-mini
                      api_base: ${SIM}
                      api_key: os.environ/PROVIDER_KEY
                router_settings:
                  num_retries: 0
                  content_policy_fallbacks: [{ az-filtered: [gpt] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(AD_TOKEN));
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    @BeforeEach
    void reset() {
        gw.simulator.reset();
        gw.simulator.azure().requireKey(TestGateway.PROVIDER_KEY);
        gw.simulator.azure().acceptToken(AD_TOKEN);
    }

    private static HttpResponse<String> chat(String body) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
    }

    private static String hello(String alias) {
        return "{\"model\":\"" + alias + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello azure\"}]}";
    }

    @Test
    void datedPathWithApiKeyStreamAndNot() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("az")
                .addUserMessage("hello azure").maxCompletionTokens(100).build());
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo("Hello from the simulator! You said: hello azure");
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21");
        assertThat(seen.headers().get("api-key")).isEqualTo(TestGateway.PROVIDER_KEY);
        assertThat(seen.headers().get("authorization")).isNull();
        assertThat(seen.body().getInteger("max_completion_tokens")).isEqualTo(100);

        // Azure's prompt_filter_results / content_filter_results do not reach an OpenAI client's schema
        HttpResponse<String> raw = chat(hello("az"));
        assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", raw.body());

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("az").addUserMessage("stream it").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream it");
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokens()).isPositive();
        // Azure's first event (prompt filter results, no choices, empty id) is not relayed
        assertThat(chunks).allMatch(ch -> !ch.id().isEmpty());

        HttpResponse<String> s = chat("{\"model\":\"az\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        for (String d : data.subList(0, data.size() - 1)) OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
    }

    /** The filter verdict of one harm category in a {@code content_filter_results} object. */
    private static boolean filtered(JsonObject results, String category) {
        return results.getJsonObject(category).getBoolean("filtered");
    }

    @Test
    void azuresFilterResultsArePassedOnWhereAzurePutsThem() {
        // a whole answer: the prompt's results at the top, each choice's on the choice, as Azure sends them
        HttpResponse<String> r = chat(hello("az"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject answer = new JsonObject(r.body());
        assertThat(filtered(answer.getJsonArray("prompt_filter_results").getJsonObject(0).getJsonObject("content_filter_results"),
                "hate")).isFalse();
        assertThat(filtered(answer.getJsonArray("choices").getJsonObject(0).getJsonObject("content_filter_results"), "violence"))
                .isFalse();
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());

        // a stream: Azure's choiceless first event is not relayed (it breaks clients that read choices[0]); its
        // prompt_filter_results go out on the first chunk, each chunk's choice keeps its own results
        HttpResponse<String> s = chat("{\"model\":\"az\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.getString("id")).isNotEmpty())
                .allSatisfy(c -> assertThat(c.getJsonArray("choices")).isNotEmpty());
        assertThat(filtered(chunks.get(0).getJsonArray("prompt_filter_results").getJsonObject(0)
                .getJsonObject("content_filter_results"), "sexual")).isFalse();
        assertThat(chunks.subList(1, chunks.size())).allSatisfy(c -> assertThat(c.containsKey("prompt_filter_results")).isFalse());
        List<JsonObject> texts = chunks.stream().filter(c -> c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                .containsKey("content")).toList();
        assertThat(texts).isNotEmpty().allSatisfy(c -> assertThat(filtered(c.getJsonArray("choices").getJsonObject(0)
                .getJsonObject("content_filter_results"), "self_harm")).isFalse());
        for (String d : data.subList(0, data.size() - 1)) OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);

        // a streamed tool call (its pieces are decoded and written again, not relayed as sent) keeps them too
        HttpResponse<String> tool = chat("{\"model\":\"az\",\"stream\":true,\"tool_choice\":\"required\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"weather?\"}],\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}");
        List<String> toolData = Http.sseData(tool.body());
        List<JsonObject> calls = toolData.subList(0, toolData.size() - 1).stream().map(JsonObject::new)
                .filter(c -> c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").containsKey("tool_calls")).toList();
        assertThat(calls).as(tool.body()).isNotEmpty().allSatisfy(c -> assertThat(filtered(c.getJsonArray("choices").getJsonObject(0)
                .getJsonObject("content_filter_results"), "hate")).isFalse());
    }

    private static ChatCompletionFunctionTool weather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string")))).build()).build()).build();
    }

    @Test
    void toolsRoundTrip() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("az")
                .addUserMessage("weather?").addTool(weather()).build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("az")
                .addUserMessage("weather?").addTool(weather()).addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny").build()).build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: sunny");
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(2).getString("tool_call_id")).isEqualTo(call.id());
    }

    @Test
    void embeddingsOnTheDatedPath() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("az-embed")
                .input("embed me").build());
        assertThat(r.data()).hasSize(1);
        assertThat(gw.simulator.last().path()).isEqualTo("/openai/deployments/my-embedding/embeddings?api-version=2024-02-01");
    }

    /**
     * An Azure deployment named by its user runs a reasoning model by its model_info.base_model, or by LiteLLM's
     * azure/o_series/ marker (not part of the deployment's name at Azure): the client's max_tokens reaches it as
     * max_completion_tokens, which Azure's reasoning deployments require (review finding 4).
     */
    @Test
    void anAzureReasoningDeploymentNamedByItsUserGetsMaxCompletionTokens() {
        for (String[] c : new String[][] {
                {"az-o3", "/openai/deployments/my-o3/chat/completions?api-version=2024-10-21", "my-o3"},
                {"az-o-series", "/openai/deployments/my-reasoner/chat/completions?api-version=2024-10-21", "my-reasoner"},
                {"az-o-series-v1", "/openai/v1/chat/completions", "my-reasoner"}}) {
            HttpResponse<String> r = chat("{\"model\":\"" + c[0] + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(200);
            ProviderSimulator.Received seen = gw.simulator.last();
            assertThat(seen.path()).as(c[0]).isEqualTo(c[1]);
            assertThat(seen.body().getInteger("max_completion_tokens")).as(c[0]).isEqualTo(100);
            assertThat(seen.body().containsKey("max_tokens")).as(c[0]).isFalse();
            assertThat(seen.body().getString("model")).as(c[0]).isEqualTo(c[2]);
        }
        // a deployment named by its user with no base_model keeps the client's max_tokens, as before
        chat("{\"model\":\"az\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(gw.simulator.last().body().getInteger("max_tokens")).isEqualTo(100);
    }

    @Test
    void v1PathByVersionOrByBase() {
        for (String alias : List.of("az-v1", "az-v1-base")) {
            HttpResponse<String> r = chat(hello(alias));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            ProviderSimulator.Received seen = gw.simulator.last();
            assertThat(seen.path()).isEqualTo("/openai/v1/chat/completions");
            assertThat(seen.body().getString("model")).isEqualTo("my-gpt4o-v1"); // the deployment, in the body
            assertThat(seen.headers().get("api-key")).isEqualTo(TestGateway.PROVIDER_KEY);
        }
    }

    @Test
    void entraTokenAsBearerAndItsRefusal() {
        assertThat(chat(hello("az-token")).statusCode()).isEqualTo(200);
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + AD_TOKEN);
        assertThat(seen.headers().get("api-key")).isNull();
        assertThat(seen.path()).endsWith("?api-version=2024-08-01-preview");

        gw.simulator.reset(); // the token is no longer accepted: Azure's 401 for a bad token, the token itself hidden
        HttpResponse<String> r = chat(hello("az-token"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("Access token is missing, invalid").doesNotContain("static-ad-token");
        OpenAiSchemas.assertValid("ErrorResponse", r.body());
    }

    @Test
    void azureRefusalsReachTheClientWithTheirStatus() {
        HttpResponse<String> version = chat(hello("az-old-version"));
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(version.body()).contains("API version not supported");
        HttpResponse<String> missing = chat(hello("az-missing"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getJsonObject("error").getString("code")).isEqualTo("DeploymentNotFound");

        gw.simulator.azure().requireKey("another-key");
        HttpResponse<String> key = chat(hello("az"));
        assertThat(key.statusCode()).isEqualTo(401);
        assertThat(key.body()).contains("Access denied due to invalid subscription key").doesNotContain(TestGateway.PROVIDER_KEY);

        gw.simulator.azure().requireKey(TestGateway.PROVIDER_KEY);
        gw.simulator.enqueue(SimBehaviour.rateLimited(7));
        HttpResponse<String> limited = chat(hello("az"));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
        assertThat(limited.body()).contains("exceeded token rate limit");
    }

    @Test
    void theSimulatorRefusesWhatAzureRefuses() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String base = gw.simulator.rootUrl() + "/openai/deployments/d/chat/completions";
        HttpResponse<String> noVersion = Http.post(base, null, body, "api-key", TestGateway.PROVIDER_KEY);
        assertThat(noVersion.statusCode()).isEqualTo(404);
        assertThat(noVersion.body()).contains("Resource not found");
        HttpResponse<String> badVersion = Http.post(base + "?api-version=2031-01-01", null, body, "api-key", TestGateway.PROVIDER_KEY);
        assertThat(badVersion.statusCode()).isEqualTo(400);
        assertThat(badVersion.body()).contains("API version not supported");
        HttpResponse<String> noKey = Http.post(base + "?api-version=2024-10-21", null, body);
        assertThat(noKey.statusCode()).isEqualTo(401);
        HttpResponse<String> ok = Http.post(base + "?api-version=2024-10-21", null, body, "api-key", TestGateway.PROVIDER_KEY);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(new JsonObject(ok.body()).getJsonArray("prompt_filter_results")).isNotEmpty();
        HttpResponse<String> models = Http.post(gw.simulator.rootUrl() + "/models/chat/completions", null,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "api-key", TestGateway.PROVIDER_KEY);
        assertThat(models.statusCode()).isEqualTo(404);
    }

    @Test
    void aFilteredPromptIsAContentPolicyFailureAndFallsBack() {
        gw.simulator.enqueue(SimBehaviour.promptBlocked("violence"));
        HttpResponse<String> r = chat(hello("az-filtered"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:content_policy");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");

        gw.simulator.enqueue(SimBehaviour.promptBlocked("violence"));
        HttpResponse<String> plain = chat(hello("az"));
        assertThat(plain.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(plain.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("content_policy_violation");
        assertThat(e.getString("message")).contains("content management policy").contains("violence (high)");
    }

    @Test
    void aFilteredCompletionFallsBackWhenWholeAndEndsFilteredWhenStreamed() {
        gw.simulator.enqueue(SimBehaviour.completionFiltered());
        HttpResponse<String> r = chat(hello("az-filtered"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:content_policy");

        gw.simulator.enqueue(SimBehaviour.completionFiltered());
        HttpResponse<String> plain = chat(hello("az"));
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(plain.body()).getJsonObject("error").getString("code")).isEqualTo("content_policy_violation");

        gw.simulator.enqueue(SimBehaviour.completionFiltered());
        HttpResponse<String> s = chat("{\"model\":\"az\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(data.stream().filter(d -> d.contains("\"finish_reason\":\"content_filter\""))).hasSize(1);
    }

    @Test
    void foundryModelsApiAndServerlessEndpoint() {
        HttpResponse<String> r = chat(hello("foundry"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/models/chat/completions?api-version=2024-05-01-preview");
        assertThat(seen.headers().get("api-key")).isEqualTo(TestGateway.PROVIDER_KEY);
        assertThat(seen.body().getString("model")).isEqualTo("mistral-large-2411");

        assertThat(client.chat().completions().create(ChatCompletionCreateParams.builder().model("foundry-serverless")
                .addUserMessage("hi").maxCompletionTokens(20).build()).choices()).hasSize(1);
        seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        assertThat(seen.body().getInteger("max_tokens")).isEqualTo(20); // Foundry's catalogue: the field every model knows
    }

    @Test
    void anthropicDialectToAzureStreamAndNot() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"az\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi from claude code\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("Hello from the simulator! You said: hi from claude code");
        HttpResponse<String> s = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"az\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream\"}]}");
        assertThat(s.body()).contains("event: message_stop").contains("\"text\":\"said: \"").contains("\"text\":\"stream\"");
    }

    /** One Azure deployment name on two resources, each with its own base_model: each entry is charged its own price. */
    @Test
    void twoEntriesOfOneDeploymentNameAreEachPricedAtTheirOwnBaseModel() {
        String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"price me\"}]}";
        java.net.http.HttpResponse<String> mini = dev.switchboard.support.Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("az-priced-mini"));
        java.net.http.HttpResponse<String> big = dev.switchboard.support.Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("az-priced-big"));
        assertThat(mini.statusCode()).isEqualTo(200);
        assertThat(big.statusCode()).isEqualTo(200);
        double miniCost = Double.parseDouble(mini.headers().firstValue("x-switchboard-cost").orElseThrow());
        double bigCost = Double.parseDouble(big.headers().firstValue("x-switchboard-cost").orElseThrow());
        // gpt-4o costs 16.7 times gpt-4o-mini, input and output alike; the same answer to the same question
        assertThat(bigCost / miniCost).isCloseTo(16.67, org.assertj.core.data.Offset.offset(0.1));
        io.vertx.core.json.JsonArray info = new io.vertx.core.json.JsonObject(dev.switchboard.support.Http.get(gw.v1() + "/model/info",
                TestGateway.MASTER_KEY).body()).getJsonArray("data");
        java.util.Map<String, Double> inputPrice = new java.util.HashMap<>();
        for (Object o : info) {
            io.vertx.core.json.JsonObject m = (io.vertx.core.json.JsonObject) o;
            inputPrice.put(m.getString("model_name"), m.getJsonObject("model_info").getDouble("input_cost_per_token"));
        }
        assertThat(inputPrice.get("az-priced-mini")).isEqualTo(1.5e-7);
        assertThat(inputPrice.get("az-priced-big")).isEqualTo(2.5e-6);
        // an entry of the same id without a price of its own is said to cost $0, a second one as the first
        assertThat(gw.gateway.unpriced()).anyMatch(u -> u.startsWith("'az' ")).anyMatch(u -> u.startsWith("'az-token' "))
                .noneMatch(u -> u.startsWith("'az-priced-"));
    }
}
