package dev.switchboard.pipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's tool_permission rules, decision by decision: order, regexes in full, types, argument patterns, default. */
class ToolPermissionGuardrailTest {
    private static final CallContext CTX = new CallContext("req-1", Caller.MASTER, 0, Map.of());

    private static ToolPermissionGuardrail guard(String params) {
        GuardrailConfig c = new ConfigLoader(name -> null).parse("""
                model_list:
                  - model_name: m
                    litellm_params: {model: mock/m}
                guardrails:
                  - guardrail_name: tp
                    litellm_params:
                      guardrail: tool_permission
                      mode: [pre_call, post_call]
                """ + params.indent(6)).guardrails().get(0);
        return new ToolPermissionGuardrail(c);
    }

    private static ToolCall call(String name, String args) { return new ToolCall("call_1", name, args); }

    @Test
    void theFirstRuleThatTargetsTheToolDecidesElseTheDefault() {
        ToolPermissionGuardrail g = guard("""
                rules:
                  - {id: deny_rm, tool_name: "Bash", decision: deny}
                  - {id: allow_all_bash, tool_name: "Bash", decision: allow}
                  - {id: allow_mcp, tool_name: "mcp__github__.*", decision: allow}
                default_action: deny
                """);
        assertThat(g.called(call("Bash", "{}"))).isEqualTo(new ToolPermissionGuardrail.Decision(false, "deny_rm",
                "Tool 'Bash' denied by rule 'deny_rm'"));
        assertThat(g.called(call("mcp__github__create_issue", "{}")).allowed()).isTrue();
        // a regex matches the whole name, as Python's fullmatch: a prefix is not enough
        assertThat(g.called(call("xmcp__github__create_issue", "{}"))).isEqualTo(new ToolPermissionGuardrail.Decision(false, null,
                "Tool 'xmcp__github__create_issue' denied by default action"));
    }

    @Test
    void theDefaultIsDenyAndAllowWhenSaid() {
        assertThat(guard("rules: []").called(call("Anything", "{}")).allowed()).isFalse();
        assertThat(guard("default_action: ALLOW").called(call("Anything", "{}")).allowed()).isTrue();
    }

    @Test
    void aRuleByTypeMatchesEveryFunction() {
        ToolPermissionGuardrail g = guard("rules: [{id: fn, tool_type: \"function\", decision: allow}]");
        assertThat(g.offered("Whatever").allowed()).isTrue();
        assertThat(g.called(call("Whatever", "{}")).ruleId()).isEqualTo("fn");
    }

    @Test
    void argumentPatternsMustMatchEveryValueOfTheirPath() {
        ToolPermissionGuardrail g = guard("""
                rules:
                  - id: safe_read
                    tool_name: Read
                    decision: allow
                    allowed_param_patterns: {"path": "^/tmp/.*", "opts.flags[]": "-[a-z]"}
                """);
        assertThat(g.called(call("Read", "{\"path\":\"/tmp/x\",\"opts\":{\"flags\":[\"-a\",\"-b\"]}}")).allowed()).isTrue();
        ToolPermissionGuardrail.Decision wrong = g.called(call("Read", "{\"path\":\"/etc/passwd\",\"opts\":{\"flags\":[\"-a\"]}}"));
        assertThat(wrong.allowed()).isFalse();
        assertThat(wrong.message()).isEqualTo("Value '/etc/passwd' for path 'path' does not match allowed pattern '^/tmp/.*' for tool 'Read'");
        assertThat(g.called(call("Read", "{\"path\":\"/tmp/x\"}")).message())
                .isEqualTo("Missing value for path 'opts.flags[]' required by rule 'safe_read'");
        assertThat(g.called(call("Read", "")).message()).isEqualTo("Tool 'Read' is missing arguments required by rule 'safe_read'");
        // offered tools are checked by name only (LiteLLM's pre_call has no arguments to check)
        assertThat(g.offered("Read").allowed()).isTrue();
    }

    @Test
    void onTheRequestADeniedToolBlocksOrIsRemoved() {
        ChatRequest r = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")),
                List.of(new Tool("Bash", null, null, null, null), new Tool("Read", null, null, null, null)), null, null, null,
                null, null, null, null, null, null, null, null, false, false, null);
        String rules = "rules: [{id: ok, tool_name: Bash, decision: allow}]\n";
        assertThat(guard(rules).input(CTX, r, "pre_call").cause()).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo("{\"error\":\"Violated guardrail policy\",\"detection_message\":\"Tool 'Read' denied by default action\"}");
            assertThat(e.block()).isNotNull();
        });
        ChatRequest kept = guard(rules + "on_disallowed_action: rewrite\n").input(CTX, r, "pre_call").result();
        assertThat(kept.tools()).extracting(Tool::name).containsExactly("Bash");
    }

    @Test
    void onTheAnswerADeniedCallIsRewrittenIntoTheText() {
        ChatResponse a = new ChatResponse("id", 0, "m", List.of(new Choice(0, new Message(Role.ASSISTANT, List.of(), null,
                List.of(call("Read", "{}"), new ToolCall("call_2", "Bash", "{}")), null, null, null), FinishReason.TOOL_CALLS, null)),
                null, null, null);
        ToolPermissionGuardrail g = guard("""
                rules: [{id: ok, tool_name: Bash, decision: allow}, {id: no_read, tool_name: Read, decision: deny}]
                on_disallowed_action: rewrite
                """);
        ChatResponse out = g.output(CTX, null, a).result();
        Message m = out.choices().get(0).message();
        assertThat(m.toolCalls()).extracting(ToolCall::name).containsExactly("Bash");
        assertThat(m.textContent()).isEqualTo("Permission denied: Tool 'Read' denied by rule 'no_read' (Rule: no_read)");
        assertThat(out.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS); // a call is left
        assertThat(guard("rules: [{id: no_read, tool_name: Read, decision: deny}]").output(CTX, null, a).cause().getMessage())
                .isEqualTo("Guardrail raised an exception, Guardrail: tp, Message: Tool 'Read' denied by rule 'no_read'");
    }
}
