package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one database (LiteLLM runs several proxies on one PostgreSQL the same way): a key made, blocked,
 * narrowed, rotated or deleted on one is taken in by the other within a few seconds (the sync runs every 2 s).
 */
abstract class SharedKeysContract {
    /** The {@code general_settings} lines that choose the one database both gateways use. */
    abstract String databaseSettings();

    private static final Duration SYNC = Duration.ofSeconds(8);

    @Test
    void keyChangesOnOneGatewayReachTheOther() {
        String yaml = """
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                  - model_name: other
                    litellm_params: { model: mock/other-model }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings();
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            Admin adminA = new Admin(a);
            JsonObject made = adminA.generate(new JsonObject().put("key_alias", "shared-app").put("models", new JsonArray().add("cheap")));
            String key = made.getString("key");
            String cheap = "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            String other = "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(Http.post(a.v1() + "/chat/completions", key, cheap).statusCode()).isEqualTo(200);
            await("made on A, known to B").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 200);
            assertThat(Http.post(b.v1() + "/chat/completions", key, other).statusCode()).as("B keeps its allowlist").isEqualTo(403);

            adminA.update(new JsonObject().put("key", key).put("models", new JsonArray().add("cheap").add("other")));
            await("widened on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, other).statusCode() == 200);

            assertThat(adminA.post("/key/block", new JsonObject().put("key", key)).statusCode()).isEqualTo(200);
            await("blocked on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 401);
            assertThat(adminA.post("/key/unblock", new JsonObject().put("key", key)).statusCode()).isEqualTo(200);
            await("unblocked on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 200);

            String rotated = Admin.ok(adminA.post("/key/regenerate", new JsonObject().put("key", key))).getString("key");
            await("rotated on A: the old secret stops on B").atMost(SYNC)
                    .until(() -> Http.post(b.v1() + "/chat/completions", key, cheap).statusCode() == 401);
            assertThat(Http.post(b.v1() + "/chat/completions", rotated, cheap).statusCode()).isEqualTo(200);

            assertThat(adminA.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(rotated))).statusCode()).isEqualTo(200);
            await("deleted on A").atMost(SYNC).until(() -> Http.post(b.v1() + "/chat/completions", rotated, cheap).statusCode() == 401);
            assertThat(new Admin(b).get("/key/info?key=shared-app").statusCode()).isEqualTo(404);
        }
    }
}
