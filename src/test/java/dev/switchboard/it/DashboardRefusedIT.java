package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard answers "why were my agent's calls refused?" (QA of the dashboard, thirty-fifth session): a request a
 * key's rate limit or allowlist refused has no ledger row, so the Requests view, which read the ledger only, never showed
 * it. {@code /ui/api/requests?status=error} lists them from the request log with their error, filtered by app (the
 * master key's calls as {@code master}), and {@code /ui/api/requests/{id}} opens one (it was a 404).
 */
class DashboardRefusedIT {
    static TestGateway gw;
    static Admin admin;
    static String refusedId;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "other=gpt-4o") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        String cron = admin.generate(new JsonObject().put("key_alias", "cron").put("rpm_limit", 1)).getString("key");
        String bot = admin.generate(new JsonObject().put("key_alias", "bot").put("models", new JsonArray().add("gpt"))).getString("key");
        assertThat(ask(cron, "gpt").statusCode()).isEqualTo(200);
        HttpResponse<String> limited = ask(cron, "gpt");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        refusedId = Admin.requestId(limited);
        assertThat(ask(bot, "other").statusCode()).isEqualTo(403);
        assertThat(ask(bot, "gpt").statusCode()).isEqualTo(200);
        assertThat(ask(TestGateway.MASTER_KEY, "gpt").statusCode()).isEqualTo(200);
        // after review: a refused master call (so app=master&status=error is not zero by accident), a tagged refusal
        // whose tag has an _ (a LIKE wildcard), and a deleted key "ghost" whose only call was refused, whose alias a
        // live key took since and was refused under too
        HttpResponse<String> masterRefused = ask(TestGateway.MASTER_KEY, "nope");
        assertThat(masterRefused.statusCode()).as(masterRefused.body()).isBetween(400, 499);
        HttpResponse<String> tagged = Http.post(gw.v1() + "/chat/completions", bot,
                "{\"model\":\"other\",\"metadata\":{\"tags\":[\"team_a\"]},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(tagged.statusCode()).isEqualTo(403);
        taggedId = Admin.requestId(tagged);
        String ghost = admin.generate(new JsonObject().put("key_alias", "ghost").put("models", new JsonArray().add("gpt"))).getString("key");
        HttpResponse<String> ghostRefused = ask(ghost, "other");
        assertThat(ghostRefused.statusCode()).isEqualTo(403);
        deletedGhostId = Admin.requestId(ghostRefused);
        admin.postOk("/key/delete", new JsonObject().put("keys", new JsonArray().add(ghost)));
        String ghost2 = admin.generate(new JsonObject().put("key_alias", "ghost").put("models", new JsonArray().add("gpt"))).getString("key");
        assertThat(ask(ghost2, "other").statusCode()).isEqualTo(403);
        // the request log is written in batches: wait for the refusals
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> admin.getOk("/logs?status=error").getLong("total") == REFUSED);
        // the since test asks for the last second: nothing in it
        try {
            Thread.sleep(2_100);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** cron's 429, bot's two 403s, the master key's refusal, the deleted ghost's 403 and the live ghost's. */
    static final long REFUSED = 6;
    static String taggedId;
    static String deletedGhostId;

    private static HttpResponse<String> ask(String key, String model) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void theRefusedRequestsOfAnAppAreListedWithWhy() {
        JsonObject page = admin.getOk("/ui/api/requests?app=cron&status=error");
        assertThat(page.getLong("total")).as(page.encodePrettily()).isEqualTo(1);
        JsonObject row = page.getJsonArray("data").getJsonObject(0);
        assertThat(row.getString("request_id")).isEqualTo(refusedId);
        assertThat(row.getString("app")).isEqualTo("cron");
        assertThat(row.getInteger("status")).isEqualTo(429);
        assertThat(row.getString("error_type")).isEqualTo("rate_limit_error");
        assertThat(row.getString("error_message")).contains("rpm_limit");
        assertThat(row.containsKey("prompt")).isFalse();
        // the served calls' view (the ledger) still has only the call that was served
        assertThat(admin.getOk("/ui/api/requests?app=cron").getLong("total")).isEqualTo(1);

        JsonObject bot = admin.getOk("/ui/api/requests?app=bot&status=403").getJsonArray("data").getJsonObject(0);
        assertThat(bot.getString("model")).isEqualTo("other");
        assertThat(admin.getOk("/ui/api/requests?status=error").getLong("total")).isEqualTo(REFUSED);
        assertThat(admin.getOk("/ui/api/requests?status=error&since=1h").getLong("total")).isEqualTo(REFUSED);
        // the master key's calls are the app "master" there too (its refusal only)
        assertThat(admin.getOk("/ui/api/requests?app=master&status=error").getLong("total")).isEqualTo(1);
        assertThat(admin.getOk("/ui/api/requests?app=master").getLong("total")).isEqualTo(1);
    }

    @Test
    void aRefusedRequestOpensWithItsErrorAndNoAttempt() {
        JsonObject d = admin.getOk("/ui/api/requests/" + refusedId);
        assertThat(d.getJsonArray("rows")).isEmpty();
        assertThat(d.getJsonObject("log").getInteger("status")).isEqualTo(429);
        assertThat(d.getJsonObject("log").getString("error_message")).contains("rpm_limit");
        assertThat(admin.get("/ui/api/requests/req_nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void aBadStatusOrTimeIsA400NamingIt() {
        HttpResponse<String> bad = admin.get("/ui/api/requests?status=200");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("status");
        HttpResponse<String> since = admin.get("/ui/api/requests?since=yesterday");
        assertThat(since.statusCode()).isEqualTo(400);
        assertThat(since.body()).contains("since");
    }

    @Test
    void sinceNarrowsTheServedCallsAndTheRefusedByTime() {
        assertThat(admin.getOk("/ui/api/requests?since=1h").getLong("total")).isEqualTo(3);
        assertThat(admin.getOk("/ui/api/requests").getLong("total")).isEqualTo(3);
        // every call was made more than 2 s ago
        assertThat(admin.getOk("/ui/api/requests?since=1s").getLong("total")).isZero();
        assertThat(admin.getOk("/ui/api/requests?since=1s&status=error").getLong("total")).isZero();
    }

    /**
     * Review of the dashboard branch: the refused view's app filter applies what the served view's does. A deleted app
     * with no deleted key finds nothing (it showed the live key's refusals); a deleted key found only in the request log
     * (every call of it refused) is found, without the live key that took its alias; a key id beside an app is kept.
     */
    @Test
    void theRefusedViewsAppFilterIsTheServedViews() {
        assertThat(admin.getOk("/ui/api/requests?app=cron%20(deleted)&status=error").getLong("total")).isZero();
        JsonObject ghost = admin.getOk("/ui/api/requests?app=ghost%20(deleted)&status=error");
        assertThat(ghost.getLong("total")).as(ghost.encodePrettily()).isEqualTo(1);
        assertThat(ghost.getJsonArray("data").getJsonObject(0).getString("request_id")).isEqualTo(deletedGhostId);
        assertThat(admin.getOk("/ui/api/requests?app=ghost&status=error").getLong("total")).isEqualTo(1);
        JsonObject cron = admin.getOk("/ui/api/requests?app=cron&status=error");
        String cronKeyId = cron.getJsonArray("data").getJsonObject(0).getString("key_id");
        JsonObject bot = admin.getOk("/ui/api/requests?app=bot&status=error");
        String botKeyId = bot.getJsonArray("data").getJsonObject(0).getString("key_id");
        assertThat(admin.getOk("/ui/api/requests?key_id=" + botKeyId + "&app=cron&status=error").getLong("total")).isZero();
        assertThat(admin.getOk("/ui/api/requests?key_id=" + cronKeyId + "&app=cron&status=error").getLong("total")).isEqualTo(1);
    }

    /** A tag is matched as it is written: its _ is not a wildcard, and not dropped (team_a matched nothing). */
    @Test
    void aTagWithAnUnderscoreFindsItsRefusal() {
        JsonObject page = admin.getOk("/ui/api/requests?tag=team_a&status=error");
        assertThat(page.getLong("total")).as(page.encodePrettily()).isEqualTo(1);
        assertThat(page.getJsonArray("data").getJsonObject(0).getString("request_id")).isEqualTo(taggedId);
        assertThat(admin.getOk("/ui/api/requests?tag=teamxa&status=error").getLong("total")).isZero();
    }

    /** The refused view's page says whether the request log is on and how long it keeps rows (an empty view is not "none"). */
    @Test
    void theRefusedViewSaysTheLogIsOnAndItsRetention() {
        JsonObject page = admin.getOk("/ui/api/requests?status=error&app=nobody");
        assertThat(page.getLong("total")).isZero();
        assertThat(page.getBoolean("log_enabled")).isTrue();
        assertThat(page.getDouble("log_retention_days")).isPositive();
        assertThat(page.containsKey("total_capped")).isFalse();
    }
}
