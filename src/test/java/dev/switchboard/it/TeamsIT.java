package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's teams as a small team meets them: keys made with a {@code team_id} share the team's budget (as hard as a
 * key's: never overrun, whichever key and however many calls at once), are held to the team's models and refused while
 * the team is blocked, with LiteLLM's messages; the admin API answers as LiteLLM's {@code /team/*}; a {@code team_id}
 * that names no stored team stays the label it always was.
 */
class TeamsIT {
    /** $10 and $20 per million tokens: a 50-token answer costs at most $0.001. */
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    private static final String DB = TestGateway.tempDatabase();
    static TestGateway gw;
    static Admin admin;

    private static String config() {
        return """
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                  - model_name: gpt-large
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                    %1$s
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%2$s"
                """.formatted(PRICES, DB);
    }

    @BeforeAll
    static void start() {
        gw = TestGateway.start(config());
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> chat(String key, String model) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"" + model + "\",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    private static JsonObject newTeam(JsonObject body) {
        HttpResponse<String> r = admin.post("/team/new", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static String keyOf(String team, String alias) {
        return admin.generate(new JsonObject().put("key_alias", alias).put("team_id", team)).getString("key");
    }

    private static BigDecimal teamSpend(String team) {
        return new BigDecimal(admin.getOk("/team/info?team_id=" + team).getJsonObject("team_info").getValue("spend").toString());
    }

    @Test
    void theTeamsKeysShareItsBudgetAndNeverSpendPastIt() {
        JsonObject made = newTeam(new JsonObject().put("team_id", "red").put("team_alias", "Red team").put("max_budget", 0.003));
        assertThat(made.getString("team_id")).isEqualTo("red");
        assertThat(made.getValue("spend").toString()).isEqualTo("0");
        String alice = keyOf("red", "red-alice");
        String bob = keyOf("red", "red-bob");
        BigDecimal charged = BigDecimal.ZERO;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            HttpResponse<String> r = chat(i % 2 == 0 ? alice : bob, "gpt");
            if (r.statusCode() == 200) charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
            else refused = r;
        }
        assertThat(refused).as("the team's budget ran out").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).startsWith("Budget has been exceeded! Team=red Current cost: ")
                .contains(", Max budget: 0.003.").contains("the team's budget has $");
        assertThat(charged).isPositive().isLessThanOrEqualTo(new BigDecimal("0.003"));
        int arrivals = gw.simulator.arrivals();
        assertThat(chat(alice, "gpt").statusCode()).isEqualTo(400);
        assertThat(chat(bob, "gpt").statusCode()).isEqualTo(400);
        assertThat(gw.simulator.arrivals()).as("refused before any upstream call").isEqualTo(arrivals);
        // a key whose team_id names no stored team is a label only, and the master key belongs to no team
        assertThat(chat(keyOf("no-such-team", "label-only"), "gpt").statusCode()).isEqualTo(200);
        assertThat(chat(TestGateway.MASTER_KEY, "gpt").statusCode()).isEqualTo(200);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> teamSpend("red").compareTo(BigDecimal.ZERO) > 0);
        JsonObject info = admin.getOk("/team/info?team_id=red");
        assertThat(info.getString("team_id")).isEqualTo("red");
        assertThat(new BigDecimal(info.getJsonObject("team_info").getValue("spend").toString())).isEqualByComparingTo(charged);
        assertThat(info.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("key_alias"))).containsExactlyInAnyOrder("red-alice", "red-bob");
        assertThat(info.getJsonArray("team_memberships")).isEmpty();
        // more budget lets the same keys call again at once
        HttpResponse<String> raised = admin.post("/team/update", new JsonObject().put("team_id", "red").put("max_budget", 1));
        assertThat(raised.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(raised.body()).getString("team_id")).isEqualTo("red");
        assertThat(new JsonObject(raised.body()).getJsonObject("data").getValue("max_budget").toString()).isEqualTo("1.0");
        assertThat(chat(alice, "gpt").statusCode()).isEqualTo(200);
        // which team spent what: its calls carry its tag
        JsonArray groups = admin.getOk("/global/spend/report?group_by=tag").getJsonArray("groups");
        assertThat(groups.stream().map(o -> ((JsonObject) o).getString("group"))).contains("team:red");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
            JsonObject red = admin.getOk("/global/spend/report?group_by=team").getJsonArray("groups").stream().map(o -> (JsonObject) o)
                    .filter(g -> "red".equals(g.getString("group"))).findFirst().orElse(null);
            return red != null && new BigDecimal(red.getValue("spend").toString()).compareTo(teamSpend("red")) == 0;
        });
    }

    @Test
    void manyCallsAtOnceThroughTheTeamsKeysNeverSpendPastItsBudget() throws Exception {
        newTeam(new JsonObject().put("team_id", "burst").put("max_budget", 0.002));
        List<String> keys = List.of(keyOf("burst", "burst-1"), keyOf("burst", "burst-2"), keyOf("burst", "burst-3"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String key = keys.get(i % keys.size());
                calls.add(pool.submit(() -> chat(key, "gpt")));
            }
            BigDecimal charged = BigDecimal.ZERO;
            int served = 0;
            for (Future<HttpResponse<String>> f : calls) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
                if (r.statusCode() == 200) {
                    served++;
                    charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
                }
            }
            assertThat(served).isPositive();
            assertThat(charged).isLessThanOrEqualTo(new BigDecimal("0.002"));
            BigDecimal total = charged;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> teamSpend("burst").compareTo(total) == 0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theOfficialSdksSeeABlockedTeamAndItsModelsAsLiteLlmSaysThem() {
        newTeam(new JsonObject().put("team_id", "blue").put("models", new JsonArray().add("gpt").add("claude")));
        String key = keyOf("blue", "blue-app");
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0).build();
        try {
            assertThat(openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt").addUserMessage("hi").build())
                    .choices()).isNotEmpty();
            // a model outside the team's list, whatever the key's own list says
            assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-large")
                    .addUserMessage("hi").build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining("Team not allowed to access model. Team=blue, Model=gpt-large. Allowed team models = ['gpt', 'claude']");
            // count_tokens answers as the call would, in the team's words
            HttpResponse<String> counted = Http.post(gw.v1() + "/messages/count_tokens", key,
                    "{\"model\":\"gpt-large\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(counted.statusCode()).isEqualTo(403);
            assertThat(counted.body()).contains("Team not allowed to access model. Team=blue, Model=gpt-large.");
            // /v1/models lists what the team may use
            JsonArray models = new JsonObject(Http.get(gw.v1() + "/models", key).body()).getJsonArray("data");
            assertThat(models.stream().map(m -> ((JsonObject) m).getString("id"))).containsExactlyInAnyOrder("gpt", "claude");
            // a key's own alias is listed by what calling it reaches: gpt → gpt-large, which the team may not use
            String aliased = admin.generate(new JsonObject().put("team_id", "blue").put("aliases", new JsonObject().put("gpt", "gpt-large")))
                    .getString("key");
            JsonArray aliasedModels = new JsonObject(Http.get(gw.v1() + "/models", aliased).body()).getJsonArray("data");
            assertThat(aliasedModels.stream().map(m -> ((JsonObject) m).getString("id"))).containsExactly("claude");
            assertThat(chat(aliased, "gpt").statusCode()).isEqualTo(403);

            assertThat(admin.post("/team/block", new JsonObject().put("team_id", "blue")).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .addUserMessage("hi").build()))
                    .isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("Team=blue is blocked. Update via `/team/unblock` if you're an admin.");
            assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(10)
                    .addUserMessage("hi").build()))
                    .isInstanceOf(com.anthropic.errors.UnauthorizedException.class)
                    .hasMessageContaining("Team=blue is blocked.");
            // on every route, as a blocked key is
            assertThat(Http.get(gw.v1() + "/models", key).statusCode()).isEqualTo(401);
            assertThat(Http.post(gw.v1() + "/messages/count_tokens", key, "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}").statusCode()).isEqualTo(401);
            HttpResponse<String> unblocked = admin.post("/team/unblock", new JsonObject().put("team_id", "blue"));
            assertThat(new JsonObject(unblocked.body()).getBoolean("blocked")).isFalse();
            assertThat(anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(10).addUserMessage("hi").build())
                    .content()).isNotEmpty();
            // a key of LiteLLM's all-team-models may use what its team may
            String teamWide = admin.generate(new JsonObject().put("team_id", "blue").put("models", new JsonArray().add("all-team-models")))
                    .getString("key");
            assertThat(chat(teamWide, "gpt").statusCode()).isEqualTo(200);
            assertThat(chat(teamWide, "gpt-large").statusCode()).isEqualTo(403);
            // LiteLLM's all-proxy-models opens every model again
            assertThat(admin.post("/team/update", new JsonObject().put("team_id", "blue")
                    .put("models", new JsonArray().add("all-proxy-models"))).statusCode()).isEqualTo(200);
            assertThat(chat(key, "gpt-large").statusCode()).isEqualTo(200);
            // a team's budget refusal is a bad request to the SDK, as a key's is
            assertThat(admin.post("/team/update", new JsonObject().put("team_id", "blue").put("max_budget", 0)).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .addUserMessage("hi").build()))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("Budget has been exceeded! Team=blue Current cost: ");
        } finally {
            openai.close();
            anthropic.close();
        }
    }

    @Test
    void theAdminApiAnswersAsLiteLlms() {
        JsonObject made = newTeam(new JsonObject().put("team_alias", "No id given").put("members_with_roles", new JsonArray())
                .put("metadata", new JsonObject().put("owner", "ops")));
        String id = made.getString("team_id");
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(made.getJsonArray("models")).isEmpty();
        assertThat(made.getJsonObject("metadata").getString("owner")).isEqualTo("ops");
        assertThat(made.getValue("max_budget")).isNull();
        HttpResponse<String> again = admin.post("/team/new", new JsonObject().put("team_id", id));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("Team id = " + id + " already exists. Please use a different team id.");
        HttpResponse<String> unknown = admin.get("/team/info?team_id=ghost-team");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Team not found, passed team id: ghost-team.");
        HttpResponse<String> updateUnknown = admin.post("/team/update", new JsonObject().put("team_id", "ghost-team").put("max_budget", 1));
        assertThat(updateUnknown.statusCode()).isEqualTo(404);
        assertThat(updateUnknown.body()).contains("Team not found, passed team_id=ghost-team");
        assertThat(admin.post("/team/block", new JsonObject().put("team_id", "ghost-team")).statusCode()).isEqualTo(404);
        HttpResponse<String> soft = admin.post("/team/update", new JsonObject().put("team_id", id).put("soft_budget", 10));
        assertThat(soft.statusCode()).isEqualTo(400);
        assertThat(soft.body()).contains("'soft_budget' is a LiteLLM team field Switchboard does not apply");
        assertThat(admin.post("/team/update", new JsonObject().put("team_id", id).put("rpm_limit", -1)).statusCode()).isEqualTo(400);
        assertThat(admin.post("/team/update", new JsonObject().put("team_id", id).put("tpm_limit", "many")).statusCode()).isEqualTo(400);
        HttpResponse<String> members = admin.post("/team/update", new JsonObject().put("team_id", id)
                .put("members_with_roles", new JsonArray().add(new JsonObject().put("role", "user").put("user_id", "u1"))));
        assertThat(members.statusCode()).isEqualTo(400);
        assertThat(members.body()).contains("a team's members change through /team/member_add");
        HttpResponse<String> typo = admin.post("/team/update", new JsonObject().put("team_id", id).put("max_budgt", 1));
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("Unknown field 'max_budgt'");
        assertThat(admin.post("/team/update", new JsonObject().put("team_id", id).put("budget_duration", "1d")).statusCode())
                .as("a reset needs a budget").isEqualTo(400);
        HttpResponse<String> periodic = admin.post("/team/update", new JsonObject().put("team_id", id).put("max_budget", 5)
                .put("budget_duration", "30d"));
        assertThat(new JsonObject(periodic.body()).getJsonObject("data").getString("budget_reset_at")).isNotNull();
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "x".repeat(251))).statusCode()).isEqualTo(400);
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", " spaced ")).statusCode()).as("a key's team_id is stripped").isEqualTo(400);
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "ctl\nid")).statusCode()).isEqualTo(400);
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "akey-word").put("models", new JsonArray().add("all-team-models")))
                .statusCode()).isEqualTo(400);
        // a key's own tags may not name a team: its team_id does
        HttpResponse<String> tagged = admin.post("/key/generate", new JsonObject().put("team_id", "red").put("tags", new JsonArray().add("team:blue")));
        assertThat(tagged.statusCode()).isEqualTo(400);
        assertThat(tagged.body()).contains("'tags' may not hold 'team:blue'");
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "bad-models").put("models", "gpt")).statusCode()).isEqualTo(400);

        // /team/list: every team, by alias, with its keys
        newTeam(new JsonObject().put("team_id", "listed-a").put("team_alias", "AAA first"));
        String key = keyOf("listed-a", "listed-key");
        JsonArray list = new JsonArray(admin.get("/team/list").body());
        List<String> ids = list.stream().map(o -> ((JsonObject) o).getString("team_id")).toList();
        assertThat(ids).contains("listed-a", id);
        JsonObject listed = list.stream().map(o -> (JsonObject) o).filter(o -> "listed-a".equals(o.getString("team_id"))).findFirst().orElseThrow();
        assertThat(listed.getJsonArray("keys")).hasSize(1);

        // a team that keys name is not deleted (LiteLLM would delete the keys with it); unknown ids delete nothing
        HttpResponse<String> withKeys = admin.post("/team/delete", new JsonObject().put("team_ids", new JsonArray().add("listed-a")));
        assertThat(withKeys.statusCode()).isEqualTo(400);
        assertThat(withKeys.body()).contains("Team=listed-a has 1 key(s)");
        HttpResponse<String> ghost = admin.post("/team/delete", new JsonObject().put("team_ids", new JsonArray().add(id).add("ghost-team")));
        assertThat(ghost.statusCode()).isEqualTo(404);
        assertThat(admin.get("/team/info?team_id=" + id).statusCode()).as("none deleted").isEqualTo(200);
        HttpResponse<String> deleted = admin.post("/team/delete", new JsonObject().put("team_ids", new JsonArray().add(id)));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(deleted.body()).getJsonArray("deleted_teams")).containsExactly(id);
        assertThat(admin.get("/team/info?team_id=" + id).statusCode()).isEqualTo(404);

        // a virtual key manages no teams
        assertThat(Http.post(gw.baseUrl() + "/team/new", key, "{\"team_id\":\"mine\"}").statusCode()).isEqualTo(403);
        assertThat(Http.get(gw.baseUrl() + "/team/list", key).statusCode()).isEqualTo(403);
    }

    @Test
    void aTeamsRateLimitsHoldOverAllItsKeys() {
        JsonObject made = newTeam(new JsonObject().put("team_id", "limited").put("rpm_limit", 3).put("tpm_limit", 100_000));
        assertThat(made.getLong("rpm_limit")).isEqualTo(3L);
        String one = keyOf("limited", "limited-1");
        String two = admin.generate(new JsonObject().put("key_alias", "limited-2").put("team_id", "limited").put("rpm_limit", 50))
                .getString("key");
        HttpResponse<String> first = chat(one, "gpt");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).as("the team's, for a key without limits").hasValue("3");
        assertThat(Http.assertLimitAndCostHeadersOnce(first)).contains("x-ratelimit-limit-requests", "x-switchboard-cost");
        HttpResponse<String> second = chat(two, "gpt");
        assertThat(Http.assertLimitAndCostHeadersOnce(second)).contains("x-ratelimit-limit-requests",
                "x-ratelimit-remaining-requests", "x-switchboard-cost", "x-litellm-response-cost");
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).as("the tighter of the key's 50 and the team's 3")
                .hasValue("1");
        assertThat(second.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
        assertThat(chat(one, "gpt").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = chat(two, "gpt");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
                .startsWith("Rate limit exceeded for team: limited: rpm_limit (3 requests a minute) reached.");
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        // no limit: calls again at once
        assertThat(admin.post("/team/update", new JsonObject().put("team_id", "limited").putNull("rpm_limit")).statusCode()).isEqualTo(200);
        assertThat(chat(two, "gpt").statusCode()).isEqualTo(200);
    }

    @Test
    void aTeamMadeLaterCountsWhatItsKeysAlreadySpent() {
        String key = keyOf("made-later", "early-key");
        BigDecimal spent = BigDecimal.ZERO;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = chat(key, "gpt");
            assertThat(r.statusCode()).as("a team_id naming no stored team is a label").isEqualTo(200);
            spent = spent.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        }
        JsonObject made = newTeam(new JsonObject().put("team_id", "made-later").put("max_budget", spent.doubleValue()));
        assertThat(new BigDecimal(made.getValue("spend").toString())).isEqualByComparingTo(spent);
        HttpResponse<String> refused = chat(key, "gpt");
        assertThat(refused.statusCode()).as("its budget is spent already").isEqualTo(400);
        assertThat(refused.body()).contains("Budget has been exceeded! Team=made-later");
        // the master key's calls count for no team, whatever tags they bring
        HttpResponse<String> tagged = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\","
                + "\"max_tokens\":50,\"tags\":[\"team:made-later\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(tagged.statusCode()).isEqualTo(200);
        assertThat(teamSpend("made-later")).isEqualByComparingTo(spent);
    }

    @Test
    void aTeamsSpendAndItsBudgetSurviveARestart() {
        newTeam(new JsonObject().put("team_id", "durable").put("max_budget", 0.0015));
        String key = keyOf("durable", "durable-key");
        assertThat(chat(key, "gpt").statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> teamSpend("durable").compareTo(BigDecimal.ZERO) > 0);
        BigDecimal before = teamSpend("durable");
        gw.close();
        gw = TestGateway.start(config());
        admin = new Admin(gw);
        assertThat(teamSpend("durable")).isEqualByComparingTo(before);
        BigDecimal charged = before;
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = chat(key, "gpt");
            if (r.statusCode() != 200) break;
            charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        }
        assertThat(charged).as("what was spent before the restart still counts").isLessThanOrEqualTo(new BigDecimal("0.0015"));
    }
}
