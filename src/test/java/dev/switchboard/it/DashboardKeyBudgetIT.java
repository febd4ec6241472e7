package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The overview's "Month to date per key" (QA run A, finding 1): {@code budget_used} is the share of the budget its
 * current period has spent ({@code period_spend / max_budget}, what the gateway enforces), not month-to-date spend over
 * a budget of a shorter period (a 2 s key past its first reset read twice its share); month to date stays beside it. And
 * the Keys tab's {@code /ui/api/keys} pages with {@code total_count} (finding 9).
 */
class DashboardKeyBudgetIT {
    static TestGateway gw;
    static Admin admin;
    static String shortId, plainId;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
        JsonObject shortKey = admin.generate(new JsonObject().put("key_alias", "short-period").put("max_budget", 1.0)
                .put("budget_duration", "2s"));
        shortId = shortKey.getString("key_id");
        ask(shortKey.getString("key"));
        // the next call is in the next period: after the reset the key's info names
        Instant reset = Instant.parse(admin.info(shortKey.getString("key")).getString("budget_reset_at"));
        Thread.sleep(Math.max(0, reset.toEpochMilli() - System.currentTimeMillis()) + 50);
        ask(shortKey.getString("key"));
        JsonObject plain = admin.generate(new JsonObject().put("key_alias", "no-period").put("max_budget", 2.0));
        plainId = plain.getString("key_id");
        ask(plain.getString("key"));
    }

    private static void ask(String key) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"a call\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static JsonObject key(JsonArray keys, String id) {
        for (Object o : keys) if (id.equals(((JsonObject) o).getString("key_id"))) return (JsonObject) o;
        throw new AssertionError(id + " not in " + keys.encodePrettily());
    }

    @Test
    void usedIsTheShareOfTheBudgetOfTheKeysCurrentPeriod() {
        JsonArray keys = admin.getOk("/ui/api/overview").getJsonArray("keys");
        JsonObject k = key(keys, shortId);
        double mtd = k.getDouble("mtd_spend_usd"), period = k.getDouble("period_spend");
        assertThat(period).as(k.encode()).isPositive();
        assertThat(mtd).as("two calls this month, one of them in this period: " + k.encode()).isGreaterThan(period);
        assertThat(k.getDouble("budget_used")).as(k.encode()).isEqualTo(period / 1.0);
        // the figure the Keys tab and /key/info show for the period
        assertThat(period).isEqualTo(admin.getOk("/ui/api/keys").getJsonArray("keys").stream().map(o -> (JsonObject) o)
                .filter(o -> shortId.equals(o.getString("key_id"))).findFirst().orElseThrow().getDouble("spend"));

        // a budget without a period: its period is the key's life, so the share is all its spend over the budget
        JsonObject p = key(keys, plainId);
        assertThat(p.getDouble("period_spend")).isPositive().isEqualTo(p.getDouble("mtd_spend_usd"));
        assertThat(p.getDouble("budget_used")).isEqualTo(p.getDouble("period_spend") / 2.0);
    }

    @Test
    void theKeysTabPagesPastItsPageAndSaysHowManyThereAre() {
        JsonObject all = admin.getOk("/ui/api/keys");
        assertThat(all.getInteger("total_count")).isEqualTo(2);
        assertThat(all.getInteger("total_pages")).isEqualTo(1);
        Set<String> seen = new HashSet<>();
        for (int page = 1; page <= 2; page++) {
            JsonObject one = admin.getOk("/ui/api/keys?page_size=1&page=" + page);
            assertThat(one.getInteger("total_count")).isEqualTo(2);
            assertThat(one.getInteger("total_pages")).isEqualTo(2);
            assertThat(one.getJsonArray("keys")).hasSize(1);
            seen.add(one.getJsonArray("keys").getJsonObject(0).getString("key_id"));
        }
        assertThat(seen).containsExactlyInAnyOrder(shortId, plainId);
        assertThat(admin.get("/ui/api/keys?page_size=1001").statusCode()).isEqualTo(400);
        assertThat(admin.get("/ui/api/keys?page=0").statusCode()).isEqualTo(400);
    }
}
