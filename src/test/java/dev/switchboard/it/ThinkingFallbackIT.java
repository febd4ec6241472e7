package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.route.RouterMetrics;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Anthropic client's thinking on a request whose Claude fails and falls back to gpt-4o-mini, which has no thinking:
 * the answer comes without it, and that is counted ({@code switchboard_fallbacks_thinking_dropped_total{alias,to}}) and
 * logged once per pair of aliases, where it was silent before (2026-12-07). A fallback to a reasoning model (its effort
 * is sent) and a request without thinking count nothing.
 */
@ExtendWith(GatewayPerClass.class)
class ThinkingFallbackIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, ${SIM_ANTHROPIC} }
                  - model_name: claude2
                    litellm_params: { model: anthropic/claude-haiku-4-5, ${SIM_ANTHROPIC} }
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: reasoner
                    litellm_params: { model: openai/o4-mini, ${SIM_OPENAI} }
                  - model_name: claude3
                    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, ${SIM_ANTHROPIC} }
                  - model_name: thinker
                    litellm_params: { model: openai/deepseek-reasoner, ${SIM_OPENAI} }
                    model_info: { supports_reasoning: true }
                  - model_name: opus
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC} }
                  - model_name: opus2
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC} }
                  - model_name: opus3
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC} }
                  - model_name: opus4
                    litellm_params: { model: anthropic/claude-opus-4-1, ${SIM_ANTHROPIC} }
                  - model_name: flash2
                    litellm_params: { model: gemini/gemini-2.0-flash, ${SIM_GEMINI} }
                  - model_name: flash25
                    litellm_params: { model: gemini/gemini-2.5-flash, ${SIM_GEMINI} }
                  - model_name: nova
                    litellm_params: { model: bedrock/us.amazon.nova-pro-v1:0, ${SIM_BEDROCK} }
                  - model_name: haiku
                    litellm_params: { model: anthropic/claude-haiku-4-5, ${SIM_ANTHROPIC} }
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  fallbacks: [{ claude: [cheap] }, { claude2: [reasoner] }, { claude3: [thinker] }, { opus: [flash2] },
                              { opus2: [flash25] }, { opus3: [nova] }, { opus4: [haiku] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    private static HttpResponse<String> ask(String alias, boolean thinking) {
        String body = "{\"model\":\"" + alias + "\",\"max_tokens\":4096,"
                + (thinking ? "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        return r;
    }

    private static double dropped(String alias, String to) {
        Counter c = gw.gateway.meters().find(RouterMetrics.THINKING_DROPPED).tag("alias", alias).tag("to", to).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aFallbackToAModelWithoutThinkingIsCountedAndAReasoningOneIsNot() {
        gw.simulator.behaveAlways("claude-sonnet-4-5-20250929", SimBehaviour.status(500));
        gw.simulator.behaveAlways("claude-haiku-4-5", SimBehaviour.status(500));
        double before = dropped("claude", "cheap");
        ask("claude", true);
        ask("claude", true);
        assertThat(dropped("claude", "cheap")).isEqualTo(before + 2);
        assertThat(gw.simulator.last().body().containsKey("reasoning_effort")).as("gpt-4o-mini gets no effort").isFalse();

        ask("claude", false); // no thinking asked: nothing dropped
        assertThat(dropped("claude", "cheap")).isEqualTo(before + 2);

        ask("claude2", true); // o4-mini takes the thinking as its effort
        assertThat(gw.simulator.last().body().getString("reasoning_effort")).isEqualTo("low");
        assertThat(dropped("claude2", "reasoner")).isZero();

        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(metrics).contains("switchboard_fallbacks_thinking_dropped_total{alias=\"claude\",to=\"cheap\"}");
    }

    /**
     * Thirty-seventh session: a fallback to another provider that drops the thinking is counted too, where only
     * OpenAI-compatible targets were judged before: Gemini before 2.5 (no thinkingConfig), a Bedrock model other than
     * Claude (Nova: the encoder writes Claude's thinking alone), and Claude itself when the encoder leaves an adaptive
     * thinking off (Claude Code's tool loop without its thinking blocks, to a model that thinks only with a budget). An
     * OpenAI client's {@code reasoning_effort} counts as thinking asked. Gemini 2.5 and a Claude turn with room count nothing.
     */
    @Test
    void aFallbackToAnotherProviderThatDropsThinkingIsCountedToo() {
        gw.simulator.behaveAlways("claude-opus-4-1", SimBehaviour.status(500));
        ask("opus", true);
        assertThat(dropped("opus", "flash2")).as("Gemini 2.0").isEqualTo(1);
        assertThat(gw.simulator.last().body().encode()).doesNotContain("thinkingConfig");

        HttpResponse<String> openAi = Http.post(gw.baseUrl() + "/v1/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"opus\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        assertThat(dropped("opus", "flash2")).as("an OpenAI client's reasoning_effort").isEqualTo(2);

        ask("opus2", true);
        assertThat(gw.simulator.last().body().encode()).contains("thinkingConfig");
        assertThat(dropped("opus2", "flash25")).as("Gemini 2.5 thinks").isZero();

        ask("opus3", true);
        assertThat(gw.simulator.last().path()).contains("nova");
        assertThat(dropped("opus3", "nova")).as("Nova on Bedrock").isEqualTo(1);

        // Claude Code's adaptive thinking with room: Haiku 4.5 gets it as a budget, nothing dropped
        String adaptive = "{\"model\":\"opus4\",\"max_tokens\":4096,\"thinking\":{\"type\":\"adaptive\"},"
                + "\"tools\":[{\"name\":\"clock\",\"input_schema\":{\"type\":\"object\"}}],\"messages\":[";
        HttpResponse<String> room = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                adaptive + "{\"role\":\"user\",\"content\":\"time?\"}]}");
        assertThat(room.statusCode()).as(room.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("thinking").getString("type")).isEqualTo("enabled");
        assertThat(dropped("opus4", "haiku")).isZero();
        // its tool loop without the thinking blocks: Haiku 4.5 gets no thinking, and that is counted
        HttpResponse<String> loop = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, adaptive
                + "{\"role\":\"user\",\"content\":\"time?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"clock\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01\",\"content\":\"12:00\"}]}]}");
        assertThat(loop.statusCode()).as(loop.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("thinking")).isFalse();
        assertThat(dropped("opus4", "haiku")).isEqualTo(1);
    }

    /**
     * Review (2026-12-07): a model that always thinks under a name the gateway does not know as a reasoning model
     * (deepseek-reasoner) is no drop when its model_info says {@code supports_reasoning: true}; it gets no effort either.
     */
    @Test
    void aModelDeclaredReasoningDropsNothing() {
        gw.simulator.behaveAlways("claude-sonnet-4-5-20250929", SimBehaviour.status(500));
        ask("claude3", true);
        assertThat(gw.simulator.last().body().getString("model")).isEqualTo("deepseek-reasoner");
        assertThat(gw.simulator.last().body().containsKey("reasoning_effort")).isFalse();
        assertThat(dropped("claude3", "thinker")).isZero();
    }

    /**
     * Review (2026-12-07): a fallback retried is one request's drop, counted once: gpt-4o-mini fails twice, is retried
     * and answers on its third attempt. Before, each attempt counted (3 here).
     */
    @Test
    void aFallbackRetriedCountsOnce() {
        gw.simulator.behaveAlways("claude-sonnet-4-5-20250929", SimBehaviour.status(500));
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
        double before = dropped("claude", "cheap");
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"max_tokens\":4096,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-switchboard-num-retries", "2");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(gw.simulator.received().stream().filter(q -> q.body() != null
                && "gpt-4o-mini".equals(q.body().getString("model"))).count()).as("the fallback's three attempts").isEqualTo(3);
        assertThat(dropped("claude", "cheap")).isEqualTo(before + 1);
    }
}
