package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.ServiceAccount;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Anthropic's automatic prompt caching (a top-level {@code cache_control}, which the official SDKs send as
 * {@code MessageCreateParams.cacheControl}) through the gateway with the Anthropic Java SDK: Anthropic's API is sent the
 * field as written; Claude on Vertex AI, which refuses it ("cache_control: Extra inputs are not permitted"), and Claude
 * on Bedrock, whose Converse has no such field, get its marker on the last block (a {@code cachePoint} on Bedrock), so
 * the prompt is written to the cache, then read, and each call is priced at the write and read prices.
 */
@ExtendWith(GatewayPerClass.class)
class AutomaticPromptCachingIT {
    static TestGateway gw;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("automatic-cache-");
        dir.toFile().deleteOnExit();
        gw = TestGateway.start(sim -> {
            Path file = ServiceAccount.trustedFile(sim, dir);
            return """
                    model_list:
                      - model_name: anthropic
                        litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }
                      - model_name: vertex
                        litellm_params: { model: vertex_ai/claude-sonnet-4-5, vertex_location: us-east5, vertex_credentials: %s, api_base: "${SIM_ROOT}" }
                      - model_name: bedrock
                        litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0, ${SIM_BEDROCK} }
                      - model_name: claude-first
                        litellm_params: { model: anthropic/claude-haiku-4-5, ${SIM_ANTHROPIC} }
                      - model_name: gpt
                        litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                    router_settings:
                      num_retries: 0
                      fallbacks: [{ claude-first: [gpt] }]
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(file);
        }, java.util.Map.of());
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() { anthropic.close(); }

    private static MessageCreateParams params(String model, String system, CacheControlEphemeral cc) {
        return MessageCreateParams.builder().model(model).maxTokens(50).system(system).cacheControl(cc)
                .addUserMessage("What do the rules say?").build();
    }

    private static String system(String who) {
        return ("You are " + who + "'s coding agent. ") + "Follow the repository rules and keep answers short. ".repeat(120);
    }

    /** The usage's cost at the given per-million prices (input, output, cache read, 5-minute write). */
    private static double priced(Message m, double in, double out, double read, double write) {
        var u = m.usage();
        return (u.inputTokens() * in + u.outputTokens() * out + u.cacheReadInputTokens().orElse(0L) * read
                + u.cacheCreationInputTokens().orElse(0L) * write) / 1e6;
    }

    private static void writesThenReads(String model, double in, double out, double read, double write) {
        MessageCreateParams p = params(model, system(model), CacheControlEphemeral.builder().build());
        HttpResponseFor<Message> first = anthropic.messages().withRawResponse().create(p);
        Message m1 = first.parse();
        assertThat(m1.usage().cacheCreationInputTokens()).as("the first call writes the prompt").hasValueSatisfying(n -> assertThat(n).isGreaterThan(1024));
        assertThat(m1.usage().cacheReadInputTokens()).hasValue(0L);
        assertThat(Double.parseDouble(first.headers().values("x-litellm-response-cost").get(0)))
                .isCloseTo(priced(m1, in, out, read, write), Offset.offset(1e-9));
        HttpResponseFor<Message> second = anthropic.messages().withRawResponse().create(p);
        Message m2 = second.parse();
        assertThat(m2.usage().cacheReadInputTokens()).as("the second reads it").isEqualTo(m1.usage().cacheCreationInputTokens());
        assertThat(m2.usage().cacheCreationInputTokens()).hasValue(0L);
        assertThat(Double.parseDouble(second.headers().values("x-litellm-response-cost").get(0)))
                .isCloseTo(priced(m2, in, out, read, write), Offset.offset(1e-9))
                .isLessThan(Double.parseDouble(first.headers().values("x-litellm-response-cost").get(0)) / 3);
    }

    @Test
    void anthropicIsSentTheFieldAsWritten() {
        writesThenReads("anthropic", 3, 15, 0.3, 3.75);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonObject("cache_control").getString("type")).isEqualTo("ephemeral");
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getValue("content")).isInstanceOf(String.class);
    }

    /** Vertex refused the field (400) before: the marker now goes on the last block of the last message. */
    @Test
    void vertexGetsTheMarkerOnTheLastBlock() {
        writesThenReads("vertex", 3, 15, 0.3, 3.75);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.containsKey("cache_control")).isFalse();
        JsonArray blocks = sent.getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(blocks.getJsonObject(blocks.size() - 1).getJsonObject("cache_control").getString("type")).isEqualTo("ephemeral");
    }

    /** Converse has no such field: before, the marker was dropped and nothing was cached. */
    @Test
    void bedrockGetsACachePointAfterTheLastBlock() {
        writesThenReads("bedrock", 3.3, 16.5, 0.33, 4.125); // the us. profile's regional prices
        JsonArray content = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(content.getJsonObject(content.size() - 1).getJsonObject("cachePoint").getString("type")).isEqualTo("default");
    }

    /** A one-hour TTL keeps its lifetime on both hosts, streamed: the writes are one-hour writes (2x the input price). */
    @Test
    void aOneHourAutomaticBreakpointIsWrittenForAnHourWhenStreamed() {
        for (String model : List.of("vertex", "bedrock")) {
            List<RawMessageStreamEvent> events = new ArrayList<>();
            MessageCreateParams p = params(model, system(model + " hourly"), CacheControlEphemeral.builder().ttl(CacheControlEphemeral.Ttl.TTL_1H).build());
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(p)) {
                s.stream().forEach(events::add);
            }
            var usage = events.stream().filter(RawMessageStreamEvent::isMessageDelta).findFirst().orElseThrow().asMessageDelta().usage();
            long written = usage.cacheCreationInputTokens().orElseThrow();
            assertThat(written).as(model).isGreaterThan(1024);
            // Claude's own stream (Vertex) has the split in message_start; a translated one (Bedrock) at its end, in message_delta
            var split = events.get(0).messageStart().orElseThrow().message().usage().cacheCreation()
                    .orElseGet(() -> usage._additionalProperties().get("cache_creation").convert(com.anthropic.models.messages.CacheCreation.class));
            assertThat(split.ephemeral1hInputTokens()).as(model).isEqualTo(written);
        }
    }

    private static String automaticBody(String model, String topTtl, String lastBlock, int explicitBefore) {
        JsonObject cc = new JsonObject().put("type", "ephemeral");
        if (topTtl != null) cc.put("ttl", topTtl);
        JsonArray blocks = new JsonArray();
        for (int i = 0; i < explicitBefore; i++) {
            blocks.add(new JsonObject().put("type", "text").put("text", "part " + i).put("cache_control", new JsonObject().put("type", "ephemeral")));
        }
        blocks.add(new JsonObject(lastBlock));
        return new JsonObject().put("model", model).put("max_tokens", 20).put("cache_control", cc)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", blocks))).encode();
    }

    /**
     * Anthropic's edge cases of automatic caching, the same on every host of Claude: a last block already marked with the
     * same lifetime takes the top-level field as a no-op (200, one marker, no slot of its own, so four explicit ones are
     * fine); another lifetime there (an absent ttl is "5m") is a 400; an unmarked last block with four explicit breakpoints
     * before it leaves no slot, a 400. Before, Vertex and Bedrock kept the block's marker and answered 200, and the
     * no-slot case was a fifth marker each host refused in its own way.
     */
    @Test
    void theLastBlockTakesTheTopLevelFieldAsAnthropicsApiDoes() {
        String sameHour = "{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}";
        String fiveMinutes = "{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":{\"type\":\"ephemeral\"}}";
        String unmarked = "{\"type\":\"text\",\"text\":\"hi\"}";
        for (String model : List.of("anthropic", "vertex", "bedrock")) {
            var same = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, automaticBody(model, "1h", sameHour, 0));
            assertThat(same.statusCode()).as(model + ": " + same.body()).isEqualTo(200);
            var fourAndSame = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                    automaticBody(model, null, fiveMinutes, 3));
            assertThat(fourAndSame.statusCode()).as(model + ": the top-level field takes no slot: " + fourAndSame.body()).isEqualTo(200);
            var other = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, automaticBody(model, "1h", fiveMinutes, 0));
            assertThat(other.statusCode()).as(model).isEqualTo(400);
            assertThat(new JsonObject(other.body()).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
            assertThat(new JsonObject(other.body()).getJsonObject("error").getString("message")).contains("ttl '5m'").contains("ttl '1h'");
            var noSlot = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, automaticBody(model, null, unmarked, 4));
            assertThat(noSlot.statusCode()).as(model).isEqualTo(400);
            assertThat(new JsonObject(noSlot.body()).getJsonObject("error").getString("message"))
                    .startsWith("A maximum of 4 blocks with cache_control may be provided. Found 5.");
        }
        dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, automaticBody("vertex", "1h", sameHour, 0));
        JsonObject block = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0);
        assertThat(block.getJsonObject("cache_control").getString("ttl")).isEqualTo("1h");
    }

    /**
     * An OpenAI-dialect client's top-level {@code cache_control} (LiteLLM forwards it, BerriAI/litellm#22442) reaches every
     * host of Claude: Anthropic as the field, Vertex as a marker on the last block, Bedrock as a cachePoint; the prompt is
     * written, then read. Before, the Anthropic encoder forwarded only thinking and top_k, and nothing was cached.
     */
    @Test
    void anOpenAiClientsTopLevelCacheControlReachesEveryClaudeHost() {
        com.openai.client.OpenAIClient openai = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(gw.baseUrl() + "/v1")
                .apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            for (String model : List.of("anthropic", "vertex", "bedrock")) {
                var p = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model(model).maxCompletionTokens(20)
                        .addSystemMessage(system(model + " via openai")).addUserMessage("What do the rules say?")
                        .putAdditionalBodyProperty("cache_control", com.openai.core.JsonValue.from(java.util.Map.of("type", "ephemeral")))
                        .build();
                var first = openai.chat().completions().create(p);
                JsonObject sent = gw.simulator.last().body();
                JsonArray messages = sent.getJsonArray("messages");
                JsonArray last = messages.getJsonObject(messages.size() - 1).getJsonArray("content");
                switch (model) {
                    case "anthropic" -> assertThat(sent.getJsonObject("cache_control").getString("type")).isEqualTo("ephemeral");
                    case "vertex" -> {
                        assertThat(sent.containsKey("cache_control")).isFalse();
                        assertThat(last.getJsonObject(last.size() - 1).getJsonObject("cache_control").getString("type")).isEqualTo("ephemeral");
                    }
                    default -> assertThat(last.getJsonObject(last.size() - 1).getJsonObject("cachePoint").getString("type")).isEqualTo("default");
                }
                assertThat(first.usage().orElseThrow().promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L)).as(model).isZero();
                var second = openai.chat().completions().create(p);
                assertThat(second.usage().orElseThrow().promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L)).as(model + ": read")
                        .isGreaterThan(1024);
            }
            // Anthropic's edge cases from the OpenAI dialect too: another ttl on the last part is the 400 on every host
            for (String model : List.of("anthropic", "vertex", "bedrock")) {
                var other = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"" + model + "\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"},\"messages\":[{\"role\":\"user\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}");
                assertThat(other.statusCode()).as(model + ": " + other.body()).isEqualTo(400);
                assertThat(new JsonObject(other.body()).getJsonObject("error").getString("message")).contains("ttl '5m'");
            }
            assertThatThrownBy(() -> openai.chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                    .model("bedrock").addUserMessage("hi")
                    .putAdditionalBodyProperty("cache_control", com.openai.core.JsonValue.from(java.util.Map.of("type", "ephemeral", "ttl", "2h")))
                    .build())).isInstanceOf(com.openai.errors.BadRequestException.class).hasMessageContaining("cache_control.ttl: Input should be '5m' or '1h'");
        } finally {
            openai.close();
        }
    }

    private static JsonObject responses(String body) {
        var r = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/responses", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonObject("usage").getJsonObject("input_tokens_details");
    }

    /**
     * The Responses API's {@code cache_control}, on an input part and at the top level, reaches every host of Claude as
     * chat's does: the prompt is written, then read. Before, the part's marker and the top-level field were dropped when
     * the request was translated, and nothing was cached.
     */
    @Test
    void theResponsesApisCacheControlReachesEveryClaudeHost() {
        for (String model : List.of("anthropic", "vertex", "bedrock")) {
            String onPart = new JsonObject().put("model", model).put("max_output_tokens", 20).put("store", false)
                    .put("input", new JsonArray()
                            .add(new JsonObject().put("role", "system").put("content", new JsonArray().add(new JsonObject()
                                    .put("type", "input_text").put("text", system(model + " via responses"))
                                    .put("cache_control", new JsonObject().put("type", "ephemeral")))))
                            .add(new JsonObject().put("role", "user").put("content", "What do the rules say?"))).encode();
            assertThat(responses(onPart).getLong("cache_write_tokens")).as(model + ": a part's marker writes").isGreaterThan(1024);
            JsonObject sent = gw.simulator.last().body();
            assertThat(sent.encode()).as(model).contains(model.equals("bedrock") ? "cachePoint" : "cache_control");
            assertThat(responses(onPart).getLong("cached_tokens")).as(model + ": then reads").isGreaterThan(1024);

            String topLevel = new JsonObject().put("model", model).put("max_output_tokens", 20).put("store", false)
                    .put("cache_control", new JsonObject().put("type", "ephemeral"))
                    .put("instructions", system(model + " automatic via responses")).put("input", "What do the rules say?").encode();
            assertThat(responses(topLevel).getLong("cache_write_tokens")).as(model + ": the top-level field writes").isGreaterThan(1024);
            assertThat(responses(topLevel).getLong("cached_tokens")).as(model + ": then reads").isGreaterThan(1024);
        }
        var bad = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"vertex\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\","
                        + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"2h\"}}]}]}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("input[0].content[0].cache_control.ttl: Input should be '5m' or '1h'");
    }

    /**
     * An OpenAI client's top-level {@code cache_control} on a Claude alias that falls back to GPT: Claude is sent the
     * field, OpenAI is not (it answers "Unrecognized request argument supplied"); a GPT alias asked directly neither.
     * Before, the OpenAI encoder's extras loop wrote it to every OpenAI-style upstream.
     */
    @Test
    void aClaudeToGptFallbackSendsOpenAiNoCacheControl() {
        gw.simulator.enqueue("claude-haiku-4-5", dev.switchboard.simulator.SimBehaviour.status(500));
        String body = "{\"model\":\"%s\",\"cache_control\":{\"type\":\"ephemeral\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What do the rules say?\"}]}";
        var r = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY, body.formatted("claude-first"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(sent.containsKey("cache_control")).as(sent.encode()).isFalse();
        var direct = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY, body.formatted("gpt"));
        assertThat(direct.statusCode()).as(direct.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("cache_control")).isFalse();
    }

    /**
     * The Responses API's {@code cache_control} (top level, on an input part, on an input_file) on a Claude alias that
     * falls back to GPT, and on a GPT alias asked directly: OpenAI's /responses is passed the body without any (it
     * refuses an unknown field), Claude keeps the input_file's marker. Before, the passed-through body carried them all.
     */
    @Test
    void aResponsesRequestsCacheControlIsNotPassedToOpenAi() {
        JsonObject mark = new JsonObject().put("type", "ephemeral");
        java.util.function.Function<String, String> body = model -> new JsonObject().put("model", model).put("store", false)
                .put("max_output_tokens", 20).put("cache_control", mark)
                .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "input_file").put("filename", "rules.pdf")
                                .put("file_data", "data:application/pdf;base64,JVBERi0xLjQK").put("cache_control", mark))
                        .add(new JsonObject().put("type", "input_text").put("text", "What do the rules say?").put("cache_control", mark)))))
                .encode();
        gw.simulator.enqueue("claude-haiku-4-5", dev.switchboard.simulator.SimBehaviour.status(500));
        for (String model : List.of("claude-first", "gpt")) {
            var r = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/responses", TestGateway.MASTER_KEY, body.apply(model));
            assertThat(r.statusCode()).as(model + ": " + r.body()).isEqualTo(200);
            JsonObject sent = gw.simulator.last().body();
            assertThat(sent.getString("model")).isEqualTo("gpt-4o-mini");
            assertThat(sent.containsKey("input")).as(sent.encode()).isTrue();
            assertThat(sent.encode()).as(model).doesNotContain("cache_control");
        }
        // chat's file part, which the OpenAI encoder writes (or relays) as the client sent it, follows the same rule
        String chat = new JsonObject().put("model", "gpt").put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", new JsonArray().add(new JsonObject().put("type", "file").put("cache_control", mark)
                        .put("file", new JsonObject().put("filename", "rules.pdf").put("file_data", "data:application/pdf;base64,JVBERi0xLjQK")))
                        .add(new JsonObject().put("type", "text").put("text", "What do the rules say?"))))).encode();
        var viaChat = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY, chat);
        assertThat(viaChat.statusCode()).as(viaChat.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().encode()).contains("rules.pdf").doesNotContain("cache_control");
        var claude = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/responses", TestGateway.MASTER_KEY, body.apply("anthropic"));
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        JsonArray blocks = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(blocks.getJsonObject(0).getString("type")).isEqualTo("document");
        assertThat(blocks.getJsonObject(0).getJsonObject("cache_control")).as("the input_file's marker").isEqualTo(mark);
    }

    /** /model/info names the one-hour write price Claude on Bedrock is charged (twice the input), as for Anthropic's own. */
    @Test
    void modelInfoNamesBedrockClaudesOneHourWritePrice() {
        JsonArray data = new JsonObject(dev.switchboard.support.Http.get(gw.baseUrl() + "/model/info", TestGateway.MASTER_KEY).body()).getJsonArray("data");
        JsonObject bedrock = data.stream().map(JsonObject.class::cast).filter(e -> "bedrock".equals(e.getString("model_name")))
                .findFirst().orElseThrow().getJsonObject("model_info");
        assertThat(bedrock.getDouble("cache_creation_input_token_cost")).isEqualTo(4.125e-6);
        assertThat(bedrock.getDouble("cache_creation_input_token_cost_above_1hr")).isEqualTo(6.6e-6);
    }

    /** A malformed field is Anthropic's 400 whichever host serves the alias. */
    @Test
    void aBadTtlIsAnthropicsFourHundredOnEveryHost() {
        for (String model : List.of("bedrock", "vertex")) {
            String body = "{\"model\":\"" + model + "\",\"max_tokens\":20,\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"2h\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            var r = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
            assertThat(r.statusCode()).as(model).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).isEqualTo("cache_control.ttl: Input should be '5m' or '1h'");
        }
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("bedrock").maxTokens(20)
                .putAdditionalBodyProperty("cache_control", com.anthropic.core.JsonValue.from(java.util.Map.of("type", "persistent")))
                .addUserMessage("hi").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("cache_control.type: Input should be 'ephemeral'");
    }
}
