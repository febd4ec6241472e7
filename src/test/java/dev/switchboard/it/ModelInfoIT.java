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

/**
 * LiteLLM's {@code /model/info} and {@code /model_group/info}: every deployment with its price and limits, never its
 * key, for the master key; for an app's key only the models it may call, without where they are sent.
 */
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
                  - model_name: pair
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, rpm: 100, tpm: 5000 }
                    model_info: { id: pair-1, supports_vision: true, my_operator_note: "${SIM}?token=operator-only" }
                  - model_name: pair
                    litellm_params: { model: openai/gpt-4o, api_base: "http://user:sk-userinfo-secret@127.0.0.1:9/v1", api_key: os.environ/PROVIDER_KEY, rpm: 50 }
                    model_info: { id: pair-2, supports_prompt_caching: false }
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
            assertThat(r.body()).doesNotContain("sk-userinfo-secret");
            JsonArray data = new JsonObject(r.body()).getJsonArray("data");
            assertThat(data).hasSize(5);
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

    /**
     * LiteLLM's prompt-caching docs tell a user to look for {@code supports_prompt_caching} in {@code /model/info}, and its
     * model map names a one-hour write price {@code cache_creation_input_token_cost_above_1hr}: both were missing. A
     * model priced with a cache-read price caches (gpt-4o-mini, Claude: 1-hour writes at twice the input price); a house
     * model priced by input and output only does not, and the config's own flag wins.
     */
    @Test
    void promptCachingSupportAndTheOneHourWritePrice() {
        JsonArray data = new JsonObject(Http.get(gw.baseUrl() + "/model/info", TestGateway.MASTER_KEY).body()).getJsonArray("data");
        JsonObject claude = entry(data, "claude").getJsonObject("model_info");
        assertThat(claude.getBoolean("supports_prompt_caching")).isTrue();
        assertThat(claude.getDouble("cache_read_input_token_cost")).isEqualTo(3e-7);
        assertThat(claude.getDouble("cache_creation_input_token_cost")).isEqualTo(3.75e-6);
        assertThat(claude.getDouble("cache_creation_input_token_cost_above_1hr")).isEqualTo(6e-6);
        assertThat(entry(data, "gpt").getJsonObject("model_info").getBoolean("supports_prompt_caching")).isTrue();
        assertThat(entry(data, "priced").getJsonObject("model_info").getBoolean("supports_prompt_caching")).isFalse();
        JsonObject pair2 = data.stream().map(JsonObject.class::cast).map(e -> e.getJsonObject("model_info"))
                .filter(i -> "pair-2".equals(i.getString("id"))).findFirst().orElseThrow();
        assertThat(pair2.getBoolean("supports_prompt_caching")).as("the config's own model_info").isFalse();
    }

    /**
     * LiteLLM lets any valid key read its model info (client tools read limits and prices with the app's key): an app
     * sees the models it may call, and nothing of where they are sent or of the operator's own notes.
     */
    @Test
    void anAppsKeySeesItsOwnModelsAndNothingOfWhereTheyAreSent() {
        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "reader")
                .put("models", new JsonArray().add("priced").add("pair"))).getString("key");
        for (String path : new String[] {"/model/info", "/v1/model/info"}) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + path, key);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain("sk-in-the-url").doesNotContain("api_key")
                    .doesNotContain("sk-userinfo-secret").doesNotContain("api_base").doesNotContain("operator-only")
                    .doesNotContain("127.0.0.1");
            JsonArray data = new JsonObject(r.body()).getJsonArray("data");
            assertThat(data.stream().map(e -> ((JsonObject) e).getString("model_name")).toList()).containsExactly("priced", "pair", "pair");
            JsonObject priced = entry(data, "priced");
            assertThat(priced.getJsonObject("model_info").getDouble("output_cost_per_token")).isEqualTo(2e-6);
            assertThat(priced.getJsonObject("litellm_params").getString("model")).isEqualTo("openai/house-model");
            assertThat(entry(data, "pair").getJsonObject("model_info").getBoolean("supports_vision")).as("LiteLLM's documented fields stay").isTrue();
        }
        assertThat(new JsonObject(Http.get(gw.baseUrl() + "/model/info?litellm_model_id=pair-2", key).body()).getJsonArray("data")).hasSize(1);
        assertThat(new JsonObject(Http.get(gw.baseUrl() + "/model/info?litellm_model_id=house-1", key).body()).getJsonArray("data")).hasSize(1);
        // a model the key may not call is not listed, even by its id
        assertThat(new JsonObject(Http.get(gw.baseUrl() + "/model/info?litellm_model_id=claude", key).body()).getJsonArray("data")).isEmpty();
        // a key with no model list may call every model, so sees every one
        String open = new Admin(gw).generate(new JsonObject().put("key_alias", "open-reader")).getString("key");
        assertThat(new JsonObject(Http.get(gw.baseUrl() + "/model/info", open).body()).getJsonArray("data")).hasSize(5);
        assertThat(Http.get(gw.baseUrl() + "/model/info", null).statusCode()).isEqualTo(401);
        assertThat(Http.get(gw.baseUrl() + "/model/info", "sk-sb-not-a-key-0000000000000000").statusCode()).isEqualTo(401);
    }

    /** LiteLLM's /model_group/info: one entry per model_name, its deployments merged as LiteLLM's router merges them. */
    @Test
    void modelGroupInfoMergesEachModelNamesDeployments() {
        HttpResponse<String> r = Http.get(gw.baseUrl() + "/model_group/info", TestGateway.MASTER_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("api_base").doesNotContain("sk-userinfo-secret").doesNotContain(TestGateway.PROVIDER_KEY);
        JsonArray data = new JsonObject(r.body()).getJsonArray("data");
        assertThat(data.stream().map(e -> ((JsonObject) e).getString("model_group")).toList()).containsExactly("gpt", "priced", "claude", "pair");
        JsonObject pair = data.stream().map(JsonObject.class::cast).filter(e -> e.getString("model_group").equals("pair")).findFirst().orElseThrow();
        assertThat(pair.getJsonArray("providers").getList()).containsExactly("openai");
        assertThat(pair.getInteger("rpm")).as("the sum of the deployments'").isEqualTo(150);
        assertThat(pair.getInteger("tpm")).isEqualTo(5000);
        assertThat(pair.getDouble("input_cost_per_token")).as("gpt-4o's, the dearer of the two").isEqualTo(2.5e-6);
        assertThat(pair.getBoolean("supports_vision")).isTrue();
        assertThat(pair.getBoolean("supports_function_calling")).isFalse();
        assertThat(pair.getString("mode")).isEqualTo("chat");
        assertThat(pair.getInteger("max_input_tokens")).isPositive();
        assertThat(pair.containsKey("supported_openai_params")).isTrue();

        JsonArray one = new JsonObject(Http.get(gw.baseUrl() + "/model_group/info?model_group=claude", TestGateway.MASTER_KEY).body()).getJsonArray("data");
        assertThat(one).hasSize(1);
        assertThat(one.getJsonObject(0).getJsonArray("providers").getList()).containsExactly("anthropic");

        String key = new Admin(gw).generate(new JsonObject().put("key_alias", "group-reader").put("models", new JsonArray().add("gpt"))).getString("key");
        JsonArray mine = new JsonObject(Http.get(gw.baseUrl() + "/model_group/info", key).body()).getJsonArray("data");
        assertThat(mine.stream().map(e -> ((JsonObject) e).getString("model_group")).toList()).containsExactly("gpt");
        assertThat(new JsonObject(Http.get(gw.baseUrl() + "/model_group/info?model_group=claude", key).body()).getJsonArray("data")).isEmpty();
        assertThat(Http.get(gw.baseUrl() + "/model_group/info?colour=blue", key).statusCode()).isEqualTo(400);
    }
}
