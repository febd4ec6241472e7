package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway-wide budget ({@code litellm_settings.max_budget}) is reported where it is enforced (QA run D, finding 2):
 * {@code /global/spend} answers it as {@code max_budget}, as LiteLLM does, and the dashboard's overview shows its spend,
 * cap and period, and that it is exhausted once it refuses calls.
 */
class GlobalBudgetReportIT {
    static TestGateway gw;
    static Admin admin;
    static int served;
    static HttpResponse<String> refused;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                litellm_settings:
                  max_budget: 0.0001
                  budget_duration: 1mo
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        String key = admin.generate(new JsonObject().put("key_alias", "app")).getString("key");
        for (int i = 0; i < 200 && refused == null; i++) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                    "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}");
            if (r.statusCode() == 200) served++;
            else refused = r;
        }
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void globalSpendAnswersTheConfiguredBudget() {
        assertThat(served).isPositive();
        assertThat(refused).as("the global budget refuses a call in the end").isNotNull();
        assertThat(refused.body()).contains("global budget");
        JsonObject g = admin.getOk("/global/spend");
        assertThat(new BigDecimal(g.getValue("max_budget").toString())).isEqualByComparingTo("0.0001");
        assertThat(g.getDouble("spend")).isPositive();
    }

    @Test
    void theOverviewShowsTheGlobalBudgetAndThatItRefusesCalls() {
        JsonObject b = admin.getOk("/ui/api/overview").getJsonObject("global_budget");
        assertThat(b).as("overview.global_budget").isNotNull();
        assertThat(b.getLong("max_budget_nanos")).isEqualTo(100_000L);
        assertThat(b.getString("budget_duration")).isEqualTo("1mo");
        assertThat(b.getString("resets_at")).endsWith("T00:00:00Z");
        // the period's spend is the ledger's: every call of this test falls in this month
        long ledger = admin.getOk("/global/spend/report?group_by=key").getJsonArray("groups").stream()
                .mapToLong(o -> new BigDecimal(((JsonObject) o).getValue("spend").toString()).movePointRight(9).longValueExact()).sum();
        assertThat(b.getLong("spend_nanos")).isEqualTo(ledger);
        // a call was refused: what is left does not cover a call's worst case, which the page says plainly
        assertThat(b.getBoolean("refusing")).as(b.encode()).isTrue();
        assertThat(b.getDouble("refused_worst_case")).isGreaterThan(b.getDouble("remaining"));
    }

    @Test
    void metricsShowTheGlobalBudgetAsTheOverviewDoes() {
        JsonObject b = admin.getOk("/ui/api/overview").getJsonObject("global_budget");
        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(gauge(metrics, "switchboard_global_budget_max_usd{period=\"1mo\"}")).isEqualTo(0.0001);
        assertThat(gauge(metrics, "switchboard_global_budget_spent_usd{period=\"1mo\"}"))
                .isCloseTo(b.getLong("spend_nanos") / 1e9, org.assertj.core.data.Offset.offset(1e-12));
        double remaining = gauge(metrics, "switchboard_global_budget_remaining_usd{period=\"1mo\"}");
        assertThat(remaining).isGreaterThanOrEqualTo(0).isLessThan(0.0001);
    }

    /** The value of the one sample line that starts with {@code series}. */
    static double gauge(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
    }

    @Test
    void withoutAGlobalBudgetTheOverviewSaysNone() {
        try (TestGateway plain = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            Admin a = new Admin(plain);
            assertThat(a.getOk("/ui/api/overview").containsKey("global_budget")).isTrue();
            assertThat(a.getOk("/ui/api/overview").getValue("global_budget")).isNull();
            assertThat(a.getOk("/global/spend").getValue("max_budget")).isNull();
            assertThat(Http.get(plain.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body()).doesNotContain("switchboard_global_budget_max_usd{");
        }
    }
}
