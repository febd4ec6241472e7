package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Requests view's filter finds what its App column shows: a key's alias, else its key id ({@code master} for the
 * master key's calls, {@code key_…} for a key without an alias), the names the overview's spend per app uses too
 * (QA finding F14).
 */
class DashboardAppFilterIT {
    static TestGateway gw;
    static String unnamedKeyId;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        Admin admin = new Admin(gw);
        JsonObject named = admin.generate(new JsonObject().put("key_alias", "gamma"));
        JsonObject unnamed = admin.generate(new JsonObject());
        unnamedKeyId = unnamed.getString("key_id");
        assertThat(unnamedKeyId).startsWith("key_");
        ask(TestGateway.MASTER_KEY, 2);
        ask(unnamed.getString("key"), 3);
        ask(named.getString("key"), 1);
    }

    private static void ask(String key, int times) {
        for (int i = 0; i < times; i++) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static JsonObject requests(String query) { return new Admin(gw).getOk("/ui/api/requests?page_size=200&" + query); }

    /** What the page's App column shows for a row (app.js: {@code row.key_alias || row.key_id}). */
    private static String appColumn(JsonObject row) {
        String alias = row.getString("key_alias");
        return alias != null && !alias.isEmpty() ? alias : row.getString("key_id");
    }

    @Test
    void theFilterFindsTheRowsWhoseAppColumnShowsTheText() {
        for (Map.Entry<String, Long> e : Map.of("master", 2L, unnamedKeyId, 3L, "gamma", 1L).entrySet()) {
            JsonObject page = requests("app=" + e.getKey());
            assertThat(page.getLong("total")).as(e.getKey() + ": " + page.encodePrettily()).isEqualTo(e.getValue());
            for (Object o : page.getJsonArray("data")) assertThat(appColumn((JsonObject) o)).isEqualTo(e.getKey());
        }
        assertThat(requests("app=nobody").getLong("total")).isZero();
        // the admin API's key_alias and key_id keep LiteLLM's meaning: the alias only, the key only
        assertThat(requests("key_alias=master").getLong("total")).isZero();
        assertThat(requests("key_id=master").getLong("total")).isEqualTo(2L);
    }

    @Test
    void eachAppTheOverviewNamesIsFoundByTheFilter() {
        JsonArray apps = new Admin(gw).getOk("/ui/api/overview").getJsonObject("spend_by_app").getJsonArray("apps");
        assertThat(apps).hasSize(3);
        for (Object o : apps) {
            JsonObject app = (JsonObject) o;
            assertThat(requests("app=" + app.getString("app")).getLong("total")).as(app.encode()).isEqualTo(app.getLong("requests"));
        }
    }
}
