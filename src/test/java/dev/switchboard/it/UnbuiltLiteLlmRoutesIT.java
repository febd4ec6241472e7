package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A LiteLLM route Switchboard does not provide is a 404 that says so, and what to use instead, so a script moved from
 * LiteLLM fails with the reason rather than with "Invalid URL"; any other unknown path keeps the plain 404.
 */
@ExtendWith(GatewayPerClass.class)
class UnbuiltLiteLlmRoutesIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    private static JsonObject error(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        return new JsonObject(r.body()).getJsonObject("error");
    }

    @Test
    void aLiteLlmRouteThatIsNotBuiltSaysSoAndWhatToUseInstead() {
        JsonObject budget = error(Http.post(gw.baseUrl() + "/budget/new", TestGateway.MASTER_KEY, "{\"max_budget\":5}"));
        assertThat(budget.getString("message")).contains("LiteLLM", "/budget/*", "not provide", "/key/update");
        assertThat(budget.getString("code")).isEqualTo("unknown_url");
        assertThat(error(Http.get(gw.baseUrl() + "/organization/list", TestGateway.MASTER_KEY)).getString("message")).contains("/team/new");
        assertThat(error(Http.post(gw.baseUrl() + "/model/new", TestGateway.MASTER_KEY, "{}")).getString("message")).contains("model_list");
        assertThat(error(Http.get(gw.baseUrl() + "/v2/model/info", TestGateway.MASTER_KEY)).getString("message")).contains("GET /model/info");
        assertThat(error(Http.get(gw.baseUrl() + "/global/spend/teams", TestGateway.MASTER_KEY)).getString("message"))
                .contains("group_by=team");
        // the path is not echoed: this one carries a key's secret
        String secret = "sk-sb-a-secret-in-the-path-000000000000";
        JsonObject reset = error(Http.post(gw.baseUrl() + "/key/" + secret + "/reset_spend", TestGateway.MASTER_KEY, "{}"));
        assertThat(reset.getString("message")).contains("/key/{key}/reset_spend").doesNotContain(secret);
        // any other unknown path keeps its plain answer
        assertThat(error(Http.get(gw.baseUrl() + "/budgets/new", TestGateway.MASTER_KEY)).getString("message")).startsWith("Invalid URL");
    }
}
