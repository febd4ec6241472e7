package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.OpenAiCompatibleWire.answer;
import static dev.switchboard.it.conformance.OpenAiCompatibleWire.chunk;
import static dev.switchboard.it.conformance.OpenAiCompatibleWire.chunks;
import static dev.switchboard.it.conformance.OpenAiCompatibleWire.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.CannedGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The long tail's usage and cost as each service writes them on the wire (a canned upstream plays the exact bytes its
 * docs give), through a real socket, into the ledger, the headers and every dialect: xAI's reasoning tokens outside
 * {@code completion_tokens}, Perplexity's and OpenRouter's own {@code usage.cost}, Groq's stream usage in
 * {@code x_groq.usage}.
 */
class LongTailUsageIT {
    static CannedGateway env;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: grok
                    litellm_params: { model: xai/grok-3-mini, api_base: "%1$s/v1", api_key: sk-xai-test-9f8e7d6c }
                    model_info: { input_cost_per_token: 0.0000003, output_cost_per_token: 0.0000005 }
                  - model_name: pplx
                    litellm_params: { model: perplexity/sonar, api_base: "%1$s", api_key: sk-pplx-test-9f8e7d6c }
                  - model_name: or-new
                    litellm_params: { model: openrouter/newvendor/brand-new-model, api_base: "%1$s/api/v1", api_key: sk-or-test-9f8e7d6c }
                  - model_name: groq
                    litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: "%1$s/openai/v1", api_key: sk-groq-test-9f8e7d6c }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    private static String cost(HttpResponse<String> r) { return r.headers().firstValue("x-switchboard-cost").orElseThrow(); }

    // ---- xAI (D2) ----

    /** xAI: 11 reasoning tokens outside the 7 completion tokens, inside the total of 41 (docs.x.ai). */
    private static final String XAI_USAGE = "{\"prompt_tokens\":23,\"completion_tokens\":7,\"total_tokens\":41,"
            + "\"prompt_tokens_details\":{\"text_tokens\":23,\"audio_tokens\":0,\"image_tokens\":0,\"cached_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":11,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
            + "\"rejected_prediction_tokens\":0},\"num_sources_used\":0}";

    @Test
    void xaiReasoningTokensAreBilledAsOutputInTheLedgerAndEveryDialect() {
        String tag = env.up().json(200, answer("6b1c0f6e-xai", "grok-3-mini", XAI_USAGE));
        HttpResponse<String> r = env.chat("grok", tag, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        assertThat(usage.getInteger("completion_tokens")).as(usage.encode()).isEqualTo(18);
        assertThat(usage.getInteger("total_tokens")).isEqualTo(41);
        assertThat(usage.getJsonObject("completion_tokens_details").getInteger("reasoning_tokens")).isEqualTo(11);
        // 23 × $0.30/M + (7 + 11) × $0.50/M
        assertThat(cost(r)).isEqualTo("0.0000159");
        JsonObject row = env.ledgerRow(r);
        assertThat(row.getLong("completion_tokens")).as(row.encode()).isEqualTo(18);
        assertThat(row.getLong("reasoning_tokens")).isEqualTo(11);
        assertThat(row.getDouble("spend")).isEqualTo(0.0000159);

        HttpResponse<String> a = env.messages("grok", tag, false);
        assertThat(new JsonObject(a.body()).getJsonObject("usage").getInteger("output_tokens")).as(a.body()).isEqualTo(18);

        String stream = env.up().sse(chunk("s1", "grok-3-mini", "{\"role\":\"assistant\",\"reasoning_content\":\"hm\"}", null, null)
                + chunk("s1", "grok-3-mini", "{\"content\":\"Hi\"}", null, null)
                + chunk("s1", "grok-3-mini", "{}", "stop", null)
                + "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"grok-3-mini\","
                + "\"choices\":[],\"usage\":" + XAI_USAGE + "}\n\ndata: [DONE]\n\n");
        HttpResponse<String> s = env.chat("grok", stream, true);
        assertThat(usageChunk(s.body()).getInteger("completion_tokens")).isEqualTo(18);
        assertThat(env.ledgerRow(s).getDouble("spend")).isEqualTo(0.0000159);
    }

    /** A server that puts the reasoning inside the completion after all (total = prompt + completion) is read as OpenAI. */
    @Test
    void xaiReasoningAlreadyInsideTheCompletionIsNotCountedTwice() {
        String tag = env.up().json(200, answer("6b1c0f6e-xai2", "grok-3-mini", "{\"prompt_tokens\":23,\"completion_tokens\":18,"
                + "\"total_tokens\":41,\"completion_tokens_details\":{\"reasoning_tokens\":11}}"));
        HttpResponse<String> r = env.chat("grok", tag, false);
        assertThat(new JsonObject(r.body()).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(18);
        assertThat(env.ledgerRow(r).getDouble("spend")).isEqualTo(0.0000159);
    }

    // ---- Perplexity (D3) ----

    private static final String PPLX_USAGE = "{\"prompt_tokens\":23,\"completion_tokens\":7,\"total_tokens\":30,"
            + "\"search_context_size\":\"low\",\"citation_tokens\":120,\"num_search_queries\":1,"
            + "\"cost\":{\"input_tokens_cost\":0.00002,\"output_tokens_cost\":0.00001,\"request_cost\":0.005,\"total_cost\":0.00503}}";

    @Test
    void perplexityIsBilledItsOwnTotalWithTheRequestFeeAndItsCostObjectReachesTheClient() {
        String tag = env.up().json(200, answer("pplx-1", "sonar", PPLX_USAGE).replace("\"choices\"",
                "\"citations\":[\"https://example.com/a\"],\"choices\""));
        HttpResponse<String> r = env.chat("pplx", tag, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(cost(r)).isEqualTo("0.00503");
        JsonObject row = env.ledgerRow(r);
        assertThat(row.getDouble("spend")).as(row.encode()).isEqualTo(0.00503);
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        assertThat(usage.getJsonObject("cost").getDouble("request_cost")).as(usage.encode()).isEqualTo(0.005);
        assertThat(usage.getJsonObject("cost").getDouble("total_cost")).isEqualTo(0.00503);
        assertThat(usage.getString("search_context_size")).isEqualTo("low");
        assertThat(usage.getInteger("citation_tokens")).isEqualTo(120);
        assertThat(usage.getInteger("num_search_queries")).isEqualTo(1);

        // streamed: the running usage on every chunk, the cost object with the last
        String running = "{\"prompt_tokens\":23,\"completion_tokens\":2,\"total_tokens\":25,\"search_context_size\":\"low\","
                + "\"cost\":{\"input_tokens_cost\":0.00002,\"output_tokens_cost\":0.0,\"request_cost\":0.005,\"total_cost\":0.00502}}";
        String stream = env.up().sse(chunk("p1", "sonar", "{\"role\":\"assistant\",\"content\":\"Hel\"}", null, "\"usage\":" + running)
                + chunk("p1", "sonar", "{\"content\":\"lo\"}", "stop", "\"usage\":" + PPLX_USAGE) + "data: [DONE]\n\n");
        HttpResponse<String> s = env.chat("pplx", stream, true);
        assertThat(usageChunk(s.body()).getJsonObject("cost").getDouble("total_cost")).as(s.body()).isEqualTo(0.00503);
        assertThat(env.ledgerRow(s).getDouble("spend")).isEqualTo(0.00503);
    }

    // ---- OpenRouter (D7) ----

    @Test
    void openRouterIsBilledWhatItChargedEvenForAModelTheCatalogLacks() {
        String tag = env.up().json(200, answer("gen-1", "newvendor/brand-new-model", "{\"prompt_tokens\":23,\"completion_tokens\":7,"
                + "\"total_tokens\":30,\"cost\":0.0042,\"is_byok\":false,\"prompt_tokens_details\":{\"cached_tokens\":0},"
                + "\"cost_details\":{\"upstream_inference_cost\":null}}"));
        HttpResponse<String> r = env.chat("or-new", tag, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(cost(r)).isEqualTo("0.0042");
        JsonObject row = env.ledgerRow(r);
        assertThat(row.getDouble("spend")).as(row.encode()).isEqualTo(0.0042);
        assertThat(row.getBoolean("priced")).isTrue();
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        assertThat(usage.getDouble("cost")).isEqualTo(0.0042);
        assertThat(usage.getBoolean("is_byok")).isFalse();
        assertThat(usage.getJsonObject("cost_details")).isNotNull();
    }

    /** BYOK: OpenRouter's cost is its fee only; the user's own key paid upstream_inference_cost, which the ledger adds. */
    @Test
    void openRouterByokCallsAreBilledTheFeeAndTheUpstreamCost() {
        String tag = env.up().json(200, answer("gen-2", "newvendor/brand-new-model", "{\"prompt_tokens\":23,\"completion_tokens\":7,"
                + "\"total_tokens\":30,\"cost\":0.0002,\"is_byok\":true,\"cost_details\":{\"upstream_inference_cost\":0.004}}"));
        HttpResponse<String> r = env.chat("or-new", tag, false);
        assertThat(env.ledgerRow(r).getDouble("spend")).isEqualTo(0.0042);
        assertThat(new JsonObject(r.body()).getJsonObject("usage").getDouble("cost")).as("OpenRouter's own field, as sent").isEqualTo(0.0002);

        String stream = env.up().sse(": OPENROUTER PROCESSING\n\n"
                + chunk("gen-3", "newvendor/brand-new-model", "{\"role\":\"assistant\",\"content\":\"Hi\"}", null, null)
                + chunk("gen-3", "newvendor/brand-new-model", "{}", "stop", null)
                + "data: {\"id\":\"gen-3\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"newvendor/brand-new-model\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":23,\"completion_tokens\":7,\"total_tokens\":30,\"cost\":0.0042}}\n\n"
                + "data: [DONE]\n\n");
        HttpResponse<String> s = env.chat("or-new", stream, true);
        assertThat(usageChunk(s.body()).getDouble("cost")).isEqualTo(0.0042);
        assertThat(env.ledgerRow(s).getDouble("spend")).isEqualTo(0.0042);
    }

    // ---- Groq (D6) ----

    private static String groqStream(String xGroqUsage, String topLevelUsage) {
        return env.up().sse(chunk("g1", "llama-3.3-70b-versatile", "{\"role\":\"assistant\",\"content\":\"\"}", null,
                "\"x_groq\":{\"id\":\"req_01abc\"}")
                + chunk("g1", "llama-3.3-70b-versatile", "{\"content\":\"Hello\"}", null, null)
                + chunk("g1", "llama-3.3-70b-versatile", "{}", "stop", "\"x_groq\":{\"id\":\"req_01abc\",\"usage\":" + xGroqUsage + "}")
                + (topLevelUsage == null ? "" : "data: {\"id\":\"g1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                        + "\"model\":\"llama-3.3-70b-versatile\",\"choices\":[],\"usage\":" + topLevelUsage + "}\n\n")
                + "data: [DONE]\n\n");
    }

    @Test
    void groqStreamsAreMeteredAtTheUsageInXGroq() {
        String tag = groqStream("{\"queue_time\":0.01,\"prompt_tokens\":23,\"prompt_time\":0.002,\"completion_tokens\":7,"
                + "\"completion_time\":0.02,\"total_tokens\":30,\"total_time\":0.03}", null);
        HttpResponse<String> s = env.chat("groq", tag, true);
        assertThat(s.body()).endsWith("data: [DONE]\n\n");
        JsonObject usage = usageChunk(s.body());
        assertThat(usage.getInteger("prompt_tokens")).as(s.body()).isEqualTo(23);
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(7);
        JsonObject row = env.ledgerRow(s);
        assertThat(row.getBoolean("usage_estimated")).as(row.encode()).isFalse();
        assertThat(row.getLong("prompt_tokens")).isEqualTo(23);
        assertThat(row.getLong("completion_tokens")).isEqualTo(7);
        assertThat(row.getDouble("spend")).isEqualTo(0.000037);
        // a Groq that also sends the top-level usage chunk: that one counts, and the client gets one usage chunk
        HttpResponse<String> both = env.chat("groq", groqStream("{\"prompt_tokens\":23,\"completion_tokens\":7,\"total_tokens\":30}",
                "{\"prompt_tokens\":23,\"completion_tokens\":9,\"total_tokens\":32}"), true);
        assertThat(usageChunk(both.body()).getInteger("completion_tokens")).isEqualTo(9);
        assertThat(env.ledgerRow(both).getLong("completion_tokens")).isEqualTo(9);
    }
}
