package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.Headers;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code x-litellm-key-spend} / {@code x-litellm-key-max-budget} beyond a virtual key's served answers, as its
 * source sends them ({@code get_custom_headers}, {@code _handle_llm_api_exception}), read by the official OpenAI SDK's
 * raw responses and errors through a real socket: the master key's answers (no key row: spend 0.0 plus this call's cost,
 * no max budget), and refusals before the call (its pre-call hooks' rate limits carry them, its auth's refusals of a
 * budget or a model do not).
 */
class KeySpendHeadersIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    /** Runs {@code calls} with an OpenAI SDK client of {@code key}, closed after. */
    private static void as(String key, java.util.function.Consumer<OpenAIClient> calls) {
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        try {
            calls.accept(c);
        } finally {
            c.close();
        }
    }

    private static ChatCompletionCreateParams ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).maxCompletionTokens(5).addUserMessage("hi").build();
    }

    /** The headers of the SDK's error for this call (it must fail). */
    private static OpenAIServiceException refused(OpenAIClient c, String model) {
        OpenAIServiceException e = catchThrowableOfType(OpenAIServiceException.class, () -> c.chat().completions().create(ask(model)));
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    private static java.util.List<String> spend(Headers h) { return h.values("x-litellm-key-spend"); }

    @Test
    void theMasterKeysAnswersCarryTheCallsCostAsItsKeySpend() {
        as(TestGateway.MASTER_KEY, master -> {
            var raw = master.chat().completions().withRawResponse().create(ask("gpt"));
            assertThat(raw.statusCode()).isEqualTo(200);
            String cost = raw.headers().values("x-litellm-response-cost").get(0);
            assertThat(Double.parseDouble(cost)).isPositive();
            assertThat(spend(raw.headers())).as("LiteLLM: its spend 0.0 plus this call's cost").containsExactly(cost);
            assertThat(raw.headers().values("x-litellm-key-max-budget")).as("LiteLLM leaves out a None").isEmpty();
            // a stream's headers go out before its cost: LiteLLM's 0.0
            try (var stream = master.chat().completions().withRawResponse().createStreaming(ask("gpt"))) {
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(spend(stream.headers()).stream().map(Double::parseDouble)).containsExactly(0.0);
            }
            // an error answer after admission: LiteLLM's failure handler, with a cost of 0
            gw.simulator.enqueue("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.status(500));
            OpenAIServiceException e = refused(master, "gpt");
            assertThat(e.statusCode()).isGreaterThanOrEqualTo(500);
            assertThat(spend(e.headers()).stream().map(Double::parseDouble)).containsExactly(0.0);
        });
    }

    @Test
    void rateLimitRefusalsCarryTheKeysSpendAndBudgetAsLiteLlmsPreCallHooksDo() {
        String key = admin.generate(new JsonObject().put("max_budget", 5).put("rpm_limit", 1)).getString("key");
        as(key, c -> {
            var served = c.chat().completions().withRawResponse().create(ask("gpt"));
            String spent = served.headers().values("x-litellm-key-spend").get(0);
            assertThat(Double.parseDouble(spent)).isPositive();
            OpenAIServiceException limited = refused(c, "gpt");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().values("retry-after")).isNotEmpty();
            assertThat(spend(limited.headers())).as("the key's spend, nothing of the refused call").containsExactly(spent);
            assertThat(limited.headers().values("x-litellm-key-max-budget").stream().map(Double::parseDouble)).containsExactly(5.0);
            assertThat(limited.headers().values("x-litellm-key-rpm-limit")).as("LiteLLM's get_custom_headers").containsExactly("1");
            assertThat(limited.headers().values("x-litellm-key-tpm-limit")).as("no tpm_limit: left out, as a None").isEmpty();
        });
        // a team's limit refuses the same way (LiteLLM's limiter hook covers keys, teams and users alike)
        assertThat(admin.post("/team/new", new JsonObject().put("team_id", "still").put("rpm_limit", 0)).statusCode()).isEqualTo(200);
        String teamKey = admin.generate(new JsonObject().put("team_id", "still")).getString("key");
        as(teamKey, c -> {
            OpenAIServiceException limited = refused(c, "gpt");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(spend(limited.headers()).stream().map(Double::parseDouble)).containsExactly(0.0);
            assertThat(limited.headers().values("x-litellm-key-max-budget")).isEmpty();
        });
    }

    @Test
    void refusalsOfLiteLlmsAuthCarryNoKeyHeaders() {
        // LiteLLM refuses a key over its budget, a model the key may not use and an expired key in its auth, before its
        // failure handler: those answers carry no x-litellm-key-*
        String broke = admin.generate(new JsonObject().put("max_budget", 0)).getString("key");
        String narrow = admin.generate(new JsonObject().put("models", new JsonArray().add("claude"))).getString("key");
        as(broke, b -> {
            OpenAIServiceException budget = refused(b, "gpt");
            assertThat(budget.statusCode()).isEqualTo(400);
            assertThat(spend(budget.headers())).isEmpty();
            assertThat(budget.headers().values("x-litellm-key-max-budget")).isEmpty();
        });
        as(narrow, n -> {
            OpenAIServiceException model = refused(n, "gpt");
            assertThat(model.statusCode()).isIn(401, 403);
            assertThat(spend(model.headers())).isEmpty();
        });
    }

    @Test
    void aKeysAnswersCarryItsRpmAndTpmLimitsAsLiteLlmsDo() {
        String key = admin.generate(new JsonObject().put("rpm_limit", 100).put("tpm_limit", 100_000)).getString("key");
        as(key, c -> {
            var served = c.chat().completions().withRawResponse().create(ask("gpt"));
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.headers().values("x-litellm-key-rpm-limit")).containsExactly("100");
            assertThat(served.headers().values("x-litellm-key-tpm-limit")).containsExactly("100000");
            try (var stream = c.chat().completions().withRawResponse().createStreaming(ask("gpt"))) {
                assertThat(stream.headers().values("x-litellm-key-rpm-limit")).containsExactly("100");
                assertThat(stream.headers().values("x-litellm-key-tpm-limit")).containsExactly("100000");
            }
            gw.simulator.enqueue("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.status(500));
            OpenAIServiceException failed = refused(c, "gpt");
            assertThat(failed.headers().values("x-litellm-key-rpm-limit")).as("an error answer after admission").containsExactly("100");
        });
        String open = admin.generate(new JsonObject()).getString("key");
        as(open, c -> {
            var served = c.chat().completions().withRawResponse().create(ask("gpt"));
            assertThat(served.headers().values("x-litellm-key-rpm-limit")).as("a key without limits").isEmpty();
            assertThat(served.headers().values("x-litellm-key-tpm-limit")).isEmpty();
        });
        as(TestGateway.MASTER_KEY, master -> {
            var served = master.chat().completions().withRawResponse().create(ask("gpt"));
            assertThat(served.headers().values("x-litellm-key-rpm-limit")).as("the master key: no key row").isEmpty();
        });
    }

    /**
     * The same headers in the Anthropic dialect ({@code /v1/messages}, the official Anthropic SDK): LiteLLM's
     * {@code get_custom_headers} runs for every route, so a limited key's served message, its stream and its rpm 429
     * (an Anthropic {@code rate_limit_error}) carry its rpm and tpm limits.
     */
    @Test
    void anAnthropicCallersAnswersCarryTheKeysLimitsToo() {
        String key = admin.generate(new JsonObject().put("rpm_limit", 2).put("tpm_limit", 100_000)).getString("key");
        com.anthropic.client.AnthropicClient c = com.anthropic.client.okhttp.AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl())
                .apiKey(key).maxRetries(0).build();
        try {
            com.anthropic.models.messages.MessageCreateParams ask = com.anthropic.models.messages.MessageCreateParams.builder()
                    .model("claude").maxTokens(5).addUserMessage("hi").build();
            var served = c.messages().withRawResponse().create(ask);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.headers().values("x-litellm-key-rpm-limit")).containsExactly("2");
            assertThat(served.headers().values("x-litellm-key-tpm-limit")).containsExactly("100000");
            try (var stream = c.messages().withRawResponse().createStreaming(ask)) {
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.headers().values("x-litellm-key-rpm-limit")).containsExactly("2");
                assertThat(stream.headers().values("x-litellm-key-tpm-limit")).containsExactly("100000");
                assertThat(stream.parse().stream().count()).isPositive();
            }
            var limited = catchThrowableOfType(com.anthropic.errors.RateLimitException.class, () -> c.messages().create(ask));
            assertThat(limited).as("the key's third call within its minute: rpm 2").isNotNull();
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().values("x-litellm-key-rpm-limit")).containsExactly("2");
            assertThat(limited.headers().values("x-litellm-key-tpm-limit")).containsExactly("100000");
        } finally {
            c.close();
        }
    }
}
