package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Responses dialect goes through the same pipeline as chat: fallbacks (marked), the request's models array,
 * virtual keys' allowlists and budgets, and the spend ledger.
 */
class ResponsesPipelineIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("primary=primary-model", "backup=gpt-4o-mini") + """
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  fallbacks: [{ primary: [claude] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> post(String key, String body) {
        return Http.post(gw.v1() + "/responses", key, body);
    }

    @Test
    void aFailingPrimaryFallsBackToAnotherProviderAndSaysSo() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        HttpResponse<String> r = post(TestGateway.MASTER_KEY, "{\"model\":\"primary\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("anthropic/claude-sonnet-4-5");
        OpenAiSchemas.assertValid("Response", r.body());
        assertThat(new JsonObject(r.body()).getString("model")).isEqualTo("claude-sonnet-4-5");

        HttpResponse<String> s = post(TestGateway.MASTER_KEY, "{\"model\":\"primary\",\"input\":\"hi\",\"stream\":true}");
        assertThat(s.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        List<String> types = ResponsesApiIT.validatedEvents(s.body());
        assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
    }

    @Test
    void theModelsArrayIsHonouredAndNotSentUpstream() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(503));
        HttpResponse<String> r = post(TestGateway.MASTER_KEY, "{\"model\":\"primary\",\"input\":\"hi\",\"models\":[\"backup\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:models_array");
        gw.simulator.received().forEach(seen -> assertThat(seen.body().fieldNames()).doesNotContain("models", "num_retries"));
    }

    @Test
    void aVirtualKeyIsHeldToItsAllowlistAndEveryCallIsInTheLedger() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "responses-app").put("models", new JsonArray().add("backup")));
        HttpResponse<String> refused = post(k.getString("key"), "{\"model\":\"claude\",\"input\":\"hi\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("type")).isNotBlank();

        HttpResponse<String> ok = post(k.getString("key"), "{\"model\":\"backup\",\"input\":\"hi\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        HttpResponse<String> streamed = post(k.getString("key"), "{\"model\":\"backup\",\"input\":\"hi\",\"stream\":true}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        String id = ok.headers().firstValue("x-switchboard-request-id").orElseThrow();
        long deadline = System.currentTimeMillis() + 5_000;
        JsonArray rows;
        do {
            rows = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data");
        } while (rows.size() < 2 && System.currentTimeMillis() < deadline);
        assertThat(rows).hasSize(2);
        assertThat(rows.stream().map(JsonObject.class::cast).anyMatch(o -> o.getString("request_id").equals(id)
                && o.getDouble("spend") > 0)).isTrue();
    }

    @Test
    void aKeyOverItsBudgetIsRefusedInOpenAisShape() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "broke").put("max_budget", 0.0));
        HttpResponse<String> r = post(k.getString("key"), "{\"model\":\"backup\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("budget_exceeded");
        assertThat(gw.simulator.received()).isEmpty();
    }
}
