package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets and cost as an app sees them: every answer priced on the deployment that served (header, usage.cost, ledger),
 * a key refused with LiteLLM's budget error before any upstream call once its next request could overrun, its spend
 * starting again after budget_duration, the soft budget warning, the global cap, and failures in the ledger.
 */
class BudgetsIT {
    /** Prices a test can reason about: $10 and $20 per million tokens. */
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                  - model_name: backup
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: local
                    litellm_params: { model: hosted_vllm/llama-3.1-8b, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  fallbacks: [{ gpt: [backup] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(PRICES));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static String key(JsonObject fields) { return admin.generate(fields).getString("key"); }

    private static HttpResponse<String> chat(String key, String model, boolean stream) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"" + model + "\",\"max_tokens\":50,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    /** Each of {@code n} answers may run to the output limit: the worst case counts them all (OpenAI bills each). */
    @Test
    void theWorstCaseCountsEveryAnswerNAsksFor() {
        String key = key(new JsonObject().put("key_alias", "n-answers").put("max_budget", 0.005)); // 50 tokens: $0.001 each
        String body = "{\"model\":\"gpt\",\"max_tokens\":50,%s\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
        int before = gw.simulator.arrivals();
        HttpResponse<String> ten = Http.post(gw.v1() + "/chat/completions", key, body.formatted("\"n\":10,"));
        assertThat(ten.statusCode()).as(ten.body()).isEqualTo(400);
        assertThat(new JsonObject(ten.body()).getJsonObject("error").getString("code")).isEqualTo("budget_exceeded");
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
        assertThat(Http.post(gw.v1() + "/chat/completions", key, body.formatted("\"n\":2,")).statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", key, body.formatted("")).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestThatCouldOverrunTheBudgetIsRefusedBeforeAnyUpstreamCallInBothDialectsAndInStreams() {
        String key = key(new JsonObject().put("key_alias", "broke").put("max_budget", 0.0000001));
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(2).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(2).build();
        try {
            assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .addUserMessage("hi").build()))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("Budget has been exceeded! Current cost: 0, Max budget: 0.0000001");
            assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(10)
                    .addUserMessage("hi").build()))
                    .isInstanceOf(com.anthropic.errors.BadRequestException.class)
                    .hasMessageContaining("Budget has been exceeded!");
        } finally {
            openai.close();
            anthropic.close();
        }
        HttpResponse<String> stream = chat(key, "gpt", true);
        assertThat(stream.statusCode()).isEqualTo(400);
        assertThat(stream.headers().firstValue("content-type")).hasValue("application/json");
        JsonObject error = new JsonObject(stream.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).contains("This request could cost up to $")
                .as("a new key's whole budget is left (this gateway held no grant of it yet)").contains("has $0.0000001 left");
        // maxRetries(2) above: the SDKs did not retry a 400, and nothing reached a provider
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void aKeySpendsUpToItsBudgetAndNeverPastIt() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "capped").put("max_budget", 0.002));
        String key = k.getString("key");
        BigDecimal charged = BigDecimal.ZERO;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 30 && refused == null; i++) {
            HttpResponse<String> r = chat(key, "gpt", false);
            if (r.statusCode() == 200) charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
            else refused = r;
        }
        assertThat(refused).as("the budget ran out").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("budget_exceeded").contains("Max budget: 0.002");
        assertThat(charged).isPositive().isLessThanOrEqualTo(new BigDecimal("0.002"));
        JsonObject info = admin.info(key);
        assertThat(new BigDecimal(info.getValue("spend").toString())).isEqualByComparingTo(charged);
        BigDecimal ledger = BigDecimal.ZERO;
        for (Object o : admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data")) {
            ledger = ledger.add(new BigDecimal(((JsonObject) o).getValue("spend").toString()));
        }
        assertThat(ledger).isEqualByComparingTo(charged);
    }

    /**
     * Sleeps until just after the next whole multiple of {@code seconds} (UTC), where LiteLLM's schedule resets an
     * {@code Ns} budget, so a budget made now has nearly a whole first period.
     */
    static void justAfterABoundaryOf(int seconds) throws InterruptedException {
        long len = seconds * 1000L, now = System.currentTimeMillis();
        Thread.sleep(now / len * len + len + 50 - now);
    }

    @Test
    void theSpendStartsAgainAfterBudgetDuration() throws Exception {
        justAfterABoundaryOf(2);
        String key = key(new JsonObject().put("key_alias", "hourly").put("max_budget", 0.002).put("budget_duration", "2s"));
        int served = 0;
        while (chat(key, "gpt", false).statusCode() == 200) served++;
        assertThat(served).isPositive();
        Instant reset = Instant.parse(admin.info(key).getString("budget_reset_at"));
        assertThat(reset.toEpochMilli() % 2000).as("LiteLLM's 2s resets on even seconds").isZero();
        assertThat(chat(key, "gpt", false).statusCode()).as("still this period").isEqualTo(400);
        Thread.sleep(Math.max(0, reset.toEpochMilli() - System.currentTimeMillis()) + 50);
        assertThat(admin.info(key).getDouble("spend")).isZero();
        assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(200);
    }

    /** QA finding 6 (r04_reset_schedule.py): budget_reset_at is LiteLLM's, on the boundaries of the (UTC) calendar. */
    @Test
    void budgetsResetWhereLiteLlmResetsThem() {
        for (String d : List.of("1h", "1d", "7d", "30d", "1mo", "3d")) {
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "schedule-" + d).put("max_budget", 1).put("budget_duration", d));
            java.time.ZonedDateTime made = Instant.parse(k.getString("created_at")).atZone(java.time.ZoneOffset.UTC);
            java.time.ZonedDateTime midnight = made.toLocalDate().atStartOfDay(java.time.ZoneOffset.UTC);
            java.time.ZonedDateTime expected = switch (d) {
                case "1h" -> made.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusHours(1);
                case "1d" -> midnight.plusDays(1);
                case "7d" -> midnight.with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.MONDAY));
                case "3d" -> midnight.plusDays(3);
                default -> midnight.withDayOfMonth(1).plusMonths(1);
            };
            assertThat(Instant.parse(k.getString("budget_reset_at"))).as(d).isEqualTo(expected.toInstant());
        }
    }

    /**
     * QA finding 1 (r03_budget_duration_change.py): a key at its budget stays refused when its budget_duration changes
     * (LiteLLM's /key/update only moves budget_reset_at and keeps the spend), when it is sent as null (LiteLLM drops a
     * null field: its clients send every field) and when the resets are ended with "none"; the ledger never holds more
     * than max_budget.
     */
    @Test
    void changingOrClearingBudgetDurationKeepsTheSpendSoFar() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "r03").put("max_budget", 0.003).put("budget_duration", "30d"));
        String key = k.getString("key");
        int served = 0;
        while (served < 30 && chat(key, "gpt", false).statusCode() == 200) served++;
        assertThat(served).as("some calls, then refused").isBetween(1, 29);
        double spent = admin.info(key).getDouble("spend");
        assertThat(spent).isPositive();

        JsonObject longer = admin.update(new JsonObject().put("key", key).put("budget_duration", "31d"));
        assertThat(longer.getString("budget_duration")).isEqualTo("31d");
        assertThat(longer.getDouble("spend")).as("the spend so far stays").isEqualTo(spent);
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(Instant.parse(longer.getString("budget_reset_at"))).as("LiteLLM's next reset for 31d: midnight 31 days on")
                .isIn(today.plusDays(31).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                        today.plusDays(32).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()); // midnight may pass meanwhile
        assertThat(chat(key, "gpt", false).statusCode()).as("still at its budget").isEqualTo(400);

        JsonObject nulled = admin.update(new JsonObject().put("key", key).putNull("budget_duration").put("max_budget", 0.003));
        assertThat(nulled.getString("budget_duration")).as("null leaves it, as LiteLLM drops it").isEqualTo("31d");
        assertThat(nulled.getDouble("spend")).isEqualTo(spent);
        assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(400);

        JsonObject ended = admin.update(new JsonObject().put("key", key).put("budget_duration", "none"));
        assertThat(ended.getString("budget_duration")).as("no more resets").isNull();
        assertThat(ended.getString("budget_reset_at")).isNull();
        assertThat(ended.getDouble("spend")).as("the running period goes on with its spend").isEqualTo(spent);
        assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(400);

        JsonObject again = admin.update(new JsonObject().put("key", key).put("budget_duration", "1d"));
        assertThat(again.getDouble("spend")).as("a period set again keeps it until its first reset").isEqualTo(spent);
        assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(400);

        BigDecimal ledger = BigDecimal.ZERO;
        for (Object o : admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data")) {
            ledger = ledger.add(new BigDecimal(((JsonObject) o).getValue("spend").toString()));
        }
        assertThat(ledger).isLessThanOrEqualTo(new BigDecimal("0.003"));
    }

    /** The same for a team's budget (LiteLLM's /team/update): its keys stay refused, /team/info's spend stays. */
    @Test
    void changingATeamsBudgetDurationKeepsItsSpend() {
        admin.postOk("/team/new", new JsonObject().put("team_id", "r03-team").put("max_budget", 0.003).put("budget_duration", "7d"));
        String key = key(new JsonObject().put("key_alias", "r03-team-key").put("team_id", "r03-team"));
        int served = 0;
        while (served < 30 && chat(key, "gpt", false).statusCode() == 200) served++;
        assertThat(served).isBetween(1, 29);
        double spent = admin.getOk("/team/info?team_id=r03-team").getJsonObject("team_info").getDouble("spend");
        assertThat(spent).isPositive();
        JsonObject updated = admin.postOk("/team/update", new JsonObject().put("team_id", "r03-team").put("budget_duration", "1d"));
        assertThat(Instant.parse(updated.getJsonObject("data").getString("budget_reset_at"))).isAfter(Instant.now())
                .isBeforeOrEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        assertThat(admin.getOk("/team/info?team_id=r03-team").getJsonObject("team_info").getDouble("spend")).isEqualTo(spent);
        assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(400);
        admin.postOk("/team/update", new JsonObject().put("team_id", "r03-team").putNull("budget_duration")
                .put("max_budget", 0.003));
        assertThat(admin.getOk("/team/info?team_id=r03-team").getJsonObject("team_info").getString("budget_duration")).isEqualTo("1d");
        assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(400);
    }

    @Test
    void aSoftBudgetWarnsOnceAndNeverRefuses() {
        String key = key(new JsonObject().put("key_alias", "soft").put("soft_budget", 0.0000001));
        try (LogCapture log = LogCapture.of("switchboard.budget")) {
            assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(200);
            assertThat(chat(key, "gpt", false).statusCode()).isEqualTo(200);
            assertThat(log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("(soft) reached its soft budget")))
                    .hasSize(1);
        }
    }

    @Test
    void theCostIsInTheLastChunkOfAStreamInBothDialectsAndMatchesTheLedger() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "streamer"));
        String key = k.getString("key");
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt").addUserMessage("stream me").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build())) {
            s.stream().forEach(chunks::add);
        } finally {
            openai.close();
        }
        var usage = chunks.get(chunks.size() - 1).usage().orElseThrow();
        double streamed = ((Number) usage._additionalProperties().get("cost").asNumber().orElseThrow()).doubleValue();
        assertThat(streamed).isEqualTo((usage.promptTokens() * 10 + usage.completionTokens() * 20) / 1e6);

        // Anthropic to Anthropic is relayed event by event; the message_delta gets the cost beside Anthropic's counts
        HttpResponse<String> raw = Http.post(gw.baseUrl() + "/v1/messages", key,
                "{\"model\":\"claude\",\"max_tokens\":20,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonObject delta = Http.sseData(raw.body()).stream().map(JsonObject::new)
                .filter(e -> "message_delta".equals(e.getString("type"))).findFirst().orElseThrow();
        assertThat(delta.getJsonObject("usage").getDouble("cost")).isPositive();
        assertThat(raw.headers().firstValue("x-switchboard-cost")).isEmpty(); // not known when the headers went out

        JsonArray rows = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data");
        assertThat(rows).hasSize(2);
        assertThat(rows.stream().map(JsonObject.class::cast).filter(o -> o.getString("call_type").equals("stream")).count()).isEqualTo(2);
        assertThat(rows.stream().map(JsonObject.class::cast).anyMatch(o -> o.getDouble("spend") == streamed)).isTrue();
        assertThat(rows.stream().map(JsonObject.class::cast).allMatch(o -> o.getValue("ttft_ms") != null)).isTrue();
    }

    @Test
    void failedAttemptsAreInTheLedgerBesideTheCallThatServed() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "unlucky"));
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.status(500));
        HttpResponse<String> r = chat(k.getString("key"), "gpt", false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        List<JsonObject> rows = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data").stream()
                .map(JsonObject.class::cast).filter(o -> o.getString("request_id").equals(id)).toList();
        assertThat(rows).hasSize(2);
        JsonObject failed = rows.stream().filter(o -> o.getInteger("attempt") == 1).findFirst().orElseThrow();
        assertThat(failed.getString("deployment")).isEqualTo("openai/gpt-4o-mini");
        assertThat(failed.getInteger("status")).isGreaterThanOrEqualTo(500);
        assertThat(failed.getDouble("spend")).isZero();
        JsonObject served = rows.stream().filter(o -> o.getInteger("attempt") == 0).findFirst().orElseThrow();
        assertThat(served.getString("deployment")).isEqualTo("openai/gpt-4o");
        assertThat(served.getString("route")).isEqualTo("fallback:error");
        JsonObject report = admin.getOk("/global/spend/report?group_by=model");
        JsonObject mini = report.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("group").equals("openai/gpt-4o-mini")).findFirst().orElseThrow();
        assertThat(mini.getLong("failed_attempts")).isPositive();
    }

    @Test
    void aStreamCutShortIsChargedTheGatewaysEstimateAndMarkedSo() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "cut"));
        gw.simulator.enqueue("gpt-4o-mini", SimBehaviour.cutAfter(2));
        HttpResponse<String> r = chat(k.getString("key"), "gpt", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("[DONE]");
        // the call's own row 0 (the broken attempt is a row of its own, 1, at no cost: the key's spend is row 0's)
        JsonObject row = admin.ledgerRow(r);
        assertThat(row.getBoolean("usage_estimated")).isTrue();
        assertThat(row.getInteger("status")).isGreaterThanOrEqualTo(500);
        assertThat(row.getDouble("spend")).isPositive();
        assertThat(admin.info(k.getString("key")).getDouble("spend")).isEqualTo(row.getDouble("spend"));
    }

    @Test
    void anUnpricedModelCostsNothingAndIsReportedAsUnpriced() {
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "local-only").put("max_budget", 0.0000001));
        HttpResponse<String> r = chat(k.getString("key"), "local", false);
        assertThat(r.statusCode()).as("a budget does not stop a model that costs nothing").isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-cost")).hasValue("0");
        JsonObject row = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data").getJsonObject(0);
        assertThat(row.getBoolean("priced")).isFalse();
        JsonObject report = admin.getOk("/global/spend/report?group_by=alias&since=1d");
        assertThat(report.getJsonArray("unpriced_models").encode()).contains("hosted_vllm/llama-3.1-8b");
        assertThat(report.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("group").equals("local")).findFirst().orElseThrow().getLong("unpriced_requests")).isPositive();
    }

    @Test
    void waitingForTheBudgetsFirstGrantTakesNothingFromTheRateLimit() {
        // the first call of a period waits for its budget's grant in the store and is admitted again: one request of rpm
        String k = key(new JsonObject().put("key_alias", "one-a-minute").put("max_budget", 1.0).put("rpm_limit", 1));
        HttpResponse<String> first = chat(k, "gpt", false);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> second = chat(k, "gpt", false);
        assertThat(second.statusCode()).as("the rpm limit itself still holds").isEqualTo(429);
    }

    @Test
    void theGlobalBudgetCapsEveryCallerTheMasterKeyIncluded() {
        try (TestGateway capped = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + "    " + PRICES + """

                litellm_settings: { max_budget: 0.0000001, budget_duration: 1mo }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """)) {
            HttpResponse<String> r = Http.post(capped.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("budget_exceeded").contains("the gateway's global budget").contains("resets at");
            assertThat(capped.simulator.received()).isEmpty();
        }
    }
}
