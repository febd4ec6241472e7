package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.ProviderSimulator;
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
 * How an answer ends, as the client's dialect says it, whatever served it: Anthropic's {@code stop_sequence} (which of
 * the request's sequences stopped the model) from Anthropic and from Claude on Bedrock, streamed or not and from the
 * response cache; OpenAI's {@code stop} everywhere; and a tool call the output limit cut short, as an Anthropic client
 * receives it from an OpenAI-style provider. The official Anthropic and OpenAI Java SDKs against the simulator.
 */
class StopSequenceIT {
    static final String SAID = "Hello from the simulator! ";
    static TestGateway gw;
    static AnthropicClient anthropic;
    static OpenAIClient openai;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: bedrock-claude
                    litellm_params: { model: bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, %1$s }
                  - model_name: llama
                    litellm_params: { model: bedrock/meta.llama3-1-70b-instruct-v1:0, %1$s }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: local, ttl: 600 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(TestGateway.BEDROCK_PARAMS));
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        anthropic.close();
        openai.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static MessageCreateParams ask(String model, String text, String... stops) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text).stopSequences(List.of(stops))
                .putAdditionalBodyProperty("cache", JsonValue.from(Map.of("no-cache", true))).build();
    }

    private static String stops(int n) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < n; i++) a.add("END" + i);
        return a.encode();
    }

    private static HttpResponse<String> post(String path, String model, String stopField, int n, String more) {
        return Http.post(gw.v1() + path, TestGateway.MASTER_KEY, "{\"model\":\"" + model + "\",\"max_tokens\":50,\"" + stopField
                + "\":" + stops(n) + more + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"cache\":{\"no-cache\":true}}");
    }

    /**
     * Anthropic takes any number of stop sequences; OpenAI's chat completions take at most 4, Gemini's stopSequences at
     * most 5. A request with more is a 400 in the caller's dialect naming the alias, the field and the limit, before any
     * call: never cut to the limit unsaid. Under drop_params the first ones the provider takes are sent.
     */
    @Test
    void moreStopSequencesThanTheProviderTakesAreRefusedNamingTheAliasAndTheLimit() {
        String[][] refused = {{"/messages", "gpt", "stop_sequences", "5", "4"}, {"/messages", "gemini", "stop_sequences", "6", "5"},
                {"/chat/completions", "gemini", "stop", "6", "5"}, {"/chat/completions", "gpt", "stop", "5", "4"}};
        for (String[] c : refused) {
            HttpResponse<String> r = post(c[0], c[1], c[2], Integer.parseInt(c[3]), "");
            assertThat(r.statusCode()).as(String.join(" ", c) + ": " + r.body()).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).as(String.join(" ", c)).contains("at most " + c[4] + " stop sequences")
                    .contains("sends " + c[3]).contains("'" + c[2] + "'").contains("alias '" + c[1] + "'");
        }
        assertThat(gw.simulator.received()).as("refused before any call").isEmpty();
        assertThat(post("/messages", "claude", "stop_sequences", 6, "").statusCode()).as("Claude takes them all").isEqualTo(200);
        assertThat(post("/messages", "gpt", "stop_sequences", 4, "").statusCode()).isEqualTo(200);
        assertThat(post("/messages", "gemini", "stop_sequences", 5, "").statusCode()).isEqualTo(200);
        gw.simulator.reset();
        HttpResponse<String> dropped = post("/messages", "gpt", "stop_sequences", 6, ",\"drop_params\":true");
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("stop")).isEqualTo(new JsonArray(stops(4)));
    }

    /** The stream's text, and its message_delta's stop reason and stop sequence. */
    private static String[] streamed(MessageCreateParams p) {
        StringBuilder text = new StringBuilder();
        String[] end = new String[3];
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(p)) {
            s.stream().forEach(e -> {
                e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text())));
                e.messageDelta().ifPresent(d -> {
                    end[1] = d.delta().stopReason().map(StopReason::asString).orElse(null);
                    end[2] = d.delta().stopSequence().orElse(null);
                });
            });
        }
        end[0] = text.toString();
        return end;
    }

    @Test
    void claudeOnBedrockSaysWhichSequenceStoppedIt() {
        Message m = anthropic.messages().create(ask("bedrock-claude", "stop me", "NEVER SEEN", "You said"));
        assertThat(m.content().get(0).asText().text()).isEqualTo(SAID);
        assertThat(m.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(m.stopSequence()).contains("You said");
        // asked for as AWS's Converse examples do: Converse's stopReason alone does not say which
        JsonObject body = gw.simulator.last().body();
        assertThat(body.getJsonArray("additionalModelResponseFieldPaths")).isEqualTo(new JsonArray().add("/stop_sequence"));
        assertThat(body.getJsonObject("inferenceConfig").getJsonArray("stopSequences")).isEqualTo(new JsonArray().add("NEVER SEEN").add("You said"));

        assertThat(streamed(ask("bedrock-claude", "stop me streaming", "NEVER SEEN", "You said"))).containsExactly(SAID, "stop_sequence", "You said");

        // a natural end is still end_turn, and the field is only asked for when there are sequences
        Message natural = anthropic.messages().create(ask("bedrock-claude", "no stop here", "NEVER SEEN"));
        assertThat(natural.stopReason()).contains(StopReason.END_TURN);
        assertThat(natural.stopSequence()).isEmpty();
        anthropic.messages().create(ask("bedrock-claude", "no sequences"));
        assertThat(gw.simulator.last().body().containsKey("additionalModelResponseFieldPaths")).isFalse();
    }

    @Test
    void anotherBedrockModelsStopIsNamedWhenTheRequestHadOneSequence() {
        Message one = anthropic.messages().create(ask("llama", "stop me", "You said"));
        assertThat(one.content().get(0).asText().text()).isEqualTo(SAID);
        assertThat(one.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(one.stopSequence()).contains("You said");
        // Llama's own fields are not Claude's: nothing asked
        assertThat(gw.simulator.last().body().containsKey("additionalModelResponseFieldPaths")).isFalse();

        // two sequences and no word from the model: the gateway does not guess
        Message two = anthropic.messages().create(ask("llama", "stop me", "NEVER SEEN", "You said"));
        assertThat(two.content().get(0).asText().text()).isEqualTo(SAID);
        assertThat(two.stopReason()).contains(StopReason.END_TURN);
        assertThat(two.stopSequence()).isEmpty();
    }

    @Test
    void anthropicAndOpenAiProviders() {
        Message claude = anthropic.messages().create(ask("claude", "stop me", "NEVER SEEN", "You said"));
        assertThat(claude.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(claude.stopSequence()).contains("You said");
        assertThat(streamed(ask("claude", "stop me streaming", "NEVER SEEN", "You said"))).containsExactly(SAID, "stop_sequence", "You said");

        // OpenAI says "stop" for a stop sequence and a natural end alike: end_turn, the text cut where OpenAI cut it
        Message gpt = anthropic.messages().create(ask("gpt", "stop me", "You said"));
        assertThat(gpt.content().get(0).asText().text()).isEqualTo(SAID);
        assertThat(gpt.stopReason()).contains(StopReason.END_TURN);
        assertThat(gw.simulator.last().body().getJsonArray("stop")).isEqualTo(new JsonArray().add("You said"));

        // and an OpenAI client gets "stop" from Claude's stop sequence
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("bedrock-claude")
                .addUserMessage("stop me").stop("You said").build());
        assertThat(c.choices().get(0).message().content()).contains(SAID);
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    /**
     * OpenAI takes a newline or a space as a stop sequence, and OpenAI-style clients send them; Claude refuses an empty or
     * whitespace-only one with a 400 (Anthropic, and Bedrock and Vertex for Claude). As LiteLLM: the gateway's 400 naming
     * {@code stop} before any call, or, under drop_params, only the blank ones left out; other models get them all.
     */
    @Test
    void blankStopSequencesForClaudeAreRefusedOrDroppedUnderDropParams() {
        for (String alias : new String[] {"claude", "bedrock-claude"}) {
            int before = gw.simulator.received().size();
            HttpResponse<String> refused = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"" + alias + "\",\"messages\":[{\"role\":\"user\",\"content\":\"stop me\"}],\"stop\":[\"\\n\",\"You said\"]}");
            assertThat(refused.statusCode()).as(alias + ": " + refused.body()).isEqualTo(400);
            JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
            assertThat(error.getString("param")).isEqualTo("stop");
            assertThat(error.getString("message")).contains("whitespace-only stop sequence").contains("drop_params");
            assertThat(gw.simulator.received()).as("nothing was called").hasSize(before);

            ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model(alias)
                    .addUserMessage("stop me").stopOfStrings(List.of("\n", " ", "", "You said"))
                    .putAdditionalBodyProperty("drop_params", com.openai.core.JsonValue.from(true)).build());
            assertThat(c.choices().get(0).message().content()).as(alias).contains(SAID);
            JsonObject sent = gw.simulator.last().body();
            JsonArray stops = alias.equals("claude") ? sent.getJsonArray("stop_sequences")
                    : sent.getJsonObject("inferenceConfig").getJsonArray("stopSequences");
            assertThat(stops).as(alias).isEqualTo(new JsonArray().add("You said"));
        }
        // Llama takes them: sent as they are
        openai.chat().completions().create(ChatCompletionCreateParams.builder().model("llama").addUserMessage("stop me")
                .stopOfStrings(List.of("\n", "You said")).build());
        assertThat(gw.simulator.last().body().getJsonObject("inferenceConfig").getJsonArray("stopSequences"))
                .isEqualTo(new JsonArray().add("\n").add("You said"));
        // the same sequence twice is one sequence: a Bedrock model's stop is named by it
        Message twice = anthropic.messages().create(ask("llama", "stop me", "You said", "You said"));
        assertThat(twice.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(twice.stopSequence()).contains("You said");
    }

    @Test
    void aCachedAnswerKeepsItsStopSequence() {
        String body = new JsonObject().put("model", "bedrock-claude").put("max_tokens", 256)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "cache my stop")))
                .put("stop_sequences", new JsonArray().add("A").add("You said")).encode();
        HttpResponse<String> first = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        HttpResponse<String> hit = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(first.headers().firstValue("x-switchboard-cache")).hasValue("miss");
        assertThat(hit.headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
        for (HttpResponse<String> r : List.of(first, hit)) {
            JsonObject m = new JsonObject(r.body());
            assertThat(m.getString("stop_reason")).isEqualTo("stop_sequence");
            assertThat(m.getString("stop_sequence")).isEqualTo("You said");
        }
        // and replayed as a stream
        HttpResponse<String> streamedHit = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                new JsonObject(body).put("stream", true).encode());
        assertThat(streamedHit.headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
        JsonObject delta = Http.sseData(streamedHit.body()).stream().map(JsonObject::new)
                .filter(e -> "message_delta".equals(e.getString("type"))).findFirst().orElseThrow().getJsonObject("delta");
        assertThat(delta.getString("stop_reason")).isEqualTo("stop_sequence");
        assertThat(delta.getString("stop_sequence")).isEqualTo("You said");
    }

    /** location, then unit: the simulated model writes them in this order. */
    private static Map<String, Object> properties() {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("location", Map.of("type", "string"));
        p.put("unit", Map.of("type", "string"));
        return p;
    }

    @Test
    void aToolCallCutByTheOutputLimitGivesTheParametersWrittenWhole() {
        Tool weather = Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(properties())).build()).build();
        MessageCreateParams p = MessageCreateParams.builder().model("gpt").maxTokens(7).addUserMessage("weather in Paris?")
                .addTool(weather).build();
        Message m = anthropic.messages().create(p);
        // the provider wrote {"location":"Paris","unit":" before the limit: Anthropic's own answer holds each parameter
        // back until it is whole, so the client gets the whole ones, and max_tokens says why the rest is missing
        assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
        com.anthropic.models.messages.ToolUseBlock use = m.content().stream().filter(b -> b.isToolUse()).findFirst().orElseThrow().asToolUse();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("location", "Paris"));

        // an OpenAI client gets what OpenAI gives: the arguments as far as they went, finish_reason length
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt").maxCompletionTokens(7)
                .addUserMessage("weather in Paris?").addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder()
                        .function(com.openai.models.FunctionDefinition.builder().name("get_weather")
                                .parameters(com.openai.models.FunctionParameters.builder()
                                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(properties())).build())
                                .build()).build()).build());
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().arguments())
                .isEqualTo("{\"location\":\"Paris\",\"unit\":\"");
    }
}
