package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Prompt-cache affinity, measured as the simulator measures OpenAI's automatic prompt caching: an agent loop
 * (same system prompt, a conversation that grows by a large tool result each turn) stays on one deployment
 * of a two-deployment group and reads most of its prompt from cache; unrelated prompts still spread.
 */
class PromptAffinityIT {
    private static final int TURNS = 14;
    private static final String GROUP = TestGateway.simModels("agent=agent-east", "agent=agent-west");

    /** What an agent loop saw: the deployments that served it and its share of cached prompt tokens. */
    private record Loop(Set<String> deployments, double cachedShare) {}

    private static Loop agentLoop(TestGateway gw, String system) {
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "system").put("content", system));
        Set<String> served = new HashSet<>();
        long prompt = 0;
        long cached = 0;
        for (int turn = 0; turn < TURNS; turn++) {
            messages.add(new JsonObject().put("role", "user").put("content",
                    "Tool result " + turn + ": " + ("line of a file the agent read; ").repeat(60)));
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null,
                    new JsonObject().put("model", "agent").put("messages", messages).encode());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            served.add(r.headers().firstValue("x-switchboard-model").orElseThrow());
            JsonObject body = new JsonObject(r.body());
            JsonObject usage = body.getJsonObject("usage");
            prompt += usage.getInteger("prompt_tokens");
            cached += usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens");
            messages.add(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message"));
        }
        return new Loop(served, (double) cached / prompt);
    }

    private static String systemPrompt(String topic) {
        return ("You are a careful coding agent working on " + topic + ". Follow the house rules. ").repeat(60);
    }

    @Test
    void anAgentLoopStaysOnOneDeploymentAndReadsItsPromptFromCache() {
        Loop sticky;
        try (TestGateway gw = TestGateway.start(GROUP)) {
            sticky = agentLoop(gw, systemPrompt("the billing service"));
            assertThat(sticky.deployments()).hasSize(1);
            assertThat(sticky.cachedShare()).isGreaterThan(0.75);
        }
        // Without affinity, usage-based routing (each deployment with a tpm budget) sends every turn to the
        // deployment that has used less so far: the turns alternate, deterministically (simple-shuffle would
        // put all 14 on one deployment once in 8,192 runs).
        String balanced = GROUP.replace("api_key: os.environ/PROVIDER_KEY }", "api_key: os.environ/PROVIDER_KEY, tpm: 10000000 }")
                + "router_settings: { prompt_cache_affinity: false, routing_strategy: usage-based-routing }\n";
        try (TestGateway loose = TestGateway.start(balanced)) {
            Loop shuffled = agentLoop(loose, systemPrompt("the billing service"));
            assertThat(shuffled.deployments()).as("without affinity the turns are shuffled").hasSize(2);
            assertThat(shuffled.cachedShare()).as("and each switch re-reads what the other deployment had cached")
                    .isLessThan(sticky.cachedShare());
        }
    }

    @Test
    void unrelatedPromptsStillSpreadOverTheGroup() {
        try (TestGateway gw = TestGateway.start(GROUP)) {
            Set<String> served = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                JsonArray messages = new JsonArray()
                        .add(new JsonObject().put("role", "system").put("content", "You are assistant number " + i + "."))
                        .add(new JsonObject().put("role", "user").put("content", "hi"));
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null,
                        new JsonObject().put("model", "agent").put("messages", messages).encode());
                served.add(r.headers().firstValue("x-switchboard-model").orElseThrow());
            }
            assertThat(served).containsExactlyInAnyOrder("openai/agent-east", "openai/agent-west");
        }
    }
}
