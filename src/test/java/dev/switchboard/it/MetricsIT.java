package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics after known traffic: the Prometheus text, parsed, holds exactly what the traffic did and what the ledger says. */
class MetricsIT {
    static TestGateway gw;
    static String metrics;
    static String keyAlias = "metrics-app";
    static String virtualKey;
    static JsonObject spendReport;
    static double savedByHits;

    @BeforeAll
    static void trafficThenScrape() {
        gw = TestGateway.start(TestGateway.simModels("primary=primary-model", "backup=backup-model") + """
                  - model_name: cached
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, cache: true }
                  - model_name: priced
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: "wild-*"
                    litellm_params: { model: "openai/*", api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 0
                  cooldown_time: 600
                  fallbacks: [{ primary: [backup] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        String cacheMe = "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\"what is two plus two\"}]}";
        for (int i = 0; i < 3; i++) assertThat(post(TestGateway.MASTER_KEY, cacheMe).statusCode()).isEqualTo(200); // miss, hit, hit
        assertThat(post(TestGateway.MASTER_KEY, "{\"model\":\"cached\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"count to five\"}]}").statusCode()).isEqualTo(200);
        HttpResponse<String> fb = post(TestGateway.MASTER_KEY, "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(fb.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        virtualKey = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY,
                "{\"key_alias\":\"" + keyAlias + "\",\"max_budget\":5}")).getString("key");
        assertThat(post(virtualKey, "{\"model\":\"priced\",\"messages\":[{\"role\":\"user\",\"content\":\"a priced call\"}]}")
                .statusCode()).isEqualTo(200);
        HttpResponse<String> m = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY);
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        metrics = m.body();
        spendReport = Admin.ok(Http.get(gw.baseUrl() + "/global/spend/report?group_by=key", TestGateway.MASTER_KEY));
        savedByHits = Admin.ok(Http.get(gw.baseUrl() + "/spend/logs?model=cached", TestGateway.MASTER_KEY)).getJsonArray("data")
                .stream().map(JsonObject.class::cast).mapToDouble(r -> Double.parseDouble(r.getValue("saved").toString())).sum();
    }

    @AfterAll
    static void stop() { gw.close(); }

    static HttpResponse<String> post(String key, String body) {
        return Http.post(gw.v1() + "/chat/completions", key, body);
    }

    @Test
    void requestsAreCountedByAliasRouteCacheAndStatus() {
        assertThat(value(metrics, "switchboard_requests_total", "model", "cached")).isEqualTo(4);
        assertThat(value(metrics, "switchboard_requests_total", "model", "cached", "cache", "hit-exact")).isEqualTo(2);
        assertThat(value(metrics, "switchboard_requests_total", "model", "primary", "route", "fallback:error",
                "deployment", "openai/backup-model", "status", "200")).isEqualTo(1);
        assertThat(value(metrics, "switchboard_requests_total", "key", keyAlias)).isEqualTo(1);
        assertThat(value(metrics, "switchboard_fallbacks_total", "alias", "primary", "reason", "error", "to", "backup")).isEqualTo(1);
    }

    @Test
    void latencyAndTimeToFirstTokenAreHistograms() {
        assertThat(value(metrics, "switchboard_request_duration_seconds_count", "model", "cached")).isEqualTo(4);
        assertThat(value(metrics, "switchboard_request_duration_seconds_bucket", "model", "cached", "le", "+Inf")).isEqualTo(4);
        assertThat(sampleCount(metrics, "switchboard_request_duration_seconds_bucket", "model", "cached")).isGreaterThan(5);
        assertThat(value(metrics, "switchboard_time_to_first_token_seconds_count", "model", "cached")).isEqualTo(1);
    }

    @Test
    void tokensAndCostAgreeWithTheLedger() {
        assertThat(value(metrics, "switchboard_tokens_total", "type", "input")).isPositive();
        assertThat(value(metrics, "switchboard_tokens_total", "type", "output")).isPositive();
        double ledgerSpend = Double.parseDouble(spendReport.getValue("total_spend").toString());
        assertThat(ledgerSpend).isPositive();
        assertThat(value(metrics, "switchboard_cost_usd_total")).isCloseTo(ledgerSpend, within(1e-9));
    }

    @Test
    void cacheHitsAndDollarsSavedPerLayerWithZeroForLayersNotBuilt() {
        assertThat(value(metrics, "switchboard_cache_hits_total", "layer", "exact")).isEqualTo(2);
        assertThat(sampleCount(metrics, "switchboard_cache_hits_total", "layer", "semantic")).isEqualTo(1);
        assertThat(value(metrics, "switchboard_cache_hits_total", "layer", "semantic")).isZero();
        assertThat(sampleCount(metrics, "switchboard_cache_hits_total", "layer", "provider_prompt")).isEqualTo(1);
        assertThat(savedByHits).isPositive();
        assertThat(value(metrics, "switchboard_cache_saved_usd_total", "layer", "exact")).isCloseTo(savedByHits, within(1e-9));
    }

    @Test
    void providerErrorsCooldownsAndConnectionsPerDeployment() {
        assertThat(value(metrics, "switchboard_attempt_errors_total", "provider", "openai", "deployment", "openai/primary-model",
                "status", "500")).as("the provider's own status").isEqualTo(1);
        assertThat(value(metrics, "switchboard_deployment_cooldown", "deployment", "openai/primary-model")).isEqualTo(1);
        assertThat(value(metrics, "switchboard_deployment_cooldown", "deployment", "openai/backup-model")).isZero();
        assertThat(sampleCount(metrics, "switchboard_upstream_requests_in_flight", "deployment", "openai/backup-model")).isEqualTo(1);
        assertThat(value(metrics, "switchboard_upstream_requests_in_flight")).isZero(); // nothing in flight between requests
        assertThat(metrics).contains("# TYPE switchboard_upstream_requests_queued gauge");
        assertThat(value(metrics, "switchboard_upstream_requests_queued")).isZero(); // far below the pool's 512 a host
        assertThat(metrics).contains("# TYPE switchboard_responses_unwritten gauge", "# TYPE switchboard_responses_lost_total counter");
        assertThat(value(metrics, "switchboard_responses_unwritten")).isZero(); // the store takes every write
        assertThat(value(metrics, "switchboard_responses_lost_total")).isZero();
    }

    @Test
    void theWritersQueuesAreGaugedAndEmptyOnceTheLedgerIsRead() {
        // the spend report above flushed the ledger: every row of the traffic is written, none left queued
        String after = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(after).contains("# TYPE switchboard_ledger_rows_pending gauge", "# TYPE switchboard_ledger_rows_written_total counter",
                "# TYPE switchboard_request_log_rows_pending gauge");
        assertThat(value(after, "switchboard_ledger_rows_pending")).isZero();
        // 4 cached-alias calls, the fallback's two attempts, the priced call
        assertThat(value(after, "switchboard_ledger_rows_written_total")).isGreaterThanOrEqualTo(7);
        // a healthy store: nothing lost, no failed write; each series exists (value() says 0 for a missing one too)
        assertThat(sampleCount(after, "switchboard_ledger_rows_dropped_total")).isEqualTo(1);
        assertThat(sampleCount(after, "switchboard_ledger_write_failures_total")).isEqualTo(1);
        assertThat(value(after, "switchboard_ledger_rows_dropped_total")).isZero();
        assertThat(value(after, "switchboard_ledger_write_failures_total")).isZero();
    }

    @Test
    void budgetLeftPerKey() {
        double spent = spendReport.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> keyAlias.equals(g.getString("key_alias"))).mapToDouble(g -> Double.parseDouble(g.getValue("spend").toString()))
                .sum();
        assertThat(spent).isPositive();
        assertThat(value(metrics, "switchboard_key_budget_remaining_usd", "key", keyAlias)).isCloseTo(5 - spent, within(1e-9));
        assertThat(value(metrics, "switchboard_key_budget_max_usd", "key", keyAlias)).isEqualTo(5);
    }

    @Test
    void modelNamesAClientMakesUpAddNoSeries() {
        // security QA, finding 3: every unknown model name added ~17 series for ever, until /metrics and then the heap gave out
        String key = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"inventor\"}"))
                .getString("key");
        // a first round makes the fixed series these calls share ("other", "wild-*"); the second must add none
        for (int round = 0; round < 2; round++) {
            String before = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            for (int i = 0; i < 40; i++) {
                String name = "made-up-" + round + "-" + i + "-" + "x".repeat(100);
                assertThat(post(key, "{\"model\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .statusCode()).isEqualTo(404);
                // a name a wildcard serves is counted under the wildcard's pattern, its deployment likewise
                assertThat(post(key, "{\"model\":\"wild-" + round + "-" + i + "\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            }
            String after = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            assertThat(after).doesNotContain("made-up-").doesNotContain("wild-" + round + "-").doesNotContain("openai/" + round + "-");
            if (round == 1) assertThat(after.lines().count()).as("series after 80 more names").isEqualTo(before.lines().count());
        }
        String m = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(value(m, "switchboard_requests_total", "model", "other", "status", "404", "key", "inventor")).isEqualTo(80);
        assertThat(value(m, "switchboard_requests_total", "model", "wild-*", "deployment", "openai/*", "status", "200")).isEqualTo(80);
        assertThat(value(m, "switchboard_request_duration_seconds_count", "model", "other")).isEqualTo(80);
    }

    @Test
    void metricsNeedTheMasterKey() {
        assertThat(Http.get(gw.baseUrl() + "/metrics", null).statusCode()).isEqualTo(401);
        assertThat(Http.get(gw.baseUrl() + "/metrics", virtualKey).statusCode()).isEqualTo(403);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The sum of every sample of {@code name} whose labels include {@code labels} (name, value pairs). */
    static double value(String text, String name, String... labels) {
        double sum = 0;
        for (Map<String, String> s : samples(text, name, labels)) sum += Double.parseDouble(s.get("__value__"));
        return sum;
    }

    static int sampleCount(String text, String name, String... labels) { return samples(text, name, labels).size(); }

    private static java.util.List<Map<String, String>> samples(String text, String name, String... labels) {
        java.util.List<Map<String, String>> out = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) continue;
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches() || !m.group(1).equals(name)) continue;
            Map<String, String> l = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher lm = LABEL.matcher(m.group(2));
                while (lm.find()) l.put(lm.group(1), lm.group(2));
            }
            boolean match = true;
            for (int i = 0; i + 1 < labels.length; i += 2) match &= labels[i + 1].equals(l.get(labels[i]));
            if (!match) continue;
            l.put("__value__", m.group(3));
            out.add(l);
        }
        return out;
    }
}
