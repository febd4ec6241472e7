package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's internal users as a small team meets them: {@code /user/new} makes a person and their first key; every key
 * whose {@code user_id} names them shares their budget (as hard as a key's) and their model list, unless it is a team's
 * key (a team's keys spend the team's budget, as in LiteLLM); their rate limits hold all their keys; deleting them
 * deletes their keys. The admin API answers as LiteLLM's {@code /user/*}; a {@code user_id} naming no stored user stays
 * a label.
 */
class UsersIT {
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
                litellm_settings: { max_internal_user_budget: 5, internal_user_budget_duration: 30d }
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

    private static JsonObject newUser(JsonObject body) {
        HttpResponse<String> r = admin.post("/user/new", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static String madeIdOf(JsonObject made) { return made.getString("user_id"); }

    private static BigDecimal userSpend(String user) {
        return new BigDecimal(admin.getOk("/user/info?user_id=" + user).getJsonObject("user_info").getValue("spend").toString());
    }

    @Test
    void aUsersOwnKeysShareTheirBudgetAndNeverSpendPastIt() {
        JsonObject made = newUser(new JsonObject().put("user_id", "alice").put("user_email", "alice@example.com")
                .put("user_alias", "Alice").put("max_budget", 0.003).put("key_alias", "alice-laptop"));
        assertThat(made.getString("user_id")).isEqualTo("alice");
        assertThat(made.getString("key")).startsWith("sk-");
        assertThat(made.getString("key_alias")).isEqualTo("alice-laptop");
        assertThat(made.getString("user_role")).isEqualTo("internal_user");
        assertThat(made.getValue("max_budget").toString()).as("the user's budget, not the key's").isEqualTo("0.003");
        String laptop = made.getString("key");
        assertThat(admin.info(laptop).getValue("max_budget")).as("the key has no budget of its own").isNull();
        String ci = admin.generate(new JsonObject().put("key_alias", "alice-ci").put("user_id", "alice")).getString("key");
        // a key of hers in a team spends the team's budget (LiteLLM's rule): not held by hers
        String teamKey = admin.generate(new JsonObject().put("key_alias", "alice-team").put("user_id", "alice").put("team_id", "crew"))
                .getString("key");
        BigDecimal charged = BigDecimal.ZERO;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            HttpResponse<String> r = chat(i % 2 == 0 ? laptop : ci, "gpt");
            if (r.statusCode() == 200) charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
            else refused = r;
        }
        assertThat(refused).as("her budget ran out").isNotNull();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).startsWith("ExceededBudget: User=alice over budget. Spend=")
                .contains(", Budget=0.003.").contains("the user's budget has $");
        assertThat(charged).isPositive().isLessThanOrEqualTo(new BigDecimal("0.003"));
        int arrivals = gw.simulator.arrivals();
        assertThat(chat(laptop, "gpt").statusCode()).isEqualTo(400);
        assertThat(chat(ci, "gpt").statusCode()).isEqualTo(400);
        assertThat(gw.simulator.arrivals()).as("refused before any upstream call").isEqualTo(arrivals);
        assertThat(chat(teamKey, "gpt").statusCode()).as("her team's key").isEqualTo(200);
        // a key whose user_id names no stored user is a label only
        assertThat(chat(admin.generate(new JsonObject().put("user_id", "nobody-stored")).getString("key"), "gpt").statusCode()).isEqualTo(200);

        BigDecimal own = charged;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> userSpend("alice").compareTo(own) == 0);
        JsonObject info = admin.getOk("/user/info?user_id=alice");
        assertThat(info.getJsonObject("user_info").getString("user_email")).isEqualTo("alice@example.com");
        assertThat(info.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("key_alias")))
                .containsExactlyInAnyOrder("alice-laptop", "alice-ci", "alice-team");
        assertThat(info.getJsonArray("teams")).as("crew is a label, not a stored team").isEmpty();
        // more budget lets the same keys call again at once
        HttpResponse<String> raised = admin.post("/user/update", new JsonObject().put("user_id", "alice").put("max_budget", 1));
        assertThat(raised.statusCode()).as(raised.body()).isEqualTo(200);
        assertThat(new JsonObject(raised.body()).getJsonObject("data").getValue("max_budget").toString()).isEqualTo("1.0");
        assertThat(chat(ci, "gpt").statusCode()).isEqualTo(200);
    }

    @Test
    void theOfficialSdksSeeTheUsersRefusalsInTheirDialect() {
        String key = newUser(new JsonObject().put("user_id", "sdk-user").put("max_budget", 0).put("models", new JsonArray().add("gpt")))
                .getString("key");
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessage("hi").maxCompletionTokens(20).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("ExceededBudget: User=sdk-user over budget.");
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0).build();
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(20)
                .addUserMessage("hi").build()))
                .isInstanceOf(com.anthropic.errors.PermissionDeniedException.class)
                .hasMessageContaining("user not allowed to access model. This user can only access models=['gpt']. Tried to access claude.");
    }

    @Test
    void theUsersModelsHoldTheirOwnKeysAndTheModelList() {
        String key = newUser(new JsonObject().put("user_id", "bea").put("models", new JsonArray().add("gpt"))).getString("key");
        assertThat(chat(key, "gpt").statusCode()).isEqualTo(200);
        HttpResponse<String> large = chat(key, "gpt-large");
        assertThat(large.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(large.body()).getJsonObject("error").getString("code")).isEqualTo("user_model_access_denied");
        // a second key of hers without a model list of its own is held by hers too, and lists only what she may use
        String plain = admin.generate(new JsonObject().put("user_id", "bea")).getString("key");
        assertThat(chat(plain, "gpt-large").statusCode()).isEqualTo(403);
        // count_tokens answers as the call would, in its words
        HttpResponse<String> counted = Http.post(gw.v1() + "/messages/count_tokens", plain,
                "{\"model\":\"gpt-large\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(counted.statusCode()).isEqualTo(403);
        assertThat(counted.body()).contains("user not allowed to access model. This user can only access models=['gpt']");
        JsonArray models = new JsonObject(Http.get(gw.v1() + "/models", plain).body()).getJsonArray("data");
        assertThat(models.stream().map(m -> ((JsonObject) m).getString("id"))).containsExactly("gpt");
        // her team's key has the team's models, not hers (LiteLLM checks a user's models on their own keys only)
        String teamKey = admin.generate(new JsonObject().put("user_id", "bea").put("team_id", "bea-team")).getString("key");
        assertThat(chat(teamKey, "gpt-large").statusCode()).isEqualTo(200);
        // /user/new with a team_id: the key is the team's (her models do not hold it), so it gets her models, as LiteLLM's
        JsonObject withTeam = newUser(new JsonObject().put("user_id", "bea2").put("team_id", "bea-team").put("models", new JsonArray().add("gpt")));
        assertThat(withTeam.getString("team_id")).as("the key's team, not the user's none").isEqualTo("bea-team");
        assertThat(chat(withTeam.getString("key"), "gpt-large").statusCode()).isEqualTo(403);
        // every model again
        assertThat(admin.post("/user/update", new JsonObject().put("user_id", "bea").put("models", new JsonArray())).statusCode()).isEqualTo(200);
        assertThat(chat(plain, "gpt-large").statusCode()).isEqualTo(200);
    }

    @Test
    void theUsersRateLimitHoldsAllTheirKeysTogether() {
        String first = newUser(new JsonObject().put("user_id", "cem").put("rpm_limit", 2)).getString("key");
        String teamKey = admin.generate(new JsonObject().put("user_id", "cem").put("team_id", "cem-team")).getString("key");
        assertThat(chat(first, "gpt").statusCode()).isEqualTo(200);
        assertThat(chat(teamKey, "gpt").statusCode()).isEqualTo(200);
        HttpResponse<String> third = chat(first, "gpt");
        assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
        assertThat(third.body()).contains("user: cem");
        assertThat(third.headers().firstValue("retry-after")).isPresent();
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(teamKey).maxRetries(0).build();
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessage("hi").maxCompletionTokens(20).build())).isInstanceOf(RateLimitException.class);
        // another user's keys are not held by hers
        assertThat(chat(newUser(new JsonObject().put("user_id", "dee")).getString("key"), "gpt").statusCode()).isEqualTo(200);
    }

    @Test
    void theAdminApiAnswersAsLiteLlmsAndRefusesWhatItDoesNotApply() {
        JsonObject made = newUser(new JsonObject().put("user_id", "eve").put("user_email", "Eve@Example.com").put("auto_create_key", false)
                .put("user_role", "internal_user_viewer").put("max_budget", 5).put("budget_duration", "30d"));
        assertThat(made.getString("key")).as("no key asked for").isEmpty();
        assertThat(made.getString("budget_reset_at")).isNotNull();
        assertThat(admin.getOk("/user/info?user_id=eve").getJsonArray("keys")).isEmpty();
        HttpResponse<String> dupId = admin.post("/user/new", new JsonObject().put("user_id", "eve"));
        assertThat(dupId.statusCode()).isEqualTo(409);
        assertThat(dupId.body()).contains("User with id eve already exists");
        assertThat(gw.simulator.arrivals()).isZero();
        HttpResponse<String> dupEmail = admin.post("/user/new", new JsonObject().put("user_id", "eve2").put("user_email", "eve@example.COM"));
        assertThat(dupEmail.statusCode()).isEqualTo(409);
        assertThat(dupEmail.body()).contains("User with email eve@example.COM already exists");
        assertThat(admin.getOk("/key/list?user_id=eve2").getJsonArray("keys")).as("no key left behind").isEmpty();
        assertThat(admin.post("/user/new", new JsonObject().put("user_role", "team")).statusCode()).isEqualTo(400);
        assertThat(admin.post("/user/new", new JsonObject().put("teams", new JsonArray().add("t1"))).body()).contains("'teams'");
        assertThat(admin.post("/user/new", new JsonObject().put("password", "hunter22")).body()).contains("LiteLLM user field");
        assertThat(admin.post("/user/new", new JsonObject().put("auto_create_key", false).put("key_alias", "k")).statusCode()).isEqualTo(400);
        assertThat(admin.post("/user/new", new JsonObject().put("user_role", "proxy_admin").put("budget_duration", "30d"))
                .statusCode()).as("a duration without a budget").isEqualTo(400);
        assertThat(admin.post("/user/new", new JsonObject().put("models", new JsonArray().add("no-default-models"))).statusCode()).isEqualTo(400);
        // an id is made when none is given
        JsonObject defaulted = newUser(new JsonObject().put("auto_create_key", false));
        assertThat(defaulted.getString("user_id")).hasSize(36);
        // LiteLLM's max_internal_user_budget / internal_user_budget_duration for an internal user given no budget
        assertThat(defaulted.getValue("max_budget").toString()).isEqualTo("5.0");
        assertThat(defaulted.getString("budget_duration")).isEqualTo("30d");

        // an email another user has, by update too, and compared without case beyond ASCII
        HttpResponse<String> taken = admin.post("/user/update", new JsonObject().put("user_id", madeIdOf(defaulted)).put("user_email", "EVE@example.com"));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        assertThat(new JsonObject(taken.body()).getJsonObject("error").getString("param")).isEqualTo("user_email");
        newUser(new JsonObject().put("user_id", "umlaut").put("user_email", "Äbc@x.com").put("auto_create_key", false));
        assertThat(admin.post("/user/new", new JsonObject().put("user_id", "umlaut2").put("user_email", "äBC@X.COM")).statusCode()).isEqualTo(409);
        dev.switchboard.support.RawHttp.Exchange badEscape = dev.switchboard.support.RawHttp.exchange(gw.server.port(),
                "GET /user/info?user_id=%ZZ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestGateway.MASTER_KEY
                        + "\r\nConnection: close\r\n\r\n", 5000);
        assertThat(badEscape.status()).as("a bad %%-escape is the client's: %s", badEscape.text()).isEqualTo(400);
        // a lone surrogate, escaped in the JSON (no UTF-8 spells it)
        assertThat(Http.post(gw.baseUrl() + "/user/new", TestGateway.MASTER_KEY, "{\"user_id\":\"bad\\ud800\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> byEmail = admin.post("/user/update", new JsonObject().put("user_email", "EVE@example.com").put("user_alias", "Eve"));
        assertThat(byEmail.statusCode()).as(byEmail.body()).isEqualTo(200);
        assertThat(new JsonObject(byEmail.body()).getString("user_id")).isEqualTo("eve");
        assertThat(new JsonObject(byEmail.body()).getJsonObject("data").getString("user_alias")).isEqualTo("Eve");
        assertThat(admin.post("/user/update", new JsonObject().put("user_id", "ghost").put("user_alias", "x")).statusCode()).isEqualTo(404);
        assertThat(admin.post("/user/update", new JsonObject().put("user_alias", "x")).body()).contains("Either user id or user email must be provided");
        HttpResponse<String> missing = admin.get("/user/info?user_id=ghost");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("User ghost not found");

        assertThat(newUser(new JsonObject().put("user_id", "list-a").put("auto_create_key", false).put("user_role", "proxy_admin_viewer"))
                .getValue("max_budget")).as("not an internal user: no default budget").isNull();
        newUser(new JsonObject().put("user_id", "list-b"));
        JsonObject page = admin.getOk("/user/list?user_ids=list-a,list-b,eve&sort_by=user_id&sort_order=asc&page_size=2");
        assertThat(page.getInteger("total")).isEqualTo(3);
        assertThat(page.getInteger("total_pages")).isEqualTo(2);
        assertThat(page.getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("user_id"))).containsExactly("eve", "list-a");
        assertThat(admin.getOk("/user/list?user_ids=list-a,list-b,eve&sort_by=user_id&sort_order=asc&page_size=2&page=2")
                .getJsonArray("users").getJsonObject(0).getInteger("key_count")).isEqualTo(1);
        assertThat(admin.getOk("/user/list?role=proxy_admin_viewer").getJsonArray("users").stream()
                .map(u -> ((JsonObject) u).getString("user_id"))).containsExactly("list-a");
        assertThat(admin.getOk("/user/list?user_email=EXAMPLE.com").getJsonArray("users").stream()
                .map(u -> ((JsonObject) u).getString("user_id"))).contains("eve").doesNotContain("list-a");
        // a page far past the end is empty, not an overflow
        assertThat(admin.getOk("/user/list?page=2147483647&page_size=100").getJsonArray("users")).isEmpty();
        assertThat(admin.getOk("/v2/team/list?page=2147483647&page_size=100").getJsonArray("teams")).isEmpty();
        assertThat(admin.getOk("/key/list?page=2147483647&size=100").getJsonArray("keys")).isEmpty();
        // /user/new with a stored team's id makes the user a member of it (LiteLLM's)
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "joiners")).statusCode()).isEqualTo(200);
        newUser(new JsonObject().put("user_id", "joiner").put("team_id", "joiners"));
        assertThat(admin.getOk("/team/info?team_id=joiners").getJsonObject("team_info").getJsonArray("members_with_roles")
                .getJsonObject(0).getString("user_id")).isEqualTo("joiner");
        assertThat(admin.getOk("/user/info?user_id=joiner").getJsonObject("user_info").getJsonArray("teams")).containsExactly("joiners");
        assertThat(admin.get("/user/list?sort_by=password").statusCode()).isEqualTo(400);
        assertThat(admin.get("/user/list?page_size=101").statusCode()).isEqualTo(400);
    }

    @Test
    void deletingAUserDeletesTheirKeysAndNothingElse() {
        String own = newUser(new JsonObject().put("user_id", "fay")).getString("key");
        String second = admin.generate(new JsonObject().put("user_id", "fay")).getString("key");
        String other = newUser(new JsonObject().put("user_id", "gus")).getString("key");
        assertThat(chat(own, "gpt").statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = admin.post("/user/delete", new JsonObject().put("user_ids", new JsonArray().add("fay").add("ghost")));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("User not found, passed user_id=ghost");
        assertThat(chat(own, "gpt").statusCode()).as("nothing deleted").isEqualTo(200);
        HttpResponse<String> deleted = admin.post("/user/delete", new JsonObject().put("user_ids", new JsonArray().add("fay")));
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(new JsonObject(deleted.body()).getJsonArray("deleted_users")).containsExactly("fay");
        assertThat(new JsonObject(deleted.body()).getJsonArray("deleted_keys")).hasSize(2);
        assertThat(chat(own, "gpt").statusCode()).isEqualTo(401);
        assertThat(chat(second, "gpt").statusCode()).isEqualTo(401);
        assertThat(chat(other, "gpt").statusCode()).isEqualTo(200);
        assertThat(admin.get("/user/info?user_id=fay").statusCode()).isEqualTo(404);
        // the ledger keeps their calls: spend reports still show who spent what
        assertThat(admin.getOk("/global/spend/report?group_by=tag").getJsonArray("groups").stream()
                .map(o -> ((JsonObject) o).getString("group")).toList()).contains("user:fay");
        // only the master key manages users
        assertThat(Http.post(gw.baseUrl() + "/user/new", other, "{}").statusCode()).isEqualTo(403);
        assertThat(List.of(admin.get("/user/list").statusCode())).containsExactly(200);
    }
}
