package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's default_key_generate_params and upperbound_key_generate_params (its virtual_keys docs' blocks, verbatim) on
 * /key/generate and /key/update (QA: they were only warned, so a key made with {} had no budget and every model, and a
 * $200 / 365-day key passed a $100 / 30-day bound).
 */
class KeyGenerateParamsIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("azure-gpt-3.5=gpt-4o-mini", "gpt-big=gpt-4o") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                litellm_settings:
                  upperbound_key_generate_params: { max_budget: 100, duration: "30d" }
                  default_key_generate_params:
                    max_budget: 1.5000
                    models: ["azure-gpt-3.5"]
                    duration:
                    metadata: {"setting":"default"}
                    team_id: "core-infra"
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void aKeyMadeWithNothingGetsTheDefaultsAndTheBoundedExpiry() {
        JsonObject key = admin.generate(new JsonObject());
        assertThat(key.getDouble("max_budget")).isEqualTo(1.5);
        assertThat(key.getJsonArray("models")).isEqualTo(new JsonArray().add("azure-gpt-3.5"));
        assertThat(key.getString("team_id")).isEqualTo("core-infra");
        assertThat(key.getJsonObject("metadata").getString("setting")).isEqualTo("default");
        // duration: null in the defaults gives nothing, so the bound's 30d fills it (LiteLLM fills None with the bound)
        Instant expires = Instant.parse(key.getString("expires"));
        assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofDays(29), Duration.ofDays(31));
    }

    @Test
    void aRequestsOwnValuesWinOverTheDefaults() {
        JsonObject key = admin.generate(new JsonObject().put("max_budget", 5).put("models", new JsonArray().add("gpt-big")));
        assertThat(key.getDouble("max_budget")).isEqualTo(5.0);
        assertThat(key.getJsonArray("models")).isEqualTo(new JsonArray().add("gpt-big"));
    }

    @Test
    void moreThanTheBoundIsLiteLlmsBadRequest() {
        HttpResponse<String> r = admin.post("/key/generate", new JsonObject().put("max_budget", 200).put("duration", "365d"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
                .isEqualTo("max_budget is over max limit set in config - user_value=200.0; max_value=100.0");
        HttpResponse<String> longer = admin.post("/key/generate", new JsonObject().put("duration", "365d"));
        assertThat(longer.statusCode()).isEqualTo(400);
        assertThat(longer.body()).contains("duration is over max limit set in config - user_value=365d; max_value=30d");
        assertThat(admin.post("/key/generate", new JsonObject().put("duration", "-1")).statusCode()).isEqualTo(400);
        // a number sent as a string is the number the key would get (LiteLLM's lax pydantic): held to the bound too
        HttpResponse<String> text = admin.post("/key/generate", new JsonObject().put("max_budget", "5000"));
        assertThat(text.statusCode()).as(text.body()).isEqualTo(400);
        assertThat(text.body()).contains("user_value=5000.0; max_value=100.0");
        // "" reads as no budget: the default fills it, not a key without any budget
        assertThat(admin.generate(new JsonObject().put("max_budget", "")).getDouble("max_budget")).isEqualTo(1.5);
    }

    @Test
    void anUpdateIsHeldToTheBoundsToo() {
        JsonObject key = admin.generate(new JsonObject());
        HttpResponse<String> r = admin.post("/key/update", new JsonObject().put("key", key.getString("key")).put("max_budget", 150));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("max_budget is over max limit set in config");
        assertThat(admin.post("/key/update", new JsonObject().put("key", key.getString("key")).put("max_budget", "150")).statusCode())
                .isEqualTo(400);
        assertThat(admin.update(new JsonObject().put("key", key.getString("key")).put("max_budget", 50)).getDouble("max_budget"))
                .isEqualTo(50.0);
    }
}
