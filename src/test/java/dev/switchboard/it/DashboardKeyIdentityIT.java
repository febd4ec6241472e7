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
 * The dashboard's apps are keys, named by their alias now (QA run D, finding 1): a renamed key's calls stay one app
 * under its new alias, a new key that takes the old alias is an app of its own, and a deleted key keeps its last alias,
 * marked deleted. "Spend per app", "Served by fallback", "Month to date per key", the Requests filter and
 * {@code /global/spend/report?group_by=key} name every key the same way.
 */
class DashboardKeyIdentityIT {
    static TestGateway gw;
    static Admin admin;
    static String renamedId, newId, deletedId, zetaId, rotatedOutId, rotatedInId;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        JsonObject renamed = admin.generate(new JsonObject().put("key_alias", "app-a"));
        renamedId = renamed.getString("key_id");
        ask(renamed.getString("key"), 2);
        admin.update(new JsonObject().put("key", renamedId).put("key_alias", "app-a-renamed"));
        ask(renamed.getString("key"), 1);
        // a new key takes the alias the first one gave up
        JsonObject taker = admin.generate(new JsonObject().put("key_alias", "app-a"));
        newId = taker.getString("key_id");
        ask(taker.getString("key"), 1);
        // renamed to a name that sorts first: the report's alias must be the current one, not the greatest
        JsonObject zeta = admin.generate(new JsonObject().put("key_alias", "zeta"));
        zetaId = zeta.getString("key_id");
        ask(zeta.getString("key"), 1);
        admin.update(new JsonObject().put("key", zetaId).put("key_alias", "aaa"));
        JsonObject temp = admin.generate(new JsonObject().put("key_alias", "temp-app").put("max_budget", 1.0));
        deletedId = temp.getString("key_id");
        ask(temp.getString("key"), 1);
        admin.postOk("/key/delete", new JsonObject().put("keys", new JsonArray().add(deletedId)));
        // rotation by a new key of the same name: the old key is deleted, a new one takes its alias (QA run A, finding 2)
        JsonObject rotatedOut = admin.generate(new JsonObject().put("key_alias", "reuse-me"));
        rotatedOutId = rotatedOut.getString("key_id");
        ask(rotatedOut.getString("key"), 2);
        admin.postOk("/key/delete", new JsonObject().put("keys", new JsonArray().add(rotatedOutId)));
        JsonObject rotatedIn = admin.generate(new JsonObject().put("key_alias", "reuse-me"));
        rotatedInId = rotatedIn.getString("key_id");
        ask(rotatedIn.getString("key"), 3);
    }

    private static JsonObject requests(String app) {
        return admin.getOk("/ui/api/requests?page_size=200&app=" + java.net.URLEncoder.encode(app, java.nio.charset.StandardCharsets.UTF_8));
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

    private static JsonObject byField(JsonArray a, String field, String value) {
        for (Object o : a) if (value.equals(((JsonObject) o).getString(field))) return (JsonObject) o;
        throw new AssertionError("no entry with " + field + "=" + value + " in " + a.encodePrettily());
    }

    @Test
    void spendPerAppIsPerKeyNamedByItsCurrentAlias() {
        JsonObject overview = admin.getOk("/ui/api/overview");
        JsonArray apps = overview.getJsonObject("spend_by_app").getJsonArray("apps");
        JsonObject renamed = byField(apps, "app", "app-a-renamed");
        assertThat(renamed.getString("key_id")).isEqualTo(renamedId);
        assertThat(renamed.getLong("requests")).isEqualTo(3L);
        JsonObject taker = byField(apps, "app", "app-a");
        assertThat(taker.getString("key_id")).isEqualTo(newId);
        assertThat(taker.getLong("requests")).isEqualTo(1L);
        assertThat(byField(apps, "app", "aaa").getString("key_id")).isEqualTo(zetaId);
        JsonObject deleted = byField(apps, "key_id", deletedId);
        assertThat(deleted.getString("app")).isEqualTo("temp-app (deleted)");
        assertThat(deleted.getBoolean("deleted")).isTrue();
        assertThat(apps).hasSize(6);

        JsonArray fallback = overview.getJsonArray("fallback");
        assertThat(byField(fallback, "app", "app-a-renamed").getLong("requests")).isEqualTo(3L);
        assertThat(byField(fallback, "app", "app-a").getLong("requests")).isEqualTo(1L);
    }

    @Test
    void monthToDatePerKeyAndTheReportAgreeWithSpendPerApp() {
        JsonObject overview = admin.getOk("/ui/api/overview");
        JsonArray apps = overview.getJsonObject("spend_by_app").getJsonArray("apps");
        JsonArray keys = overview.getJsonArray("keys");
        JsonArray report = admin.getOk("/global/spend/report?group_by=key").getJsonArray("groups");
        for (String id : new String[] {renamedId, newId, zetaId, deletedId}) {
            JsonObject app = byField(apps, "key_id", id);
            JsonObject key = byField(keys, "key_id", id);
            JsonObject group = byField(report, "group", id);
            assertThat(key.getLong("mtd_spend_nanos")).as(id).isEqualTo(app.getLong("total_nanos"));
            assertThat(group.getLong("requests")).as(id).isEqualTo(app.getLong("requests"));
            assertThat(group.getString("key_alias")).as(id).isEqualTo(key.getString("key_alias"));
        }
        assertThat(byField(report, "group", zetaId).getString("key_alias")).isEqualTo("aaa");
        assertThat(byField(report, "group", renamedId).getString("key_alias")).isEqualTo("app-a-renamed");
        // a deleted key: its last alias, marked deleted, and no made-up budget
        JsonObject deleted = byField(keys, "key_id", deletedId);
        assertThat(deleted.getString("key_alias")).isEqualTo("temp-app");
        assertThat(deleted.getBoolean("deleted")).isTrue();
        assertThat(byField(report, "group", deletedId).getBoolean("deleted")).isTrue();
        assertThat(byField(report, "group", renamedId).getBoolean("deleted")).isFalse();
    }

    @Test
    void theRequestsFilterFindsAnAppByTheNameTheOverviewGivesIt() {
        JsonObject renamed = admin.getOk("/ui/api/requests?app=app-a-renamed");
        assertThat(renamed.getLong("total")).isEqualTo(3L);
        for (Object o : renamed.getJsonArray("data")) {
            assertThat(((JsonObject) o).getString("key_id")).isEqualTo(renamedId);
            assertThat(((JsonObject) o).getString("app")).isEqualTo("app-a-renamed");
        }
        JsonObject taker = admin.getOk("/ui/api/requests?app=app-a");
        assertThat(taker.getLong("total")).isEqualTo(1L);
        assertThat(taker.getJsonArray("data").getJsonObject(0).getString("key_id")).isEqualTo(newId);
        JsonObject deleted = admin.getOk("/ui/api/requests?app=" + java.net.URLEncoder.encode("temp-app (deleted)",
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(deleted.getLong("total")).isEqualTo(1L);
        assertThat(deleted.getJsonArray("data").getJsonObject(0).getString("app")).isEqualTo("temp-app (deleted)");
    }

    @Test
    void aDeletedAppsNameFindsItsOwnCallsNotThoseOfTheLiveKeyThatTookItsAlias() {
        JsonArray apps = admin.getOk("/ui/api/overview").getJsonObject("spend_by_app").getJsonArray("apps");
        assertThat(byField(apps, "key_id", rotatedOutId).getString("app")).isEqualTo("reuse-me (deleted)");
        assertThat(byField(apps, "key_id", rotatedInId).getString("app")).isEqualTo("reuse-me");

        JsonObject deleted = requests("reuse-me (deleted)");
        assertThat(deleted.getLong("total")).as(deleted.encodePrettily()).isEqualTo(2L);
        for (Object o : deleted.getJsonArray("data")) {
            assertThat(((JsonObject) o).getString("key_id")).isEqualTo(rotatedOutId);
            assertThat(((JsonObject) o).getString("app")).isEqualTo("reuse-me (deleted)");
        }
        JsonObject live = requests("reuse-me");
        assertThat(live.getLong("total")).isEqualTo(3L);
        for (Object o : live.getJsonArray("data")) assertThat(((JsonObject) o).getString("key_id")).isEqualTo(rotatedInId);
        // each app the overview names is found with its own count
        for (Object o : apps) {
            JsonObject app = (JsonObject) o;
            assertThat(requests(app.getString("app")).getLong("total")).as(app.encode()).isEqualTo(app.getLong("requests"));
        }
    }

    @Test
    void aKeyIdFindsThatKeysCallsWhateverAliasTheyWereMadeUnder() {
        for (String[] c : new String[][] {{renamedId, "3", "app-a-renamed"}, {deletedId, "1", "temp-app (deleted)"},
                {rotatedOutId, "2", "reuse-me (deleted)"}, {rotatedInId, "3", "reuse-me"}}) {
            JsonObject page = requests(c[0]);
            assertThat(page.getLong("total")).as(c[0] + ": " + page.encodePrettily()).isEqualTo(Long.parseLong(c[1]));
            for (Object o : page.getJsonArray("data")) {
                assertThat(((JsonObject) o).getString("key_id")).isEqualTo(c[0]);
                assertThat(((JsonObject) o).getString("app")).isEqualTo(c[2]);
            }
        }
        // a key id with a key_id filter of another key: both cannot hold
        assertThat(admin.getOk("/ui/api/requests?app=" + renamedId + "&key_id=" + newId).getLong("total")).isZero();
    }
}
