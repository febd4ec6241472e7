package dev.switchboard.it;

import static dev.switchboard.it.VirtualKeysIT.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key admin API as LiteLLM's clients use it (QA report B of 2026-12-05): a limit of 0 refuses every call with a
 * finite wait, for keys, teams and users alike; whole-valued floats for limits; /key/update by key_alias alone;
 * /key/regenerate with a chosen new_key.
 */
class KeyAdminCompatIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> call(String key) { return Http.post(gw.v1() + "/chat/completions", key, chat("gpt")); }

    private static void refusedForAMinute(HttpResponse<String> r, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("60");
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).isEqualTo(message);
    }

    @Test
    void aLimitOfZeroRefusesEveryCallWithTheWindowAsItsWaitForKeysTeamsAndUsers() {
        String rpm0 = admin.generate(new JsonObject().put("rpm_limit", 0)).getString("key");
        refusedForAMinute(call(rpm0), "Rate limit exceeded for this key: rpm_limit is 0: no request of this key is served. Retry after 60 s.");
        HttpResponse<String> anthropic = Http.post(gw.v1() + "/messages", rpm0,
                "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(anthropic.statusCode()).isEqualTo(429);
        assertThat(anthropic.headers().firstValue("retry-after")).hasValue("60");
        String tpm0 = admin.generate(new JsonObject().put("tpm_limit", 0)).getString("key");
        refusedForAMinute(call(tpm0), "Rate limit exceeded for this key: tpm_limit is 0: no request of this key is served. Retry after 60 s.");
        String parallel0 = admin.generate(new JsonObject().put("max_parallel_requests", 0)).getString("key");
        refusedForAMinute(call(parallel0),
                "Rate limit exceeded for this key: max_parallel_requests is 0: no request of this key is served. Retry after 60 s.");
        // raised by an admin: served at once
        admin.update(new JsonObject().put("key", rpm0).put("rpm_limit", 2));
        assertThat(call(rpm0).statusCode()).isEqualTo(200);

        // teams and users take 0 as keys do (they refused it, keys took it): LiteLLM's limiter reads all three alike
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "frozen").put("rpm_limit", 0)).statusCode()).isEqualTo(200);
        String teamKey = admin.generate(new JsonObject().put("team_id", "frozen")).getString("key");
        refusedForAMinute(call(teamKey), "Rate limit exceeded for team: frozen: rpm_limit is 0: no request of team: frozen is served. Retry after 60 s.");
        HttpResponse<String> user = admin.post("/user/new", new JsonObject().put("user_id", "idle").put("tpm_limit", 0));
        assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
        refusedForAMinute(call(new JsonObject(user.body()).getString("key")),
                "Rate limit exceeded for user: idle: tpm_limit is 0: no request of user: idle is served. Retry after 60 s.");
        assertThat(admin.post("/team/update", new JsonObject().put("team_id", "frozen").put("rpm_limit", -1)).statusCode()).isEqualTo(400);
    }

    @Test
    void wholeValuedFloatsForLimitsAreTakenAsPydanticTakesThemAndFractionsStayRefused() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY,
                "{\"rpm_limit\":60.0,\"tpm_limit\":1e2,\"max_parallel_requests\":\"2.0\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject k = new JsonObject(r.body());
        assertThat(k.getValue("rpm_limit")).isEqualTo(60);
        assertThat(k.getValue("tpm_limit")).isEqualTo(100);
        assertThat(k.getValue("max_parallel_requests")).isEqualTo(2);
        HttpResponse<String> up = Http.post(gw.baseUrl() + "/key/update", TestGateway.MASTER_KEY,
                "{\"key\":\"" + k.getString("key") + "\",\"rpm_limit\":30.000}");
        assertThat(new JsonObject(up.body()).getValue("rpm_limit")).isEqualTo(30);
        for (String bad : new String[] {"60.5", "\"60.5\"", "\"1e2\"", "1e30", "-1.0", "true"}) {
            HttpResponse<String> refused = Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"rpm_limit\":" + bad + "}");
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("'rpm_limit' must be a whole number of 0 or more");
        }
        HttpResponse<String> team = Http.post(gw.baseUrl() + "/team/new", TestGateway.MASTER_KEY,
                "{\"team_id\":\"floats\",\"rpm_limit\":60.0,\"team_member_tpm_limit\":1e3}");
        assertThat(team.statusCode()).as(team.body()).isEqualTo(200);
        assertThat(new JsonObject(team.body()).getValue("rpm_limit")).isEqualTo(60);
        assertThat(Http.post(gw.baseUrl() + "/team/new", TestGateway.MASTER_KEY, "{\"team_id\":\"frac\",\"rpm_limit\":60.5}").statusCode())
                .isEqualTo(400);
        HttpResponse<String> user = Http.post(gw.baseUrl() + "/user/new", TestGateway.MASTER_KEY, "{\"user_id\":\"floaty\",\"tpm_limit\":100.0}");
        assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
        assertThat(admin.getOk("/user/info?user_id=floaty").toString()).contains("\"tpm_limit\":100");
    }

    @Test
    void anUpdateMayNameTheKeyByItsAliasAlone() {
        String key = admin.generate(new JsonObject().put("key_alias", "by-alias").put("max_budget", 1)).getString("key");
        JsonObject updated = admin.update(new JsonObject().put("key_alias", "by-alias").put("max_budget", 3));
        assertThat(updated.getDouble("max_budget")).isEqualTo(3.0);
        assertThat(updated.getString("key_alias")).isEqualTo("by-alias");
        assertThat(admin.info(key).getDouble("max_budget")).isEqualTo(3.0);

        HttpResponse<String> unknown = admin.post("/key/update", new JsonObject().put("key_alias", "no-such-alias").put("max_budget", 3));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Key not found. No key with key_alias='no-such-alias'.");
        HttpResponse<String> neither = admin.post("/key/update", new JsonObject().put("max_budget", 3));
        assertThat(neither.statusCode()).isEqualTo(400);
        assertThat(neither.body()).contains("either key or key_alias must be provided");
        // with key, key_alias is the new alias, as before
        JsonObject renamed = admin.update(new JsonObject().put("key", key).put("key_alias", "renamed"));
        assertThat(renamed.getString("key_alias")).isEqualTo("renamed");
        assertThat(admin.post("/key/update", new JsonObject().put("key_alias", "by-alias").put("max_budget", 4)).statusCode()).isEqualTo(404);
    }

    @Test
    void regenerateTakesAChosenNewKeyCheckedAsGeneratesKey() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "rotate-own").put("rpm_limit", 7));
        String old = k.getString("key");
        String chosen = "sk-" + "my-new-secret-key-0002";
        JsonObject rotated = Admin.ok(admin.post("/key/regenerate", new JsonObject().put("key", "rotate-own").put("new_key", chosen)));
        assertThat(rotated.getString("key")).isEqualTo(chosen);
        assertThat(rotated.getString("key_id")).isEqualTo(k.getString("key_id"));
        assertThat(rotated.getLong("rpm_limit")).isEqualTo(7);
        assertThat(call(old).statusCode()).isEqualTo(401);
        assertThat(call(chosen).statusCode()).isEqualTo(200);

        String other = admin.generate(new JsonObject()).getString("key");
        for (String[] bad : new String[][] {{"short", "must start with 'sk-'"}, {"sk-" + "has a space in it-000", "must start with 'sk-'"},
                {other, "Another key already has this secret"}, {chosen, "is the key's current secret"},
                {TestGateway.MASTER_KEY, "is the master key"}}) {
            HttpResponse<String> r = admin.post("/key/regenerate", new JsonObject().put("key", "rotate-own").put("new_key", bad[0]));
            assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(r.body()).contains(bad[1]).contains("new_key");
        }
        assertThat(call(chosen).statusCode()).as("a refused rotation changes nothing").isEqualTo(200);
        // the path spelling takes it too; a grace period is KeyGracePeriodIT's, and it belongs to regenerate only
        String next = "sk-" + "my-new-secret-key-0003";
        assertThat(Admin.ok(admin.post("/key/" + chosen + "/regenerate", new JsonObject().put("new_key", next))).getString("key")).isEqualTo(next);
        HttpResponse<String> grace = admin.post("/key/update", new JsonObject().put("key", "rotate-own").put("grace_period", "24h"));
        assertThat(grace.statusCode()).isEqualTo(400);
        assertThat(grace.body()).contains("grace_period is /key/regenerate's");
        // new_key belongs to regenerate: generate names its own secret 'key'
        HttpResponse<String> onGenerate = admin.post("/key/generate", new JsonObject().put("new_key", "sk-" + "another-secret-key-0004"));
        assertThat(onGenerate.statusCode()).isEqualTo(400);
        assertThat(onGenerate.body()).contains("as 'key'");
    }

    @Test
    void aDeletedKeysTokenHashStillFindsItsCallsAndAHashNeverIssuedFindsNothingRatherThanA404() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "delme"));
        String token = k.getString("token");
        HttpResponse<String> served = call(k.getString("key"));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(admin.ledgerRows(served, "api_key=" + token)).as("by its hash while it lives").hasSize(1);
        Admin.ok(admin.post("/key/delete", new JsonObject().put("keys", new io.vertx.core.json.JsonArray().add(token))));

        // the hash is kept as a retired token (migration V24): its calls are found by it, as LiteLLM finds them
        assertThat(admin.ledgerRows(served, "api_key=" + token)).as("by its hash once deleted").hasSize(1);
        assertThat(admin.ledgerRows(served, "key=" + k.getString("key_id"))).hasSize(1);
        String neverIssued = "ab".repeat(32);
        assertThat(admin.getOk("/spend/logs?api_key=" + neverIssued).getJsonArray("data")).isEmpty();
        assertThat(admin.getOk("/spend/logs/v2?api_key=" + neverIssued).getJsonArray("data")).isEmpty();
        HttpResponse<String> daily = admin.get("/global/spend/logs?api_key=" + neverIssued);
        assertThat(daily.statusCode()).as(daily.body()).isEqualTo(200);
        assertThat(new io.vertx.core.json.JsonArray(daily.body())).isEmpty();
        // a name that is no hash still says it matches no key
        HttpResponse<String> byAlias = admin.get("/spend/logs?api_key=never-a-key");
        assertThat(byAlias.statusCode()).isEqualTo(404);
    }

    @Test
    void liteLlmsWordDurationsAreTakenForBudgetsExpiriesAndGraces() {
        // LiteLLM reads "hourly", "daily", "weekly", "monthly" as 1h, 24h, 7d, 30d (its duration_parser's word aliases);
        // a script that sends them was refused with a 400 here. The day is read before and after the calls: a run across
        // midnight (or a month's end) UTC may see either boundary
        java.time.LocalDate before = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        JsonObject k = admin.generate(new JsonObject().put("budget_duration", "monthly").put("max_budget", 5).put("duration", "daily"));
        assertThat(k.getString("budget_duration")).as("the form it stands for, as stored").isEqualTo("30d");
        java.time.LocalDate afterKey = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(k.getString("budget_reset_at")).isIn(before.withDayOfMonth(1).plusMonths(1) + "T00:00:00Z",
                afterKey.withDayOfMonth(1).plusMonths(1) + "T00:00:00Z");
        long expires = java.time.Instant.parse(k.getString("expires")).toEpochMilli();
        assertThat(expires - System.currentTimeMillis()).isBetween(86_400_000L - 60_000, 86_400_000L);
        assertThat(admin.info(k.getString("key")).getString("budget_duration")).isEqualTo("30d");

        JsonObject weekly = admin.update(new JsonObject().put("key", k.getString("key")).put("budget_duration", "Weekly"));
        assertThat(weekly.getString("budget_duration")).isEqualTo("7d");
        assertThat(java.time.Instant.parse(weekly.getString("budget_reset_at")).atZone(java.time.ZoneOffset.UTC).getDayOfWeek())
                .isEqualTo(java.time.DayOfWeek.MONDAY);

        HttpResponse<String> team = admin.post("/team/new", new JsonObject().put("team_id", "words").put("max_budget", 9)
                .put("budget_duration", "daily"));
        assertThat(team.statusCode()).as(team.body()).isEqualTo(200);
        java.time.LocalDate afterTeam = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(new JsonObject(team.body()).getString("budget_reset_at"))
                .isIn(before.plusDays(1) + "T00:00:00Z", afterTeam.plusDays(1) + "T00:00:00Z");

        HttpResponse<String> rotated = admin.post("/key/regenerate", new JsonObject().put("key", k.getString("key")).put("grace_period", "hourly"));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(call(k.getString("key")).statusCode()).as("the old secret in its hour of grace").isEqualTo(200);

        HttpResponse<String> bad = admin.post("/key/generate", new JsonObject().put("budget_duration", "yearly"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("hourly, daily, weekly or monthly");
    }

    @Test
    void errorAnswersToAKeyAfterItWasAdmittedCarryItsSpendAndMaxBudgetToo() {
        // LiteLLM's error answers carry get_custom_headers as its served ones do: a provider's 500 and 429, before a
        // stream's first event too; the master key's its spend of 0 (no key row) and no max budget
        String key = admin.generate(new JsonObject().put("max_budget", 7)).getString("key");
        double spent = Double.parseDouble(call(key).headers().firstValue("x-litellm-key-spend").orElseThrow());
        gw.simulator.enqueue("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.status(500));
        HttpResponse<String> failed = call(key);
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);
        assertThat(failed.headers().firstValue("x-litellm-key-spend").map(Double::parseDouble)).hasValue(spent);
        assertThat(failed.headers().firstValue("x-litellm-key-max-budget")).hasValue("7");
        gw.simulator.enqueue("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.status(429));
        HttpResponse<String> limited = call(key);
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(limited.headers().firstValue("x-litellm-key-spend")).isPresent();
        assertThat(limited.headers().firstValue("x-litellm-key-max-budget")).hasValue("7");
        gw.simulator.enqueue("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.status(500));
        HttpResponse<String> stream = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"stream\":true,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(stream.statusCode()).as(stream.body()).isGreaterThanOrEqualTo(500);
        assertThat(stream.headers().firstValue("x-litellm-key-max-budget")).hasValue("7");
        gw.simulator.enqueue("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.status(500));
        HttpResponse<String> master = call(TestGateway.MASTER_KEY);
        assertThat(master.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(master.headers().firstValue("x-litellm-key-spend")).as("no key row: LiteLLM's 0.0").hasValue("0");
        assertThat(master.headers().firstValue("x-litellm-key-max-budget")).isEmpty();
    }

    @Test
    void wordDurationsAreStoredInTheirCanonicalFormSoAnOlderGatewayOnTheSameDatabaseReadsThem() throws Exception {
        // an older gateway's DurationSpec.parse knows no words: a stored "monthly" would throw inside KeyStore.all()
        // (at its start and every sync), losing every key to one row; the store holds 30d, 24h, 7d, 1h instead
        String db = TestGateway.tempDatabase();
        try (TestGateway one = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(db))) {
            Admin a = new Admin(one);
            JsonObject k = a.generate(new JsonObject().put("key_alias", "worded").put("max_budget", 5).put("budget_duration", "monthly"));
            assertThat(k.getString("budget_duration")).as("shown as stored").isEqualTo("30d");
            assertThat(a.post("/team/new", new JsonObject().put("team_id", "worded-team").put("max_budget", 9)
                    .put("budget_duration", " Daily ")).statusCode()).isEqualTo(200);
            assertThat(a.post("/user/new", new JsonObject().put("user_id", "worded-user").put("max_budget", 9)
                    .put("budget_duration", "weekly")).statusCode()).isEqualTo(200);
            assertThat(a.post("/customer/new", new JsonObject().put("user_id", "worded-customer").put("max_budget", 9)
                    .put("budget_duration", "hourly")).statusCode()).isEqualTo(200);
            assertThat(storedDuration(db, "SELECT budget_duration FROM virtual_keys WHERE key_alias = 'worded'")).isEqualTo("30d");
            assertThat(storedDuration(db, "SELECT budget_duration FROM teams WHERE team_id = 'worded-team'")).isEqualTo("24h");
            assertThat(storedDuration(db, "SELECT budget_duration FROM users WHERE user_id = 'worded-user'")).isEqualTo("7d");
            assertThat(storedDuration(db, "SELECT budget_duration FROM end_users WHERE user_id = 'worded-customer'")).isEqualTo("1h");
            JsonObject weekly = a.update(new JsonObject().put("key", k.getString("key")).put("budget_duration", "Weekly"));
            assertThat(weekly.getString("budget_duration")).isEqualTo("7d");
            assertThat(storedDuration(db, "SELECT budget_duration FROM virtual_keys WHERE key_alias = 'worded'")).isEqualTo("7d");
        }
    }

    private static String storedDuration(String db, String sql) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var ps = c.prepareStatement(sql);
             var rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void answersToAKeyCarryLiteLlmsKeySpendAndMaxBudgetHeaders() {
        // LiteLLM's get_custom_headers: x-litellm-key-spend (the key's spend with this call's cost) and
        // x-litellm-key-max-budget (absent when the key has none); scripts read them to watch a key's budget
        String key = admin.generate(new JsonObject().put("max_budget", 5)).getString("key");
        HttpResponse<String> first = call(key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        double cost1 = Double.parseDouble(first.headers().firstValue("x-litellm-response-cost").orElseThrow());
        assertThat(cost1).isPositive();
        assertThat(Double.parseDouble(first.headers().firstValue("x-litellm-key-spend").orElseThrow())).isCloseTo(cost1,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Double.parseDouble(first.headers().firstValue("x-litellm-key-max-budget").orElseThrow())).isEqualTo(5.0);
        HttpResponse<String> second = call(key);
        double cost2 = Double.parseDouble(second.headers().firstValue("x-litellm-response-cost").orElseThrow());
        assertThat(Double.parseDouble(second.headers().firstValue("x-litellm-key-spend").orElseThrow())).isCloseTo(cost1 + cost2,
                org.assertj.core.data.Offset.offset(1e-12));
        // a stream's headers go out before its cost is known: the spend before it, as LiteLLM's do
        HttpResponse<String> stream = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"stream\":true,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(Double.parseDouble(stream.headers().firstValue("x-litellm-key-spend").orElseThrow())).isCloseTo(cost1 + cost2,
                org.assertj.core.data.Offset.offset(1e-12));

        String unbudgeted = admin.generate(new JsonObject()).getString("key");
        HttpResponse<String> free = call(unbudgeted);
        assertThat(free.headers().firstValue("x-litellm-key-spend")).isPresent();
        assertThat(free.headers().firstValue("x-litellm-key-max-budget")).as("LiteLLM leaves out a None").isEmpty();
        HttpResponse<String> master = call(TestGateway.MASTER_KEY);
        assertThat(master.headers().firstValue("x-litellm-key-spend")).as("no key row: LiteLLM's 0.0 plus this call's cost")
                .isEqualTo(master.headers().firstValue("x-litellm-response-cost"));
        assertThat(master.headers().firstValue("x-litellm-key-max-budget")).isEmpty();
    }
}
