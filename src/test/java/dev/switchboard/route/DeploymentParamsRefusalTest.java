package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.ParamConflict;
import dev.switchboard.provider.Provider;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DeploymentParams#refuses, the budget's check per fallback, is a refusal-only check: it agrees with fit (a 400
 * unsupported_params) on every case, without building fit's copy (fit ran in full per fallback before 2026-12-07).
 */
class DeploymentParamsRefusalTest {
    /**
     * A provider that refuses seed, takes tool names of 64 characters at most, refuses temperature beside top_k and a
     * tool named "forbidden" when offered, and runs Anthropic's server tools when told to.
     */
    private static final class Recording implements Provider {
        final List<ChatRequest> judged = new ArrayList<>();
        final boolean serverTools;

        Recording() { this(false); }

        Recording(boolean serverTools) { this.serverTools = serverTools; }

        @Override public boolean runsAnthropicServerTools() { return serverTools; }

        @Override public Future<ChatResponse> chat(ChatRequest request, CallOptions options) { throw new AssertionError(); }
        @Override public Future<ChatStream> stream(ChatRequest request, CallOptions options) { throw new AssertionError(); }
        @Override public Set<String> unsupportedParams() { return Set.of("seed"); }
        @Override public boolean limitsToolNames() { return true; }

        @Override
        public List<ParamConflict> conflicts(ChatRequest r) {
            judged.add(r);
            if (r.tools().stream().anyMatch(t -> t.name().equals("forbidden"))) return List.of(new ParamConflict("tools", "no tool 'forbidden'"));
            return r.temperature() != null && r.extra().containsKey("top_k") ? List.of(new ParamConflict("top_k", "no top_k with temperature"))
                    : List.of();
        }
    }

    private static Deployment deployment(Map<String, Object> params) {
        return new Deployment("fb", "openai", "m", null, null, null, null, null, Map.of(), params, Map.of(), 1);
    }

    private static ChatRequest request(Long seed, Double temperature, Map<String, com.fasterxml.jackson.databind.JsonNode> extra) {
        Tool longName = new Tool("mcp__a_very_long_server_name__with_a_very_long_tool_name_that_goes_past_sixty_four_chars",
                "d", JsonNodeFactory.instance.objectNode().put("type", "object"), null, null);
        return new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), List.of(longName), null, null, null, temperature,
                null, 100, null, null, seed, null, null, false, false, extra,
                new RawJson(RawJson.ANTHROPIC, JsonNodeFactory.instance.objectNode()));
    }

    /** An Anthropic client's request with Anthropic's own web search tool (a server tool: no input_schema). */
    private static ChatRequest withServerTool() {
        var body = JsonNodeFactory.instance.objectNode();
        body.putArray("tools").addObject().put("type", "web_search_20250305").put("name", "web_search");
        return new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null,
                null, 100, null, null, null, null, null, false, false, null, new RawJson(RawJson.ANTHROPIC, body));
    }

    /** An OpenAI client's tools, "forbidden" among them, with a tool choice of allowed_tools naming them or only "ok". */
    private static ChatRequest allowing(String... allowed) {
        var schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        return new ChatRequest("alias", List.of(Message.text(Role.USER, "hi")), List.of(new Tool("ok", "d", schema, null, null),
                new Tool("forbidden", "d", schema, null, null)), dev.switchboard.model.ToolChoice.allowedTools(
                dev.switchboard.model.ToolChoice.Mode.AUTO, List.of(allowed)), null, null, null, null, 100, null, null, null, null,
                null, false, false, null);
    }

    private static boolean fitRefuses(ChatRequest r, Target t, Boolean requestDrop) {
        try {
            DeploymentParams.fit(r, t, requestDrop, false, "test");
            return false;
        } catch (GatewayException e) {
            return DeploymentParams.CODE.equals(e.code());
        }
    }

    @Test
    void refusesAgreesWithFit() {
        var topK = Map.<String, com.fasterxml.jackson.databind.JsonNode>of("top_k", JsonNodeFactory.instance.numberNode(5));
        record Case(ChatRequest r, Map<String, Object> params, Boolean requestDrop, boolean refused, boolean serverTools) {
            Case(ChatRequest r, Map<String, Object> params, Boolean requestDrop, boolean refused) {
                this(r, params, requestDrop, refused, false);
            }
        }
        for (Case c : List.of(new Case(request(7L, null, null), Map.of(), null, true),
                // Anthropic's server tools: refused by a provider that cannot run them, unless dropping; taken by one that can
                new Case(withServerTool(), Map.of(), null, true),
                new Case(withServerTool(), Map.of(), true, false),
                new Case(withServerTool(), Map.of(), null, false, true),
                // OpenAI's allowed_tools, for a provider without them: only the allowed tools are offered, and judged
                new Case(allowing("ok"), Map.of(), null, false),
                new Case(allowing("ok", "forbidden"), Map.of(), null, true),
                new Case(request(null, null, null), Map.of(), null, false),
                new Case(request(7L, null, null), Map.of(), true, false),
                new Case(request(7L, null, null), Map.of("drop_params", true), null, false),
                new Case(request(7L, null, null), Map.of("additional_drop_params", List.of("seed")), null, false),
                new Case(request(null, 0.5, topK), Map.of(), null, true),
                new Case(request(null, 0.5, null), Map.of(), null, false),
                new Case(request(null, null, null), Map.of("seed", 3), null, true))) {
            Target t = new Target(deployment(c.params()), new Recording(c.serverTools()));
            assertThat(DeploymentParams.refuses(c.r(), t, c.requestDrop(), false)).as(c.toString()).isEqualTo(c.refused());
            assertThat(fitRefuses(c.r(), t, c.requestDrop())).as(c.toString()).isEqualTo(c.refused());
        }
    }

    /** The judged request is the client's own instance: no shortened copy of its tools and messages is built for a verdict. */
    @Test
    void noFittedCopyIsBuiltToJudge() {
        Recording p = new Recording();
        Target t = new Target(deployment(Map.of()), p);
        ChatRequest r = request(null, null, null);
        assertThat(DeploymentParams.refuses(r, t, null, false)).isFalse();
        assertThat(p.judged).singleElement().isSameAs(r);
        // fit, for the attempt, still sends the names shortened
        ChatRequest fitted = DeploymentParams.fit(r, t, null, false, "test");
        assertThat(fitted).isNotSameAs(r);
        assertThat(fitted.tools().getFirst().name().length()).isLessThanOrEqualTo(64);
    }
}
