package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.BrowserScript;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The thirty-fifth session's dashboard leftovers in a real browser ({@code ui-tests/dashboard-refused.mjs}): the
 * overview's refused requests per app and their link, a budget that refuses every call read as such, the Requests
 * view's CSV download with its filters.
 */
class DashboardRefusedBrowserIT {
    @Test
    void refusalsOnTheOverviewAndTheCsvDownload() throws Exception {
        String chromium = BrowserScript.chromiumOrSkip("DashboardRefusedBrowserIT");
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            Admin admin = new Admin(gw);
            String tiny = admin.generate(new JsonObject().put("key_alias", "tiny").put("max_budget", 0.0000001)).getString("key");
            String cron = admin.generate(new JsonObject().put("key_alias", "cron").put("rpm_limit", 1)).getString("key");
            assertThat(ask(gw, tiny)).isBetween(400, 499);
            assertThat(ask(gw, tiny)).isBetween(400, 499);
            assertThat(ask(gw, cron)).isEqualTo(200);
            assertThat(ask(gw, cron)).isEqualTo(429);
            assertThat(ask(gw, cron)).isEqualTo(429);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin.getOk("/logs?status=error").getLong("total") == 4);
            JsonObject expected = new JsonObject().put("baseUrl", gw.baseUrl()).put("masterKey", TestGateway.MASTER_KEY)
                    .put("chromium", chromium).put("screenshots", BrowserScript.SCREENSHOTS.toString());
            List<String> out = BrowserScript.run("dashboard-refused.mjs", expected);
            out.forEach(System.out::println);
            assertThat(out).as(String.join("\n", out)).noneMatch(l -> l.startsWith("FAIL"));
            assertThat(out.stream().filter(l -> l.matches("\\d+ passed, 0 failed")).findFirst()).as(String.join("\n", out)).isPresent();
        }
    }

    private static int ask(TestGateway gw, String key) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode();
    }
}
