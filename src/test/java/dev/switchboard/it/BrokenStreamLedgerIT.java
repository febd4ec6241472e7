package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream that breaks upstream after its first byte is a ledger attempt row like any other failed attempt (numbered
 * after the attempts before it, with the provider's status and the error type, at cost 0), while its tokens and cost
 * stay on the call's own row 0 alone: the key's spend, the report's totals and the rows' sum agree. A served stream still
 * has its one row. And a request that failed on every attempt names its route in the request log, as its root span does.
 */
class BrokenStreamLedgerIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        // one deployment per case, so the report's group per deployment is the case's alone
        gw = TestGateway.start(pricedSimModels("brk", "usage", "first", "then", "ok", "gone", "gone-too", "lone") + """
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                  fallbacks: [{ first: [then] }, { gone: [gone-too] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    /** Simulator deployments {@code openai/<alias>-ledger}, each with a price of its own (a made-up model has none). */
    private static String pricedSimModels(String... aliases) {
        StringBuilder sb = new StringBuilder("model_list:\n");
        for (String a : aliases) {
            sb.append("  - model_name: ").append(a).append("\n    litellm_params: { model: openai/").append(a)
                    .append("-ledger, api_base: \"${SIM}\", api_key: os.environ/PROVIDER_KEY, input_cost_per_token: 0.000001, ")
                    .append("output_cost_per_token: 0.000002 }\n");
        }
        return sb.toString();
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> stream(String key, String alias, String prompt) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"" + alias + "\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
    }

    /** The call's ledger rows once {@code n} are written, by attempt number (0, the call's own, first). */
    private static List<JsonObject> rows(HttpResponse<String> r, String key, int n) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> admin.ledgerRows(r, "key=" + key), rows -> rows.size() >= n)
                .stream().sorted(Comparator.comparingInt(o -> o.getInteger("attempt"))).toList();
    }

    private static BigDecimal spend(JsonObject o) { return new BigDecimal(o.getValue("spend").toString()); }

    private static JsonObject group(String deployment) {
        return admin.getOk("/global/spend/report?group_by=model").getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("group").equals(deployment)).findFirst().orElseThrow();
    }

    @Test
    void aStreamBrokenAfterItsFirstByteIsAnAttemptRowAtNoCostBesideTheCallsPricedRow() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "broken-stream"));
        gw.simulator.enqueue("brk-ledger", SimBehaviour.cutAfter(2));
        HttpResponse<String> r = stream(k.getString("key"), "brk", "stream me a few words please");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("[DONE]");

        List<JsonObject> rows = rows(r, k.getString("key_id"), 2);
        assertThat(rows).extracting(o -> o.getInteger("attempt")).containsExactly(0, 1);
        JsonObject call = rows.get(0), attempt = rows.get(1);
        // the call's own row as before: the status the client saw, the estimate of what streamed, priced
        assertThat(call.getInteger("status")).isEqualTo(502);
        assertThat(call.getBoolean("usage_estimated")).isTrue();
        assertThat(call.getString("route")).isEqualTo("primary");
        assertThat(spend(call)).isPositive();
        // the broken attempt: a failed attempt's row, as a 500 before the answer gets
        assertThat(attempt.getString("call_type")).isEqualTo("attempt");
        assertThat(attempt.getString("deployment")).isEqualTo("openai/brk-ledger");
        assertThat(attempt.getInteger("status")).isEqualTo(502);
        assertThat(attempt.getString("error_type")).isNotBlank();
        assertThat(spend(attempt)).isZero();
        assertThat(attempt.getLong("prompt_tokens") + attempt.getLong("completion_tokens")).isZero();
        assertThat(attempt.getLong("latency_ms")).isNotNull();

        // counted once: the key's spend is the call's row's, the report has one request and one failed attempt
        assertThat(new BigDecimal(admin.info(k.getString("key")).getValue("spend").toString())).isEqualByComparingTo(spend(call));
        JsonObject g = group("openai/brk-ledger");
        assertThat(g.getLong("requests")).isEqualTo(1);
        assertThat(g.getLong("failed_attempts")).isEqualTo(1);
        assertThat(new BigDecimal(g.getValue("spend").toString())).isEqualByComparingTo(spend(call));
        assertThat(g.getLong("prompt_tokens")).isEqualTo(call.getLong("prompt_tokens"));
    }

    @Test
    void aStreamBrokenAfterTheProvidersUsageKeepsThatUsageOnTheCallsRowOnly() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "usage-then-break"));
        String prompt = "usage then a cut";
        String events = Http.post(gw.simulator.baseUrl() + "/chat/completions", TestGateway.PROVIDER_KEY, "{\"model\":\"usage-ledger\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}").body();
        int count = events.split("\ndata: |^data: ", -1).length - 1;
        gw.simulator.enqueue("usage-ledger", SimBehaviour.cutAfter(count - 1)); // every event but [DONE]: the usage passed
        HttpResponse<String> r = stream(k.getString("key"), "usage", prompt);
        assertThat(r.body()).contains("\"usage\":{").doesNotContain("[DONE]");

        List<JsonObject> rows = rows(r, k.getString("key_id"), 2);
        assertThat(rows).extracting(o -> o.getInteger("attempt")).containsExactly(0, 1);
        JsonObject call = rows.get(0), attempt = rows.get(1);
        assertThat(call.getBoolean("usage_estimated")).as("the provider's usage").isFalse();
        assertThat(call.getLong("prompt_tokens")).isPositive();
        assertThat(spend(call)).isPositive();
        assertThat(attempt.getInteger("status")).isEqualTo(502);
        assertThat(spend(attempt)).isZero();
        assertThat(attempt.getLong("prompt_tokens")).isZero();
        assertThat(new BigDecimal(admin.info(k.getString("key")).getValue("spend").toString())).isEqualByComparingTo(spend(call));
    }

    /** After a fallback, the broken attempt is numbered after the one that failed before it, and names its own deployment. */
    @Test
    void aBrokenStreamAfterAFallbackIsTheNextAttemptNumber() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "fallback-then-break"));
        gw.simulator.enqueue("first-ledger", SimBehaviour.status(500));
        gw.simulator.enqueue("then-ledger", SimBehaviour.cutAfter(2));
        HttpResponse<String> r = stream(k.getString("key"), "first", "fall back then break");
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");

        List<JsonObject> rows = rows(r, k.getString("key_id"), 3);
        assertThat(rows).extracting(o -> o.getInteger("attempt")).containsExactly(0, 1, 2);
        assertThat(rows).extracting(o -> o.getString("deployment"))
                .containsExactly("openai/then-ledger", "openai/first-ledger", "openai/then-ledger");
        assertThat(rows).extracting(o -> o.getInteger("status")).containsExactly(502, 500, 502);
        assertThat(rows.get(0).getString("route")).isEqualTo("fallback:error");
        assertThat(spend(rows.get(1))).isZero();
        assertThat(spend(rows.get(2))).isZero();
    }

    @Test
    void aServedStreamStillHasItsOneRow() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "served-stream"));
        HttpResponse<String> r = stream(k.getString("key"), "ok", "all of it please");
        assertThat(r.body()).contains("[DONE]");
        JsonObject call = rows(r, k.getString("key_id"), 1).get(0);
        assertThat(call.getInteger("status")).isEqualTo(200);
        assertThat(admin.ledgerRows(r, "key=" + k.getString("key_id"))).hasSize(1);
        assertThat(group("openai/ok-ledger").getLong("failed_attempts")).isZero();
    }

    /** Every attempt failed: the log-only row names the route of the last attempt, as the root span and the ledger do. */
    @Test
    void aFailedRequestsLogRowNamesTheRouteOfItsLastAttempt() {
        gw.simulator.enqueue("gone-ledger", SimBehaviour.status(500));
        gw.simulator.enqueue("gone-too-ledger", SimBehaviour.status(500));
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gone\",\"messages\":[{\"role\":\"user\",\"content\":\"nobody answers\"}]}");
        assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
        String id = Admin.requestId(r);
        JsonObject logged = await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> got = Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY);
            return got.statusCode() == 200 ? new JsonObject(got.body()) : null;
        }, java.util.Objects::nonNull);
        assertThat(logged.getString("deployment")).isEqualTo("openai/gone-too-ledger");
        assertThat(logged.getString("route")).as(logged.encode()).isEqualTo("fallback:error");
        // and the log's route filter finds it
        assertThat(admin.getOk("/logs?route=fallback:error&model=gone").encode()).contains(id);

        // a failure on the primary alone says primary
        gw.simulator.enqueue("lone-ledger", SimBehaviour.status(500));
        HttpResponse<String> p = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"lone\",\"messages\":[{\"role\":\"user\",\"content\":\"primary fails\"}]}");
        assertThat(p.statusCode()).isGreaterThanOrEqualTo(500);
        JsonObject primary = await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> got = Http.get(gw.baseUrl() + "/logs/" + Admin.requestId(p), TestGateway.MASTER_KEY);
            return got.statusCode() == 200 ? new JsonObject(got.body()) : null;
        }, java.util.Objects::nonNull);
        assertThat(primary.getString("route")).isEqualTo("primary");
    }
}
