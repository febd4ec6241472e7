package dev.switchboard.pipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A request's {@code guardrails} is parsed once: the spend stage's worst case (Guardrails#preCallRuns) keeps the parse
 * on the request's context and the guardrail stage's plan reads it from there (it parsed the list a second time before).
 */
class GuardrailsParsedOnceTest {
    private static List<GuardrailConfig> configs() {
        return new ConfigLoader(name -> null).parse("""
                model_list:
                  - model_name: m
                    litellm_params: {model: mock/m}
                guardrails:
                  - guardrail_name: tp
                    litellm_params:
                      guardrail: tool_permission
                      mode: pre_call
                  - guardrail_name: later
                    litellm_params:
                      guardrail: tool_permission
                      mode: post_call
                """).guardrails();
    }

    private static ChatRequest asking(String... names) {
        var list = JsonNodeFactory.instance.arrayNode();
        for (String n : names) list.add(n);
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null, null, null,
                null, null, null, false, false, Map.<String, JsonNode>of("guardrails", list));
    }

    @Test
    void theWorstCasesParseIsTheOneThePlanReads() {
        List<GuardrailConfig> configs = configs();
        var runs = Guardrails.preCallRuns(configs);
        Set<String> names = Set.copyOf(configs.stream().map(GuardrailConfig::name).toList());
        CallContext ctx = new CallContext("r1", Caller.MASTER, 0, Map.of());
        ChatRequest r = asking("tp");
        assertThat(runs.test(ctx, r)).isTrue();
        Set<String> parsed = Requested.of(ctx, r, names);
        assertThat(parsed).containsExactly("tp");
        assertThat(Requested.of(ctx, r, new java.util.LinkedHashSet<>(names))).as("the same parse, not a second one").isSameAs(parsed);
        // another request on the context (other fields): parsed anew
        ChatRequest other = asking("later");
        assertThat(runs.test(ctx, other)).isFalse();
        assertThat(Requested.of(ctx, other, names)).containsExactly("later").isNotSameAs(parsed);
        // without a context: parsed each time, as before
        assertThat(Requested.of(null, r, names)).isNotSameAs(Requested.of(null, r, names)).containsExactly("tp");
    }

    @Test
    void anUnknownNameIsRefusedByThePlanAsBeforeFromTheKeptParse() {
        List<GuardrailConfig> configs = configs();
        Set<String> names = Set.copyOf(configs.stream().map(GuardrailConfig::name).toList());
        CallContext ctx = new CallContext("r2", Caller.MASTER, 0, Map.of());
        ChatRequest typo = asking("tpp");
        assertThat(Guardrails.preCallRuns(configs).test(ctx, typo)).as("counts as guarded").isTrue();
        GatewayException first = null;
        try {
            Requested.of(ctx, typo, names);
        } catch (GatewayException e) {
            first = e;
        }
        assertThat(first).isNotNull();
        assertThat(first.getMessage()).contains("Guardrail 'tpp' is not configured");
        GatewayException kept = first;
        assertThatThrownBy(() -> Requested.of(ctx, typo, names)).isSameAs(kept);
    }

    /** Most requests ask for no guardrail: the plan answers them without a parse record kept on the context (hot path). */
    @Test
    void aRequestAskingForNoneKeepsNothingOnItsContext() {
        Set<String> names = Set.of("tp", "later");
        CallContext ctx = new CallContext("r3", Caller.MASTER, 0, Map.of());
        ChatRequest none = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), null, null, null, null, null, null, null,
                null, null, null, null, null, false, false, Map.<String, JsonNode>of());
        assertThat(Requested.of(ctx, none, names)).isEmpty();
        assertThat(ctx.attached(Requested.PARSED)).isNull();
        assertThat(Requested.of(ctx, asking("tp"), names)).containsExactly("tp");
        assertThat(ctx.attached(Requested.PARSED)).as("one that asks is still kept").isNotNull();
    }
}
