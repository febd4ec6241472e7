package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A key's {@code models} on /key/generate and /key/update name models this gateway has (QA 2026-12-07: a typo such as
 * {@code "gtp-4o"} made a key with an allowlist that matched nothing, answered 200, and every call of the app was a 403
 * later). What the allowlist takes besides the configured names stays taken: {@code *} patterns, names a wildcard
 * deployment serves, access groups, LiteLLM's {@code all-proxy-models} / {@code all-team-models}, {@code auto}, and the
 * key's own aliases.
 */
class KeyModelsCheckIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                  - model_name: "openai/*"
                    litellm_params: { model: "openai/*", api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                    model_info: { access_groups: [tier-1] }
                router_settings:
                  auto_router: { alias: auto, cheap: cheap, smart: gpt }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                litellm_settings:
                  default_key_generate_params: { models: ["retired-model"] }
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static JsonObject models(String... names) {
        JsonArray a = new JsonArray();
        for (String n : names) a.add(n);
        return new JsonObject().put("models", a);
    }

    @Test
    void aModelTheGatewayDoesNotHaveIsA400NamingItAndTheKnownOnes() {
        int keys = admin.getOk("/key/list").getInteger("total_count");
        HttpResponse<String> r = admin.post("/key/generate", models("gpt", "gtp-4o"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("param")).isEqualTo("models[1]");
        assertThat(error.getString("message")).contains("'gtp-4o'").contains("cheap").contains("gpt");
        assertThat(admin.getOk("/key/list").getInteger("total_count")).as("no key was made").isEqualTo(keys);
    }

    @Test
    void everyFormTheAllowlistTakesIsStillTaken() {
        JsonObject key = admin.generate(models("gpt", "cheap", "gpt*", "openai/gpt-4.1", "tier-1", "auto",
                "all-proxy-models", "all-team-models", "*"));
        assertThat(key.getJsonArray("models").size()).isEqualTo(9);
        // the key's own alias may be listed to allow it (LiteLLM's code checks the name asked for)
        JsonObject aliased = admin.generate(models("my-gpt").put("aliases", new JsonObject().put("my-gpt", "gpt")));
        assertThat(aliased.getJsonArray("models")).containsExactly("my-gpt");
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(key.getString("key")).add(aliased.getString("key"))));
    }

    @Test
    void anUpdateIsCheckedToo() {
        JsonObject key = admin.generate(models("gpt"));
        HttpResponse<String> r = admin.post("/key/update", models("chaep").put("key", key.getString("key")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("models[0]");
        assertThat(admin.info(key.getString("key")).getJsonArray("models")).containsExactly("gpt");
        HttpResponse<String> rotated = admin.post("/key/regenerate", models("gpt", "chaep").put("key", key.getString("key")));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(400);
        assertThat(new JsonObject(rotated.body()).getJsonObject("error").getString("param")).isEqualTo("models[1]");
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(key.getString("key"))));
    }

    @Test
    void aStoredEntryTheConfigNoLongerHasIsNotCheckedAgainOnlyWhatTheRequestAdds() {
        // default_key_generate_params makes a key holding retired-model, a model this config lacks (as a key made before a
        // config dropped a model, or by another gateway on the store): editing it must not need the model back
        JsonObject key = admin.generate(new JsonObject());
        String secret = key.getString("key");
        assertThat(key.getJsonArray("models")).containsExactly("retired-model");
        assertThat(admin.update(new JsonObject().put("key", secret).put("max_budget", 1)).getJsonArray("models"))
                .containsExactly("retired-model");
        // a client posting the whole key back (admin UIs, Terraform) resends its models with the change
        assertThat(admin.update(models("retired-model", "gpt").put("key", secret).put("max_budget", 20)).getJsonArray("models"))
                .containsExactly("retired-model", "gpt");
        HttpResponse<String> added = admin.post("/key/update", models("retired-model", "gpt", "chaep").put("key", secret));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(400);
        assertThat(new JsonObject(added.body()).getJsonObject("error").getString("param")).isEqualTo("models[2]");
        HttpResponse<String> rotated = admin.post("/key/regenerate", models("retired-model").put("key", secret));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String now = new JsonObject(rotated.body()).getString("key");
        assertThat(admin.info(now).getJsonArray("models")).containsExactly("retired-model");
        HttpResponse<String> rotatedTypo = admin.post("/key/regenerate", models("retired-model", "gtp").put("key", now));
        assertThat(rotatedTypo.statusCode()).as(rotatedTypo.body()).isEqualTo(400);
        assertThat(new JsonObject(rotatedTypo.body()).getJsonObject("error").getString("param")).isEqualTo("models[1]");
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(now)));
    }

    @Test
    void anAliasLeadsToAServedModelNotToAnAccessGroup() {
        // tier-1 is an access group: a key's models may name it, but a call for the alias would go to a model named tier-1
        HttpResponse<String> r = admin.post("/key/generate", new JsonObject().put("aliases", new JsonObject().put("fast", "tier-1")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("aliases.fast");
        JsonObject key = admin.generate(new JsonObject().put("aliases", new JsonObject().put("fast", "cheap")));
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(key.getString("key"))));
    }

    @Test
    void anUpdateThatRemovesTheAliasAModelsEntryNamedIsA400NamingIt() {
        JsonObject key = admin.generate(models("my-gpt", "gpt").put("aliases", new JsonObject().put("my-gpt", "gpt")));
        String secret = key.getString("key");
        HttpResponse<String> r = admin.post("/key/update", new JsonObject().put("key", secret).put("aliases", new JsonObject()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("param")).isEqualTo("models[0]");
        assertThat(error.getString("message")).contains("'my-gpt'").contains("removes");
        JsonObject info = admin.info(secret);
        assertThat(info.getJsonArray("models")).containsExactly("my-gpt", "gpt");
        // the same aliases sent back, or the entry removed with its alias, are taken
        admin.update(new JsonObject().put("key", secret).put("aliases", new JsonObject().put("my-gpt", "gpt")).put("max_budget", 3));
        assertThat(admin.update(models("gpt").put("key", secret).put("aliases", new JsonObject())).getJsonArray("models"))
                .containsExactly("gpt");
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(secret)));
    }

    @Test
    void checkKeyModelsFalseTurnsTheCheckOff() {
        // a rolling deploy: an instance not yet given new-model must not refuse a key naming it
        try (TestGateway off = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  check_key_models: false
                """)) {
            Admin a = new Admin(off);
            JsonObject key = a.generate(models("new-model").put("aliases", new JsonObject().put("fast", "new-model")));
            assertThat(key.getJsonArray("models")).containsExactly("new-model");
        }
    }

    @Test
    void theConfigsDefaultModelsAreTheConfigsAffair() {
        // default_key_generate_params fills models when the request sends none; a default naming a model this config
        // lacks is not the request's mistake, so it is not refused here
        JsonObject key = admin.generate(new JsonObject());
        assertThat(key.getJsonArray("models")).containsExactly("retired-model");
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(key.getString("key"))));
    }

    @Test
    void aTeamsAndAUsersModelsAreCheckedTheSameWay() {
        HttpResponse<String> team = admin.post("/team/new", models("gpt", "gtp-4o").put("team_id", "typo-team"));
        assertThat(team.statusCode()).as(team.body()).isEqualTo(400);
        assertThat(new JsonObject(team.body()).getJsonObject("error").getString("param")).isEqualTo("models[1]");
        admin.postOk("/team/new", models("gpt", "tier-1", "all-proxy-models").put("team_id", "good-team"));
        HttpResponse<String> teamUpdate = admin.post("/team/update", models("chaep").put("team_id", "good-team"));
        assertThat(teamUpdate.statusCode()).as(teamUpdate.body()).isEqualTo(400);

        HttpResponse<String> user = admin.post("/user/new", models("gtp-4o").put("user_id", "typo-user"));
        assertThat(user.statusCode()).as(user.body()).isEqualTo(400);
        assertThat(new JsonObject(user.body()).getJsonObject("error").getString("param")).isEqualTo("models[0]");
        admin.postOk("/user/new", models("openai/gpt-4.1", "auto").put("user_id", "good-user"));
        HttpResponse<String> userUpdate = admin.post("/user/update", models("gpt", "nope").put("user_id", "good-user"));
        assertThat(userUpdate.statusCode()).as(userUpdate.body()).isEqualTo(400);
        assertThat(admin.getOk("/user/info?user_id=good-user").encode()).contains("openai/gpt-4.1").doesNotContain("nope");
    }

    @Test
    void aKeyAliasThatLeadsToNoModelIsA400Too() {
        HttpResponse<String> r = admin.post("/key/generate", new JsonObject().put("aliases", new JsonObject().put("my-gpt", "gtp")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("param")).isEqualTo("aliases.my-gpt");
        assertThat(error.getString("message")).contains("'gtp'").contains("gpt");
        JsonObject key = admin.generate(new JsonObject().put("aliases", new JsonObject().put("my-gpt", "openai/gpt-4.1")));
        HttpResponse<String> update = admin.post("/key/update", new JsonObject().put("key", key.getString("key"))
                .put("aliases", new JsonObject().put("fast", "chaep")));
        assertThat(update.statusCode()).as(update.body()).isEqualTo(400);
        admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(key.getString("key"))));
    }
}
