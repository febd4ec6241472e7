package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A budget's worst case judges the request before the guardrails run (the spend stage is outside the guardrail stage),
 * so it must not pass over a refusing fallback when a pre_call guardrail may still rewrite the request: here a tool
 * loop with {@code tool_choice: "none"}, which Bedrock's Claude refuses (Converse has no "none"), loses its only tool
 * to a rewriting tool_permission guardrail, and with it the choice; gpt-4o-mini failing, Opus on Bedrock takes the
 * rewritten request. Reserving for gpt-4o-mini alone ($0.0006 for 1,000 tokens) let a $0.003 key spend Opus's $0.075.
 */
@ExtendWith(GatewayPerClass.class)
class RewritingGuardrailReservationIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: opus
                    litellm_params: { model: bedrock/anthropic.claude-opus-4-1-20250805-v1:0, ${SIM_BEDROCK} }
                router_settings:
                  num_retries: 0
                  fallbacks: [{ cheap: [opus] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                guardrails:
                  - guardrail_name: no-x
                    litellm_params:
                      guardrail: tool_permission
                      mode: pre_call
                      default_on: true
                      on_disallowed_action: rewrite
                      rules: [{ id: deny_x, tool_name: x, decision: deny }]
                      default_action: allow
                """);
    }

    private static final String TOOL_LOOP = """
            {"model":"cheap","max_tokens":1000,"tool_choice":"none",
             "tools":[{"type":"function","function":{"name":"x","parameters":{"type":"object"}}}],
             "messages":[{"role":"user","content":"hi"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"x","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"c1","content":"done"}]}""";

    @Test
    void aFallbackRefusingAFieldAGuardrailMayRewriteIsReservedFor() {
        String key = new dev.switchboard.support.Admin(gw).generate(new JsonObject().put("key_alias", "guarded-budget")
                .put("max_budget", 0.003)).getString("key");
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
        int before = gw.simulator.received().size();
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, TOOL_LOOP);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).contains("could cost up to");
        assertThat(gw.simulator.received().size()).as("nothing called").isEqualTo(before);
    }

    /** The master key (no budget) shows the way the money would have gone: the rewritten request served by Opus. */
    @Test
    void withoutABudgetTheRewrittenRequestIsServedByTheFallback() {
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, TOOL_LOOP);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-model").orElse("")).contains("claude-opus-4-1");
    }
}
