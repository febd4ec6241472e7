package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.CannedUpstream;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole answer whose finish reason says the generation failed (Mistral's and OpenRouter's {@code error}, DeepSeek's
 * {@code insufficient_system_resource}) is a failure the router retries or falls back from, but the provider bills it
 * with the usage it reported: the attempt's ledger row carries that price, and the key's budget is charged it, whether
 * a fallback then served the call or the call failed. Before, the attempt was recorded at $0 and the budget charged
 * only the answer that served.
 */
class BilledFailedAttemptIT {
    static CannedUpstream up;
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        up = CannedUpstream.start();
        gw = TestGateway.start("""
                model_list:
                  - model_name: flaky
                    litellm_params: { model: mistral/mistral-small-latest, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                  - model_name: flaky-alone
                    litellm_params: { model: deepseek/deepseek-chat, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                  - model_name: steady
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                  fallbacks: [{ flaky: [steady] }]
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(up.rootUrl()));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() {
        gw.close();
        up.close();
    }

    /** A 200 answer that failed: 1,000 prompt and 500 completion tokens billed, $0.002 at the prices above. */
    private static String failedAnswer(String finish) {
        return "{\"id\":\"cmpl-f\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"half an ans\"},\"finish_reason\":\"" + finish + "\"}],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}";
    }

    private static HttpResponse<String> chat(String key, String model, String tag) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"" + model + "\",\"user\":\"erin\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + tag + "\"}]}");
    }

    /** The cost counter of an alias and key on /metrics, 0 when it has no series. */
    private static double costMetric(String model, String keyAlias) {
        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("switchboard_cost_usd_total{") && line.contains("key=\"" + keyAlias + "\"")
                    && line.contains("model=\"" + model + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The ledger rows, every attempt, of the call that answered {@code r}, among those charged to {@code key}. */
    private static List<JsonObject> rows(JsonObject key, HttpResponse<String> r) {
        return admin.ledgerRows(r, "key=" + key.getString("key_id"));
    }

    private static BigDecimal spend(JsonObject row) { return new BigDecimal(row.getValue("spend").toString()); }

    @Test
    void aFailedGenerationThatAFallbackReplacedIsChargedBesideIt() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "billed-fallback").put("max_budget", 5));
        String tag = up.json(200, failedAnswer("error"));
        HttpResponse<String> r = chat(k.getString("key"), "flaky", tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        List<JsonObject> rows = rows(k, r);
        assertThat(rows).hasSize(2);
        JsonObject failed = rows.stream().filter(o -> o.getInteger("attempt") == 1).findFirst().orElseThrow();
        assertThat(failed.getString("deployment")).isEqualTo("mistral/mistral-small-latest");
        assertThat(failed.getInteger("status")).isEqualTo(502);
        assertThat(failed.getLong("prompt_tokens")).isEqualTo(1000);
        assertThat(failed.getLong("completion_tokens")).isEqualTo(500);
        assertThat(spend(failed)).as(failed.encode()).isEqualByComparingTo("0.002");
        assertThat(failed.getString("end_user")).as("the call's end user, as its own row's").isEqualTo("erin");
        JsonObject served = rows.stream().filter(o -> o.getInteger("attempt") == 0).findFirst().orElseThrow();
        assertThat(spend(served)).isPositive();
        // the key's spend is every row's, and so is what the answer says the call cost
        BigDecimal charged = spend(served).add(spend(failed));
        assertThat(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isEqualByComparingTo(charged);
        assertThat(new BigDecimal(new JsonObject(r.body()).getJsonObject("usage").getValue("cost").toString())).isEqualByComparingTo(charged);
        assertThat(new BigDecimal(admin.info(k.getString("key")).getValue("spend").toString())).isEqualByComparingTo(charged);
        // the metrics count the billed attempt with the answer, under the alias the client asked for
        assertThat(costMetric("flaky", "billed-fallback")).isEqualTo(charged.doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aCallWhoseOnlyAttemptFailedThatWayIsChargedWhatTheProviderBilled() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "billed-alone").put("max_budget", 5));
        String tag = up.json(200, failedAnswer("insufficient_system_resource"));
        HttpResponse<String> r = chat(k.getString("key"), "flaky-alone", tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        List<JsonObject> rows = rows(k, r);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getInteger("attempt")).isEqualTo(1);
        assertThat(spend(rows.get(0))).isEqualByComparingTo("0.002");
        assertThat(new BigDecimal(admin.info(k.getString("key")).getValue("spend").toString())).isEqualByComparingTo("0.002");
        assertThat(rows.get(0).getString("end_user")).isEqualTo("erin");
        assertThat(costMetric("flaky-alone", "billed-alone")).isEqualTo(0.002, org.assertj.core.data.Offset.offset(1e-9));
    }

    /**
     * A stream whose finish reason says the generation failed, followed by its usage chunk (OpenAI's order): the
     * client gets the error event, never [DONE], and the ledger prices the provider's usage, not the estimate.
     */
    @Test
    void aStreamThatFailedThatWayIsChargedTheUsageItsProviderSent() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "billed-stream").put("max_budget", 5));
        String chunk = "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n";
        String tag = up.sse(chunk.formatted("{\"role\":\"assistant\",\"content\":\"half an ans\"}", "null")
                + chunk.formatted("{}", "\"error\"")
                + "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}\n\n"
                + "data: [DONE]\n\n");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", k.getString("key"), "{\"model\":\"flaky-alone\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
        assertThat(r.body()).contains("half an ans").contains("finish_reason 'error'").doesNotContain("[DONE]");
        List<JsonObject> rows = rows(k, r);
        JsonObject row = rows.stream().filter(o -> o.getInteger("attempt") == 0).findFirst().orElseThrow();
        assertThat(row.getInteger("status")).isEqualTo(502);
        assertThat(row.getBoolean("usage_estimated")).as(row.encode()).isFalse();
        assertThat(row.getLong("completion_tokens")).isEqualTo(500);
        assertThat(spend(row)).isEqualByComparingTo("0.002");
    }

    @Test
    void aPlainUpstreamFailureStillCostsNothing() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "unbilled"));
        String tag = up.json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
        HttpResponse<String> r = chat(k.getString("key"), "flaky-alone", tag);
        assertThat(r.statusCode()).isEqualTo(502);
        List<JsonObject> rows = rows(k, r);
        assertThat(rows).hasSize(1);
        assertThat(spend(rows.get(0))).isZero();
        assertThat(admin.info(k.getString("key")).getDouble("spend")).isZero();
    }
}
