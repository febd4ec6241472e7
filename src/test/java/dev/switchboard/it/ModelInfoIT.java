package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LiteLLM's {@code /model/info}: every deployment with its price and limits, never its key, for the master key only. */
class ModelInfoIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: priced
                    litellm_params: { model: openai/house-model, api_base: "${SIM}?key=sk-in-the-url", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: house-1, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static JsonObject entry(JsonArray data, String alias) {
        return data.stream().map(JsonObject.class::cast).filter(e -> alias.equals(e.getString("model_name"))).findFirst().orElseThrow();
    }

    @Test
    void everyDeploymentWithItsPriceAndNeverItsKey() {
        for (String path : new String[] {"/model/info", "/v1/model/info"}) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + path, TestGateway.MASTER_KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(TestGateway.ANTHROPIC_PROVIDER_KEY)
                    .doesNotContain("sk-in-the-url").doesNotContain("api_key");
            JsonArray data = new JsonObject(r.body()).getJsonArray("data");
            assertThat(data).hasSize(3);
            JsonObject gpt = entry(data, "gpt");
            assertThat(gpt.getJsonObject("litellm_params").getString("model")).isEqualTo("openai/gpt-4o-mini");
            JsonObject info = gpt.getJsonObject("model_info");
            assertThat(info.getString("litellm_provider")).isEqualTo("openai");
            assertThat(info.getDouble("input_cost_per_token")).isEqualTo(1.5e-7); // the catalog's $0.15 per million
            assertThat(info.getInteger("max_output_tokens")).isEqualTo(16384);
            JsonObject priced = entry(data, "priced").getJsonObject("model_info");
            assertThat(priced.getString("id")).isEqualTo("house-1");
            assertThat(priced.getDouble("output_cost_per_token")).isEqualTo(2e-6);
            assertThat(entry(data, "priced").getJsonObject("litellm_params").getString("api_base")).doesNotContain("?");
            assertThat(entry(data, "claude").getJsonObject("model_info").getString("litellm_provider")).isEqualTo("anthropic");
        }
        JsonArray one = new JsonObject(Http.get(gw.baseUrl() + "/model/info?litellm_model_id=house-1", TestGateway.MASTER_KEY).body())
                .getJsonArray("data");
        assertThat(one).hasSize(1);
        assertThat(one.getJsonObject(0).getString("model_name")).isEqualTo("priced");
    }

    @Test
    void aVirtualKeyMayNotReadIt() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "reader")).getString("key");
        assertThat(Http.get(gw.baseUrl() + "/model/info", key).statusCode()).isEqualTo(403);
        assertThat(Http.get(gw.baseUrl() + "/model/info", null).statusCode()).isEqualTo(401);
    }
}
