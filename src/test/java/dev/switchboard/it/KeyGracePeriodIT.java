package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code grace_period} on {@code /key/regenerate}, through real sockets: the old secret keeps working as the
 * same key (its calls are the key's, its blocks and deletes hold it) until the grace is over, then it is the 401 of
 * any rotated-away secret; a bad value is a 400 that rotates nothing; a later rotation ends the grace; the grace is in
 * the store, so a restarted gateway keeps it.
 */
class KeyGracePeriodIT {
    private static final String CHAT = "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String DB = TestGateway.tempDatabase();
    private static final String YAML = """
            model_list:
              - model_name: cheap
                litellm_params: { model: mock/cheap-model }
            general_settings:
              master_key: os.environ/MASTER_KEY
              database_path: "%s"
            """.formatted(DB);

    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(YAML);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { if (gw != null) gw.close(); }

    private static HttpResponse<String> call(TestGateway g, String key) { return Http.post(g.v1() + "/chat/completions", key, CHAT); }

    private static HttpResponse<String> call(String key) { return call(gw, key); }

    private static JsonObject regenerate(String key, Object grace) {
        JsonObject body = new JsonObject().put("key", key);
        if (grace != null) body.put("grace_period", grace);
        return Admin.ok(admin.post("/key/regenerate", body));
    }

    @Test
    void theOldSecretWorksAsTheSameKeyDuringItsGracePeriodAndIsA401After() {
        JsonObject made = admin.generate(new JsonObject().put("key_alias", "graceful").put("max_budget", 10));
        String old = made.getString("key");
        String keyId = made.getString("key_id");
        assertThat(call(old).statusCode()).isEqualTo(200);

        JsonObject rotated = Admin.ok(admin.post("/key/" + old + "/regenerate", new JsonObject().put("grace_period", "3s")));
        long rotatedAt = System.currentTimeMillis();
        String fresh = rotated.getString("key");
        assertThat(rotated.getString("key_id")).isEqualTo(keyId);
        HttpResponse<String> byOld = call(old);
        HttpResponse<String> byNew = call(fresh);
        assertThat(byOld.statusCode()).as(byOld.body()).isEqualTo(200);
        assertThat(byNew.statusCode()).as(byNew.body()).isEqualTo(200);
        // one key: both calls are charged to it, and the old secret asks /key/info about that key
        assertThat(admin.ledgerRows(byOld, "key=" + keyId)).hasSize(1);
        assertThat(admin.ledgerRows(byNew, "key=" + keyId)).hasSize(1);
        JsonObject self = Admin.ok(Http.get(gw.baseUrl() + "/key/info", old));
        assertThat(self.getJsonObject("info").getString("key_id")).isEqualTo(keyId);
        assertThat(self.getString("key")).isEqualTo(rotated.getString("token_id"));
        // the admin API names keys by their current names: the old secret names none (LiteLLM finds no row by it either)
        assertThat(admin.get("/key/info?key=" + old).statusCode()).isEqualTo(404);

        await("the grace ends").atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(100))
                .until(() -> call(old).statusCode() == 401);
        assertThat(System.currentTimeMillis() - rotatedAt).as("not before its 3 s").isGreaterThanOrEqualTo(2_900);
        HttpResponse<String> after = call(old);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(after.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
        assertThat(call(fresh).statusCode()).isEqualTo(200);
    }

    @Test
    void aBadGracePeriodIsA400InLitellmsShapeAndRotatesNothing() {
        String key = admin.generate(new JsonObject().put("key_alias", "bad-grace")).getString("key");
        for (Object bad : new Object[] {"24 hours", "24", "-1h", 86400}) {
            HttpResponse<String> r = admin.post("/key/regenerate", new JsonObject().put("key", key).put("grace_period", bad));
            assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("param")).isEqualTo("grace_period");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).contains("30s, 30m, 30h, 1d, 7d, 2w or 1mo");
        }
        assertThat(call(key).statusCode()).as("nothing rotated").isEqualTo(200);
        // LiteLLM's "no grace": null, empty or zero rotate at once
        String next = regenerate(key, "0s").getString("key");
        assertThat(call(key).statusCode()).isEqualTo(401);
        String last = regenerate(next, "").getString("key");
        assertThat(call(next).statusCode()).isEqualTo(401);
        assertThat(call(last).statusCode()).isEqualTo(200);
    }

    @Test
    void aLaterRotationEndsTheGraceAnEarlierOneGave() {
        String first = admin.generate(new JsonObject().put("key_alias", "twice")).getString("key");
        String second = regenerate(first, "1h").getString("key");
        assertThat(call(first).statusCode()).isEqualTo(200);
        String third = regenerate(second, "1h").getString("key");
        assertThat(call(first).statusCode()).as("the first rotation's grace ended").isEqualTo(401);
        assertThat(call(second).statusCode()).as("the second's goes on").isEqualTo(200);
        String fourth = regenerate(third, null).getString("key");
        assertThat(call(second).statusCode()).as("a rotation without grace ends it at once").isEqualTo(401);
        assertThat(call(third).statusCode()).isEqualTo(401);
        assertThat(call(fourth).statusCode()).isEqualTo(200);
    }

    @Test
    void theKeysBlockAndDeleteHoldItsOldSecretToo() {
        String old = admin.generate(new JsonObject().put("key_alias", "held")).getString("key");
        String fresh = regenerate(old, "1h").getString("key");
        Admin.ok(admin.post("/key/block", new JsonObject().put("key", fresh)));
        HttpResponse<String> blocked = call(old);
        assertThat(blocked.statusCode()).isEqualTo(401);
        assertThat(blocked.body()).contains("blocked");
        Admin.ok(admin.post("/key/unblock", new JsonObject().put("key", fresh)));
        assertThat(call(old).statusCode()).isEqualTo(200);
        // another key may not take a secret that still works as this one
        HttpResponse<String> taken = admin.post("/key/generate", new JsonObject().put("key", old));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(400);
        assertThat(taken.body()).contains("Another key already has this secret");
        String other = admin.generate(new JsonObject()).getString("key");
        HttpResponse<String> takenOnRotation = admin.post("/key/regenerate", new JsonObject().put("key", other).put("new_key", old));
        assertThat(takenOnRotation.statusCode()).as(takenOnRotation.body()).isEqualTo(400);
        Admin.ok(admin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(fresh))));
        assertThat(call(old).statusCode()).isEqualTo(401);
    }

    @Test
    void theGraceIsInTheStoreSoARestartedGatewayKeepsIt() {
        String old = admin.generate(new JsonObject().put("key_alias", "restarted")).getString("key");
        String fresh = regenerate(old, "1h").getString("key");
        try (TestGateway second = TestGateway.start(YAML)) { // a second gateway on the file, as a restart reads it
            assertThat(call(second, fresh).statusCode()).isEqualTo(200);
            assertThat(call(second, old).statusCode()).as("the old secret in grace, read from the store").isEqualTo(200);
        }
    }
}
