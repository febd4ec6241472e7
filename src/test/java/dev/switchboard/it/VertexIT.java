package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServiceAccount;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * vertex_ai/ against the simulator's Vertex AI, from both inbound dialects: Gemini and Claude on Vertex's URLs, bearer
 * tokens that google-auth-library obtains from the simulator's token endpoint with a service account made for the test
 * (a real RS256 JWT, verified there), credentials as a file, as inline JSON through os.environ/, and as
 * application-default credentials (GOOGLE_APPLICATION_CREDENTIALS); Google's errors mapped.
 */
class VertexIT {
    static TestGateway gw;
    static OpenAIClient client;
    static AnthropicClient anthropic;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("vertex-it-");
        dir.toFile().deleteOnExit();
        Map<String, String> env = new java.util.concurrent.ConcurrentHashMap<>(Map.of("VERTEXAI_LOCATION", "europe-west4"));
        gw = TestGateway.start(sim -> {
            ServiceAccount sa = ServiceAccount.trusted(sim, "switchboard", "sa-project");
            ServiceAccount other = ServiceAccount.trusted(sim, "claude-runner", "other-project");
            ServiceAccount adc = ServiceAccount.trusted(sim, "adc", "adc-project");
            Path file = sa.write(dir, "sa.json");
            Path rotated = sa.withForeignKey().write(dir, "rotated.json");
            env.put("GOOGLE_APPLICATION_CREDENTIALS", adc.write(dir, "adc.json").toString());
            env.put("VERTEX_SA_JSON", other.json());
            return """
                    model_list:
                      - model_name: vgemini
                        litellm_params:
                          model: vertex_ai/gemini-2.5-flash
                          vertex_project: my-project
                          vertex_location: us-central1
                          vertex_credentials: %s
                          api_base: ${SIM_ROOT}
                      - model_name: vglobal
                        litellm_params:
                          model: vertex_ai/gemini-2.5-pro
                          vertex_location: global
                          vertex_credentials: %s
                          api_base: ${SIM_ROOT}
                      - model_name: vclaude
                        litellm_params:
                          model: vertex_ai/claude-sonnet-4-5@20250929
                          vertex_ai_project: claude-project
                          vertex_ai_location: us-east5
                          vertex_credentials: os.environ/VERTEX_SA_JSON
                          api_base: ${SIM_ROOT}
                      - model_name: vembed
                        litellm_params:
                          model: vertex_ai/text-embedding-005
                          api_base: ${SIM_ROOT}
                      - model_name: vgembed
                        litellm_params:
                          model: vertex_ai/gemini-embedding-001
                          api_base: ${SIM_ROOT}
                      - model_name: vrotated
                        litellm_params:
                          model: vertex_ai/gemini-2.5-flash
                          vertex_project: my-project
                          vertex_credentials: %s
                          api_base: ${SIM_ROOT}
                      - model_name: vrotated-claude
                        litellm_params:
                          model: vertex_ai/claude-sonnet-4-5@20250929
                          vertex_project: my-project
                          vertex_location: us-east5
                          vertex_credentials: %s
                          api_base: ${SIM_ROOT}
                    router_settings:
                      num_retries: 0
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(file, file, rotated, rotated);
        }, env);
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

    private static ChatCompletion ask(String model, String text) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build());
    }

    private static String streamed(String model, String text) {
        StringBuilder out = new StringBuilder();
        try (var s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage(text).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(out::append)));
        }
        return out.toString();
    }

    @Test
    void geminiOnVertexUrlsWithABearerToken() {
        assertThat(ask("vgemini", "hello vertex").choices().get(0).message().content().orElseThrow())
                .isEqualTo("Hello from the simulator! You said: hello vertex");
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent");
        assertThat(seen.headers().get("authorization")).startsWith("Bearer ya29.sim");
        assertThat(seen.headers().get("x-goog-api-key")).isNull();
        assertThat(seen.body().getJsonArray("contents").getJsonObject(0).getString("role")).isEqualTo("user");

        assertThat(streamed("vgemini", "stream it")).isEqualTo("Hello from the simulator! You said: stream it");
        assertThat(gw.simulator.last().path())
                .isEqualTo("/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse");

        // no vertex_project: the service account's project_id; location global
        assertThat(ask("vglobal", "global?").choices().get(0).message().content().orElseThrow()).endsWith("global?");
        assertThat(gw.simulator.last().path()).isEqualTo("/v1/projects/sa-project/locations/global/publishers/google/models/gemini-2.5-pro:generateContent");
    }

    @Test
    void claudeOnVertexFromBothDialects() {
        assertThat(ask("vclaude", "hello claude").choices().get(0).message().content().orElseThrow())
                .isEqualTo("Hello from the simulator! You said: hello claude");
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/v1/projects/claude-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
        assertThat(seen.body().getString("anthropic_version")).isEqualTo("vertex-2023-10-16");
        assertThat(seen.body().containsKey("model")).isFalse();
        assertThat(seen.body().getInteger("max_tokens")).isEqualTo(64_000);
        assertThat(seen.headers().get("authorization")).startsWith("Bearer ya29.sim");
        assertThat(seen.headers().get("x-api-key")).isNull();
        assertThat(streamed("vclaude", "stream claude")).isEqualTo("Hello from the simulator! You said: stream claude");
        assertThat(gw.simulator.last().path()).endsWith("/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict");
        assertThat(gw.simulator.last().body().getBoolean("stream")).isTrue();

        // Anthropic's dialect: the body passes through, only model out and anthropic_version in
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("vclaude").maxTokens(200)
                .addUserMessage("from the anthropic sdk").putAdditionalBodyProperty("future_field", com.anthropic.core.JsonValue.from("kept")).build());
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: from the anthropic sdk");
        assertThat(gw.simulator.last().body().getString("future_field")).isEqualTo("kept");
        assertThat(gw.simulator.last().body().containsKey("model")).isFalse();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams.builder()
                .model("vclaude").maxTokens(200).addUserMessage("stream via anthropic").build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThat(acc.message().content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: stream via anthropic");
        // Anthropic's dialect to Gemini on Vertex: translated
        Message g = anthropic.messages().create(MessageCreateParams.builder().model("vgemini").maxTokens(200).addUserMessage("to gemini").build());
        assertThat(g.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: to gemini");
    }

    @Test
    void countTokensIsVertexsOwnCountForClaude() {
        // Claude Code asks count_tokens before a long conversation: Claude on Vertex counts it (free), not the estimate
        com.anthropic.models.messages.MessageTokensCount count = anthropic.messages().countTokens(
                com.anthropic.models.messages.MessageCountTokensParams.builder().model("vclaude").system("Be brief.")
                        .addUserMessage("abcd".repeat(100)).build());
        ProviderSimulator.Received asked = gw.simulator.last();
        assertThat(asked.path()).isEqualTo("/v1/projects/claude-project/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict");
        assertThat(asked.body().getString("model")).isEqualTo("claude-sonnet-4-5@20250929");
        assertThat(asked.body().fieldNames()).containsExactlyInAnyOrder("model", "messages", "system");
        assertThat(asked.headers().get("authorization")).startsWith("Bearer ya29.sim");
        long called = anthropic.messages().create(MessageCreateParams.builder().model("vclaude").maxTokens(20).system("Be brief.")
                .addUserMessage("abcd".repeat(100)).build()).usage().inputTokens();
        assertThat(count.inputTokens()).as("the count a call's usage has").isEqualTo(called).isNotEqualTo(100);
        java.net.http.HttpResponse<String> raw = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages/count_tokens",
                TestGateway.MASTER_KEY, "{\"model\":\"vclaude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(raw.headers().firstValue("x-switchboard-token-count")).hasValue("provider");
    }

    @Test
    void toolsOnBothPublishers() {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string")))).build()).build()).build();
        for (String alias : List.of("vgemini", "vclaude")) {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(alias)
                    .addUserMessage("weather?").addTool(weather).build());
            var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
            assertThat(call.function().name()).as(alias).isEqualTo("get_weather");
            assertThat(new JsonObject(call.function().arguments()).getString("location")).isEqualTo("Paris");
            assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        }
    }

    @Test
    void oneTokenPerCredentialsReusedUntilItNearsExpiry() {
        ask("vgemini", "one");
        ask("vglobal", "two"); // the same service account file: the same cached token
        streamed("vgemini", "three");
        int fetched = gw.simulator.vertexTokenGrants();
        assertThat(fetched).as("tokens fetched for three requests (none when an earlier test already fetched it)").isLessThanOrEqualTo(1);
        // a token Vertex no longer accepts: a 401 in the caller's dialect, then a fresh token for the next request
        gw.simulator.expireVertexTokens();
        assertThatThrownBy(() -> ask("vgemini", "after expiry")).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("invalid authentication credentials");
        assertThat(ask("vgemini", "again").choices().get(0).message().content().orElseThrow()).endsWith("again");
        assertThat(ask("vglobal", "and again").choices()).hasSize(1);
        assertThat(gw.simulator.vertexTokenGrants()).isEqualTo(fetched + 1);
    }

    /**
     * Review (2026-12-07): Vertex has no Anthropic Files API (the gateway drops the files-api beta there, and Vertex would
     * answer its own 400): an Anthropic image or document by {@code file_id} is refused naming the part and saying why.
     */
    @Test
    void anAnthropicFilesApiBlockIsRefusedForClaudeOnVertexNamingThePart() {
        for (String type : List.of("image", "document")) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"vclaude\","
                    + "\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                    + "{\"type\":\"" + type + "\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011CNha8iCJcU1wXNR6q4V8w\"}}]}]}",
                    "anthropic-beta", "files-api-2025-04-14");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).startsWith("messages.0.content.1: this " + type)
                    .contains("Anthropic's Files API", "file_011CNha8iCJcU1wXNR6q4V8w", "only Anthropic's own API", "inline");
        }
        assertThat(gw.simulator.received()).noneMatch(x -> x.path().contains("rawPredict"));
    }

    /**
     * The same blocks a tool returned, inside a {@code tool_result}: refused naming the block in the result, as in a
     * user turn, not sent for Vertex to refuse.
     */
    @Test
    void anAnthropicFilesApiBlockInAToolResultIsRefusedForClaudeOnVertexNamingIt() {
        for (String type : List.of("image", "document")) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"vclaude\","
                    + "\"max_tokens\":10,\"tools\":[{\"name\":\"read\",\"input_schema\":{\"type\":\"object\"}}],\"messages\":["
                    + "{\"role\":\"user\",\"content\":\"read it\"},"
                    + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"read\",\"input\":{}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01\",\"content\":["
                    + "{\"type\":\"text\",\"text\":\"here\"},"
                    + "{\"type\":\"" + type + "\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011CNha8iCJcU1wXNR6q4V8w\"}}]}]}]}",
                    "anthropic-beta", "files-api-2025-04-14");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).startsWith("messages.2.content.0.content.1: this " + type)
                    .contains("Anthropic's Files API", "file_011CNha8iCJcU1wXNR6q4V8w");
        }
        assertThat(gw.simulator.received()).noneMatch(x -> x.path().contains("rawPredict"));
    }

    /**
     * Credentials Google refuses: a 401 in the caller's dialect naming the deployment called (not the first of those
     * sharing the credentials), and not the service account, the file or Google's words, which are the log's (cloud QA F6).
     */
    @Test
    void aKeyGoogleDoesNotKnowIsA401InBothDialects() {
        assertThatThrownBy(() -> ask("vrotated", "hi")).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("vertex_ai/gemini-2.5-flash").hasMessageNotContaining("Invalid JWT Signature")
                .hasMessageNotContaining("PRIVATE KEY").hasMessageNotContaining("rotated.json").hasMessageNotContaining("switchboard@");
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("vrotated").maxTokens(10)
                .addUserMessage("hi").build())).isInstanceOf(com.anthropic.errors.UnauthorizedException.class);
        HttpResponse<String> claude = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"vrotated-claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(401);
        JsonObject error = new JsonObject(claude.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("authentication_error");
        assertThat(error.getString("message")).contains("vertex_ai/claude-sonnet-4-5@20250929")
                .doesNotContain("gemini-2.5-flash").doesNotContain("rotated.json").doesNotContain("iam.gserviceaccount.com")
                .doesNotContain(dir.toString());
    }

    @Test
    void googleErrorsMapped() {
        gw.simulator.enqueue("gemini-2.5-flash", SimBehaviour.rateLimited(7));
        assertThatThrownBy(() -> ask("vgemini", "quota")).isInstanceOf(RateLimitException.class);
        // Claude's quota refusal comes in Google's shape, its overload in Anthropic's
        gw.simulator.enqueue("claude-sonnet-4-5@20250929", SimBehaviour.status(429));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"vclaude\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("Quota exceeded");
        gw.simulator.enqueue("claude-sonnet-4-5@20250929", SimBehaviour.status(529));
        r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"vclaude\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(503);
    }

    @Test
    void embeddingsOnPredictWithApplicationDefaultCredentials() {
        CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder().model("vembed")
                .input(EmbeddingCreateParams.Input.ofArrayOfStrings(List.of("one", "two"))).dimensions(16).build());
        assertThat(e.data()).hasSize(2);
        assertThat(e.data().get(0).embedding()).hasSize(16);
        ProviderSimulator.Received seen = gw.simulator.last();
        // no vertex_project / vertex_location: the ADC file's project, VERTEXAI_LOCATION
        assertThat(seen.path()).isEqualTo("/v1/projects/adc-project/locations/europe-west4/publishers/google/models/text-embedding-005:predict");
        assertThat(seen.body().getJsonArray("instances").getJsonObject(1).getString("content")).isEqualTo("two");
        assertThat(seen.body().getJsonObject("parameters").getInteger("outputDimensionality")).isEqualTo(16);
    }

    /** The embeddings of {@code texts} from {@code model}, as the client gets them. */
    private static CreateEmbeddingResponse embed(String model, List<String> texts) {
        return client.embeddings().create(EmbeddingCreateParams.builder().model(model)
                .input(EmbeddingCreateParams.Input.ofArrayOfStrings(texts)).dimensions(4).build());
    }

    private static List<ProviderSimulator.Received> predictCalls() {
        return gw.simulator.received().stream().filter(r -> r.path().endsWith(":predict")).toList();
    }

    @Test
    void geminiEmbeddingTakesOneTextACallAndTheAnswersComeBackInInputOrder() {
        List<String> texts = List.of("alpha", "beta", "gamma", "delta", "epsilon");
        CreateEmbeddingResponse e = embed("vgembed", texts);
        // the simulator refuses more than one instance for gemini-embedding-001, as Vertex does
        List<ProviderSimulator.Received> calls = predictCalls();
        assertThat(calls).hasSize(5).allSatisfy(c -> assertThat(c.body().getJsonArray("instances")).hasSize(1));
        assertThat(calls.stream().map(c -> c.body().getJsonArray("instances").getJsonObject(0).getString("content")))
                .containsExactlyInAnyOrderElementsOf(texts);
        assertThat(e.data()).extracting(d -> d.index()).containsExactly(0L, 1L, 2L, 3L, 4L);
        // each vector is its own text's: the same as the text embedded alone
        for (int i = 0; i < texts.size(); i++) {
            assertThat(e.data().get(i).embedding()).isEqualTo(embed("vgembed", List.of(texts.get(i))).data().get(0).embedding());
        }
        assertThat(e.usage().promptTokens()).isEqualTo(9); // 2 + 1 + 2 + 2 + 2 by the simulator's count, summed
    }

    @Test
    void textEmbeddingTakesAtMost250TextsACall() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 600; i++) texts.add("text " + i);
        CreateEmbeddingResponse e = embed("vembed", texts);
        List<ProviderSimulator.Received> calls = predictCalls();
        assertThat(calls.stream().map(c -> c.body().getJsonArray("instances").size())).containsExactly(250, 250, 100);
        assertThat(e.data()).hasSize(600);
        for (int i = 0; i < 600; i++) assertThat(e.data().get(i).index()).isEqualTo(i);
        assertThat(e.data().get(599).embedding()).isEqualTo(embed("vembed", List.of("text 599")).data().get(0).embedding());
        assertThat(e.data().get(250).embedding()).isEqualTo(embed("vembed", List.of("text 250")).data().get(0).embedding());
        assertThat(e.usage().promptTokens()).isEqualTo(texts.stream().mapToLong(t -> (t.length() + 3) / 4).sum());
    }

    @Test
    void textEmbeddingCallsStayUnder20000InputTokens() {
        // 30 texts of 3,000 characters: 22,500 tokens by the simulator's count, which refuses above 20,000 as Vertex does
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) texts.add(String.valueOf((char) ('a' + i % 26)).repeat(3_000));
        CreateEmbeddingResponse e = embed("vembed", texts);
        assertThat(e.data()).hasSize(30);
        assertThat(predictCalls()).hasSizeGreaterThan(1).allSatisfy(c -> assertThat(c.body().getJsonArray("instances").stream()
                .mapToInt(o -> ((JsonObject) o).getString("content").length()).sum()).isLessThanOrEqualTo(20_000));
        assertThat(e.usage().promptTokens()).isEqualTo(30 * 750);
    }

    @Test
    void theSimulatorRefusesWhatVertexRefuses() {
        embed("vgembed", List.of("for a token"));
        String token = gw.simulator.last().headers().get("authorization").substring("Bearer ".length());
        String models = gw.simulator.rootUrl() + "/v1/projects/p/locations/us-central1/publishers/google/models/";
        HttpResponse<String> r = Http.post(models + "gemini-embedding-001:predict", token,
                "{\"instances\":[{\"content\":\"a\"},{\"content\":\"b\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("status")).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.getString("message"))
                .endsWith("batchSize must be 1 but the entered value was 2. Update the batchSize value and try again.");
        StringBuilder many = new StringBuilder("{\"instances\":[");
        for (int i = 0; i < 251; i++) many.append(i == 0 ? "" : ",").append("{\"content\":\"t\"}");
        r = Http.post(models + "text-embedding-005:predict", token, many.append("]}").toString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
                .isEqualTo("250 instance(s) is allowed per prediction. Actual: 251");
    }
}
