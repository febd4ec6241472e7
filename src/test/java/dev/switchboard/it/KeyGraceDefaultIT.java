package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code LITELLM_KEY_ROTATION_GRACE_PERIOD} through real sockets: a gateway started with it ({@code 3s}) gives
 * a {@code /key/regenerate} without a {@code grace_period} (or with an empty one, LiteLLM's {@code grace_period or …})
 * that grace: the old secret works as the key until then and is a 401 after; {@code "0s"} still rotates at once and a
 * value sent wins over the default. The dashboard's key list names the default its grace field starts at.
 */
class KeyGraceDefaultIT {
    private static final String CHAT = "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String YAML = """
            model_list:
              - model_name: cheap
                litellm_params: { model: mock/cheap-model }
            general_settings:
              master_key: os.environ/MASTER_KEY
              database_path: "%s"
            """.formatted(TestGateway.tempDatabase());

    @Test
    void aRegenerateThatGivesNoGracePeriodTakesTheEnvironmentsDefault() {
        try (TestGateway gw = TestGateway.start(YAML, Map.of("LITELLM_KEY_ROTATION_GRACE_PERIOD", "3s"))) {
            Admin admin = new Admin(gw);
            String none = admin.generate(new JsonObject().put("key_alias", "none-sent")).getString("key");
            String empty = admin.generate(new JsonObject().put("key_alias", "empty-sent")).getString("key");
            String zero = admin.generate(new JsonObject().put("key_alias", "zero-sent")).getString("key");
            String hour = admin.generate(new JsonObject().put("key_alias", "hour-sent")).getString("key");
            long rotated = System.currentTimeMillis();
            String noneNew = regenerate(admin, new JsonObject().put("key", none));
            String emptyNew = regenerate(admin, new JsonObject().put("key", empty).put("grace_period", ""));
            String zeroNew = regenerate(admin, new JsonObject().put("key", zero).put("grace_period", "0s"));
            String hourNew = regenerate(admin, new JsonObject().put("key", hour).put("grace_period", "1h"));

            for (String live : new String[] {none, empty, hour, noneNew, emptyNew, zeroNew, hourNew}) {
                HttpResponse<String> r = call(gw, live);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            assertThat(call(gw, zero).statusCode()).as("0s rotates at once, whatever the default").isEqualTo(401);

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> call(gw, none).statusCode() == 401 && call(gw, empty).statusCode() == 401);
            assertThat(System.currentTimeMillis() - rotated).as("not before the default's 3 s").isGreaterThanOrEqualTo(2_900);
            assertThat(call(gw, hour).statusCode()).as("a grace sent wins over the default").isEqualTo(200);
            assertThat(call(gw, noneNew).statusCode()).isEqualTo(200);

            // the dashboard: its grace field starts at the default, and its regenerate (/ui/api) sends the grace chosen
            assertThat(admin.getOk("/ui/api/keys").getString("grace_period_default")).isEqualTo("3s");
            String viaUi = admin.generate(new JsonObject().put("key_alias", "via-ui")).getString("key");
            HttpResponse<String> ui = Http.post(gw.baseUrl() + "/ui/api/keys/regenerate", TestGateway.MASTER_KEY,
                    new JsonObject().put("key", viaUi).put("grace_period", "1h").encode(), "x-switchboard-ui", "1");
            assertThat(ui.statusCode()).as(ui.body()).isEqualTo(200);
            assertThat(call(gw, viaUi).statusCode()).as("the old secret in its grace").isEqualTo(200);
            assertThat(call(gw, new JsonObject(ui.body()).getString("key")).statusCode()).isEqualTo(200);

            // a bad value sent is still the request's 400, and rotates nothing
            HttpResponse<String> bad = admin.post("/key/regenerate", new JsonObject().put("key", noneNew).put("grace_period", "soon"));
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(bad.body()).contains("grace_period");
            assertThat(call(gw, noneNew).statusCode()).isEqualTo(200);
        }
    }

    private static String regenerate(Admin admin, JsonObject body) {
        return Admin.ok(admin.post("/key/regenerate", body)).getString("key");
    }

    private static HttpResponse<String> call(TestGateway gw, String key) { return Http.post(gw.v1() + "/chat/completions", key, CHAT); }
}
