package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.models.Model;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM configs that route by more than a model_name, end to end through the simulator with the official SDKs:
 * Ollama's documented api_base (the server root), wildcard model_names, model_group_alias and fallbacks that name a
 * deployment's model_info.id.
 */
class LiteLlmRoutingIT {

    /** Both SDKs' clients for one gateway and key, closed together. */
    private record Sdk(OpenAIClient openai, AnthropicClient anthropic) implements AutoCloseable {
        Sdk(TestGateway gw, String key) { this(LiteLlmRoutingIT.openai(gw, key), LiteLlmRoutingIT.anthropic(gw, key)); }

        @Override
        public void close() {
            openai.close();
            anthropic.close();
        }
    }

    private static OpenAIClient openai(TestGateway gw, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
    }

    private static AnthropicClient anthropic(TestGateway gw, String key) {
        return AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
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

    /** Text and tool calls of a streamed answer, as the SDK assembles them. */
    private static String streamed(OpenAIClient client, ChatCompletionCreateParams params, List<String> toolNames) {
        StringBuilder text = new StringBuilder();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> c.choices().forEach(ch -> {
                ch.delta().content().ifPresent(text::append);
                ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> tc.function().flatMap(f -> f.name()).ifPresent(toolNames::add)));
            }));
        }
        return text.toString();
    }

    @Test
    void ollamaWithTheServerRootAsApiBaseReachesItsOpenAiCompatibleApiStreamedOrNotWithTools() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: local
                    litellm_params: { model: ollama/llama3, api_base: "${SIM_ROOT}" }
                  - model_name: local-chat
                    litellm_params: { model: ollama_chat/qwen2.5, api_base: "${SIM_ROOT}/api/chat" }
                  - model_name: local-v1
                    litellm_params: { model: ollama/mistral, api_base: "${SIM}" }
                """); Sdk sdk = new Sdk(gw, "unused")) {
            OpenAIClient client = sdk.openai();
            gw.simulator.playOllama();
            ChatCompletion c = client.chat().completions().create(ask("local", "hello").build());
            assertThat(gw.simulator.last().headers().get("authorization")).as("no api_key, no key sent (Ollama needs none)").isNull();
            assertThat(c.choices().get(0).message().content()).isPresent();
            assertThat(gw.simulator.last().path()).isEqualTo("/v1/chat/completions");
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("llama3");

            List<String> tools = new ArrayList<>();
            String text = streamed(client, ask("local-chat", "hello there").build(), tools);
            assertThat(text).isNotEmpty();
            assertThat(gw.simulator.last().path()).as("LiteLLM accepts …/api/chat as an ollama_chat/ base").isEqualTo("/v1/chat/completions");
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("qwen2.5");

            ChatCompletion t = client.chat().completions().create(ask("local", "weather in Paris?").addTool(weatherTool()).build());
            assertThat(t.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().name()).isEqualTo("get_weather");
            tools.clear();
            streamed(client, ask("local-chat", "weather in Paris?").addTool(weatherTool()).build(), tools);
            assertThat(tools).containsExactly("get_weather");
            assertThat(gw.simulator.last().body().getJsonArray("tools")).hasSize(1);

            client.chat().completions().create(ask("local-v1", "hello").build());
            assertThat(gw.simulator.last().path()).as("a base that already ends in /v1 is kept").isEqualTo("/v1/chat/completions");

            HttpResponse<String> models = Http.get(gw.v1() + "/models", null);
            assertThat(models.body()).contains("\"local\"");
        }
    }

    @Test
    void aBaseUrlOfTheWrongFormIsSaidPlainly() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: vllm
                    litellm_params: { model: hosted_vllm/llama-3.1-8b, api_base: "${SIM_ROOT}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: ollama-as-compatible
                    litellm_params: { model: openai_compatible/llama3, api_base: "${SIM_ROOT}" }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-haiku-4-5, api_base: "${SIM_ROOT}/v1/messages", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                """); Sdk sdk = new Sdk(gw, "unused")) {
            OpenAIClient client = sdk.openai();
            AnthropicClient ant = sdk.anthropic();
            // hosted_vllm's api_base is used as given (LiteLLM's OpenAI client adds /chat/completions): without /v1
            // the server has no such endpoint, and the error says so instead of a bare 404.
            assertThatThrownBy(() -> client.chat().completions().create(ask("vllm", "hi").build()))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("has no endpoint /chat/completions")
                    .hasMessageContaining("api_base is probably of the wrong form")
                    .hasMessageContaining("usually ends in /v1");
            // The same mistake against an Ollama server: its router's plain-text 404.
            gw.simulator.playOllama();
            assertThatThrownBy(() -> client.chat().completions().create(ask("ollama-as-compatible", "hi").build()))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("has no endpoint /chat/completions (HTTP 404")
                    .hasMessageContaining("Ollama's is the server root");
            gw.simulator.reset();
            // LiteLLM adds /v1/messages to an Anthropic api_base unless it already ends with it.
            Message m = ant.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20).addUserMessage("hi").build());
            assertThat(m.content()).isNotEmpty();
            assertThat(gw.simulator.last().path()).isEqualTo("/v1/messages");
        }
        assertThatThrownBy(() -> TestGateway.start("""
                model_list:
                  - model_name: local
                    litellm_params: { model: ollama/llama3, api_base: "http://localhost:11434/v1/chat/completions" }
                """)).hasMessageContaining("is a full endpoint URL").hasMessageContaining("Fix: api_base: http://localhost:11434 (the server's root");
    }

    /**
     * An {@code openai/} deployment on a server with chat completions only (Ollama played: its router's 404 for
     * {@code /v1/responses}) is sent a Responses call as is: the 404 says the server has no Responses API and names the
     * prefixes that translate, where it blamed the api_base on which chat works. A {@code hosted_vllm/} deployment on the
     * same base answers the same call (translated to chat).
     */
    @Test
    void aResponsesCallToAServerWithoutTheResponsesApiSaysSoAndNamesThePrefixesThatTranslate() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: local
                    litellm_params: { model: openai/llama3, api_base: "${SIM_ROOT}/v1", api_key: none }
                  - model_name: local-vllm
                    litellm_params: { model: hosted_vllm/llama3, api_base: "${SIM_ROOT}/v1", api_key: none }
                """); Sdk sdk = new Sdk(gw, "unused")) {
            gw.simulator.playOllama();
            OpenAIClient client = sdk.openai();
            assertThat(client.chat().completions().create(ask("local", "hi").build()).choices()).hasSize(1);
            var params = com.openai.models.responses.ResponseCreateParams.builder().model("local").input("hi").build();
            assertThatThrownBy(() -> client.responses().create(params))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("has no endpoint /v1/responses")
                    .hasMessageContaining("no OpenAI Responses API")
                    .hasMessageContaining("hosted_vllm/").hasMessageContaining("openai_compatible/")
                    .hasMessageNotContaining("probably of the wrong form");
            var translated = client.responses().create(params.toBuilder().model("local-vllm").build());
            assertThat(translated.output()).isNotEmpty();
            assertThat(gw.simulator.last().path()).isEqualTo("/v1/chat/completions");
        }
    }

    private static final String WILDCARDS = """
            model_list:
              - model_name: "gpt-4o-mini"
                litellm_params: { model: mock/exact-entry }
              - model_name: "*"
                litellm_params: { model: "openai/*", api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, rpm: 1000 }
              - model_name: "anthropic/*"
                litellm_params: { model: "anthropic/*", api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
              - model_name: "claude-*"
                litellm_params: { model: "anthropic/claude-*", api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
            general_settings:
              master_key: os.environ/MASTER_KEY
            """;

    @Test
    void wildcardsRouteAnyMatchingNameWithTheRequestedModelIdAndTheirEntrysKey() {
        try (TestGateway gw = TestGateway.start(WILDCARDS); Sdk sdk = new Sdk(gw, TestGateway.MASTER_KEY)) {
            OpenAIClient client = sdk.openai();
            AnthropicClient ant = sdk.anthropic();
            ChatCompletion c = client.chat().completions().create(ask("gpt-4.1-nano", "hello").build());
            assertThat(c.model()).startsWith("gpt-4.1-nano");
            var seen = gw.simulator.last();
            assertThat(seen.path()).isEqualTo("/v1/chat/completions");
            assertThat(seen.body().getString("model")).isEqualTo("gpt-4.1-nano");
            assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);

            HttpResponse<String> exact = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(exact.headers().firstValue("x-switchboard-model")).as("an exact model_name wins over *").hasValue("mock/exact-entry");

            Message m = ant.messages().create(MessageCreateParams.builder().model("claude-haiku-4-5").maxTokens(30).addUserMessage("hi").build());
            assertThat(m.content()).isNotEmpty();
            seen = gw.simulator.last();
            assertThat(seen.path()).isEqualTo("/v1/messages");
            assertThat(seen.body().getString("model")).as("claude-* (longer than *) sends the requested id to Anthropic").isEqualTo("claude-haiku-4-5");
            assertThat(seen.headers().get("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);

            List<String> tools = new ArrayList<>();
            String text = streamed(client, ask("anthropic/claude-sonnet-4-5", "hello there").build(), tools);
            assertThat(text).isNotEmpty();
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("claude-sonnet-4-5");
            try (StreamResponse<RawMessageStreamEvent> s = ant.messages().createStreaming(MessageCreateParams.builder()
                    .model("gpt-4o").maxTokens(30).addUserMessage("hi").build())) {
                assertThat(s.stream().count()).isPositive();
            }
            assertThat(gw.simulator.last().path()).as("Anthropic dialect in, OpenAI out through *").isEqualTo("/v1/chat/completions");

            List<String> ids = new ArrayList<>();
            client.models().list().autoPager().forEach(model -> ids.add(model.id()));
            assertThat(ids).contains("gpt-4o-mini", "*", "anthropic/*", "claude-*", "anthropic/claude-3-haiku", "claude-3-haiku");
            Model one = client.models().retrieve(com.openai.models.models.ModelRetrieveParams.builder().model("claude-opus-4-1").build());
            assertThat(one.id()).isEqualTo("claude-opus-4-1");
        }
    }

    @Test
    void virtualKeysAllowlistsAndBudgetsHoldForWildcardServedModels() {
        try (TestGateway gw = TestGateway.start(WILDCARDS)) {
            Admin admin = new Admin(gw);
            JsonObject generated = admin.generate(new JsonObject().put("models", new io.vertx.core.json.JsonArray().add("claude-*"))
                    .put("max_budget", 1.0));
            String key = generated.getString("key");
            try (Sdk sdk = new Sdk(gw, key)) {
                OpenAIClient client = sdk.openai();
                assertThatThrownBy(() -> client.chat().completions().create(ask("gpt-4.1-nano", "hi").build()))
                        .isInstanceOf(PermissionDeniedException.class);
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                        "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":30,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                BigDecimal cost = new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow());
                assertThat(cost).as("priced from the catalog for claude-haiku-4-5").isPositive();
                assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("anthropic/claude-haiku-4-5");
                assertThat(new BigDecimal(admin.info(key).getValue("spend").toString())).isEqualByComparingTo(cost);
                List<String> ids = new ArrayList<>();
                client.models().list().autoPager().forEach(model -> ids.add(model.id()));
                assertThat(ids).contains("claude-*", "claude-3-haiku").doesNotContain("*", "gpt-4o-mini");
            }
            JsonObject broke = admin.generate(new JsonObject().put("max_budget", 0.0000001));
            HttpResponse<String> refused = Http.post(gw.v1() + "/chat/completions", broke.getString("key"),
                    "{\"model\":\"claude-opus-4-1\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
            assertThat(refused.statusCode()).as("the worst case of the real model id is reserved").isEqualTo(400);
            assertThat(refused.body()).contains("budget_exceeded");
        }
    }

    @Test
    void groupAliasesServeTheirGroupAndHiddenOnesAreNotListed() {
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o", "cheap=gpt-4o-mini") + """
                router_settings:
                  model_group_alias:
                    gpt-4: gpt
                    legacy-turbo: { model: cheap, hidden: true }
                """); Sdk sdk = new Sdk(gw, "unused")) {
            OpenAIClient client = sdk.openai();
            AnthropicClient ant = sdk.anthropic();
            ChatCompletion c = client.chat().completions().create(ask("gpt-4", "hi").build());
            assertThat(c.model()).startsWith("gpt-4o");
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("gpt-4o");
            Message m = ant.messages().create(MessageCreateParams.builder().model("legacy-turbo").maxTokens(20).addUserMessage("hi").build());
            assertThat(m.content()).isNotEmpty();
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("gpt-4o-mini");
            List<String> ids = new ArrayList<>();
            client.models().list().autoPager().forEach(model -> ids.add(model.id()));
            assertThat(ids).contains("gpt", "cheap", "gpt-4").doesNotContain("legacy-turbo");
            assertThat(client.models().retrieve(com.openai.models.models.ModelRetrieveParams.builder().model("legacy-turbo").build()).id())
                    .as("hidden from the list, still served").isEqualTo("legacy-turbo");
        }
    }

    @Test
    void fallbacksMayNameADeploymentsModelInfoId() {
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: smart
                    litellm_params: { model: openai/primary-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: backup
                    litellm_params: { model: openai/east-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: backup-east }
                  - model_name: backup
                    litellm_params: { model: openai/west-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: backup-west }
                router_settings:
                  num_retries: 0
                  fallbacks: [{ smart: [backup-west] }]
                """); Sdk sdk = new Sdk(gw, "unused")) {
            OpenAIClient client = sdk.openai();
            gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null,
                        "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
                assertThat(r.headers().firstValue("x-switchboard-model")).as("always that one deployment of the group").hasValue("openai/west-model");
            }
            List<String> tools = new ArrayList<>();
            assertThat(streamed(client, ask("smart", "hello").build(), tools)).isNotEmpty();
            assertThat(gw.simulator.last().body().getString("model")).isEqualTo("west-model");
            ChatCompletion direct = client.chat().completions().create(ask("backup-east", "hi").build());
            assertThat(direct.model()).as("an id is also a name a request may use, as in LiteLLM").startsWith("east-model");
        }
        assertThatThrownBy(() -> TestGateway.start(TestGateway.simModels("smart=a") + """
                router_settings:
                  fallbacks: [{ smart: [no-such-id] }]
                """)).hasMessageContaining("'no-such-id' is not a model_name of model_list");
    }
}
