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
 * LiteLLM's key lookups besides {@code /key/info}: the bulk {@code POST /v2/key/info} and the per-key
 * {@code POST /key/health}, for the master key about any key and for a virtual key about itself.
 */
class KeyLookupIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void v2KeyInfoLooksUpSeveralKeysAtOnceAndNamesThoseItDidNotFind() {
        JsonObject one = admin.generate(new JsonObject().put("key_alias", "bulk-one").put("max_budget", 5));
        JsonObject two = admin.generate(new JsonObject().put("key_alias", "bulk-two"));
        assertThat(Http.post(gw.v1() + "/chat/completions", one.getString("key"),
                "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);

        HttpResponse<String> r = admin.post("/v2/key/info", new JsonObject().put("keys", new JsonArray()
                .add(one.getString("key")).add(two.getString("token")).add("bulk-missing")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).as("a secret sent is never answered back").doesNotContain(one.getString("key"));
        JsonObject out = new JsonObject(r.body());
        assertThat(out.getJsonArray("key")).hasSize(3);
        JsonArray info = out.getJsonArray("info");
        assertThat(info.stream().map(i -> ((JsonObject) i).getString("key_alias")).toList()).containsExactly("bulk-one", "bulk-two");
        assertThat(info.getJsonObject(0).getDouble("spend")).as("the ledger's spend, as /key/info shows it").isPositive();
        assertThat(info.getJsonObject(0).getDouble("spend")).isEqualTo(admin.info(one.getString("key_id")).getDouble("spend"));
        assertThat(out.getJsonArray("not_found").getList()).containsExactly("bulk-missing");

        // LiteLLM's 422 "No keys passed in" is a 400 naming the field here
        for (JsonObject bad : new JsonObject[] {new JsonObject(), new JsonObject().put("keys", new JsonArray()),
                new JsonObject().put("keys", "bulk-one"), new JsonObject().put("keys", new JsonArray().add(3))}) {
            HttpResponse<String> refused = admin.post("/v2/key/info", bad);
            assertThat(refused.statusCode()).as(bad.encode()).isEqualTo(400);
            assertThat(refused.body()).contains("keys");
        }

        // a virtual key asks about itself only
        String own = one.getString("key");
        HttpResponse<String> self = Http.post(gw.baseUrl() + "/v2/key/info", own, new JsonObject().put("keys", new JsonArray().add(own)).encode());
        assertThat(self.statusCode()).as(self.body()).isEqualTo(200);
        assertThat(new JsonObject(self.body()).getJsonArray("info")).hasSize(1);
        assertThat(Http.post(gw.baseUrl() + "/v2/key/info", own, new JsonObject().put("keys", new JsonArray().add(own)
                .add(two.getString("token"))).encode()).statusCode()).isEqualTo(403);
        assertThat(Http.post(gw.baseUrl() + "/v2/key/info", own, new JsonObject().put("keys", new JsonArray().add("bulk-missing"))
                .encode()).statusCode()).as("a virtual key learns nothing of other names").isEqualTo(403);
        assertThat(Http.post(gw.baseUrl() + "/v2/key/info", null, "{\"keys\":[\"bulk-one\"]}").statusCode()).isEqualTo(401);
    }

    @Test
    void keyHealthAnswersForTheCallingKey() {
        JsonObject plain = admin.generate(new JsonObject().put("key_alias", "healthy-app"));
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/key/health", plain.getString("key"), "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject health = new JsonObject(r.body());
        assertThat(health.getString("key")).isEqualTo("healthy");
        assertThat(health.containsKey("logging_callbacks")).isTrue();
        assertThat(health.getValue("logging_callbacks")).isNull();
        assertThat(new JsonObject(Http.post(gw.baseUrl() + "/key/health", TestGateway.MASTER_KEY, "").body()).getString("key")).isEqualTo("healthy");

        // LiteLLM's key-based logging (metadata.logging) is not built: such a key is told so, not called healthy
        JsonObject logged = admin.generate(new JsonObject().put("key_alias", "logged-app").put("metadata", new JsonObject()
                .put("logging", new JsonArray().add(new JsonObject().put("callback_name", "langfuse")))));
        JsonObject unhealthy = new JsonObject(Http.post(gw.baseUrl() + "/key/health", logged.getString("key"), "{}").body());
        assertThat(unhealthy.getString("key")).isEqualTo("unhealthy");
        assertThat(unhealthy.getJsonObject("logging_callbacks").getJsonArray("callbacks").getList()).containsExactly("langfuse");
        assertThat(unhealthy.getJsonObject("logging_callbacks").getString("details")).contains("metadata.logging");

        assertThat(Http.post(gw.baseUrl() + "/key/health", null, "").statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.baseUrl() + "/key/health", "sk-sb-wrong-0000000000000000000", "").statusCode()).isEqualTo(401);
    }
}
