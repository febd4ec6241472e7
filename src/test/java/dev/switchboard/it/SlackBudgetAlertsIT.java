package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
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
 * LiteLLM's {@code slack} alerting channel through real sockets: a gateway with {@code alerting: ["slack", "webhook"]},
 * {@code SLACK_WEBHOOK_URL} pointing at a small server in this test that answers as Slack's incoming webhook does
 * ({@code 200 ok}), and {@code WEBHOOK_URL} at another path of it; a key calls through the simulator until its budget
 * refuses. Slack gets one message per event, its text LiteLLM's layout with whose budget and the spend, and the webhook
 * the JSON of the same events; no log line shows the Slack hook's secret path.
 */
class SlackBudgetAlertsIT {
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    private static final String SLACK_PATH = "/services/T0SWITCH/B0BOARD/" + "xoxHook" + "Secret42";
    static TestGateway gw;
    static Admin admin;
    static HttpServer slack;
    static LogCapture logs;
    static final List<JsonObject> slackPosts = new CopyOnWriteArrayList<>();
    static final List<String> slackTypes = new CopyOnWriteArrayList<>();
    static final List<JsonObject> webhookPosts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext(SLACK_PATH, ex -> {
            slackPosts.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            slackTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8); // Slack's answer
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        slack.createContext("/hooks/json", ex -> {
            webhookPosts.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        slack.start();
        String base = "http://127.0.0.1:" + slack.getAddress().getPort();
        logs = LogCapture.root();
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %s
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  alerting: ["slack", "webhook"]
                """.formatted(PRICES), Map.of("SLACK_WEBHOOK_URL", base + SLACK_PATH, "WEBHOOK_URL", base + "/hooks/json",
                "PROXY_BASE_URL", "https://gateway.example.com"));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (slack != null) slack.stop(0);
        if (logs != null) logs.close();
    }

    private static HttpResponse<String> chat(String key) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    private static List<String> slackTextsOf(String token) {
        return slackPosts.stream().map(p -> p.getString("text")).filter(t -> t.contains("(token `" + token + "`)")).toList();
    }

    @Test
    void aKeyCrossingItsBudgetIsPostedToSlackOnceWithWhoseBudgetAndTheSpend() throws Exception {
        JsonObject made = admin.generate(new JsonObject().put("key_alias", "slack-app").put("max_budget", 0.002)
                .put("user_id", "ann").put("team_id", "ops"));
        String key = made.getString("key");
        String token = made.getString("token");
        HttpResponse<String> refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            HttpResponse<String> r = chat(key);
            if (r.statusCode() != 200) refused = r;
        }
        assertThat(refused).as("the budget ran out").isNotNull();
        assertThat(refused.body()).contains("budget_exceeded");
        for (int i = 0; i < 3; i++) assertThat(chat(key).statusCode()).as("refused again").isEqualTo(400);

        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && (slackTextsOf(token).stream().noneMatch(t -> t.contains("Budget Crossed"))
                || webhookPosts.stream().noneMatch(p -> "budget_crossed".equals(p.getString("event"))))) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // a duplicate would come within this
        List<String> texts = slackTextsOf(token);
        List<String> crossed = texts.stream().filter(t -> t.contains("event: `budget_crossed`")).toList();
        assertThat(crossed).as(texts.toString()).hasSize(1);
        assertThat(slackTypes).allMatch(t -> t.startsWith("application/json"));
        assertThat(slackPosts).allMatch(p -> p.fieldNames().equals(java.util.Set.of("text")), "Slack's {\"text\": …} body");

        // the same event went to the webhook as LiteLLM's JSON; the Slack text names its spend
        List<JsonObject> json = webhookPosts.stream().filter(p -> token.equals(p.getString("token"))).toList();
        JsonObject event = json.stream().filter(p -> "budget_crossed".equals(p.getString("event"))).findFirst().orElseThrow();
        String spend = new java.math.BigDecimal(event.getValue("spend").toString()).toPlainString();
        assertThat(crossed.getFirst()).matches("""
                Level: `High`
                Timestamp: `\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC`

                Message: Key Budget: Budget Crossed
                 Total Budget:`0.002`

                Alert type: `budget_alerts`, event: `budget_crossed`
                Key: `slack-app` \\(token `%s`\\)
                User: `ann`
                Team: `ops`
                Spend: `\\$%s`
                Max budget: `\\$0.002`

                Proxy URL: `https://gateway.example.com`
                """.formatted(token, java.util.regex.Pattern.quote(spend)));
        // each event once on each channel
        assertThat(texts).hasSameSizeAs(json);
        for (JsonObject p : json) {
            assertThat(texts).as(p.encode()).filteredOn(t -> t.contains("event: `" + p.getString("event") + "`")).hasSize(
                    (int) json.stream().filter(q -> q.getString("event").equals(p.getString("event"))).count());
        }
        for (String t : texts) assertThat(t).doesNotContain(key).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(TestGateway.MASTER_KEY);

        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(metrics).contains("switchboard_alerts_sent_total{alert_type=\"budget_alerts\",channel=\"slack\"}")
                .contains("switchboard_alerts_sent_total{alert_type=\"budget_alerts\",channel=\"webhook\"}")
                .doesNotContain("xoxHookSecret42");
        // the sender names the Slack hook by scheme, host and port: its path is the secret
        assertThat(logs.lines()).anyMatch(l -> l.contains("budget_crossed of key 'slack-app' sent to slack http://127.0.0.1:"
                + slack.getAddress().getPort()));
        assertThat(logs.lines()).noneMatch(l -> l.contains("xoxHookSecret42") || l.contains("B0BOARD"));
    }
}
