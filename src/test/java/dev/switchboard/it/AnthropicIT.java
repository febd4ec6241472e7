package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic both ways: the official Anthropic SDK against /v1/messages (to an Anthropic alias, passed
 * through, and to an OpenAI alias, translated), and the official OpenAI SDK against an Anthropic alias.
 */
class AnthropicIT {
    static TestGateway gw;
    static AnthropicClient anthropic;
    static OpenAIClient openai;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
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

    private static Tool weather() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location"))).build())
                .build();
    }

    private static MessageCreateParams.Builder ask(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text);
    }

    @Test
    void anthropicSdkToAnthropicAliasIsPassedThrough() {
        Message m = anthropic.messages().create(ask("claude", "hello claude")
                .putAdditionalBodyProperty("future_field", JsonValue.from("kept")).build());
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: hello claude");
        assertThat(m.model().asString()).isEqualTo("claude-sonnet-4-5");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.body().getString("model")).isEqualTo("claude-sonnet-4-5");
        assertThat(seen.body().getString("future_field")).as("unknown fields survive the pass-through").isEqualTo("kept");
        assertThat(seen.headers().get("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);
        assertThat(seen.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.headers().get("authorization")).isNull();
    }

    @Test
    void anthropicSdkStreamToAnthropicAlias() {
        MessageAccumulator acc = MessageAccumulator.create();
        List<String> types = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(ask("claude", "stream please").build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                types.add(e.isMessageStart() ? "message_start" : e.isContentBlockStart() ? "content_block_start"
                        : e.isContentBlockDelta() ? "content_block_delta" : e.isContentBlockStop() ? "content_block_stop"
                        : e.isMessageDelta() ? "message_delta" : "message_stop");
            });
        }
        Message m = acc.message();
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: stream please");
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(types.size() - 1)).isEqualTo("message_stop");
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void anthropicSdkToolsBothWays() {
        for (String model : List.of("claude", "gpt")) {
            Message m = anthropic.messages().create(ask(model, "weather in Paris?").addTool(weather()).build());
            ToolUseBlock use = m.content().stream().filter(b -> b.toolUse().isPresent()).findFirst().orElseThrow().toolUse().orElseThrow();
            assertThat(use.name()).isEqualTo("get_weather");
            assertThat(use._input().toString()).contains("Paris");
            assertThat(m.stopReason()).contains(StopReason.TOOL_USE);

            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(ask(model, "weather?").addTool(weather()).build())) {
                s.stream().forEach(acc::accumulate);
            }
            ToolUseBlock streamed = acc.message().content().stream().filter(b -> b.toolUse().isPresent()).findFirst()
                    .orElseThrow().toolUse().orElseThrow();
            assertThat(streamed.name()).isEqualTo("get_weather");
            assertThat(streamed._input().toString()).contains("Paris");
        }
        // the OpenAI-backed alias received OpenAI's tool format
        JsonObject upstream = gw.simulator.last().body();
        assertThat(upstream.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("get_weather");
    }

    @Test
    void anthropicSdkToOpenAiAliasIsTranslatedStreamAndNot() {
        Message m = anthropic.messages().create(ask("gpt", "hi gpt").system("Be brief.").build());
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: hi gpt");
        assertThat(m.model().asString()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(m.usage().inputTokens()).isPositive();
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sent.getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(sent.getJsonObject(0).getString("content")).isEqualTo("Be brief.");
        // Anthropic's max_tokens is an output limit: OpenAI's max_completion_tokens (o-series models reject max_tokens)
        assertThat(gw.simulator.last().body().getInteger("max_completion_tokens")).isEqualTo(256);
        assertThat(gw.simulator.last().body().containsKey("max_tokens")).isFalse();

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(ask("gpt", "stream gpt").build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThat(acc.message().content().get(0).text().orElseThrow().text()).isEqualTo("Hello from the simulator! You said: stream gpt");
        assertThat(acc.message().stopReason()).contains(StopReason.END_TURN);
        assertThat(acc.message().usage().outputTokens()).isPositive();
    }

    @Test
    void openAiSdkToAnthropicAlias() {
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addSystemMessage("You are terse.").addUserMessage("hi").addUserMessage("again").build());
        // the two user turns reach Anthropic merged into one turn of two text blocks
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo("Hello from the simulator! You said: hiagain");
        assertThat(c.model()).isEqualTo("claude-sonnet-4-5");
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonArray("system").getJsonObject(0).getString("text")).isEqualTo("You are terse.");
        assertThat(sent.getJsonArray("messages")).as("consecutive user turns merged").hasSize(1);
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getJsonArray("content")).hasSize(2);
        assertThat(sent.getInteger("max_tokens")).as("default max_tokens for the model").isEqualTo(64_000);

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("stream").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream");
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isPositive();
    }

    @Test
    void translatedOpenAiAnswersValidateAgainstOpenAisSchemas() {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}}]";
        for (String extra : List.of("", tools)) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
            HttpResponse<String> s = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"claude\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}");
            List<String> data = Http.sseData(s.body());
            assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
            for (String d : data.subList(0, data.size() - 1)) OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
            assertThat(data.stream().filter(d -> d.contains("\"finish_reason\":\"")).count()).isEqualTo(1);
        }
    }

    @Test
    void imagesReachAnthropicAsImageBlocks() {
        String body = """
                {"model":"claude","messages":[{"role":"user","content":[{"type":"text","text":"what is this"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}}]}]}""";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("I see 2 images.");
        JsonArray blocks = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(blocks.getJsonObject(1).getJsonObject("source").getString("type")).isEqualTo("base64");
        assertThat(blocks.getJsonObject(1).getJsonObject("source").getString("media_type")).isEqualTo("image/png");
        assertThat(blocks.getJsonObject(2).getJsonObject("source").getString("url")).isEqualTo("https://example.com/a.jpg");
    }

    @Test
    void cacheControlCarriedThroughAndCachedTokensReportedOnTheSecondCall() {
        String longText = "You are a careful assistant. ".repeat(200); // ~1,450 tokens: above the cache minimum
        String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\""
                + longText + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"user\",\"content\":\"q\"}]}";
        JsonObject first = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body).body());
        assertThat(gw.simulator.last().body().getJsonArray("system").getJsonObject(0).getJsonObject("cache_control")
                .getString("type")).isEqualTo("ephemeral");
        assertThat(first.getJsonObject("usage").getInteger("cache_creation_input_tokens")).isGreaterThan(1000);
        assertThat(first.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isZero();
        JsonObject second = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body).body());
        int cached = second.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens");
        assertThat(cached).isGreaterThan(1000);
        assertThat(second.getJsonObject("usage").getInteger("prompt_tokens")).isGreaterThan(cached);

        // the same cache seen from the Anthropic dialect
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(100)
                .systemOfTextBlockParams(List.of(com.anthropic.models.messages.TextBlockParam.builder().text(longText)
                        .cacheControl(com.anthropic.models.messages.CacheControlEphemeral.builder().build()).build()))
                .addUserMessage("q").build());
        assertThat(m.usage().cacheReadInputTokens()).contains((long) cached);
    }

    @Test
    void errorsInAnthropicShape() {
        HttpResponse<String> missing = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(missing.body());
        assertThat(e.getString("type")).isEqualTo("error");
        assertThat(e.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getJsonObject("error").getString("message")).contains("max_tokens");

        gw.simulator.enqueue(SimBehaviour.status(529));
        assertThatThrownBy(() -> anthropic.messages().create(ask("claude", "x").build()))
                .isInstanceOf(com.anthropic.errors.AnthropicServiceException.class)
                .hasMessageContaining("overloaded")
                .satisfies(t -> assertThat(((com.anthropic.errors.AnthropicServiceException) t).statusCode()).isEqualTo(529));
        // Anthropic's own status for an overload reaches its clients; OpenAI's get 503, a status their SDKs know
        gw.simulator.enqueue(SimBehaviour.status(529));
        HttpResponse<String> raw = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(raw.statusCode()).isEqualTo(529);
        assertThat(new JsonObject(raw.body()).getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
        gw.simulator.enqueue(SimBehaviour.status(529));
        HttpResponse<String> viaOpenAi = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(viaOpenAi.statusCode()).isEqualTo(503);
        OpenAiSchemas.assertValid("ErrorResponse", viaOpenAi.body());

        HttpResponse<String> noKey = Http.post(gw.baseUrl() + "/v1/messages", null, "{}");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(noKey.body()).getJsonObject("error").getString("type")).isEqualTo("authentication_error");
    }

    @Test
    void openAiSdkToolsAgainstAnthropicStreamAndNot() {
        var tool = com.openai.models.chat.completions.ChatCompletionFunctionTool.builder().function(com.openai.models.FunctionDefinition.builder()
                .name("get_weather").parameters(com.openai.models.FunctionParameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(Map.of("location", Map.of("type", "string")))).build())
                .build()).build();
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("weather?").addTool(tool).parallelToolCalls(false).build());
        var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("toolu_sim001");
        assertThat(new JsonObject(call.function().arguments()).getString("location")).isEqualTo("Paris");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(gw.simulator.last().body().getJsonObject("tool_choice").getBoolean("disable_parallel_tool_use")).isTrue();

        StringBuilder args = new StringBuilder();
        List<String> contents = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("weather?").addTool(tool).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> {
                x.delta().content().ifPresent(contents::add);
                x.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    tc.id().ifPresent(ids::add);
                    tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
                }));
            }));
        }
        assertThat(ids).containsExactly("toolu_sim001");
        assertThat(contents).as("a tool-call-only turn has no content, not \"\"").isEmpty();
        assertThat(new JsonObject(args.toString()).getString("location")).isEqualTo("Paris");
    }

    @Test
    void aPrefixUnderTheMinimumIsNotCached() {
        String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"short\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"user\",\"content\":\"q\"}]}";
        for (int i = 0; i < 2; i++) {
            JsonObject usage = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body).body()).getJsonObject("usage");
            assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isZero();
            assertThat(usage.containsKey("cache_creation_input_tokens")).isFalse();
        }
    }

    @Test
    void anthropicStreamCutMidwayRaisesInBothSdks() {
        gw.simulator.enqueue(SimBehaviour.cutAfter(4));
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(ask("claude", "x").build())) {
                s.stream().forEach(e -> { });
            }
        }).isInstanceOf(com.anthropic.errors.AnthropicException.class);
        gw.simulator.enqueue(SimBehaviour.cutAfter(4));
        assertThatThrownBy(() -> {
            try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("claude").addUserMessage("x").build())) {
                s.stream().forEach(e -> { });
            }
        }).isInstanceOf(com.openai.errors.OpenAIException.class);
        gw.simulator.enqueue(SimBehaviour.cutAfter(4));
        String raw = messagesRaw("{\"model\":\"gpt\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(raw).contains("event: error").doesNotContain("message_stop");
    }

    private static String messagesRaw(String body) {
        return Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body).body();
    }

    @Test
    void anthropicDialectFallsBackThroughTheModelsArrayAndTheControlNeverReachesAnthropic() {
        gw.simulator.enqueue(SimBehaviour.status(500));
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_tokens\":20,\"models\":[\"gpt\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:models_array");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
        assertThat(new JsonObject(r.body()).getString("model")).isEqualTo("gpt-4o-mini-2024-07-18");
        ProviderSimulator.Received toAnthropic = gw.simulator.received().get(0);
        assertThat(toAnthropic.path()).isEqualTo("/v1/messages");
        assertThat(toAnthropic.body().containsKey("models")).isFalse();
        assertThat(gw.simulator.last().body().containsKey("models")).isFalse();
    }

    @Test
    void countTokensIsAnthropicsOwnCountForClaudeAndTheEstimateElsewhere() {
        // count_tokens takes no max_tokens (Anthropic's API and SDK send none); for Claude it is Anthropic's own count
        com.anthropic.models.messages.MessageTokensCount count = anthropic.messages().countTokens(
                com.anthropic.models.messages.MessageCountTokensParams.builder().model("claude").system("Be brief.")
                        .addUserMessage("abcd".repeat(100)).build());
        ProviderSimulator.Received asked = gw.simulator.last();
        assertThat(asked.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(asked.body().fieldNames()).containsExactlyInAnyOrder("model", "messages", "system");
        assertThat(asked.body().getString("model")).isEqualTo("claude-sonnet-4-5");
        long called = anthropic.messages().create(com.anthropic.models.messages.MessageCreateParams.builder().model("claude")
                .maxTokens(20).system("Be brief.").addUserMessage("abcd".repeat(100)).build()).usage().inputTokens();
        assertThat(count.inputTokens()).as("the count a call's usage has").isEqualTo(called);
        long withoutSystem = anthropic.messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder()
                .model("claude").addUserMessage("abcd".repeat(100)).build()).inputTokens();
        assertThat(count.inputTokens()).as("the system prompt counts, as Anthropic counts it").isGreaterThan(withoutSystem);
        HttpResponse<String> raw = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(raw.headers().firstValue("x-switchboard-token-count")).hasValue("provider");

        // no deployment that counts (OpenAI's), or Anthropic's count failing: the local estimate, four characters a token
        assertThat(anthropic.messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder().model("gpt")
                .addUserMessage("abcd".repeat(100)).build()).inputTokens()).isEqualTo(100);
        gw.simulator.enqueue(SimBehaviour.status(500));
        HttpResponse<String> failed = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "abcd".repeat(100) + "\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.headers().firstValue("x-switchboard-token-count")).hasValue("estimate");
        assertThat(new JsonObject(failed.body()).getInteger("input_tokens")).isEqualTo(100);
        // documents count as the budget's worst case counts them (QA: they counted 0): a text document by its size (a
        // token per 3 bytes), a PDF by its pages (3,000 a page), a document's title as text; "sum" is 1 token
        String text = "abcd".repeat(1000);
        String pdf = java.util.Base64.getEncoder().encodeToString(("%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n"
                + "2 0 obj << /Type /Page >> endobj\n%%EOF\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String[][] documents = {
                {"{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"" + text + "\"}", "1335"}, // ceil(ceil(5336*3/4)/3) + 1
                {"{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"" + pdf + "\"}", "6001"},
                {"{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"" + text + "\"},\"title\":\"notes.txt\"", "1337"}}; // the title: 9 characters
        for (String[] d : documents) {
            HttpResponse<String> doc = Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":" + d[0]
                            + "},{\"type\":\"text\",\"text\":\"sum\"}]}]}", "anthropic-version", "2023-06-01");
            assertThat(doc.statusCode()).as(doc.body()).isEqualTo(200);
            assertThat(doc.headers().firstValue("x-switchboard-token-count")).hasValue("estimate");
            assertThat(new JsonObject(doc.body()).getInteger("input_tokens")).as(d[0].substring(0, 60)).isEqualTo(Integer.parseInt(d[1]));
        }
        assertThatThrownBy(() -> anthropic.messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder()
                .model("no-such-model").addUserMessage("hi").build()))
                .isInstanceOf(com.anthropic.errors.NotFoundException.class).hasMessageContaining("no-such-model");
    }

    @Test
    void anthropicSdkListsAndRetrievesModelsInItsOwnShape() {
        List<com.anthropic.models.models.ModelInfo> models = anthropic.models().list().data();
        assertThat(models).extracting(com.anthropic.models.models.ModelInfo::id).contains("claude", "gpt", "gemini");
        assertThat(models.get(0).displayName()).isNotBlank();
        com.anthropic.models.models.ModelInfo one = anthropic.models().retrieve("gpt");
        assertThat(one.id()).isEqualTo("gpt");
        assertThat(one.createdAt()).isNotNull();
        assertThatThrownBy(() -> anthropic.models().retrieve("nope")).isInstanceOf(com.anthropic.errors.NotFoundException.class);
        // without anthropic-version the same route answers OpenAI's shape
        assertThat(new JsonObject(Http.get(gw.v1() + "/models", TestGateway.MASTER_KEY).body()).getString("object")).isEqualTo("list");

        // Anthropic's paging: limit, after_id, before_id, has_more; the SDK's auto-pager walks every page
        List<String> all = models.stream().map(com.anthropic.models.models.ModelInfo::id).toList();
        com.anthropic.models.models.ModelListPage first = anthropic.models().list(
                com.anthropic.models.models.ModelListParams.builder().limit(1L).build());
        assertThat(first.data()).extracting(com.anthropic.models.models.ModelInfo::id).containsExactly(all.get(0));
        assertThat(first.hasNextPage()).isEqualTo(all.size() > 1);
        List<String> walked = new java.util.ArrayList<>();
        first.autoPager().forEach(m -> walked.add(m.id()));
        assertThat(walked).isEqualTo(all);
        com.anthropic.models.models.ModelListPage before = anthropic.models().list(com.anthropic.models.models.ModelListParams
                .builder().limit(1L).beforeId(all.get(all.size() - 1)).build());
        assertThat(before.data()).extracting(com.anthropic.models.models.ModelInfo::id).containsExactly(all.get(all.size() - 2));
        assertThatThrownBy(() -> anthropic.models().list(com.anthropic.models.models.ModelListParams.builder().limit(0L).build()))
                .isInstanceOf(com.anthropic.errors.BadRequestException.class).hasMessageContaining("limit");
    }

    @Test
    void anEmptyTranslatedAnswerHasNoEmptyTextBlock() {
        try (TestGateway empty = TestGateway.start("""
                model_list:
                  - model_name: quiet
                    litellm_params: { model: mock/quiet, mock_response: "" }
                """)) {
            HttpResponse<String> r = Http.post(empty.baseUrl() + "/v1/messages", null,
                    "{\"model\":\"quiet\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            // Anthropic rejects an empty text block when the client sends this turn back
            assertThat(new JsonObject(r.body()).getJsonArray("content")).isEmpty();
        }
    }

    @Test
    void authAndSyntaxErrorsCarryTheRequestIdAndSayWhatIsWrong() {
        HttpResponse<String> noKey = Http.post(gw.baseUrl() + "/v1/messages", null,
                "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("request-id")).isEqualTo(noKey.headers().firstValue("x-switchboard-request-id")).isPresent();
        assertThat(new JsonObject(noKey.body()).getJsonObject("error").getString("message")).contains("x-api-key");

        HttpResponse<String> broken = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{");
        assertThat(broken.statusCode()).isEqualTo(400);
        String message = new JsonObject(broken.body()).getJsonObject("error").getString("message");
        assertThat(message).contains("invalid JSON").contains("line 1, column").doesNotContain("Source").doesNotContain("REDACTED");
    }
}
