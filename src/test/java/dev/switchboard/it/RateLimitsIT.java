package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A key's rpm, tpm and parallel limits: a 429 the SDKs understand, with retry-after and what is left of each limit. */
class RateLimitsIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "slow=gpt-slow") + """
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        gw.simulator.behaveAlways("gpt-slow", SimBehaviour.slowFirstByte(1_500));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> chat(String key, String model) {
        return Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    @Test
    void theRpmLimitAnswers429WithRetryAfterAndTheRemainingRequests() {
        String key = admin.generate(new JsonObject().put("key_alias", "rpm2").put("rpm_limit", 2)).getString("key");
        HttpResponse<String> first = chat(key, "gpt");
        assertThat(Http.assertLimitAndCostHeadersOnce(first)).contains("x-ratelimit-limit-requests",
                "x-ratelimit-remaining-requests", "x-switchboard-cost", "x-litellm-response-cost");
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(chat(key, "gpt").headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        HttpResponse<String> third = chat(key, "gpt");
        assertThat(third.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 30L); // one request refills in 60 s / 2
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(Http.assertLimitAndCostHeadersOnce(third)).contains("x-ratelimit-remaining-requests");
        JsonObject error = new JsonObject(third.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("rate_limit_error");
        assertThat(error.getString("message")).contains("rpm_limit (2 requests a minute)");
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        try {
            assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .addUserMessage("x").build())).isInstanceOf(RateLimitException.class);
        } finally {
            sdk.close();
        }
        // Anthropic's shape for the same refusal
        HttpResponse<String> anthropic = Http.post(gw.baseUrl() + "/v1/messages", key,
                "{\"model\":\"gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(anthropic.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
    }

    @Test
    void theTpmLimitCountsTheRealUsageAndRefusesOnceItIsSpent() {
        String key = admin.generate(new JsonObject().put("key_alias", "tpm40").put("tpm_limit", 40)).getString("key");
        int served = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> r = chat(key, "gpt");
            if (r.statusCode() == 200) served++;
            else refused = r;
        }
        // each call uses ~19 tokens (prompt + answer): two fit in 40, the third finds less left than it reserves (its
        // prompt's estimate with the chat format's framing, ~8 tokens)
        assertThat(served).isBetween(1, 3);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("tpm_limit (40 tokens a minute)");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("reserves (\\d+) tokens").matcher(refused.body());
        assertThat(m.find()).as(refused.body()).isTrue();
        assertThat(Long.parseLong(refused.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow()))
                .as("what is left, less than the refused call reserves").isLessThan(Long.parseLong(m.group(1)));
    }

    @Test
    void maxParallelRequestsRefusesTheCallBeyondTheLimitUntilOneEnds() {
        String key = admin.generate(new JsonObject().put("key_alias", "one-at-a-time").put("max_parallel_requests", 1)).getString("key");
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> chat(key, "slow"));
        // The slow call holds the key's one slot for 1.5 s (the simulator records a request only once it answers,
        // so there is nothing to poll): 300 ms in, it is surely in flight.
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<String> second = chat(key, "gpt");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("max_parallel_requests (1)");
        assertThat(slow.join().statusCode()).isEqualTo(200);
        assertThat(chat(key, "gpt").statusCode()).isEqualTo(200);
    }
}
