package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's webhook budget alerts through real sockets: a gateway with {@code alerting: ["webhook"]} and
 * {@code WEBHOOK_URL} pointing at a small receiver in this test, a key with a tiny soft budget and a small max budget,
 * calls through the simulator until the budget refuses: the receiver gets LiteLLM's {@code WebhookEvent} JSON, each
 * event once, with the key's hash and never the key.
 */
class BudgetAlertsIT {
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    static TestGateway gw;
    static Admin admin;
    static HttpServer receiver;
    static final List<JsonObject> posts = new CopyOnWriteArrayList<>();
    static final List<String> contentTypes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/budget", ex -> {
            posts.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %s
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  alerting: ["webhook"]
                  alert_types: ["budget_alerts", "llm_exceptions"]
                """.formatted(PRICES), Map.of("WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/budget"));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (receiver != null) receiver.stop(0);
    }

    private static HttpResponse<String> chat(String key) { return chat(key, 50); }

    private static HttpResponse<String> chat(String key, int maxTokens) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"gpt\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    private static List<JsonObject> eventsOf(String token) {
        return posts.stream().filter(p -> token.equals(p.getString("token"))).toList();
    }

    @Test
    void aKeyCrossingItsSoftBudgetAndThenItsBudgetIsToldOnceForEachAsLiteLlmPostsIt() throws Exception {
        JsonObject made = admin.generate(new JsonObject().put("key_alias", "billing-app").put("soft_budget", 0.0001)
                .put("max_budget", 0.002).put("user_id", "ann").put("team_id", "red"));
        String key = made.getString("key");
        String token = made.getString("token");
        HttpResponse<String> refused = null;
        int served = 0;
        for (int i = 0; i < 40 && refused == null; i++) {
            HttpResponse<String> r = chat(key);
            if (r.statusCode() == 200) served++;
            else refused = r;
        }
        assertThat(served).isGreaterThanOrEqualTo(1);
        assertThat(refused).as("the budget ran out").isNotNull();
        assertThat(refused.body()).contains("budget_exceeded");
        for (int i = 0; i < 3; i++) assertThat(chat(key).statusCode()).as("refused again").isEqualTo(400);

        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline
                && eventsOf(token).stream().noneMatch(p -> p.getString("event").equals("budget_crossed"))) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // a duplicate would come within this
        List<JsonObject> mine = eventsOf(token);
        assertThat(mine.stream().filter(p -> p.getString("event").equals("soft_budget_crossed"))).as(mine.toString()).hasSize(1);
        assertThat(mine.stream().filter(p -> p.getString("event").equals("budget_crossed"))).as(mine.toString()).hasSize(1);
        assertThat(mine.stream().filter(p -> p.getString("event").equals("threshold_crossed")).count()).as(mine.toString())
                .isLessThanOrEqualTo(2);
        assertThat(contentTypes).allMatch(t -> t.startsWith("application/json"));

        JsonObject soft = mine.stream().filter(p -> p.getString("event").equals("soft_budget_crossed")).findFirst().orElseThrow();
        // LiteLLM's WebhookEvent: CallInfo's fields, then event and event_message
        assertThat(soft.fieldNames()).containsExactlyInAnyOrder("spend", "max_budget", "soft_budget", "token", "customer_id",
                "user_id", "team_id", "team_alias", "user_email", "key_alias", "projected_exceeded_date", "projected_spend",
                "event_group", "event", "event_message");
        assertThat(soft.getString("event_group")).isEqualTo("key");
        assertThat(soft.getString("key_alias")).isEqualTo("billing-app");
        assertThat(soft.getString("user_id")).isEqualTo("ann");
        assertThat(soft.getString("team_id")).isEqualTo("red");
        assertThat(new BigDecimal(soft.getValue("soft_budget").toString())).isEqualByComparingTo("0.0001");
        assertThat(new BigDecimal(soft.getValue("max_budget").toString())).isEqualByComparingTo("0.002");
        assertThat(new BigDecimal(soft.getValue("spend").toString())).isGreaterThanOrEqualTo(new BigDecimal("0.0001"));
        assertThat(soft.getString("event_message")).isEqualTo("Soft Budget Crossed: Total Soft Budget:`0.0001`");

        JsonObject crossed = mine.stream().filter(p -> p.getString("event").equals("budget_crossed")).findFirst().orElseThrow();
        assertThat(crossed.getString("event_message")).isEqualTo("Key Budget: Budget Crossed\n Total Budget:`0.002`");
        assertThat(new BigDecimal(crossed.getValue("spend").toString())).isPositive().isLessThanOrEqualTo(new BigDecimal("0.002"));
        // the key's hash as LiteLLM sends it, never the key, nor a provider key
        for (JsonObject p : mine) {
            assertThat(p.encode()).doesNotContain(key).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(TestGateway.MASTER_KEY);
        }
        assertThat(Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body())
                .contains("switchboard_alerts_sent_total{alert_type=\"budget_alerts\",channel=\"webhook\"}");
    }

    /** 85 % of max_budget spent: LiteLLM's threshold_crossed ("15% Threshold Crossed"), once. */
    @Test
    void aKeyPastEightyFivePercentOfItsBudgetIsToldTheThresholdOnce() throws Exception {
        JsonObject made = admin.generate(new JsonObject().put("key_alias", "near").put("max_budget", 1));
        String key = made.getString("key");
        String token = made.getString("token");
        // a low max_tokens keeps the call's worst case near its real cost, so the second call still fits
        HttpResponse<String> first = chat(key, 8);
        assertThat(first.statusCode()).isEqualTo(200);
        BigDecimal cost = new BigDecimal(first.headers().firstValue("x-switchboard-cost").orElseThrow());
        // the same call again makes the spend 86 % of this budget
        BigDecimal max = cost.multiply(BigDecimal.valueOf(2)).divide(new BigDecimal("0.86"), 9, java.math.RoundingMode.DOWN);
        admin.update(new JsonObject().put("key", key).put("max_budget", max));
        HttpResponse<String> second = chat(key, 8);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(chat(key, 8).statusCode()).as("no room for a third").isEqualTo(400);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && eventsOf(token).size() < 2) Thread.sleep(50);
        Thread.sleep(300);
        List<JsonObject> mine = eventsOf(token);
        assertThat(mine).extracting(p -> p.getString("event")).as(mine.toString())
                .containsExactly("threshold_crossed", "budget_crossed");
        assertThat(mine.get(0).getString("event_message")).isEqualTo("Key Budget: 15% Threshold Crossed");
        assertThat(mine.get(0).getValue("soft_budget")).isNull();
        assertThat(new BigDecimal(mine.get(0).getValue("spend").toString())).isEqualByComparingTo(cost.multiply(BigDecimal.valueOf(2)));
    }

    /** A team's budget: event_group team, named by its id and alias, without any key's hash. */
    @Test
    void aTeamsBudgetCrossedIsToldForTheTeam() throws Exception {
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "blue").put("team_alias", "Blue team")
                .put("max_budget", 0.002)).statusCode()).isEqualTo(200);
        String key = admin.generate(new JsonObject().put("key_alias", "blue-app").put("team_id", "blue")).getString("key");
        HttpResponse<String> refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            HttpResponse<String> r = chat(key);
            if (r.statusCode() != 200) refused = r;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.body()).contains("Team=blue");
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && posts.stream().noneMatch(p -> "blue".equals(p.getString("team_id"))
                && "team".equals(p.getString("event_group")))) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
        List<JsonObject> team = posts.stream().filter(p -> "team".equals(p.getString("event_group"))).toList();
        assertThat(team).as(team.toString()).singleElement().satisfies(p -> {
            assertThat(p.getString("event")).isEqualTo("budget_crossed");
            assertThat(p.getString("team_id")).isEqualTo("blue");
            assertThat(p.getString("team_alias")).isEqualTo("Blue team");
            assertThat(p.getString("token")).isNull();
            assertThat(p.getString("event_message")).isEqualTo("Team Budget: Budget Crossed\n Total Budget:`0.002`");
        });
    }

    @Test
    void aKeyWithoutBudgetsSendsNothing() throws Exception {
        JsonObject made = admin.generate(new JsonObject().put("key_alias", "free"));
        for (int i = 0; i < 3; i++) assertThat(chat(made.getString("key")).statusCode()).isEqualTo(200);
        Thread.sleep(300);
        assertThat(eventsOf(made.getString("token"))).isEmpty();
    }
}
