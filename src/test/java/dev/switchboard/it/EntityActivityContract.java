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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LiteLLM's {@code GET /team/daily/activity}, {@code /tag/daily/activity} and {@code /customer/daily/activity} through a
 * real socket, on each store (V26's rollup and its SQL): each team's, tag's and customer's figures against what the
 * ledger recorded per key ({@code /user/daily/activity}'s per-key breakdown, whose spend the other IT checks against
 * the ledger's rows), the {@code entities} breakdown, the ids, exclusions and paging, and who may see what.
 *
 * <p>Calls, once: ann's key (team crew, "Crew") 2 on gpt for customer cust-1 tagged proj-x, 1 on gpt-large tagged proj-x
 * and proj-y; bob's key (team ops) 1 on gpt-large for cust-2, 1 on flaky tagged proj-y (a failed attempt, then served by
 * gpt); cy's key (no user's team, no tag, no customer) 1 on gpt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EntityActivityContract {
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    TestGateway gw;
    Admin admin;
    JsonObject ann, bob, cy;
    String today;

    abstract String databaseSettings();

    @BeforeAll
    void start() {
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
                """.formatted(PRICES) + databaseSettings());
        admin = new Admin(gw);
        Admin.ok(admin.post("/team/new", new JsonObject().put("team_id", "crew").put("team_alias", "Crew")));
        Admin.ok(admin.post("/team/new", new JsonObject().put("team_id", "ops")));
        ann = admin.generate(new JsonObject().put("key_alias", "ann-laptop").put("user_id", "ann").put("team_id", "crew"));
        bob = admin.generate(new JsonObject().put("key_alias", "bob-ci").put("user_id", "bob").put("team_id", "ops"));
        cy = admin.generate(new JsonObject().put("key_alias", "cy-batch"));
        gw.simulator.behaveAlways("flaky-model", SimBehaviour.status(500));
        today = LocalDate.now(ZoneOffset.UTC).toString();
        call(ann, "gpt", "cust-1", "proj-x");
        call(ann, "gpt", "cust-1", "proj-x");
        call(ann, "gpt-large", null, "proj-x,proj-y");
        call(bob, "gpt-large", "cust-2", null);
        call(bob, "flaky", null, "proj-y");
        call(cy, "gpt", null, null);
    }

    @AfterAll
    void stop() { gw.close(); }

    private void call(JsonObject key, String model, String user, String tags) {
        String body = "{\"model\":\"" + model + "\"," + (user == null ? "" : "\"user\":\"" + user + "\",")
                + "\"max_tokens\":30,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
        HttpResponse<String> r = tags == null ? Http.post(gw.v1() + "/chat/completions", key.getString("key"), body)
                : Http.post(gw.v1() + "/chat/completions", key.getString("key"), body, "x-switchboard-tags", tags);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private String range() { return "start_date=" + today + "&end_date=" + today; }

    private static BigDecimal dec(Object v) { return new BigDecimal(v.toString()); }

    /** The day's one result of an answer. */
    private static JsonObject day(JsonObject out) {
        assertThat(out.getJsonArray("results")).hasSize(1);
        return out.getJsonArray("results").getJsonObject(0);
    }

    private static JsonObject entity(JsonObject out, String name) {
        return day(out).getJsonObject("breakdown").getJsonObject("entities").getJsonObject(name);
    }

    /** A key's spend of the day, as /user/daily/activity's per-key breakdown has it (the ledger's, per the other IT). */
    private BigDecimal keySpend(JsonObject key) {
        JsonObject keys = day(admin.getOk("/user/daily/activity?" + range())).getJsonObject("breakdown").getJsonObject("api_keys");
        return dec(keys.getJsonObject(key.getString("token")).getJsonObject("metrics").getValue("spend"));
    }

    private HttpResponse<String> as(JsonObject key, String pathAndQuery) {
        return Http.get(gw.baseUrl() + pathAndQuery, key.getString("key"));
    }

    @Test
    void eachTeamsFiguresAreItsKeysCallsWithLiteLlmsEntitiesBreakdown() {
        JsonObject out = admin.getOk("/team/daily/activity?" + range());
        JsonObject d = day(out);
        assertThat(d.getString("date")).isEqualTo(today);
        JsonObject entities = d.getJsonObject("breakdown").getJsonObject("entities");
        assertThat(entities.fieldNames()).containsExactlyInAnyOrder("crew", "ops"); // cy's key is of no team
        assertThat(entities.getJsonObject("crew").getJsonObject("metadata").getString("team_alias")).isEqualTo("Crew");
        assertThat(entities.getJsonObject("ops").getJsonObject("metadata").containsKey("team_alias")).isTrue();
        JsonObject crew = entities.getJsonObject("crew").getJsonObject("metrics");
        assertThat(crew.getLong("successful_requests")).isEqualTo(3);
        assertThat(crew.getLong("failed_requests")).isZero();
        assertThat(dec(crew.getValue("spend"))).isPositive().isEqualByComparingTo(keySpend(ann));
        JsonObject ops = entities.getJsonObject("ops").getJsonObject("metrics");
        assertThat(ops.getLong("successful_requests")).isEqualTo(2);
        assertThat(ops.getLong("failed_requests")).isEqualTo(1); // bob's attempt on flaky before its fallback
        assertThat(ops.getLong("api_requests")).isEqualTo(3);
        assertThat(dec(ops.getValue("spend"))).isEqualByComparingTo(keySpend(bob));
        assertThat(entities.getJsonObject("crew").getJsonObject("api_key_breakdown").fieldNames()).containsExactly(ann.getString("token"));
        // the day's metrics and the page's totals are the two teams'
        JsonObject meta = out.getJsonObject("metadata");
        assertThat(dec(meta.getValue("total_spend"))).isEqualByComparingTo(keySpend(ann).add(keySpend(bob)));
        assertThat(meta.getLong("total_api_requests")).isEqualTo(6);
        assertThat(d.getJsonObject("metrics").getLong("api_requests")).isEqualTo(6);
        JsonObject b = d.getJsonObject("breakdown");
        assertThat(b.fieldNames()).contains("models", "model_groups", "providers", "endpoints", "api_keys", "mcp_servers", "entities");
        assertThat(b.getJsonObject("api_keys").fieldNames()).containsExactlyInAnyOrder(ann.getString("token"), bob.getString("token"));
        assertThat(b.getJsonObject("model_groups").fieldNames()).containsExactlyInAnyOrder("gpt", "gpt-large", "flaky");

        // LiteLLM's filters: ids, exclusions, key, model
        assertThat(entity(admin.getOk("/team/daily/activity?" + range() + "&team_ids=ops"), "crew")).isNull();
        assertThat(day(admin.getOk("/team/daily/activity?" + range() + "&exclude_team_ids=ops")).getJsonObject("breakdown")
                .getJsonObject("entities").fieldNames()).containsExactly("crew");
        assertThat(admin.getOk("/team/daily/activity?" + range() + "&team_ids=crew,ops&api_key=" + bob.getString("token"))
                .getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(3);
        assertThat(admin.getOk("/team/daily/activity?" + range() + "&model=gpt-4o").getJsonObject("metadata")
                .getLong("total_api_requests")).isEqualTo(2);
    }

    @Test
    void teamsPageOverRowsTenByDefaultAndAggregatedAnswersEveryRow() {
        // rows (day, team, key, model asked for, deployment): crew gpt|4o-mini, crew gpt-large|4o, ops gpt-large|4o,
        // ops flaky|flaky-model, ops flaky|4o-mini
        JsonObject meta = admin.getOk("/team/daily/activity?" + range()).getJsonObject("metadata");
        assertThat(meta.getInteger("total_pages")).isEqualTo(1);
        long requests = 0;
        for (int page = 1; page <= 3; page++) {
            JsonObject m = admin.getOk("/team/daily/activity?" + range() + "&page_size=2&page=" + page).getJsonObject("metadata");
            assertThat(m.getInteger("total_pages")).isEqualTo(3);
            assertThat(m.getBoolean("has_more")).isEqualTo(page < 3);
            requests += m.getLong("total_api_requests");
        }
        assertThat(requests).isEqualTo(6);
        JsonObject aggregated = admin.getOk("/team/daily/activity/aggregated?" + range());
        assertThat(aggregated.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(6);
        assertThat(admin.get("/team/daily/activity/aggregated?" + range() + "&page=2").statusCode()).isEqualTo(400);
        assertThat(admin.get("/team/daily/activity?start_date=" + today).body()).contains("Please provide start_date and end_date");
        assertThat(admin.getOk("/team/daily/activity?start_date=2020-01-01&end_date=2020-01-02").getJsonArray("results")).isEmpty();
    }

    @Test
    void aKeySeesItsOwnTeamsAndIsRefusedAnotherTeam() {
        HttpResponse<String> r = as(ann, "/team/daily/activity?" + range());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject out = new JsonObject(r.body());
        assertThat(day(out).getJsonObject("breakdown").getJsonObject("entities").fieldNames()).containsExactly("crew");
        assertThat(out.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(3);
        HttpResponse<String> other = as(ann, "/team/daily/activity?" + range() + "&team_ids=ops");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        JsonObject error = new JsonObject(other.body()).getJsonObject("error");
        assertThat(error.getString("message")).contains("User does not belong to Team= ops");
        assertThat(error.getString("type")).isNotBlank();
        // a key of no team and no user: nothing
        HttpResponse<String> none = as(cy, "/team/daily/activity?" + range());
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(new JsonObject(none.body()).getJsonArray("results")).isEmpty();
        // a key name that does not exist answers as one the caller cannot see: nothing, not a 404 that tells the two apart
        HttpResponse<String> probe = as(ann, "/team/daily/activity?" + range() + "&api_key=sk-no-such-key-0000000000");
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        assertThat(new JsonObject(probe.body()).getJsonArray("results")).isEmpty();
    }

    @Test
    void eachTagHasItsCallsAndAKeySeesOnlyItsOwnUsersCalls() {
        JsonObject out = admin.getOk("/tag/daily/activity?" + range());
        JsonObject x = entity(out, "proj-x").getJsonObject("metrics");
        assertThat(x.getLong("successful_requests")).isEqualTo(3);
        assertThat(dec(x.getValue("spend"))).isEqualByComparingTo(keySpend(ann));
        JsonObject y = entity(out, "proj-y").getJsonObject("metrics");
        assertThat(y.getLong("successful_requests")).isEqualTo(2); // ann's gpt-large call and bob's fallen-back call
        assertThat(y.getLong("failed_requests")).isEqualTo(1);
        assertThat(entity(out, "proj-y").getJsonObject("api_key_breakdown").fieldNames())
                .containsExactlyInAnyOrder(ann.getString("token"), bob.getString("token"));
        JsonObject only = admin.getOk("/tag/daily/activity?" + range() + "&tags=proj-y");
        assertThat(day(only).getJsonObject("breakdown").getJsonObject("entities").fieldNames()).containsExactly("proj-y");
        assertThat(only.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(3);

        HttpResponse<String> r = as(ann, "/tag/daily/activity?" + range() + "&tags=proj-y");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject annsY = entity(new JsonObject(r.body()), "proj-y");
        assertThat(annsY.getJsonObject("metrics").getLong("api_requests")).isEqualTo(1);
        assertThat(annsY.getJsonObject("api_key_breakdown").fieldNames()).containsExactly(ann.getString("token"));
        assertThat(admin.get("/tag/daily/activity?" + range() + "&exclude_team_ids=x").statusCode()).isEqualTo(400);
    }

    /**
     * A key that is not the master key, asking for every tag: the tags of its own user's calls, with only those calls'
     * figures and keys, read so from the store (the route filters nothing out after its read: without the query's key
     * scope the other user's calls of proj-y would be in these answers).
     */
    @Test
    void aKeyAskingForEveryTagGetsItsOwnUsersCallsOnly() {
        JsonObject annOut = ok(as(ann, "/tag/daily/activity?" + range()));
        // the tags of ann's calls: hers and the ones the gateway adds (user:ann, team:crew); none of bob's
        JsonObject annsTags = day(annOut).getJsonObject("breakdown").getJsonObject("entities");
        assertThat(annsTags.fieldNames()).containsExactlyInAnyOrder("proj-x", "proj-y", "user:ann", "team:crew");
        for (String t : annsTags.fieldNames()) {
            assertThat(annsTags.getJsonObject(t).getJsonObject("api_key_breakdown").fieldNames()).as(t).containsExactly(ann.getString("token"));
        }
        assertThat(day(annOut).getJsonObject("breakdown").getJsonObject("api_keys").fieldNames()).containsExactly(ann.getString("token"));
        assertThat(entity(annOut, "proj-x").getJsonObject("metrics").getLong("successful_requests")).isEqualTo(3);
        JsonObject annsY = entity(annOut, "proj-y").getJsonObject("metrics");
        assertThat(annsY.getLong("successful_requests")).isEqualTo(1);
        assertThat(annsY.getLong("failed_requests")).isZero(); // bob's failed attempt is not ann's
        // proj-x 3, proj-y 1, user:ann 3, team:crew 3 (a call is in each of its tags)
        assertThat(annOut.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(10);
        assertThat(ok(as(ann, "/tag/daily/activity/aggregated?" + range())).getJsonObject("metadata").getLong("total_api_requests"))
                .isEqualTo(10);

        JsonObject bobOut = ok(as(bob, "/tag/daily/activity?" + range()));
        assertThat(day(bobOut).getJsonObject("breakdown").getJsonObject("entities").fieldNames()).contains("proj-y")
                .doesNotContain("proj-x", "user:ann", "team:crew");
        JsonObject bobsY = entity(bobOut, "proj-y");
        assertThat(bobsY.getJsonObject("metrics").getLong("successful_requests")).isEqualTo(1);
        assertThat(bobsY.getJsonObject("metrics").getLong("failed_requests")).isEqualTo(1);
        assertThat(bobsY.getJsonObject("api_key_breakdown").fieldNames()).containsExactly(bob.getString("token"));

        // cy's calls have no tag; another user's key named by api_key is nothing, on the tag and the team route alike
        assertThat(ok(as(cy, "/tag/daily/activity?" + range())).getJsonArray("results")).isEmpty();
        assertThat(ok(as(ann, "/tag/daily/activity?" + range() + "&api_key=" + bob.getString("token"))).getJsonArray("results")).isEmpty();
        assertThat(ok(as(ann, "/team/daily/activity?" + range() + "&api_key=" + bob.getString("token"))).getJsonArray("results")).isEmpty();
    }

    private static JsonObject ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    @Test
    void customersAreTheMasterKeysOnly() {
        JsonObject out = admin.getOk("/customer/daily/activity?" + range());
        assertThat(day(out).getJsonObject("breakdown").getJsonObject("entities").fieldNames())
                .containsExactlyInAnyOrder("cust-1", "cust-2");
        assertThat(entity(out, "cust-1").getJsonObject("metrics").getLong("successful_requests")).isEqualTo(2);
        assertThat(entity(out, "cust-2").getJsonObject("metrics").getLong("successful_requests")).isEqualTo(1);
        assertThat(out.getJsonObject("metadata").getLong("total_api_requests")).isEqualTo(3);
        assertThat(day(admin.getOk("/customer/daily/activity?" + range() + "&exclude_end_user_ids=cust-1"))
                .getJsonObject("breakdown").getJsonObject("entities").fieldNames()).containsExactly("cust-2");
        assertThat(day(admin.getOk("/end_user/daily/activity/aggregated?" + range() + "&end_user_ids=cust-1"))
                .getJsonObject("breakdown").getJsonObject("entities").fieldNames()).containsExactly("cust-1");
        HttpResponse<String> r = as(ann, "/customer/daily/activity?" + range());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("master key");
    }
}
