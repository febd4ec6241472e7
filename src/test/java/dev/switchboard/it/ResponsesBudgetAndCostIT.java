package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * QA run of the Responses API (2026-12-05): an OpenAI deployment's request defaults reach the Responses body passed
 * through to OpenAI in that API's names, so the output limit the budget reserves for is the one the call is sent with
 * and a key's budget holds (defect 1); and every Responses answer, streamed or not, passed through or translated,
 * carries the gateway's cost in {@code usage.cost}, equal to the ledger row's (defect 2).
 */
class ResponsesBudgetAndCostIT {
    /** $1 per million input tokens, $100 per million output tokens: the output limit decides what a call may cost. */
    private static final String PRICES = "input_cost_per_token: 0.000001, output_cost_per_token: 0.0001";
    /** What the simulated model writes unless an output limit stops it: its answer 200 times (~1,900 tokens, ~$0.19). */
    private static final SimBehaviour LONG_ANSWER = SimBehaviour.longSlowStream(0, 200);
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: oad
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, temperature: 0.3,
                                      top_p: 0.9, max_tokens: 20, user: dep-user, reasoning_effort: low, parallel_tool_calls: false,
                                      verbosity: low, %1$s }
                  - model_name: oamct
                    litellm_params: { model: openai/gpt-4.1, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, max_tokens: 20,
                                      max_completion_tokens: 5000, %1$s }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: compat
                    litellm_params: { model: hosted_vllm/llama-3.1-8b, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, %1$s }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(PRICES));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> responses(String key, String body) {
        return Http.post(gw.v1() + "/responses", key, body);
    }

    /** The ledger row of a request (written as the call ends, so awaited). */
    private static JsonObject row(HttpResponse<String> r) {
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            // the call's own row (attempt 0): a broken stream also has a failed attempt's row, at cost 0
            var rows = admin.getOk("/spend/logs?request_id=" + id).getJsonArray("data");
            return rows.stream().map(JsonObject.class::cast).filter(o -> o.getInteger("attempt") == 0).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
    }

    private static BigDecimal spend(JsonObject row) { return new BigDecimal(row.getValue("spend").toString()); }

    @Test
    void theDeploymentsDefaultsReachThePassedThroughBodyInTheResponsesApisNames() {
        HttpResponse<String> r = responses(TestGateway.MASTER_KEY, "{\"model\":\"oad\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(gw.simulator.last().path()).isEqualTo("/v1/responses");
        assertThat(sent.getInteger("max_output_tokens")).as("max_tokens, as the chat route sends it").isEqualTo(20);
        assertThat(sent.getString("user")).isEqualTo("dep-user");
        assertThat(sent.getJsonObject("reasoning").getString("effort")).isEqualTo("low");
        assertThat(sent.getJsonObject("text").getString("verbosity")).isEqualTo("low");
        assertThat(sent.getBoolean("parallel_tool_calls")).isFalse();
        assertThat(sent.getDouble("temperature")).isEqualTo(0.3);
        assertThat(sent.getDouble("top_p")).isEqualTo(0.9);
        assertThat(sent.containsKey("max_tokens")).as("chat's name is not the Responses API's").isFalse();
        assertThat(sent.containsKey("reasoning_effort")).isFalse();
        assertThat(sent.containsKey("verbosity")).isFalse();

        // the client's own values win, field by field (reasoning.summary kept beside the deployment's effort)
        HttpResponse<String> own = responses(TestGateway.MASTER_KEY, """
                {"model":"oad","input":"hi","max_output_tokens":40,"user":"me","reasoning":{"summary":"auto"},
                 "text":{"verbosity":"high"},"temperature":1}""");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        sent = gw.simulator.last().body();
        assertThat(sent.getInteger("max_output_tokens")).isEqualTo(40);
        assertThat(sent.getString("user")).isEqualTo("me");
        assertThat(sent.getJsonObject("reasoning")).isEqualTo(new JsonObject().put("summary", "auto").put("effort", "low"));
        assertThat(sent.getJsonObject("text").getString("verbosity")).isEqualTo("high");
        assertThat(sent.getDouble("temperature")).isEqualTo(1.0);
    }

    /**
     * The QA reproducer: a model that writes ~1,900 tokens unless it is told a limit, a key with $0.01 to spend, and a
     * deployment whose max_tokens (20) the reservation counts on ($0.002). The call is sent with that limit, so it costs
     * no more than was reserved and the key stays inside its budget, streamed or not.
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aKeysBudgetHoldsOnThePassThroughBecauseTheCallIsSentWithTheLimitItReservedFor(boolean stream) {
        gw.simulator.behaveAlways("gpt-4o", LONG_ANSWER);
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "resp-capped-" + stream).put("max_budget", 0.01));
        HttpResponse<String> r = responses(k.getString("key"), "{\"model\":\"oad\",\"input\":\"hi\",\"stream\":" + stream + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject row = row(r);
        assertThat(new BigDecimal(admin.info(k.getString("key")).getValue("spend").toString())).as("the key's spend")
                .isLessThanOrEqualTo(new BigDecimal("0.01"));
        assertThat(spend(row)).as("no more than the reservation").isPositive().isLessThanOrEqualTo(new BigDecimal("0.0021"));
        assertThat(row.getInteger("completion_tokens")).isLessThanOrEqualTo(20);
        assertThat(gw.simulator.last().body().getInteger("max_output_tokens")).isEqualTo(20);
    }

    /**
     * A deployment's max_completion_tokens default wins over its max_tokens in the request (as on the chat route), so the
     * reservation counts on it too: 5,000 tokens at $100 per million cannot fit in $0.01, and the call is refused before
     * it reaches the provider, instead of being reserved at max_tokens and sent without a limit.
     */
    @Test
    void theReservationCountsOnTheLimitTheRequestIsSentWith() {
        gw.simulator.behaveAlways("gpt-4.1", LONG_ANSWER);
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "resp-mct").put("max_budget", 0.01));
        int before = gw.simulator.arrivals();
        HttpResponse<String> r = responses(k.getString("key"), "{\"model\":\"oamct\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("budget_exceeded");
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
        assertThat(new BigDecimal(admin.info(k.getString("key")).getValue("spend").toString())).isZero();

        // with the master key (no budget) the request goes out with the limit the reservation counted on
        assertThat(responses(TestGateway.MASTER_KEY, "{\"model\":\"oamct\",\"input\":\"hi\"}").statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getInteger("max_output_tokens")).isEqualTo(5000);
    }

    /**
     * QA qa-d finding 2: a background response refused by the key's budget ends failed with the code a request without
     * background gets (budget_exceeded, not invalid_prompt: the client can tell a budget from a bad prompt), and its
     * message names max_output_tokens, the Responses API's field, as the foreground 400's does (not chat's max_tokens).
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aBackgroundResponseRefusedByTheBudgetFailsWithTheBudgetsCode(boolean stream) {
        gw.simulator.behaveAlways("gpt-4.1", LONG_ANSWER);
        JsonObject k = admin.generate(new JsonObject().put("key_alias", "resp-bg-budget-" + stream).put("max_budget", 0.01));
        String key = k.getString("key");
        HttpResponse<String> foreground = responses(key, "{\"model\":\"oamct\",\"input\":\"hi\"}");
        assertThat(foreground.statusCode()).as(foreground.body()).isEqualTo(400);
        JsonObject refusal = new JsonObject(foreground.body()).getJsonObject("error");
        assertThat(refusal.getString("code")).isEqualTo("budget_exceeded");
        assertThat(refusal.getString("message")).contains("max_output_tokens").doesNotContain("max_tokens");

        HttpResponse<String> r = responses(key, "{\"model\":\"oamct\",\"input\":\"hi\",\"background\":true,\"stream\":" + stream + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id;
        if (stream) {
            List<String> data = Http.sseData(r.body());
            id = new JsonObject(data.get(0)).getJsonObject("response").getString("id");
            JsonObject failed = data.stream().map(JsonObject::new).filter(e -> e.getString("type").equals("response.failed"))
                    .findFirst().orElseThrow();
            JsonObject error = failed.getJsonObject("response").getJsonObject("error");
            assertThat(error.getString("code")).as(failed.encode()).isEqualTo("budget_exceeded");
            assertThat(error.getString("message")).contains("max_output_tokens").doesNotContain("max_tokens");
            JsonObject event = data.stream().map(JsonObject::new).filter(e -> e.getString("type").equals("error")).findFirst().orElseThrow();
            assertThat(event.getString("code")).isEqualTo("budget_exceeded");
            assertThat(event.getString("message")).contains("max_output_tokens").doesNotContain("max_tokens");
        } else {
            id = new JsonObject(r.body()).getString("id");
        }
        JsonObject done = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> g = Http.get(gw.v1() + "/responses/" + id, key);
            JsonObject o = new JsonObject(g.body());
            return o.getString("status").equals("failed") ? o : null;
        }, java.util.Objects::nonNull);
        JsonObject error = done.getJsonObject("error");
        assertThat(error.getString("code")).as(done.encode()).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).startsWith("Budget has been exceeded!").contains("max_output_tokens")
                .doesNotContain("max_tokens");
    }

    /** Every alias, passed through (gpt) or translated: the body's usage.cost is the header's and the ledger row's. */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini", "compat"})
    void aResponsesAnswersUsageCarriesTheGatewaysCost(String alias) {
        HttpResponse<String> r = responses(TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"input\":\"hello cost\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("Response", r.body());
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        assertThat(usage.getValue("cost")).as(r.body()).isNotNull();
        BigDecimal cost = new BigDecimal(usage.getValue("cost").toString());
        assertThat(cost).isPositive();
        assertThat(cost).isEqualByComparingTo(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
        assertThat(cost).isEqualByComparingTo(spend(row(r)));
        assertThat(r.body()).as("plain notation, as on chat answers").doesNotContainPattern("\"cost\":[0-9.]+E");
    }

    /** A stream's cost can only be said in the stream: response.completed's usage.cost, the ledger row's value. */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini", "compat"})
    void aStreamedResponsesAnswerSaysItsCostInResponseCompleted(String alias) {
        HttpResponse<String> r = responses(TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"input\":\"hello cost\",\"stream\":true}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        JsonObject completed = new JsonObject(data.get(data.size() - 1));
        assertThat(completed.getString("type")).isEqualTo("response.completed");
        OpenAiSchemas.assertValid("ResponseCompletedEvent", completed.encode());
        Object cost = completed.getJsonObject("response").getJsonObject("usage").getValue("cost");
        assertThat(cost).as(completed.encode()).isNotNull();
        assertThat(new BigDecimal(cost.toString())).isPositive().isEqualByComparingTo(spend(row(r)));
    }

    /**
     * A stream that breaks midway is charged (the ledger row, at the gateway's estimate): its response.failed event and
     * the failed response stored under its id say that cost in usage.cost, as a completed one says its own. They had no
     * usage at all.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude"}) // OpenAI's events relayed, and translated
    void aBrokenStreamsFailedResponseSaysTheCostItWasCharged(String alias) {
        gw.simulator.enqueue(SimBehaviour.cutAfter(4));
        HttpResponse<String> r = responses(TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\",\"input\":\"hello cut\",\"stream\":true}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        JsonObject failed = data.stream().map(JsonObject::new).filter(e -> e.getString("type").equals("response.failed"))
                .findFirst().orElseThrow(() -> new AssertionError(r.body()));
        OpenAiSchemas.assertValid("ResponseFailedEvent", failed.encode());
        JsonObject row = row(r);
        assertThat(spend(row)).as(row.encode()).isPositive();
        Object cost = failed.getJsonObject("response").getJsonObject("usage").getValue("cost");
        assertThat(new BigDecimal(cost.toString())).as(failed.encode()).isEqualByComparingTo(spend(row));

        // the failed response kept under its id (the SDK's retrieve) says the same
        String id = failed.getJsonObject("response").getString("id");
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            Response kept = Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> client.responses().retrieve(id), java.util.Objects::nonNull);
            assertThat(kept.status()).hasValue(com.openai.models.responses.ResponseStatus.FAILED);
            assertThat(kept.usage().orElseThrow()._additionalProperties().get("cost").convert(BigDecimal.class))
                    .isEqualByComparingTo(spend(row));
        } finally {
            client.close();
        }
    }

    /** A background response that fails before any answer (its one deployment answers 500) was billed nothing: cost 0. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aBackgroundResponseThatFailedBeforeAnyAnswerSaysCostZero(boolean stream) {
        gw.simulator.enqueue(SimBehaviour.status(500));
        HttpResponse<String> r = responses(TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"input\":\"hi\",\"background\":true,\"stream\":" + stream + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id;
        if (stream) {
            List<String> data = Http.sseData(r.body());
            id = new JsonObject(data.get(0)).getJsonObject("response").getString("id");
            JsonObject failed = data.stream().map(JsonObject::new).filter(e -> e.getString("type").equals("response.failed"))
                    .findFirst().orElseThrow(() -> new AssertionError(r.body()));
            assertThat(new BigDecimal(failed.getJsonObject("response").getJsonObject("usage").getValue("cost").toString()))
                    .as(failed.encode()).isZero();
        } else {
            id = new JsonObject(r.body()).getString("id");
        }
        JsonObject done = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonObject o = new JsonObject(Http.get(gw.v1() + "/responses/" + id, TestGateway.MASTER_KEY).body());
            return o.getString("status").equals("failed") ? o : null;
        }, java.util.Objects::nonNull);
        OpenAiSchemas.assertValid("Response", done.encode());
        assertThat(new BigDecimal(done.getJsonObject("usage").getValue("cost").toString())).as(done.encode()).isZero();
    }

    /** The official SDK reads the cost as an additional property of the usage it validates. */
    @Test
    void theSdkSeesTheCost() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            Response r = client.responses().create(ResponseCreateParams.builder().model("claude").input("hello sdk").build());
            r.validate();
            var cost = r.usage().orElseThrow()._additionalProperties().get("cost");
            assertThat(cost).isNotNull();
            assertThat(cost.convert(Double.class)).isPositive();
        } finally {
            client.close();
        }
    }
}
