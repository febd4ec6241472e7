package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Breakpoint injection, the prompt-cache lint, anthropic-beta pass-through and thinking blocks, end to end. */
class PromptCachingIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/ANTHROPIC_PROVIDER_KEY
                  - model_name: claude-auto-cache
                    litellm_params:
                      model: anthropic/claude-sonnet-4-5
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/ANTHROPIC_PROVIDER_KEY
                      cache_control_injection_points:
                        - location: message
                          role: system
                        - location: message
                          index: -1
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> messages(String body, String beta) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages")).timeout(Duration.ofSeconds(10))
                .header("x-api-key", "anything").header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (beta != null) b.header("anthropic-beta", beta);
        return Http.send(b.build());
    }

    @Test
    void injectionPointsAddBreakpointsAndCachingFollows() {
        String system = "Long stable instructions. ".repeat(200);
        String body = "{\"model\":\"claude-auto-cache\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                + "\"},{\"role\":\"user\",\"content\":\"hello\"}]}";
        JsonObject first = new JsonObject(Http.post(gw.v1() + "/chat/completions", null, body).body());
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonArray("system").getJsonObject(0).getJsonObject("cache_control").getString("type")).isEqualTo("ephemeral");
        JsonArray lastTurn = sent.getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(lastTurn.getJsonObject(lastTurn.size() - 1).containsKey("cache_control")).isTrue();
        assertThat(first.getJsonObject("usage").getInteger("cache_creation_input_tokens")).isGreaterThan(1000);
        JsonObject second = new JsonObject(Http.post(gw.v1() + "/chat/completions", null, body).body());
        assertThat(second.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isGreaterThan(1000);
    }

    @Test
    void aOneHourBreakpointsWriteIsCountedAndPricedAsOne() {
        // Anthropic counts a write up to a "ttl": "1h" breakpoint as ephemeral_1h_input_tokens, billed at 2x the input price
        // ($6/M for claude-sonnet-4-5) where a 5-minute write is 1.25x ($3.75/M)
        String system = "Hour-long stable instructions. ".repeat(200);
        String body = "{\"model\":\"claude\",\"max_tokens\":50,\"system\":[{\"type\":\"text\",\"text\":\"" + system
                + "\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = messages(body, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        int write = usage.getInteger("cache_creation_input_tokens");
        assertThat(write).isGreaterThan(1000);
        assertThat(usage.getJsonObject("cache_creation").getInteger("ephemeral_1h_input_tokens")).isEqualTo(write);
        assertThat(usage.getJsonObject("cache_creation").getInteger("ephemeral_5m_input_tokens")).isZero();
        double expected = (usage.getInteger("input_tokens") * 3 + write * 6 + usage.getInteger("output_tokens") * 15) / 1e6;
        assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aMessageLevelCacheControlMarksTheMessagesLastPart() {
        // LiteLLM accepts cache_control on the message itself, e.g. a system message whose content is a string
        String system = "Long stable instructions. ".repeat(200);
        String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                + "\",\"cache_control\":{\"type\":\"ephemeral\"}},{\"role\":\"user\",\"content\":\"hello\"}]}";
        JsonObject first = new JsonObject(Http.post(gw.v1() + "/chat/completions", null, body).body());
        JsonObject sent = gw.simulator.last().body();
        JsonArray systemBlocks = sent.getJsonArray("system");
        assertThat(systemBlocks).hasSize(1);
        assertThat(systemBlocks.getJsonObject(0).getJsonObject("cache_control").getString("type")).isEqualTo("ephemeral");
        assertThat(first.getJsonObject("usage").getInteger("cache_creation_input_tokens")).isGreaterThan(1000);
        JsonObject second = new JsonObject(Http.post(gw.v1() + "/chat/completions", null, body).body());
        assertThat(second.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isGreaterThan(1000);
    }

    @Test
    void injectionNeverDuplicatesTheClientsBreakpointsNorExceedsFour() {
        StringBuilder msgs = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            msgs.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":[{\"type\":\"text\",\"text\":\"turn ").append(i)
                    .append("\",\"cache_control\":{\"type\":\"ephemeral\"}}]}");
        }
        String body = "{\"model\":\"claude-auto-cache\",\"max_tokens\":10,\"system\":\"sys\",\"messages\":[" + msgs
                + ",{\"role\":\"user\",\"content\":\"last\"}]}";
        HttpResponse<String> r = messages(body, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200); // the simulator rejects a fifth breakpoint, as Anthropic does
        String sent = gw.simulator.last().body().encode();
        assertThat(sent.split("cache_control", -1).length - 1).isEqualTo(4);
        assertThat(gw.simulator.last().body().getValue("system")).as("no room left: system untouched").isEqualTo("sys");
    }

    @Test
    void lintReportsVolatileContentAndAChangedPrefix() {
        String body = "{\"model\":\"claude\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"You are helpful. It is %s.\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> first = messages(body.formatted("2026-11-27T10:00:01Z"), null);
        assertThat(first.headers().firstValue("x-switchboard-cache-lint")).get().asString()
                .contains("volatile timestamp '2026-11-27T10:00:01' in cached prefix at messages[0]");
        HttpResponse<String> second = messages(body.formatted("2026-11-27T10:00:02Z"), null);
        assertThat(second.headers().firstValue("x-switchboard-cache-lint")).get().asString()
                .contains("cached prefix changed at messages[0] since the previous request");
        HttpResponse<String> plain = messages("{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
        assertThat(plain.headers().firstValue("x-switchboard-cache-lint")).isEmpty();
    }

    @Test
    void lintSeesTheBreakpointsTheDeploymentInjects() {
        // No cache_control from the client: the deployment's injection points put one on the system message,
        // whose timestamp then defeats the cache; the lint must say so.
        String body = "{\"model\":\"claude-auto-cache\",\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"You are helpful. It is 2026-11-27T10:00:01Z.\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-cache-lint")).get().asString()
                .contains("volatile timestamp '2026-11-27T10:00:01' in cached prefix at messages[0]");
        HttpResponse<String> plain = Http.post(gw.v1() + "/chat/completions", null, body.replace("claude-auto-cache", "claude"));
        assertThat(plain.headers().firstValue("x-switchboard-cache-lint")).as("no breakpoint anywhere: nothing to lint").isEmpty();
    }

    @Test
    void anthropicBetaHeaderIsPassedOn() {
        messages("{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "prompt-caching-2024-07-31,extended-cache-ttl-2025-04-11");
        assertThat(gw.simulator.last().headers().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31,extended-cache-ttl-2025-04-11");
    }

    /**
     * reasoning_effort's thinking budget fits under the client's output limit, which is not raised: thinking tokens are
     * part of the output on both APIs, and the limit is what a key's budget reserved for the call.
     */
    @Test
    void reasoningEffortNeverRaisesTheClientsOutputLimit() {
        HttpResponse<String> ok = Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"reasoning_effort\":\"high\",\"max_completion_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getInteger("max_tokens")).isEqualTo(2000);
        assertThat(sent.getJsonObject("thinking").getInteger("budget_tokens")).isEqualTo(1999);
        HttpResponse<String> tooSmall = Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"reasoning_effort\":\"low\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}");
        assertThat(tooSmall.statusCode()).as(tooSmall.body()).isEqualTo(400);
        assertThat(new JsonObject(tooSmall.body()).getJsonObject("error").getString("message"))
                .contains("reasoning_effort 'low' needs an output limit above 1024");
        // param names the field the client sent (it named max_completion_tokens whatever was sent: QA F4)
        assertThat(new JsonObject(tooSmall.body()).getJsonObject("error").getString("param")).isEqualTo("max_tokens");
        HttpResponse<String> completion = Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"reasoning_effort\":\"low\",\"max_completion_tokens\":1000,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}");
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(400);
        assertThat(new JsonObject(completion.body()).getJsonObject("error").getString("param")).isEqualTo("max_completion_tokens");
    }

    /**
     * An OpenAI-dialect client gets Claude's signed thinking as LiteLLM's thinking_blocks, streamed or not, and sending
     * them back in the assistant turn of a tool loop puts the signed block first in that turn, as Anthropic requires.
     */
    @Test
    void signedThinkingRoundTripsThroughTheOpenAiDialect() {
        JsonObject r = new JsonObject(Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}").body());
        JsonArray blocks = r.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getJsonArray("thinking_blocks");
        assertThat(blocks.encode()).isEqualTo("[{\"type\":\"thinking\",\"thinking\":\"Let me think about that.\",\"signature\":\"sig_sim_EqQBCgIYAhIM\"}]");
        String stream = Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"stream\":true,\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}").body();
        assertThat(stream).contains("\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"sig_sim_EqQBCgIYAhIM\"}]");

        HttpResponse<String> next = Http.post(gw.v1() + "/chat/completions", null, """
                {"model":"claude","reasoning_effort":"low","messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":null,"reasoning_content":"hmm",
                  "thinking_blocks":[{"type":"thinking","thinking":"hmm","signature":"sig_1"},{"type":"redacted_thinking","data":"ENC"}],
                  "tool_calls":[{"id":"toolu_A","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"toolu_A","content":"20C"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        JsonArray turn = gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getJsonArray("content");
        assertThat(turn.getJsonObject(0).encode()).isEqualTo("{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"sig_1\"}");
        assertThat(turn.getJsonObject(1).encode()).isEqualTo("{\"type\":\"redacted_thinking\",\"data\":\"ENC\"}");
        assertThat(turn.getJsonObject(2).getString("type")).isEqualTo("tool_use");
    }

    @Test
    void thinkingBlocksAreKeptBothWays() {
        // OpenAI dialect: reasoning_effort becomes Anthropic thinking, the thinking comes back as reasoning_content
        JsonObject r = new JsonObject(Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}").body());
        assertThat(gw.simulator.last().body().getJsonObject("thinking").getInteger("budget_tokens")).isEqualTo(1024);
        JsonObject msg = r.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(msg.getString("reasoning_content")).isEqualTo("Let me think about that.");
        assertThat(msg.getString("content")).startsWith("Hello from the simulator!");
        String stream = Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"claude\",\"stream\":true,\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}").body();
        assertThat(stream).contains("\"reasoning_content\":\"Let me think about that.\"");

        // Anthropic dialect to an Anthropic alias: the signature survives the pass-through
        HttpResponse<String> a = messages("{\"model\":\"claude\",\"max_tokens\":2000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}", null);
        JsonObject block = new JsonObject(a.body()).getJsonArray("content").getJsonObject(0);
        assertThat(block.getString("type")).isEqualTo("thinking");
        assertThat(block.getString("signature")).isEqualTo("sig_sim_EqQBCgIYAhIM");
        HttpResponse<String> s = messages("{\"model\":\"claude\",\"max_tokens\":2000,\"stream\":true,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]}", null);
        assertThat(s.body()).contains("\"signature_delta\"").contains("sig_sim_EqQBCgIYAhIM").contains("event: message_stop");
    }
}
