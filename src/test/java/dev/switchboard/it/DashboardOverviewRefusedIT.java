package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's leftovers of the thirty-fifth session's QA, through a real socket: a key whose budget refuses every
 * call reads "refusing since …" on the overview (it read "Used 0.0 %"), the overview counts each app's refused requests
 * by status (they were only in the Requests view), and the Requests view's rows download as CSV with its filters.
 */
class DashboardOverviewRefusedIT {
    static TestGateway gw;
    static Admin admin;
    static long before;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        before = System.currentTimeMillis();
        String tiny = admin.generate(new JsonObject().put("key_alias", "tiny").put("max_budget", 0.0000001)).getString("key");
        String cron = admin.generate(new JsonObject().put("key_alias", "cron").put("rpm_limit", 1)).getString("key");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = ask(tiny);
            assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        }
        assertThat(ask(cron).statusCode()).isEqualTo(200);
        assertThat(ask(cron).statusCode()).isEqualTo(429);
        assertThat(ask(cron).statusCode()).isEqualTo(429);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin.getOk("/logs?status=error").getLong("total") == 4);
    }

    private static HttpResponse<String> ask(String key) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi, \\\"you\\\", =1+1\"}]}");
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static JsonObject key(JsonObject overview, String alias) {
        for (Object k : overview.getJsonArray("keys")) if (alias.equals(((JsonObject) k).getString("key_alias"))) return (JsonObject) k;
        throw new AssertionError("no key " + alias + " in " + overview.getJsonArray("keys").encodePrettily());
    }

    @Test
    void aKeyWhoseBudgetRefusesEveryCallSaysSoSinceItsFirstRefusal() {
        JsonObject o = admin.getOk("/ui/api/overview");
        JsonObject tiny = key(o, "tiny");
        assertThat(tiny.getDouble("budget_used")).isZero(); // nothing spent: what the page showed alone
        assertThat(tiny.getString("budget_state")).as(tiny.encodePrettily()).isEqualTo("refusing");
        Instant since = Instant.parse(tiny.getString("refusing_since"));
        assertThat(since.toEpochMilli()).isBetween(before, System.currentTimeMillis());
        assertThat(tiny.getDouble("refused_worst_case")).isPositive();
        assertThat(tiny.getLong("refused")).isEqualTo(2);
        JsonObject cron = key(o, "cron");
        assertThat(cron.getValue("budget_state")).isNull(); // no budget
        assertThat(cron.getLong("refused")).isEqualTo(2);
    }

    @Test
    void theOverviewCountsEachAppsRefusedRequestsByStatus() {
        JsonObject refused = admin.getOk("/ui/api/overview").getJsonObject("refused");
        assertThat(refused.getLong("total")).as(refused.encodePrettily()).isEqualTo(4);
        JsonArray apps = refused.getJsonArray("apps");
        assertThat(apps).hasSize(2);
        JsonObject cron = apps.stream().map(JsonObject.class::cast).filter(a -> a.getString("app").equals("cron")).findFirst().orElseThrow();
        assertThat(cron.getLong("refused")).isEqualTo(2);
        assertThat(cron.getJsonObject("by_status").getLong("429")).isEqualTo(2);
        JsonObject tiny = apps.stream().map(JsonObject.class::cast).filter(a -> a.getString("app").equals("tiny")).findFirst().orElseThrow();
        assertThat(tiny.getLong("refused")).isEqualTo(2);
    }

    @Test
    void theRequestsViewDownloadsAsCsvWithItsFilters() {
        HttpResponse<String> csv = admin.get("/ui/api/requests.csv?app=cron&status=error");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("content-disposition").orElse("")).contains("attachment").contains(".csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("endTime,startTime,request_id,attempt,app,");
        assertThat(lines).hasSize(3); // the header and cron's two 429s
        assertThat(lines[1]).contains(",cron,").contains(",429,").contains("rate_limit_error");
        // the served view: cron's one served call
        String served = admin.get("/ui/api/requests.csv?app=cron").body();
        assertThat(served.split("\r\n")).hasSize(2);
        assertThat(served.split("\r\n")[1]).contains(",cron,").contains(",200,");
        // the same checks as the JSON view's: a parameter it does not take, a bad status; and the master key or a session
        assertThat(admin.get("/ui/api/requests.csv?page=2").statusCode()).isEqualTo(400);
        assertThat(admin.get("/ui/api/requests.csv?status=200").statusCode()).isEqualTo(400);
        assertThat(Http.get(gw.baseUrl() + "/ui/api/requests.csv", null).statusCode()).isEqualTo(401);
    }
}
