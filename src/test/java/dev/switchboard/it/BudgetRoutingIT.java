package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's budget routing end to end: a deployment's own budget ({@code litellm_params.max_budget}) and a provider's
 * ({@code router_settings.provider_budget_config}) spent, the router passes them over (another deployment of the alias,
 * then the fallbacks), else LiteLLM's 429; the spend survives a restart (read from the ledger); {@code /provider/budgets}.
 */
class BudgetRoutingIT {
    private static final String BODY = "{\"model\":\"%s\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String config(String db) {
        return """
                model_list:
                  - model_name: chat
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, order: 1,
                                      max_budget: 0.0000001, budget_duration: 1d }
                  - model_name: chat
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, order: 2 }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4.1, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: gpt-with-fallback
                    litellm_params: { model: openai/gpt-4.1, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  fallbacks: [{ gpt-with-fallback: [claude] }]
                  provider_budget_config:
                    openai: { budget_limit: 0.0001, time_period: 1d }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(db);
    }

    private static HttpResponse<String> chat(TestGateway gw, String model) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, BODY.formatted(model));
    }

    private static String servedBy(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-switchboard-model").orElseThrow();
    }

    @Test
    void spentBudgetsArePassedOverThenRefusedAndSurviveARestart() {
        String db = TestGateway.tempDatabase();
        try (TestGateway gw = TestGateway.start(config(db))) {
            // the deployment's own budget: its first call spends it, then the alias's other deployment serves
            assertThat(servedBy(chat(gw, "chat"))).isEqualTo("openai/gpt-4o-mini");
            for (int i = 0; i < 3; i++) assertThat(servedBy(chat(gw, "chat"))).isEqualTo("anthropic/claude-sonnet-4-5");

            // the provider's budget ($0.0001 a day for openai): gpt-4.1 calls spend it, then openai is passed over
            int served = 0;
            HttpResponse<String> r;
            while ((r = chat(gw, "gpt")).statusCode() == 200) {
                served++;
                assertThat(served).as("the budget stops it").isLessThan(50);
            }
            assertThat(served).isPositive();
            assertThat(r.statusCode()).isEqualTo(429);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("message")).startsWith("No deployments available - crossed budget for provider: "
                    + "Exceeded budget for provider openai: ").contains(" >= 0.0001");
            assertThat(error.getString("code")).isEqualTo("deployments_over_budget");
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            // with a fallback, the fallback serves, and says so
            HttpResponse<String> fell = chat(gw, "gpt-with-fallback");
            assertThat(servedBy(fell)).isEqualTo("anthropic/claude-sonnet-4-5");
            assertThat(fell.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");

            JsonObject budgets = new JsonObject(Http.get(gw.baseUrl() + "/provider/budgets", TestGateway.MASTER_KEY).body());
            JsonObject openai = budgets.getJsonObject("providers").getJsonObject("openai");
            assertThat(openai.getDouble("budget_limit")).isEqualTo(0.0001);
            assertThat(openai.getString("time_period")).isEqualTo("1d");
            assertThat(openai.getDouble("spend")).isGreaterThanOrEqualTo(0.0001);
            assertThat(openai.getString("budget_reset_at")).endsWith("T00:00:00Z");
            assertThat(budgets.getJsonObject("deployments").getJsonObject("openai/gpt-4o-mini").getDouble("budget_limit")).isEqualTo(0.0000001);
            assertThat(Http.get(gw.baseUrl() + "/provider/budgets", "sk-not-the-master").statusCode()).isEqualTo(401);
        }
        // a restart on the same store reads this period's spend from the ledger: still passed over
        try (TestGateway again = TestGateway.start(config(db))) {
            assertThat(chat(again, "gpt").statusCode()).isEqualTo(429);
            assertThat(servedBy(chat(again, "chat"))).isEqualTo("anthropic/claude-sonnet-4-5");
        }
    }
}
