package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
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
 * LiteLLM's customers (end users) as an app with users of its own meets them: every end user (the {@code user} of a
 * request, an Anthropic body's {@code metadata.user_id}) has {@code max_end_user_budget} to spend, whatever key they
 * call through, refused with LiteLLM's message before any upstream call once their next request could overrun; an end
 * user of {@code /customer/new} has a budget of their own; a blocked one is refused; the admin API answers as LiteLLM's.
 */
class EndUserBudgetsIT {
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
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                    %1$s
                router_settings: { num_retries: 0 }
                litellm_settings:
                  max_end_user_budget: 0.003
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

    private static HttpResponse<String> chat(String key, String user) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"gpt\",\"max_tokens\":50," + (user == null ? ""
                : "\"user\":\"" + user + "\",") + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    private static BigDecimal cost(HttpResponse<String> r) {
        return new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow());
    }

    /**
     * Claude Code sends metadata.user_id on every call, a JSON object of ids (186 characters here) that names its session
     * too, over the 64 characters OpenAI takes for {@code user} (its 400 string_above_max_length, which the simulator
     * answers too): OpenAI gets its SHA-256 in hex, the same on every call of a session; the end user the gateway counts
     * is its stable part, the device and the account, one end user across sessions and both of Claude Code's forms.
     */
    @Test
    void claudeCodesUserIdReachesOpenAiAsItsHashAndCountsAsOneEndUserAcrossSessions() {
        String device = "d".repeat(64), account = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
        String[] userIds = {
                "{\"device_id\":\"" + device + "\",\"account_uuid\":\"" + account + "\",\"session_id\":\"9b2c7d1e-6a55-4b1e-9a43-1f0c4b7d2e11\"}",
                "{\"device_id\":\"" + device + "\",\"account_uuid\":\"" + account + "\",\"session_id\":\"0c1d2e3f-6a55-4b1e-9a43-1f0c4b7d2e11\"}",
                "user_" + device + "_account_" + account + "_session_5e6f7a8b-6a55-4b1e-9a43-1f0c4b7d2e11"}; // the older form
        for (String userId : userIds) {
            String body = new JsonObject().put("model", "gpt").put("max_tokens", 20).put("metadata", new JsonObject().put("user_id", userId))
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
            HttpResponse<String> r = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        List<String> sent = gw.simulator.received().stream().map(q -> q.body().getString("user")).toList();
        assertThat(sent).hasSize(3).allSatisfy(u -> assertThat(u).matches("[0-9a-f]{64}"));
        String endUser = "user_" + device + "_account_" + account;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> admin.get("/customer/info?end_user_id=" + endUser).statusCode() == 200
                        && admin.getOk("/customer/info?end_user_id=" + endUser).getValue("spend") != null);
        JsonObject info = admin.getOk("/customer/info?end_user_id=" + endUser);
        assertThat(info.getString("user_id")).isEqualTo(endUser);
        assertThat(new BigDecimal(info.getValue("spend").toString())).isPositive();
        assertThat(admin.get("/customer/info?end_user_id=" + java.net.URLEncoder.encode(userIds[0],
                java.nio.charset.StandardCharsets.UTF_8)).statusCode()).as("no end user per session").isEqualTo(404);
    }

    @Test
    void claudeCodesFormsWithoutAnAccountAndOtherIdsAreKeptAsTheyAre() {
        String device = "a".repeat(64);
        assertThat(dev.switchboard.model.ClaudeCodeUser.stable("{\"device_id\":\"" + device + "\",\"account_uuid\":\"\",\"session_id\":\"x-1\"}"))
                .isEqualTo("user_" + device);
        assertThat(dev.switchboard.model.ClaudeCodeUser.stable("user_" + device + "_account__session_915dea58-0afd-484a-baf9-4e2ab9569d14"))
                .isEqualTo("user_" + device);
        for (String other : new String[] {"u1", "{\"device_id\":\"short\",\"session_id\":\"1\"}", "user_" + device, "{not json " + device}) {
            assertThat(dev.switchboard.model.ClaudeCodeUser.stable(other)).isEqualTo(other);
        }
    }

    @Test
    void everyEndUserSpendsUpToTheDefaultBudgetAcrossKeysAndNeverPastIt() {
        String appA = admin.generate(new JsonObject().put("key_alias", "eu-app-a")).getString("key");
        String appB = admin.generate(new JsonObject().put("key_alias", "eu-app-b")).getString("key");
        BigDecimal charged = BigDecimal.ZERO;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            HttpResponse<String> r = chat(i % 2 == 0 ? appA : appB, "dora");
            if (r.statusCode() == 200) charged = charged.add(cost(r));
            else refused = r;
        }
        assertThat(refused).as("dora's budget ran out").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("budget_exceeded");
        assertThat(error.getString("param")).isEqualTo("user");
        assertThat(error.getString("message")).startsWith("ExceededBudget: End User=dora over budget. Spend=")
                .contains(", Budget=0.003.").contains("This request could cost up to $");
        assertThat(charged).isPositive().isLessThanOrEqualTo(new BigDecimal("0.003"));
        int arrivals = gw.simulator.arrivals();
        assertThat(chat(appA, "dora").statusCode()).isEqualTo(400);
        assertThat(gw.simulator.arrivals()).as("refused before any upstream call").isEqualTo(arrivals);
        // another end user, and a call that names none, are not dora
        assertThat(chat(appA, "eve").statusCode()).isEqualTo(200);
        assertThat(chat(appA, null).statusCode()).isEqualTo(200);
        // LiteLLM's customer info answers for an end user who has spent, row or not (once the ledger holds it)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> admin.get("/customer/info?end_user_id=dora").statusCode() == 200);
        JsonObject info = admin.getOk("/customer/info?end_user_id=dora");
        assertThat(new BigDecimal(info.getValue("spend").toString())).isEqualByComparingTo(charged);
        assertThat(info.getJsonObject("litellm_budget_table").getValue("max_budget").toString()).isEqualTo("0.003");
        assertThat(info.getJsonObject("litellm_budget_table").getBoolean("default")).isTrue();
        // a row made for dora later keeps every cent she spent (the default never resets), in /customer/list too
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "dora").put("alias", "Dora")).statusCode()).isEqualTo(200);
        JsonObject listed = new JsonArray(admin.get("/customer/list").body()).stream().map(o -> (JsonObject) o)
                .filter(o -> "dora".equals(o.getString("user_id"))).findFirst().orElseThrow();
        assertThat(new BigDecimal(listed.getValue("spend").toString())).isEqualByComparingTo(charged);
        // which user of the app spent what
        JsonArray groups = admin.getOk("/global/spend/report?group_by=end_user").getJsonArray("groups");
        JsonObject doraGroup = groups.stream().map(o -> (JsonObject) o).filter(g -> "dora".equals(g.getString("group"))).findFirst().orElseThrow();
        assertThat(new BigDecimal(doraGroup.getValue("spend").toString())).isEqualByComparingTo(charged);
        assertThat(groups.stream().map(o -> ((JsonObject) o).getString("group"))).contains("eve", "(none)");
    }

    @Test
    void theOfficialSdksSeeTheRefusalAsABadRequestInBothDialects() {
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(2).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(2).build();
        try {
            assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "frank").put("max_budget", 0)).statusCode())
                    .isEqualTo(200);
            assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .user("frank").addUserMessage("hi").build()))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("ExceededBudget: End User=frank over budget. Spend=0, Budget=0.");
            assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(10)
                    .metadata(Metadata.builder().userId("frank").build()).addUserMessage("hi").build()))
                    .isInstanceOf(com.anthropic.errors.BadRequestException.class)
                    .hasMessageContaining("ExceededBudget: End User=frank over budget.");
            assertThat(gw.simulator.received()).as("nothing reached a provider, and the SDKs did not retry a 400").isEmpty();
            ChatCompletion served = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .user("grace").maxCompletionTokens(20).addUserMessage("hi").build());
            assertThat(served.choices()).hasSize(1);
        } finally {
            openai.close();
            anthropic.close();
        }
    }

    @Test
    void aBlockedEndUserIsRefusedUntilUnblocked() {
        HttpResponse<String> block = admin.post("/customer/block", new JsonObject().put("user_ids", new JsonArray().add("mallory")));
        assertThat(block.statusCode()).as(block.body()).isEqualTo(200);
        assertThat(new JsonObject(block.body()).getJsonArray("blocked_users").getJsonObject(0).getBoolean("blocked")).isTrue();
        HttpResponse<String> refused = chat(TestGateway.MASTER_KEY, "mallory");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
                .startsWith("User blocked from making LLM API Calls. User=mallory");
        HttpResponse<String> anthropic = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"max_tokens\":10,\"metadata\":{\"user_id\":\"mallory\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(gw.simulator.received()).isEmpty();
        // LiteLLM's old spelling, /end_user/*, is the same API
        HttpResponse<String> unblock = admin.post("/end_user/unblock", new JsonObject().put("user_ids", new JsonArray().add("mallory")));
        assertThat(unblock.statusCode()).as(unblock.body()).isEqualTo(200);
        assertThat(chat(TestGateway.MASTER_KEY, "mallory").statusCode()).isEqualTo(200);
    }

    @Test
    void anEndUsersOwnBudgetAndItsPeriodsFromTheAdminApi() {
        HttpResponse<String> made = admin.post("/customer/new", new JsonObject().put("user_id", "heidi").put("alias", "Heidi K.")
                .put("max_budget", 0.0012).put("budget_duration", "30d").put("metadata", new JsonObject().put("plan", "free")));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        JsonObject row = new JsonObject(made.body());
        assertThat(row.getString("user_id")).isEqualTo("heidi");
        assertThat(row.getString("alias")).isEqualTo("Heidi K.");
        assertThat(row.getJsonObject("metadata").getString("plan")).isEqualTo("free");
        JsonObject budget = row.getJsonObject("litellm_budget_table");
        assertThat(budget.getString("budget_duration")).isEqualTo("30d");
        assertThat(budget.getBoolean("default")).isFalse();
        // LiteLLM's 30d: the 1st of the next month at 00:00 (UTC unless litellm_settings.timezone says otherwise)
        assertThat(java.time.Instant.parse(budget.getString("budget_reset_at"))).isIn(
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).plusMonths(2).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        // $0.0012 holds one call's worst case (~$0.0011), and after its cost (~$0.0003) not another
        assertThat(chat(TestGateway.MASTER_KEY, "heidi").statusCode()).isEqualTo(200);
        HttpResponse<String> second = chat(TestGateway.MASTER_KEY, "heidi");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(400);
        assertThat(second.body()).contains("Budget=0.0012").contains("it resets at ");
        // raised: served again
        assertThat(admin.post("/customer/update", new JsonObject().put("user_id", "heidi").put("max_budget", 1)).statusCode()).isEqualTo(200);
        assertThat(chat(TestGateway.MASTER_KEY, "heidi").statusCode()).isEqualTo(200);
        JsonArray list = new JsonArray(admin.get("/customer/list").body());
        assertThat(list.stream().map(o -> ((JsonObject) o).getString("user_id"))).contains("heidi");
        // deleted: the default budget again ($0.003, of which heidi spent two calls)
        HttpResponse<String> deleted = admin.post("/customer/delete", new JsonObject().put("user_ids", new JsonArray().add("heidi")));
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(new JsonObject(deleted.body()).getInteger("deleted_customers")).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> admin.get("/customer/info?end_user_id=heidi").statusCode() == 200);
        JsonObject after = admin.getOk("/customer/info?end_user_id=heidi");
        assertThat(after.getJsonObject("litellm_budget_table").getBoolean("default")).isTrue();
    }

    @Test
    void badAdminInputGetsLiteLlmsErrors() {
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "ivan")).statusCode()).isEqualTo(200);
        HttpResponse<String> again = admin.post("/customer/new", new JsonObject().put("user_id", "ivan"));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("Customer already exists, passed user_id=ivan. Please pass a new user_id.");
        HttpResponse<String> unknown = admin.get("/customer/info?end_user_id=nobody-at-all");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("End User Id=nobody-at-all does not exist in db");
        HttpResponse<String> delete = admin.post("/customer/delete", new JsonObject().put("user_ids", new JsonArray().add("ivan").add("ghost")));
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(delete.body()).contains("End User Id(s)=ghost do not exist in db");
        assertThat(admin.getOk("/customer/info?end_user_id=ivan").getString("user_id")).as("none deleted").isEqualTo("ivan");
        HttpResponse<String> region = admin.post("/customer/update", new JsonObject().put("user_id", "ivan").put("allowed_model_region", "eu"));
        assertThat(region.statusCode()).isEqualTo(400);
        assertThat(region.body()).contains("'allowed_model_region' is a LiteLLM customer field Switchboard does not apply");
        HttpResponse<String> typo = admin.post("/customer/update", new JsonObject().put("user_id", "ivan").put("max_budgt", 1));
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("Unknown field 'max_budgt'");
        HttpResponse<String> resetWithoutOwn = admin.post("/customer/update", new JsonObject().put("user_id", "ivan").put("budget_duration", "1d"));
        assertThat(resetWithoutOwn.statusCode()).isEqualTo(400);
        assertThat(resetWithoutOwn.body()).contains("'budget_duration' needs a 'max_budget'");
        HttpResponse<String> negative = admin.post("/customer/update", new JsonObject().put("user_id", "ivan").put("max_budget", -1));
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "   ")).statusCode()).as("blank").isEqualTo(400);
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "x".repeat(256))).statusCode()).isEqualTo(400);
        HttpResponse<String> tooLong = chat(TestGateway.MASTER_KEY, "x".repeat(256));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("'user' is longer than 255 characters");
        // a virtual key manages no end users
        String key = admin.generate(new JsonObject().put("key_alias", "eu-not-admin")).getString("key");
        assertThat(Http.post(gw.baseUrl() + "/customer/block", key, "{\"user_ids\":[\"ivan\"]}").statusCode()).isEqualTo(403);
        assertThat(Http.get(gw.baseUrl() + "/customer/list", key).statusCode()).isEqualTo(403);
    }

    @Test
    void theEndUserIsFoundWhereLiteLlmLooksHeadersFirst() {
        assertThat(admin.post("/customer/block", new JsonObject().put("user_ids", new JsonArray().add("hdr-blocked"))).statusCode())
                .isEqualTo(200);
        String body = "{\"model\":\"gpt\",\"max_tokens\":10,%s\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // an app that cannot change the body names its user in LiteLLM's headers
        HttpResponse<String> byHeader = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted(""),
                "x-litellm-end-user-id", "hdr-blocked");
        assertThat(byHeader.statusCode()).isEqualTo(400);
        assertThat(byHeader.body()).contains("User=hdr-blocked");
        // the customer header wins over the end-user header and over the body's user
        HttpResponse<String> customer = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("\"user\":\"hdr-blocked\","), "x-litellm-customer-id", "hdr-free", "x-litellm-end-user-id", "hdr-blocked");
        assertThat(customer.statusCode()).as(customer.body()).isEqualTo(200);
        // litellm_metadata.user, then metadata.user_id, when the body has no user
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("\"litellm_metadata\":{\"user\":\"hdr-blocked\"},")).statusCode()).isEqualTo(400);
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("\"metadata\":{\"user_id\":\"hdr-blocked\"},")).statusCode()).isEqualTo(400);
        // litellm_metadata is the gateway's: it names the end user in every dialect and never reaches a provider
        HttpResponse<String> anthropic = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"max_tokens\":10,\"litellm_metadata\":{\"user\":\"hdr-blocked\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(400);
        assertThat(anthropic.body()).contains("User=hdr-blocked");
        gw.simulator.reset();
        HttpResponse<String> served = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("\"litellm_metadata\":{\"user\":\"hdr-meta\"},"));
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("litellm_metadata")).isFalse();
        // a blank name names nobody, in the body too: the next place decides
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                body.formatted("\"user\":\"  \",\"litellm_metadata\":{\"user\":\"hdr-blocked\"},")).statusCode()).isEqualTo(400);
        // a blank customer header names nobody: the next place decides
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted(""),
                "x-litellm-customer-id", " ", "x-litellm-end-user-id", "hdr-blocked").statusCode()).isEqualTo(400);
        // the ledger records the end user the header named
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                admin.get("/customer/info?end_user_id=hdr-free").statusCode() == 200
                && admin.get("/customer/info?end_user_id=hdr-meta").statusCode() == 200);
    }

    @Test
    void anEndUsersRefusalGivesBackWhatTheKeyReserved() {
        // the key's budget holds two worst cases (~$0.0011 each); each refusal for the end user reserved one first
        String key = admin.generate(new JsonObject().put("key_alias", "eu-undo").put("max_budget", 0.0025)).getString("key");
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "zed").put("max_budget", 0)).statusCode()).isEqualTo(200);
        for (int i = 0; i < 10; i++) assertThat(chat(key, "zed").statusCode()).isEqualTo(400);
        HttpResponse<String> other = chat(key, "yara");
        assertThat(other.statusCode()).as("the key's budget is whole: " + other.body()).isEqualTo(200);
        assertThat(chat(key, null).statusCode()).isEqualTo(200);
    }

    @Test
    void manyCallsAtOnceForOneEndUserNeverSpendPastTheirBudget() throws Exception {
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "judy").put("max_budget", 0.005)).statusCode()).isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) calls.add(pool.submit(() -> chat(TestGateway.MASTER_KEY, "judy")));
            BigDecimal charged = BigDecimal.ZERO;
            int served = 0;
            for (Future<HttpResponse<String>> f : calls) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    served++;
                    charged = charged.add(cost(r));
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                }
            }
            // four worst cases of ~$0.0011 fit at once; more as calls settle to their cost (~$0.0003): never all 20
            assertThat(served).isBetween(4, 16);
            assertThat(charged).isLessThanOrEqualTo(new BigDecimal("0.005"));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anEndUsersSpendSurvivesARestart() {
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "kim").put("max_budget", 0.0012)).statusCode()).isEqualTo(200);
        assertThat(chat(TestGateway.MASTER_KEY, "kim").statusCode()).isEqualTo(200);
        gw.close();
        gw = TestGateway.start(config());
        admin = new Admin(gw);
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "kim");
        assertThat(r.statusCode()).as("the restarted gateway knows kim's row and spend").isEqualTo(400);
        assertThat(r.body()).contains("ExceededBudget: End User=kim over budget.");
    }
}
