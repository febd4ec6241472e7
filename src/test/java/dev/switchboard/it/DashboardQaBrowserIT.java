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
 * The dashboard QA of the thirty-fifth session in a real browser ({@code ui-tests/dashboard-qa35.mjs}): the refused
 * requests of an app and why, found from the overview; the Requests filters in the address (a reload, and a login after
 * a restart, show the same rows); month to date with the most spent first; the gateway not answering said so.
 */
class DashboardQaBrowserIT {
    @Test
    void refusalsFiltersInTheAddressAndMostSpentFirst() throws Exception {
        String chromium = BrowserScript.chromiumOrSkip("DashboardQaBrowserIT");
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "big=gpt-4o") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            Admin admin = new Admin(gw);
            // burner, which spends more, is made first: the key registry lists the newest (cron) first
            String burner = admin.generate(new JsonObject().put("key_alias", "burner")).getString("key");
            String cron = admin.generate(new JsonObject().put("key_alias", "cron").put("rpm_limit", 1)).getString("key");
            assertThat(ask(gw, cron, "gpt")).isEqualTo(200);
            assertThat(ask(gw, cron, "gpt")).isEqualTo(429);
            assertThat(ask(gw, cron, "gpt")).isEqualTo(429);
            for (int i = 0; i < 3; i++) assertThat(ask(gw, burner, "big")).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin.getOk("/logs?status=429").getLong("total") == 2);
            JsonObject expected = new JsonObject().put("baseUrl", gw.baseUrl()).put("masterKey", TestGateway.MASTER_KEY)
                    .put("chromium", chromium).put("screenshots", BrowserScript.SCREENSHOTS.toString());
            List<String> out = BrowserScript.run("dashboard-qa35.mjs", expected);
            out.forEach(System.out::println);
            assertThat(out).as(String.join("\n", out)).noneMatch(l -> l.startsWith("FAIL"));
            assertThat(out.stream().filter(l -> l.matches("\\d+ passed, 0 failed")).findFirst()).as(String.join("\n", out)).isPresent();
        }
    }

    private static int ask(TestGateway gw, String key, String model) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a longer question ".repeat(20) + "\"}]}").statusCode();
    }
}
