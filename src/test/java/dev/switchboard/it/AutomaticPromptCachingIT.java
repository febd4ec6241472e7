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
                    router_settings:
                      num_retries: 0
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

    /** A marker already on the last block is kept as it is: no second one, which would count twice toward the four. */
    @Test
    void aLastBlockAlreadyMarkedIsLeftAlone() {
        String body = new JsonObject().put("model", "vertex").put("max_tokens", 20).put("cache_control", new JsonObject().put("type", "ephemeral"))
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "hi")
                                .put("cache_control", new JsonObject().put("type", "ephemeral").put("ttl", "1h")))))).encode();
        var r = dev.switchboard.support.Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject block = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0);
        assertThat(block.getJsonObject("cache_control").getString("ttl")).isEqualTo("1h");
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
