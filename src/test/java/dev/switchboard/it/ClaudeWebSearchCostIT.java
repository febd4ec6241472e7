package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.CannedUpstream;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claude's web searches cost $10 a thousand beside the tokens ({@code usage.server_tool_use.web_search_requests}):
 * priced on the ledger row, the answer's cost and the key's budget, streamed and not, at a deployment's own
 * {@code search_context_cost_per_query} where it has one; and a request with a web search tool reserves for its
 * {@code max_uses}. Before, every search cost $0 (QA of the twentieth session, finding 1: $0.00105 for a $0.01105 call).
 */
class ClaudeWebSearchCostIT {
    static CannedGateway env;
    static CannedUpstream up;
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: claude-own-price
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                    model_info: { search_context_cost_per_query: { search_context_size_low: 0.01, search_context_size_medium: 0.025 } }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        up = env.up();
        gw = env.gw();
        admin = env.admin();
    }

    @AfterAll
    static void stop() { env.close(); }

    /** 100 prompt and 50 output tokens ($0.00105 at $3 / $15 a million) and {@code searches} web searches. */
    private static String answer(int searches) {
        return """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
                 {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"weather paris"}},
                 {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},
                 {"type":"text","text":"Sunny."}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":100,"output_tokens":50,"server_tool_use":{"web_search_requests":%d}}}""".formatted(searches);
    }

    private static HttpResponse<String> messages(String alias, String tag, boolean stream, String key, String tools) {
        return Http.post(gw.baseUrl() + "/v1/messages", key, "{\"model\":\"" + alias + "\",\"max_tokens\":50,\"stream\":" + stream
                + (tools == null ? "" : ",\"tools\":" + tools)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    private static BigDecimal spend(JsonObject row) { return new BigDecimal(row.getValue("spend").toString()); }

    @Test
    void aSearchIsChargedBesideTheTokens() {
        HttpResponse<String> r = messages("claude", up.json(200, answer(2)), false, TestGateway.MASTER_KEY, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isEqualByComparingTo("0.02105");
        assertThat(new JsonObject(r.body()).getJsonObject("usage").getJsonObject("server_tool_use").getInteger("web_search_requests"))
                .isEqualTo(2);
        assertThat(spend(admin.ledgerRow(r))).isEqualByComparingTo("0.02105");
    }

    @Test
    void aStreamsSearchesAreChargedFromItsLastUsage() {
        String events = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Sunny."}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":50,"server_tool_use":{"web_search_requests":1}}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        HttpResponse<String> r = messages("claude", up.sse(events), true, TestGateway.MASTER_KEY, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"web_search_requests\":1");
        assertThat(spend(admin.ledgerRow(r))).isEqualByComparingTo("0.01105");
    }

    @Test
    void aDeploymentsOwnSearchPriceWins() {
        HttpResponse<String> r = messages("claude-own-price", up.json(200, answer(1)), false, TestGateway.MASTER_KEY, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(spend(admin.ledgerRow(r))).isEqualByComparingTo("0.02605");
    }

    @Test
    void aKeysBudgetIsChargedTheSearchesAndReservesForMaxUses() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "searcher").put("max_budget", 0.03));
        String key = k.getString("key");
        // the searches' reservation: 5 × $0.01 is more than the key has, whatever the tokens
        HttpResponse<String> refused = messages("claude", up.json(200, answer(1)), false, key,
                "[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":5}]");
        assertThat(refused.statusCode()).as(refused.body()).isBetween(400, 429);
        assertThat(refused.body()).containsIgnoringCase("budget");
        // two searches allowed: reserved and charged
        HttpResponse<String> r = messages("claude", up.json(200, answer(2)), false, key,
                "[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":2}]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new BigDecimal(admin.info(key).getValue("spend").toString())).isEqualByComparingTo("0.02105");
    }
}
