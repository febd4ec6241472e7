package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.route.RouterMetrics;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An Anthropic client's thinking on a request whose Claude fails and falls back to gpt-4o-mini, which has no thinking:
 * the answer comes without it, and that is counted ({@code switchboard_fallbacks_thinking_dropped_total{alias,to}}) and
 * logged once per pair of aliases, where it was silent before (2026-12-07). A fallback to a reasoning model (its effort
 * is sent) and a request without thinking count nothing.
 */
class ThinkingFallbackIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: claude2
                    litellm_params: { model: anthropic/claude-haiku-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: reasoner
                    litellm_params: { model: openai/o4-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude3
                    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: thinker
                    litellm_params: { model: openai/deepseek-reasoner, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { supports_reasoning: true }
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  fallbacks: [{ claude: [cheap] }, { claude2: [reasoner] }, { claude3: [thinker] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

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
