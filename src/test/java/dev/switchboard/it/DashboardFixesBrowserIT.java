package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.BrowserScript;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's fixes from QA run D, in a real browser ({@code ui-tests/dashboard-fixes.mjs}, as
 * {@link DashboardBrowserIT} runs its script): the global budget and its refusal on the overview (finding 2), an expired
 * and a blocked key's status and a deleted key marked on the overview (finding 4), one money format with 4 significant
 * digits (finding 5), the Requests pager stopping at its last page (finding 6), and the overview at phone width with long
 * aliases cut under the fallback chart's bars (finding 7). And QA run A's: "Used (period)" beside month to date, the
 * filter by a deleted app that took no live key's calls and by a key id, Regenerate's confirmation, request rows opened
 * with the keyboard, a $0.005 budget, tooltips in dollars, no chart text over another, the spend table by spend, the
 * keys' count, one-line rows at 375 px. And Regenerate's grace period: the field, its confirmation, the grace_period it
 * sends, and the old secrets after it (at once by default, kept for the 1 hour chosen).
 */
class DashboardFixesBrowserIT {
    static final String LONG_A = "a-rather-long-application-alias-for-the-first-app";
    static final String LONG_B = "a-rather-long-application-alias-for-the-second-app";
    /** A model name longer than QA run A's (119 characters): one line in the Requests table, not one word a line. */
    static final String LONG_MODEL = "a-model-name-" + "that-goes-on-and-on-".repeat(5) + "until-it-is-119-characters-long";

    @Test
    void theDashboardShowsStatusBudgetsAmountsAndFitsAPhone() throws Exception {
        String chromium = BrowserScript.chromiumOrSkip("DashboardFixesBrowserIT");
        try (TestGateway gw = TestGateway.start("""
                model_list:
                  - model_name: free
                    litellm_params: { model: openai/free-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0, output_cost_per_token: 0 }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                  - model_name: LONG_MODEL
                    litellm_params: { model: openai/free-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0, output_cost_per_token: 0 }
                litellm_settings:
                  max_budget: 0.0001
                  budget_duration: 1mo
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.replace("LONG_MODEL", LONG_MODEL))) {
            Admin admin = new Admin(gw);
            String longA = admin.generate(new JsonObject().put("key_alias", LONG_A)).getString("key");
            ask(gw, longA, "free", 14);
            String graceful = admin.generate(new JsonObject().put("key_alias", "graceful-app")).getString("key");
            ask(gw, admin.generate(new JsonObject().put("key_alias", LONG_B)).getString("key"), "free", 14);
            JsonObject temp = admin.generate(new JsonObject().put("key_alias", "temp-app").put("max_budget", 1.0));
            ask(gw, temp.getString("key"), "gpt", 1);
            admin.postOk("/key/delete", new JsonObject().put("keys", new JsonArray().add(temp.getString("key_id"))));
            // QA run A: a key with a budget (Used is its period's share), a rotation by a new key of the same name (the
            // filter by the deleted one's name finds its calls only), a call of a 119-character model
            ask(gw, admin.generate(new JsonObject().put("key_alias", "budgeted-app").put("max_budget", 0.5).put("budget_duration", "30d"))
                    .getString("key"), "gpt", 1);
            JsonObject rotatedOut = admin.generate(new JsonObject().put("key_alias", "reuse-me"));
            ask(gw, rotatedOut.getString("key"), "free", 2);
            admin.postOk("/key/delete", new JsonObject().put("keys", new JsonArray().add(rotatedOut.getString("key_id"))));
            String rotatedIn = admin.generate(new JsonObject().put("key_alias", "reuse-me")).getString("key");
            ask(gw, rotatedIn, "free", 3);
            ask(gw, rotatedIn, LONG_MODEL, 1);
            admin.generate(new JsonObject().put("key_alias", "expired-app").put("duration", "1s"));
            JsonObject blocked = admin.generate(new JsonObject().put("key_alias", "blocked-app"));
            admin.postOk("/key/block", new JsonObject().put("key", blocked.getString("key")));
            // the master key spends the global budget until it refuses a call
            int refused = 0;
            for (int i = 0; i < 200 && refused == 0; i++) {
                if (Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body("gpt", i)).statusCode() != 200) refused++;
            }
            assertThat(refused).as("the global budget refused a call").isEqualTo(1);
            Thread.sleep(1_100); // expired-app's second
            long rows = admin.getOk("/ui/api/requests?page_size=1").getLong("total");
            assertThat(rows).as("more than one page of 25").isBetween(26L, 60L);

            JsonObject expected = new JsonObject().put("baseUrl", gw.baseUrl()).put("masterKey", TestGateway.MASTER_KEY)
                    .put("chromium", chromium).put("screenshots", BrowserScript.SCREENSHOTS.toString())
                    .put("pages", (rows + 24) / 25).put("longAliases", new JsonArray().add(LONG_A).add(LONG_B))
                    .put("longModel", LONG_MODEL).put("keys", admin.getOk("/ui/api/keys").getInteger("total_count"));
            List<String> out = BrowserScript.run("dashboard-fixes.mjs", expected);
            out.forEach(System.out::println);
            assertThat(out).as(String.join("\n", out)).noneMatch(l -> l.startsWith("FAIL"));
            assertThat(out.stream().filter(l -> l.matches("\\d+ passed, 0 failed")).findFirst()).as(String.join("\n", out)).isPresent();
            // the dashboard's Regenerate: LONG_A's at once (its old secret is refused), graceful-app's with the 1-hour grace
            // chosen in the Keys tab (its old secret still works as the key)
            assertThat(Http.post(gw.v1() + "/chat/completions", longA, body("free", 0)).statusCode()).isEqualTo(401);
            HttpResponse<String> inGrace = Http.post(gw.v1() + "/chat/completions", graceful, body("free", 0));
            assertThat(inGrace.statusCode()).as(inGrace.body()).isEqualTo(200);
        }
    }

    private static String body(String model, int i) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}";
    }

    private static void ask(TestGateway gw, String key, String model, int times) {
        for (int i = 0; i < times; i++) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, body(model, i));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }
}
