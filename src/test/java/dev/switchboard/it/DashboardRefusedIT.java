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
        // the request log is written in batches: wait for the two refusals
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> admin.getOk("/logs?status=error").getLong("total") == 2);
    }

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
        assertThat(admin.getOk("/ui/api/requests?status=error").getLong("total")).isEqualTo(2);
        assertThat(admin.getOk("/ui/api/requests?status=error&since=1h").getLong("total")).isEqualTo(2);
        // the master key's calls are the app "master" there too (none refused)
        assertThat(admin.getOk("/ui/api/requests?app=master&status=error").getLong("total")).isZero();
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
    void sinceNarrowsTheServedCallsByTime() {
        assertThat(admin.getOk("/ui/api/requests?since=1h").getLong("total")).isEqualTo(3);
        assertThat(admin.getOk("/ui/api/requests").getLong("total")).isEqualTo(3);
    }
}
