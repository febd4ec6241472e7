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

    private static JsonObject text(String text, boolean marked) {
        JsonObject b = new JsonObject().put("type", "text").put("text", text);
        return marked ? b.put("cache_control", new JsonObject().put("type", "ephemeral")) : b;
    }

    /**
     * A conversation shaped as Claude Code sends it on /v1/messages: a system prompt whose last block is a breakpoint,
     * tools, and a breakpoint on the newest turn's last block only (tool results after tool calls). Usage-based routing
     * alternates a group's deployments, so only affinity keeps the turns together. Before, the prefix ran to the last
     * breakpoint, a new key each turn: the second turn went to the other deployment and wrote the prompt again. (Only
     * the deployments are checked: the simulator's Anthropic cache reads a last breakpoint's exact prefix, without
     * Anthropic's look-back over earlier blocks, so a turn's read is not what Claude would report.)
     */
    @Test
    void aClaudeCodeConversationStaysOnOneDeploymentAcrossTurns() {
        String config = """
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC}, tpm: 10000000 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, ${SIM_ANTHROPIC}, tpm: 10000000 }
                router_settings: { routing_strategy: usage-based-routing }
                """;
        try (TestGateway gw = TestGateway.start(config)) {
            JsonArray system = new JsonArray().add(text("You are Claude Code, Anthropic's official CLI for Claude.", false))
                    .add(text(systemPrompt("the payments monorepo"), true));
            JsonArray tools = new JsonArray().add(new JsonObject().put("name", "Read").put("description", "Reads a file")
                    .put("input_schema", new JsonObject().put("type", "object").put("properties",
                            new JsonObject().put("file_path", new JsonObject().put("type", "string")))));
            JsonArray history = new JsonArray();
            Set<String> served = new HashSet<>();
            for (int turn = 0; turn < 3; turn++) {
                JsonArray messages = history.copy();
                JsonObject last = turn == 0
                        ? new JsonObject().put("role", "user").put("content", new JsonArray()
                                .add(text("<system-reminder>The working directory is /repo.</system-reminder>", false))
                                .add(text("Find why the refund test fails.", true)))
                        : new JsonObject().put("role", "user").put("content", new JsonArray().add(new JsonObject()
                                .put("type", "tool_result").put("tool_use_id", "toolu_" + turn)
                                .put("content", "File " + turn + ": " + "a line of the source the agent read; ".repeat(60))
                                .put("cache_control", new JsonObject().put("type", "ephemeral"))));
                messages.add(last);
                HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, new JsonObject()
                        .put("model", "claude").put("max_tokens", 50).put("system", system).put("tools", tools)
                        .put("messages", messages).encode());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                served.add(r.headers().firstValue("x-switchboard-model").orElseThrow());
                // the next turn: this one unmarked (Claude Code moves its breakpoint to the newest turn), the call it made
                JsonObject unmarked = last.copy();
                for (Object b : unmarked.getJsonArray("content")) ((JsonObject) b).remove("cache_control");
                history.add(unmarked).add(new JsonObject().put("role", "assistant").put("content", new JsonArray()
                        .add(text("I will read the next file.", false))
                        .add(new JsonObject().put("type", "tool_use").put("id", "toolu_" + (turn + 1)).put("name", "Read")
                                .put("input", new JsonObject().put("file_path", "src/F" + turn + ".java")))));
            }
            assertThat(served).as("the three turns").hasSize(1);
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
