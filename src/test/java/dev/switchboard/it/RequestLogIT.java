package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request log end to end: each log policy (per key alias, and the default) applied to what a real call stored,
 * {@code GET /logs/{id}} for the master key and the owning key only, {@code /logs} and {@code /spend/logs} filters, a
 * stream's completion, a failed call, provider keys never stored, the background retention purge, and a request as one
 * row of the store (the log's columns in the ledger's row).
 */
class RequestLogIT {
    static TestGateway gw;
    static final String CARD = "4111-1111-1111-1111";
    static final String PROMPT = "card " + CARD + " and key " + TestGateway.PROVIDER_KEY + " please echo";

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "broken=broken-model") + """
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  request_log:
                    policy: truncated:12
                    redact_patterns: ['\\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b']
                    keys: { full-app: full, redacted-app: redacted, silent-app: "off" }
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    static String key(String alias) {
        return Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"" + alias + "\"}"))
                .getString("key");
    }

    static HttpResponse<String> chat(String key, String model, String content, String... headers) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}", headers);
    }

    static String id(HttpResponse<String> r) { return r.headers().firstValue("x-switchboard-request-id").orElseThrow(); }

    static JsonObject log(String id, String key) {
        HttpResponse<String> r = Http.get(gw.baseUrl() + "/logs/" + id, key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static String answer(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    }

    @Test
    void fullKeepsPromptAndCompletionButNeverAProviderKey() {
        String k = key("full-app");
        HttpResponse<String> r = chat(k, "gpt", PROMPT);
        JsonObject row = log(id(r), k);
        assertThat(row.getString("log_policy")).isEqualTo("full");
        assertThat(row.getString("prompt")).contains("card " + CARD).contains("[REDACTED]").doesNotContain(TestGateway.PROVIDER_KEY);
        assertThat(new JsonArray(row.getString("prompt")).getJsonObject(0).getString("role")).isEqualTo("user");
        assertThat(row.getString("completion")).isEqualTo(answer(r).replace(TestGateway.PROVIDER_KEY, "[REDACTED]"));
        assertThat(row.getString("key_alias")).isEqualTo("full-app");
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        assertThat(row.getLong("prompt_tokens")).isEqualTo(usage.getLong("prompt_tokens"));
        assertThat(row.getLong("completion_tokens")).isEqualTo(usage.getLong("completion_tokens"));
        assertThat(new java.math.BigDecimal(row.getValue("spend").toString()))
                .isEqualByComparingTo(new java.math.BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        assertThat(Http.get(gw.baseUrl() + "/logs/" + id(r), k).body()).contains("\"spend\":0.0000");
        assertThat(row.getInteger("status")).isEqualTo(200);
        assertThat(row.getString("route")).isEqualTo("primary");
        assertThat(row.getString("cache_status")).isEqualTo("miss");
        assertThat(row.getString("deployment")).isEqualTo("openai/gpt-4o-mini");
        assertThat(row.getLong("latency_ms")).isNotNull();
    }

    @Test
    void truncatedIsTheDefaultAndKeepsTheConfiguredNumberOfCharacters() {
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "gpt", PROMPT);
        JsonObject row = log(id(r), TestGateway.MASTER_KEY);
        assertThat(row.getString("log_policy")).isEqualTo("truncated:12");
        assertThat(row.getString("prompt")).hasSize(13).endsWith("…").startsWith("[{\"role\"");
        assertThat(row.getString("completion")).hasSizeLessThanOrEqualTo(13);
    }

    @Test
    void redactedMasksThePatternsAndKeyShapes() {
        String k = key("redacted-app");
        JsonObject row = log(id(chat(k, "gpt", PROMPT)), k);
        assertThat(row.getString("log_policy")).isEqualTo("redacted");
        assertThat(row.getString("prompt")).contains("card [REDACTED] and key [REDACTED]").doesNotContain(CARD);
        assertThat(row.getString("completion")).doesNotContain(CARD);
    }

    /** A LiteLLM config that turned message logging off keeps it off: no prompt or completion in the log. */
    @Test
    void liteLlmsTurnOffMessageLoggingKeepsNoText() {
        try (TestGateway quiet = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                litellm_settings:
                  turn_off_message_logging: true
                """)) {
            HttpResponse<String> r = Http.post(quiet.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            HttpResponse<String> logged = Http.get(quiet.baseUrl() + "/logs/" + id(r), TestGateway.MASTER_KEY);
            assertThat(logged.statusCode()).as(logged.body()).isEqualTo(200);
            JsonObject row = new JsonObject(logged.body());
            assertThat(row.getString("log_policy")).isEqualTo("off");
            assertThat(row.getValue("prompt")).isNull();
            assertThat(row.getValue("completion")).isNull();
            assertThat(row.getLong("prompt_tokens")).isPositive();
        }
    }

    @Test
    void offKeepsNoTextButStillTheNumbers() {
        String k = key("silent-app");
        HttpResponse<String> r = chat(k, "gpt", PROMPT);
        JsonObject row = log(id(r), k);
        assertThat(row.getString("log_policy")).isEqualTo("off");
        assertThat(row.getValue("prompt")).isNull();
        assertThat(row.getValue("completion")).isNull();
        assertThat(row.getLong("prompt_tokens")).isPositive();
        assertThat(row.getInteger("status")).isEqualTo(200);
    }

    @Test
    void onlyTheMasterKeyAndTheOwningKeyReadARow() {
        String owner = key("owner-app");
        String other = key("other-app");
        String id = id(chat(owner, "gpt", "mine"));
        assertThat(Http.get(gw.baseUrl() + "/logs/" + id, owner).statusCode()).isEqualTo(200);
        assertThat(Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = Http.get(gw.baseUrl() + "/logs/" + id, other);
        assertThat(denied.statusCode()).isEqualTo(404);
        assertThat(denied.body()).doesNotContain("mine");
        assertThat(Http.get(gw.baseUrl() + "/logs/" + id, null).statusCode()).isEqualTo(401);
        assertThat(Http.get(gw.baseUrl() + "/logs/req_unknown", TestGateway.MASTER_KEY).statusCode()).isEqualTo(404);
        // a virtual key's /logs lists only its own rows; naming another key is refused, not silently replaced by its own
        // (the answer would read as the other key's rows), as /key/info refuses it
        assertThat(Http.get(gw.baseUrl() + "/logs?key_alias=full-app", owner).statusCode()).isEqualTo(403);
        JsonArray listed = new JsonObject(Http.get(gw.baseUrl() + "/logs", owner).body()).getJsonArray("data");
        assertThat(listed).isNotEmpty();
        listed.forEach(o -> assertThat(((JsonObject) o).getString("key_alias")).isEqualTo("owner-app"));
    }

    @Test
    void aTimeWhoseOffsetTheUrlTurnedIntoASpaceIsExplained() {
        // curl 'http://…/spend/logs?start_date=2026-12-07T10:00:00+01:00': a '+' in a query is a space, so the gateway
        // read '2026-12-07T10:00:00 01:00' and said only that it was not a time (QA 2026-12-07); now it says why and the fix
        for (String route : List.of("/spend/logs", "/logs", "/global/spend/report")) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + route + "?start_date=2026-12-07T10:00:00+01:00", TestGateway.MASTER_KEY);
            assertThat(r.statusCode()).as(route).isEqualTo(400);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("param")).isEqualTo("start_date");
            assertThat(error.getString("message")).as(route).contains("'+'").contains("%2B");
            // written as the hint says, it is read
            assertThat(Http.get(gw.baseUrl() + route + "?start_date=2026-12-07T10:00:00%2B01:00", TestGateway.MASTER_KEY)
                    .statusCode()).as(route).isEqualTo(200);
        }
        // a time that is simply wrong keeps the plain message, without the hint
        HttpResponse<String> wrong = Http.get(gw.baseUrl() + "/spend/logs?start_date=yesterday", TestGateway.MASTER_KEY);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("found 'yesterday'").doesNotContain("%2B");
    }

    @Test
    void aStreamsCompletionIsWhatTheClientReceived() {
        String k = key("stream-app-full");
        // not in the per-key table: the default policy (truncated:12) applies
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", k,
                "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream\"}]}");
        JsonObject row = log(id(r), k);
        assertThat(row.getString("call_type")).isEqualTo("stream");
        assertThat(row.getLong("ttft_ms")).isNotNull();
        String streamed = String.join("", Http.sseData(r.body()).stream().filter(d -> !d.equals("[DONE]"))
                .map(d -> new JsonObject(d).getJsonArray("choices")).filter(c -> c != null && !c.isEmpty())
                .map(c -> c.getJsonObject(0).getJsonObject("delta").getString("content", "")).toList());
        assertThat(streamed).isNotEmpty();
        String expected = streamed.length() <= 12 ? streamed : streamed.substring(0, 12) + "…";
        assertThat(row.getString("completion")).isEqualTo(expected);
    }

    @Test
    void aFailedCallIsLoggedWithItsStatusAndError() {
        gw.simulator.behaveAlways("broken-model", SimBehaviour.status(500));
        HttpResponse<String> r = chat(TestGateway.MASTER_KEY, "broken", "fail please");
        assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
        JsonObject row = log(id(r), TestGateway.MASTER_KEY);
        assertThat(row.getInteger("status")).isEqualTo(r.statusCode());
        assertThat(row.getString("error_type")).isNotBlank();
        assertThat(row.getString("error_message")).isNotBlank().doesNotContain(TestGateway.PROVIDER_KEY);
        JsonArray errors = new JsonObject(Http.get(gw.baseUrl() + "/logs?status=error&model=broken", TestGateway.MASTER_KEY).body())
                .getJsonArray("data");
        assertThat(errors).extracting(o -> ((JsonObject) o).getString("request_id")).contains(id(r));
    }

    @Test
    void spendLogsFilterByTraceAndSessionAndCarryTheLogRow() {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        String a = id(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"metadata\":{\"session_id\":\"sess-9\"},\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}",
                "traceparent", "00-" + trace + "-b7ad6b7169203331-01"));
        String b = id(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"metadata\":{\"session_id\":\"sess-9\"},\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}"));
        chat(TestGateway.MASTER_KEY, "gpt", "unrelated");
        JsonObject byTrace = Admin.ok(Http.get(gw.baseUrl() + "/spend/logs?trace_id=" + trace + "&include_log=true",
                TestGateway.MASTER_KEY));
        assertThat(byTrace.getJsonArray("data")).hasSize(1);
        JsonObject row = byTrace.getJsonArray("data").getJsonObject(0);
        assertThat(row.getString("request_id")).isEqualTo(a);
        assertThat(row.getJsonObject("request_log").getString("trace_id")).isEqualTo(trace);
        assertThat(row.getJsonObject("request_log").getString("prompt")).startsWith("[{\"role\"");
        JsonObject bySession = Admin.ok(Http.get(gw.baseUrl() + "/spend/logs?session_id=sess-9", TestGateway.MASTER_KEY));
        assertThat(bySession.getJsonArray("data")).extracting(o -> ((JsonObject) o).getString("request_id")).containsExactlyInAnyOrder(a, b);
        JsonObject byId = Admin.ok(Http.get(gw.baseUrl() + "/spend/logs?request_id=" + b, TestGateway.MASTER_KEY));
        assertThat(byId.getJsonArray("data")).hasSize(1);
        assertThat(byId.getJsonArray("data").getJsonObject(0).containsKey("request_log")).isFalse();
    }

    /** {@code in_ledger, in_log} of each of a request's rows in the store, by attempt. */
    static java.util.List<String> storeRows(String db, String requestId) throws java.sql.SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var ps = c.prepareStatement("SELECT attempt, in_ledger, in_log FROM spend_logs WHERE request_id = ? ORDER BY attempt")) {
            ps.setString(1, requestId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1) + ":" + (rs.getBoolean(2) ? "ledger" : "-") + "+" + (rs.getBoolean(3) ? "log" : "-"));
                }
            }
        }
        return out;
    }

    @Test
    void aServedRequestIsOneRowInTheStoreAndAFailedOneNoMoney() throws Exception {
        String db = TestGateway.tempDatabase();
        try (TestGateway one = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "down=down-model") + """
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(db))) {
            com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(one.v1())
                    .apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
            var raw = client.chat().completions().withRawResponse().create(
                    com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("gpt").addUserMessage("one row").build());
            String served = raw.headers().values("x-switchboard-request-id").get(0);
            String cost = raw.headers().values("x-switchboard-cost").get(0);
            assertThat(raw.parse().choices()).isNotEmpty();
            one.simulator.behaveAlways("down-model", SimBehaviour.status(500));
            String failed = id(Http.post(one.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"down\",\"messages\":[{\"role\":\"user\",\"content\":\"fail\"}]}"));
            // reading the log writes what the ledger's and the log's writers still hold
            JsonObject servedRow = new JsonObject(Http.get(one.baseUrl() + "/logs/" + served, TestGateway.MASTER_KEY).body());
            assertThat(servedRow.getString("prompt")).contains("one row");
            assertThat(new java.math.BigDecimal(servedRow.getValue("spend").toString())).isEqualByComparingTo(new java.math.BigDecimal(cost));
            assertThat(Http.get(one.baseUrl() + "/logs/" + failed, TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
            // the served call: one row, money and log; the failed one: its failed attempt is money (cost 0), its log row not
            assertThat(storeRows(db, served)).containsExactly("0:ledger+log");
            assertThat(storeRows(db, failed)).containsExactly("0:-+log", "1:ledger+-");
            assertThat(Admin.ok(Http.get(one.baseUrl() + "/spend/logs?request_id=" + failed, TestGateway.MASTER_KEY))
                    .getJsonArray("data")).hasSize(1);
            String metrics = Http.get(one.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            assertThat(MetricsIT.value(metrics, "switchboard_request_log_written_total")).isEqualTo(2);
        }
    }

    @Test
    void theBackgroundPurgeDeletesRowsPastTheirRetention() {
        try (TestGateway short_ = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  request_log: { retention_days: 0.00003, purge_interval_minutes: 0.02 }
                """)) {
            HttpResponse<String> r = Http.post(short_.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"short-lived\"}]}");
            String id = id(r);
            assertThat(Http.get(short_.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY).statusCode()).isEqualTo(200);
            // 0.00003 days is 2.6 s; the purge runs every 1.2 s
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300))
                    .until(() -> Http.get(short_.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY).statusCode() == 404);
            String metrics = Http.get(short_.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
            assertThat(MetricsIT.value(metrics, "switchboard_request_log_purged_total")).isGreaterThanOrEqualTo(1);
            // the ledger keeps its row: retention is the log's, not the spend's
            assertThat(Admin.ok(Http.get(short_.baseUrl() + "/spend/logs?request_id=" + id, TestGateway.MASTER_KEY))
                    .getJsonArray("data")).hasSize(1);
        }
    }
}
