package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A spend filter by a token no key has any more (migration V24's {@code retired_tokens}): a deleted key's secret or hash,
 * and a rotated key's old ones, find the calls they made, which the ledger files by key id; the deleted key itself
 * stays refused. Two gateways on one database, so the hash one gateway retired is found by the other (from the store,
 * not its memory), and the upsert of a hash retired twice runs on each store's SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RetiredTokensContract {
    /** The {@code general_settings} lines that choose the one database both gateways use. */
    abstract String databaseSettings();

    private static final Duration SYNC = Duration.ofSeconds(8);
    private static final String CHAT = "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    TestGateway a, b;
    Admin adminA, adminB;

    @BeforeAll
    void start() {
        String yaml = """
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings();
        a = TestGateway.start(yaml);
        b = TestGateway.start(yaml);
        adminA = new Admin(a);
        adminB = new Admin(b);
    }

    @AfterAll
    void stop() {
        b.close();
        a.close();
    }

    private HttpResponse<String> call(TestGateway gw, String key) { return Http.post(gw.v1() + "/chat/completions", key, CHAT); }

    private String gateway(Admin admin) { return admin == adminA ? "gateway A, " : "gateway B, "; }

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** The request ids /spend/logs lists for {@code api_key=ref} (its rows are all attempt 0: the mock serves at once). */
    private static List<String> requestIds(Admin admin, String path, String ref) {
        return admin.getOk(path + "?page_size=1000&api_key=" + q(ref)).getJsonArray("data").stream().map(JsonObject.class::cast)
                .map(row -> row.getString("request_id")).toList();
    }

    @Test
    void aDeletedKeysSecretAndHashFindItsCallsOnEveryGatewayWhileTheKeyStaysRefused() {
        JsonObject k = adminA.generate(new JsonObject().put("key_alias", "gone-app"));
        String secret = k.getString("key"), token = k.getString("token"), keyId = k.getString("key_id");
        String first = Admin.requestId(call(a, secret));
        String second = Admin.requestId(call(a, secret));
        assertThat(requestIds(adminA, "/spend/logs", token)).as("by its hash while it lives").containsExactlyInAnyOrder(first, second);

        JsonObject other = adminA.generate(new JsonObject().put("key_alias", "gone-too"));
        String otherCall = Admin.requestId(call(a, other.getString("key")));
        // two keys in one delete: one batch of retirements
        Admin.ok(adminA.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(secret).add(other.getString("token")))));
        assertThat(call(a, secret).statusCode()).as("deleted: refused at once where it was deleted").isEqualTo(401);
        assertThat(requestIds(adminA, "/spend/logs", other.getString("token"))).containsExactly(otherCall);
        await("deleted on A, refused on B").atMost(SYNC).until(() -> call(b, secret).statusCode() == 401);
        assertThat(adminA.get("/key/info?key=" + token).statusCode()).as("its hash names no key").isEqualTo(404);

        for (Admin admin : List.of(adminA, adminB)) {
            for (String ref : List.of(token, secret)) {
                assertThat(requestIds(admin, "/spend/logs", ref)).as(gateway(admin) + ref).containsExactlyInAnyOrder(first, second);
                assertThat(requestIds(admin, "/spend/logs/v2", ref)).as(gateway(admin) + ref).containsExactlyInAnyOrder(first, second);
                assertThat(requestIds(admin, "/logs", ref)).as(gateway(admin) + "the request log, " + ref).containsExactlyInAnyOrder(first, second);
            }
            JsonArray report = admin.getOk("/global/spend/report?group_by=key&api_key=" + token).getJsonArray("groups");
            assertThat(report).hasSize(1);
            JsonObject group = report.getJsonObject(0);
            assertThat(group.getString("group")).isEqualTo(keyId);
            assertThat(group.getLong("requests")).isEqualTo(2L);
            assertThat(group.getString("key_alias")).as("its last alias").isEqualTo("gone-app");
            assertThat(group.getBoolean("deleted")).as("still labelled deleted").isTrue();
            HttpResponse<String> daily = admin.get("/global/spend/logs?api_key=" + token);
            assertThat(daily.statusCode()).as(daily.body()).isEqualTo(200);
            JsonArray days = new JsonArray(daily.body());
            assertThat(days).hasSize(1);
            assertThat(days.getJsonObject(0).getDouble("spend")).isPositive();
        }
        // the dashboard still names it as a deleted app, by its last alias
        JsonArray apps = adminA.getOk("/ui/api/overview").getJsonObject("spend_by_app").getJsonArray("apps");
        JsonObject app = apps.stream().map(JsonObject.class::cast).filter(o -> keyId.equals(o.getString("key_id"))).findFirst().orElseThrow();
        assertThat(app.getString("app")).isEqualTo("gone-app (deleted)");
        assertThat(app.getBoolean("deleted")).isTrue();

        // a hash never issued still matches nothing (not a 404), a secret never issued is still a 404
        assertThat(requestIds(adminA, "/spend/logs", "0".repeat(64))).isEmpty();
        assertThat(adminA.get("/spend/logs?api_key=" + q("sk-" + "never-issued-secret-000")).statusCode()).isEqualTo(404);
        assertThat(adminA.get("/spend/logs?api_key=no-such-alias").statusCode()).isEqualTo(404);
    }

    @Test
    void aRotatedKeysOldSecretAndHashFindTheKeysCallsAndStopWorking() {
        JsonObject k = adminA.generate(new JsonObject().put("key_alias", "rotating-app"));
        String oldSecret = k.getString("key"), oldToken = k.getString("token");
        String before = Admin.requestId(call(a, oldSecret));
        JsonObject rotated = Admin.ok(adminA.post("/key/regenerate", new JsonObject().put("key", oldSecret)));
        String newSecret = rotated.getString("key"), newToken = rotated.getString("token_id");
        assertThat(call(a, oldSecret).statusCode()).as("the old secret is refused").isEqualTo(401);
        String after = Admin.requestId(call(a, newSecret));

        // B is asked before its sync takes the rotation in: the new hash is read from the store, as the old one is
        for (Admin admin : List.of(adminA, adminB)) {
            for (String ref : List.of(oldToken, oldSecret, newToken, newSecret)) {
                assertThat(requestIds(admin, "/spend/logs", ref)).as(gateway(admin) + ref).containsExactlyInAnyOrder(before, after);
            }
        }
        // deleted afterwards: its first and its last hash both still find its calls
        Admin.ok(adminA.post("/key/delete", new JsonObject().put("key_aliases", new JsonArray().add("rotating-app"))));
        for (String ref : List.of(oldToken, newToken, newSecret)) {
            assertThat(requestIds(adminB, "/spend/logs", ref)).as(ref).containsExactlyInAnyOrder(before, after);
        }
    }

    @Test
    void aSecretChosenAgainNamesTheKeyThatHasItNowThenTheOneThatHadItLast() {
        String chosen = "sk-" + "chosen-twice-secret-0001";
        JsonObject first = adminA.generate(new JsonObject().put("key", chosen).put("key_alias", "first-holder"));
        String firstCall = Admin.requestId(call(a, chosen));
        Admin.ok(adminA.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(chosen))));
        assertThat(requestIds(adminA, "/spend/logs", chosen)).containsExactly(firstCall);

        // the secret is free again: a new key takes it, and the secret names the live key, not the deleted one
        JsonObject second = adminA.generate(new JsonObject().put("key", chosen).put("key_alias", "second-holder"));
        assertThat(second.getString("key_id")).isNotEqualTo(first.getString("key_id"));
        String secondCall = Admin.requestId(call(a, chosen));
        assertThat(requestIds(adminA, "/spend/logs", chosen)).containsExactly(secondCall);
        // retired again (the row of the first holder is replaced): it names the key that had it last
        Admin.ok(adminA.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(chosen))));
        assertThat(requestIds(adminB, "/spend/logs", first.getString("token"))).containsExactly(secondCall);
        // the first holder's calls are still found by its key id and alias
        assertThat(requestIds(adminB, "/spend/logs", first.getString("key_id"))).containsExactly(firstCall);
    }
}
