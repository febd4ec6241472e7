package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code GET /user/daily/activity} through a real socket: calls with two keys of two users on two models, then
 * the day's figures, their breakdowns per model, model group, provider and key, and the totals, checked against the
 * ledger's own rows ({@code /spend/logs}) and the cost each answer carried ({@code x-switchboard-cost}); a key that is not
 * the master key sees only its own user's calls.
 */
class DailyActivityIT {
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    private static final String DB = TestGateway.tempDatabase();
    static TestGateway gw;
    static Admin admin;
    static JsonObject ann, bob, cy;
    static BigDecimal headerCost = BigDecimal.ZERO;
    static String today;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                  - model_name: gpt-large
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                  - model_name: flaky
                    litellm_params: { model: openai/flaky-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                router_settings: { num_retries: 0, allowed_fails: 1000, fallbacks: [{ flaky: [gpt] }] }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%2$s"
                """.formatted(PRICES, DB));
        admin = new Admin(gw);
        ann = admin.generate(new JsonObject().put("key_alias", "ann-laptop").put("user_id", "ann").put("team_id", "crew"));
        bob = admin.generate(new JsonObject().put("key_alias", "bob-ci").put("user_id", "bob"));
        cy = admin.generate(new JsonObject().put("key_alias", "cy-batch").put("user_id", "cy"));
        gw.simulator.behaveAlways("flaky-model", SimBehaviour.status(500));
        today = LocalDate.now(ZoneOffset.UTC).toString();
        // ann: 3 calls of gpt, 1 of gpt-large; bob: 2 of gpt-large; cy: 1 of flaky, which fails once and falls back to gpt
        for (String[] call : List.of(new String[] {"ann", "gpt"}, new String[] {"ann", "gpt"}, new String[] {"ann", "gpt"},
                new String[] {"ann", "gpt-large"}, new String[] {"bob", "gpt-large"}, new String[] {"bob", "gpt-large"},
                new String[] {"cy", "flaky"})) {
            JsonObject key = switch (call[0]) { case "ann" -> ann; case "bob" -> bob; default -> cy; };
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key.getString("key"),
                    "{\"model\":\"" + call[1] + "\",\"max_tokens\":30,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            headerCost = headerCost.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        }
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static String range() { return "start_date=" + today + "&end_date=" + today; }

    private static BigDecimal dec(Object v) { return new BigDecimal(v.toString()); }

    @Test
    void theMasterKeySeesEveryCallAndTheFiguresAddUpToTheLedger() {
        JsonObject out = admin.getOk("/user/daily/activity?" + range());
        JsonArray results = out.getJsonArray("results");
        assertThat(results).hasSize(1);
        JsonObject day = results.getJsonObject(0);
        assertThat(day.getString("date")).isEqualTo(today);
        JsonObject m = day.getJsonObject("metrics");
        assertThat(m.fieldNames()).contains("spend", "prompt_tokens", "completion_tokens", "cache_read_input_tokens",
                "cache_creation_input_tokens", "total_tokens", "successful_requests", "failed_requests", "api_requests");
        // seven served calls and cy's failed attempt on flaky-model before its fallback
        assertThat(m.getLong("api_requests")).isEqualTo(8);
        assertThat(m.getLong("successful_requests")).isEqualTo(7);
        assertThat(m.getLong("failed_requests")).isEqualTo(1);

        // the ledger's own rows of the same day
        JsonArray logs = admin.getOk("/spend/logs?" + range() + "&page_size=1000").getJsonArray("data");
        BigDecimal ledgerSpend = BigDecimal.ZERO;
        long prompt = 0, completion = 0;
        for (int i = 0; i < logs.size(); i++) {
            JsonObject row = logs.getJsonObject(i);
            ledgerSpend = ledgerSpend.add(dec(row.getValue("spend")));
            prompt += row.getLong("prompt_tokens");
            completion += row.getLong("completion_tokens");
        }
        assertThat(dec(m.getValue("spend"))).isPositive().isEqualByComparingTo(ledgerSpend).isEqualByComparingTo(headerCost);
        assertThat(m.getLong("prompt_tokens")).isEqualTo(prompt);
        assertThat(m.getLong("completion_tokens")).isEqualTo(completion);
        assertThat(m.getLong("total_tokens")).isEqualTo(prompt + completion);

        JsonObject meta = out.getJsonObject("metadata");
        assertThat(dec(meta.getValue("total_spend"))).isEqualByComparingTo(ledgerSpend);
        assertThat(meta.getLong("total_api_requests")).isEqualTo(8);
        assertThat(meta.getLong("total_failed_requests")).isEqualTo(1);
        assertThat(meta.getLong("total_tokens")).isEqualTo(prompt + completion);
        assertThat(meta.getInteger("page")).isEqualTo(1);
        assertThat(meta.getInteger("total_pages")).isEqualTo(1);
        assertThat(meta.getBoolean("has_more")).isFalse();

        JsonObject b = day.getJsonObject("breakdown");
        assertThat(b.fieldNames()).contains("models", "model_groups", "providers", "endpoints", "api_keys", "mcp_servers", "entities");
        // models: the deployment's model (LiteLLM's model); model_groups: the name asked for
        assertThat(b.getJsonObject("models").fieldNames()).containsExactlyInAnyOrder("gpt-4o-mini", "gpt-4o", "flaky-model");
        assertThat(b.getJsonObject("models").getJsonObject("gpt-4o-mini").getJsonObject("metrics").getLong("api_requests")).isEqualTo(4);
        JsonObject flaky = b.getJsonObject("models").getJsonObject("flaky-model").getJsonObject("metrics");
        assertThat(flaky.getLong("failed_requests")).isEqualTo(1);
        assertThat(flaky.getLong("successful_requests")).isZero();
        // the fallback's call counts for the name asked for, flaky, served by gpt-4o-mini
        JsonObject flakyGroup = b.getJsonObject("model_groups").getJsonObject("flaky").getJsonObject("metrics");
        assertThat(flakyGroup.getLong("successful_requests")).isEqualTo(1);
        assertThat(flakyGroup.getLong("failed_requests")).isEqualTo(1);
        assertThat(b.getJsonObject("model_groups").getJsonObject("gpt-large").getJsonObject("metrics").getLong("api_requests")).isEqualTo(3);
        assertThat(b.getJsonObject("providers").fieldNames()).containsExactly("openai");
        assertThat(dec(b.getJsonObject("providers").getJsonObject("openai").getJsonObject("metrics").getValue("spend")))
                .isEqualByComparingTo(ledgerSpend);
        // per key: its token hash, as LiteLLM's api_key, with its metadata; the two keys' spend is the day's
        JsonObject keys = b.getJsonObject("api_keys");
        assertThat(keys.fieldNames()).containsExactlyInAnyOrder(ann.getString("token"), bob.getString("token"), cy.getString("token"));
        JsonObject annKey = keys.getJsonObject(ann.getString("token"));
        assertThat(annKey.getJsonObject("metrics").getLong("api_requests")).isEqualTo(4);
        assertThat(annKey.getJsonObject("metadata").getString("key_alias")).isEqualTo("ann-laptop");
        assertThat(annKey.getJsonObject("metadata").getString("team_id")).isEqualTo("crew");
        BigDecimal perKey = dec(annKey.getJsonObject("metrics").getValue("spend"))
                .add(dec(keys.getJsonObject(bob.getString("token")).getJsonObject("metrics").getValue("spend")))
                .add(dec(keys.getJsonObject(cy.getString("token")).getJsonObject("metrics").getValue("spend")));
        assertThat(perKey).isEqualByComparingTo(ledgerSpend);
        // each model's api_key_breakdown: gpt-4o was called by both keys
        assertThat(b.getJsonObject("models").getJsonObject("gpt-4o").getJsonObject("api_key_breakdown").fieldNames())
                .containsExactlyInAnyOrder(ann.getString("token"), bob.getString("token"));
        assertThat(b.getJsonObject("entities").fieldNames()).containsExactlyInAnyOrder("ann", "bob", "cy");
        assertThat(b.getJsonObject("endpoints").fieldNames()).as("the rollup keeps no endpoint").isEmpty();
    }

    @Test
    void filtersByUserKeyAndModelAndPagesOverRows() {
        JsonObject annOnly = admin.getOk("/user/daily/activity?" + range() + "&user_id=ann");
        assertThat(annOnly.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(4);
        JsonObject byKey = admin.getOk("/user/daily/activity?" + range() + "&api_key=" + bob.getString("token"));
        assertThat(byKey.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(2);
        JsonObject byModel = admin.getOk("/user/daily/activity?" + range() + "&model=gpt-4o-mini");
        assertThat(byModel.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(4);
        // five rows (ann: gpt x gpt-4o-mini, gpt-large x gpt-4o; bob: gpt-large x gpt-4o; cy: flaky x flaky-model,
        // flaky x gpt-4o-mini): pages of two; the pages' totals add up to the day's
        long requests = 0;
        for (int page = 1; page <= 3; page++) {
            JsonObject meta = admin.getOk("/user/daily/activity?" + range() + "&page_size=2&page=" + page).getJsonObject("metadata");
            assertThat(meta.getInteger("total_pages")).isEqualTo(3);
            assertThat(meta.getBoolean("has_more")).isEqualTo(page < 3);
            requests += meta.getLong("total_api_requests");
        }
        assertThat(requests).isEqualTo(8);
        // the unpaged form: every row in one answer
        JsonObject aggregated = admin.getOk("/user/daily/activity/aggregated?" + range());
        assertThat(aggregated.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(8);
        assertThat(aggregated.getJsonObject("metadata").getBoolean("has_more")).isFalse();
        // a day with no calls: no results
        JsonObject empty = admin.getOk("/user/daily/activity?start_date=2020-01-01&end_date=2020-01-02");
        assertThat(empty.getJsonArray("results")).isEmpty();
        assertThat(dec(empty.getJsonObject("metadata").getValue("total_spend"))).isZero();
        assertThat(empty.getJsonObject("metadata").getInteger("total_pages")).isZero();
        JsonObject emptyAggregated = admin.getOk("/user/daily/activity/aggregated?start_date=2020-01-01&end_date=2020-01-02");
        assertThat(emptyAggregated.getJsonObject("metadata").getInteger("total_pages")).isEqualTo(1);
    }

    @Test
    void aVirtualKeySeesOnlyItsOwnUsersCalls() {
        String bobKey = bob.getString("key");
        HttpResponse<String> r = Http.get(gw.baseUrl() + "/user/daily/activity?" + range(), bobKey);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject out = new JsonObject(r.body());
        assertThat(out.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(2);
        assertThat(out.getJsonArray("results").getJsonObject(0).getJsonObject("breakdown").getJsonObject("api_keys").fieldNames())
                .isEqualTo(Set.of(bob.getString("token")));
        // another user's, by user_id: refused; by ann's key: nothing of hers
        HttpResponse<String> other = Http.get(gw.baseUrl() + "/user/daily/activity?" + range() + "&user_id=ann", bobKey);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        HttpResponse<String> annsKey = Http.get(gw.baseUrl() + "/user/daily/activity?" + range() + "&api_key=" + ann.getString("token"), bobKey);
        assertThat(annsKey.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(annsKey.body()).getJsonArray("results")).isEmpty();
        // and a name that is no key answers the same: no 404 that would tell a key that exists from one that does not
        HttpResponse<String> noKey = Http.get(gw.baseUrl() + "/user/daily/activity?" + range() + "&api_key=no-such-alias", bobKey);
        assertThat(noKey.statusCode()).as(noKey.body()).isEqualTo(200);
        assertThat(new JsonObject(noKey.body()).getJsonArray("results")).isEmpty();
    }

    /**
     * A deleted key's calls stay in the master key's view, named by its key id (its token hash is gone with it) and the
     * alias of its last calls, {@code key_exists: false}; they leave its user's view (a user is scoped by their keys now).
     * On a gateway of its own, so the other tests' figures do not change under them.
     */
    @Test
    void aDeletedKeysCallsKeepItsKeyIdAndLastAlias() {
        try (TestGateway own = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%2$s"
                """.formatted(PRICES, TestGateway.tempDatabase()))) {
            Admin ownAdmin = new Admin(own);
            JsonObject dee = ownAdmin.generate(new JsonObject().put("key_alias", "dee-old").put("user_id", "dee"));
            HttpResponse<String> r = Http.post(own.v1() + "/chat/completions", dee.getString("key"),
                    "{\"model\":\"gpt\",\"max_tokens\":30,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Admin.ok(ownAdmin.post("/key/delete", new JsonObject().put("keys", new JsonArray().add(dee.getString("key")))));

            JsonObject keys = ownAdmin.getOk("/user/daily/activity?" + range()).getJsonArray("results").getJsonObject(0)
                    .getJsonObject("breakdown").getJsonObject("api_keys");
            assertThat(keys.fieldNames()).containsExactly(dee.getString("key_id"));
            JsonObject meta = keys.getJsonObject(dee.getString("key_id")).getJsonObject("metadata");
            assertThat(meta.getString("key_alias")).isEqualTo("dee-old");
            assertThat(meta.getBoolean("key_exists")).isFalse();
            assertThat(ownAdmin.getOk("/user/daily/activity?" + range() + "&user_id=dee").getJsonArray("results")).isEmpty();
        }
    }

    @Test
    void bothDatesAreNeeded() {
        HttpResponse<String> r = admin.get("/user/daily/activity?start_date=" + today);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Please provide start_date and end_date");
        assertThat(admin.get("/user/daily/activity?start_date=today&end_date=" + today).statusCode()).isEqualTo(400);
    }
}
