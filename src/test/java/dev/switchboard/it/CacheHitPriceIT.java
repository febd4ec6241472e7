package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a response-cache hit saved is what its answer costs on the entry that stored it, not on the first entry of its
 * {@code provider/model} id: two entries of one id with different prices (the second has a model_info.id made for it)
 * and a wildcard with its own price (no model_info.id: the cost stored with the answer) each save their own price.
 * Through a real socket, the in-memory cache; the Redis case of an entry gone from the config is in {@link RedisCacheIT}.
 */
class CacheHitPriceIT {
    static String config() {
        return """
                model_list:
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                  - model_name: dear
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                  - model_name: "gw/*"
                    litellm_params: { model: "openai/*", api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00003, output_cost_per_token: 0.00006 }
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: local, ttl: 600 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """;
    }

    static HttpResponse<String> ask(TestGateway gw, String model, String text) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    static double cost(HttpResponse<String> r) { return Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow()); }

    @Test
    void aHitSavesThePriceOfTheEntryThatStoredIt() {
        try (TestGateway gw = TestGateway.start(config())) {
            Admin admin = new Admin(gw);
            for (String model : new String[] {"cheap", "dear", "gw/gpt-4o-mini"}) {
                String q = "priced by its own entry " + model + " " + UUID.randomUUID();
                HttpResponse<String> miss = ask(gw, model, q);
                assertThat(miss.headers().firstValue("x-switchboard-cache")).as(miss.body()).hasValue("miss");
                assertThat(miss.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
                HttpResponse<String> hit = ask(gw, model, q);
                assertThat(hit.headers().firstValue("x-switchboard-cache")).as(model).hasValue("hit-exact");
                JsonObject row = admin.ledgerRow(hit);
                assertThat(row.getDouble("spend")).isZero();
                assertThat(cost(miss)).as(model).isPositive();
                // before: every hit of openai/gpt-4o-mini saved the first entry's (cheap) price
                assertThat(row.getDouble("saved")).as("%s's hit saved its own entry's price", model)
                        .isEqualTo(admin.ledgerRow(miss).getDouble("spend")).isEqualTo(cost(miss));
            }
        }
    }

    /**
     * The prompt-cache saving metric prices the cached tokens by the entry that served, as the row's cost is: the second
     * entry of an id (its own model_info prices) saved its own input price minus its own cache-read price per cached
     * token, where the id's first entry's prices were taken before.
     */
    @Test
    void thePromptCacheSavingIsPricedByTheEntryThatServed() {
        String config = """
                model_list:
                  - model_name: cheap
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002, cache_read_input_token_cost: 0.0000005 }
                  - model_name: dear
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002, cache_read_input_token_cost: 0.000001 }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """;
        try (TestGateway gw = TestGateway.start(config)) {
            String system = "You are the weekend accountant. " + "Keep every figure exact and say where it came from. ".repeat(180);
            long cached = 0;
            for (String user : new String[] {"first question", "second question"}) {
                HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, new JsonObject()
                        .put("model", "dear").put("messages", new io.vertx.core.json.JsonArray()
                                .add(new JsonObject().put("role", "system").put("content", system))
                                .add(new JsonObject().put("role", "user").put("content", user))).encode());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonObject details = new JsonObject(r.body()).getJsonObject("usage").getJsonObject("prompt_tokens_details");
                cached += details == null ? 0 : details.getLong("cached_tokens", 0L);
            }
            assertThat(cached).as("the simulator's prompt cache read the shared system prompt").isPositive();
            String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            double saved = MetricsIT.value(metrics, "switchboard_cache_saved_usd_total", "layer", "provider_prompt");
            // dear's 0.00001 - 0.000001 a cached token; before, cheap's 0.000001 - 0.0000005
            assertThat(saved).isCloseTo(cached * (0.00001 - 0.000001), org.assertj.core.data.Offset.offset(1e-9));
        }
    }
}
