package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A key's per-model limits, LiteLLM's {@code model_rpm_limit} / {@code model_tpm_limit}: set top level or in the
 * metadata, kept in the metadata (LiteLLM's {@code generate_key_helper_fn}), held in memory beside the key's own
 * limits, and said as {@code x-litellm-key-remaining-requests-<model>} / {@code -tokens-<model>}; a model past its limit
 * is a 429 in the caller's dialect while the key's other models are served.
 */
class KeyModelLimitsIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static ChatCompletionCreateParams ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).maxCompletionTokens(5).addUserMessage("hi").build();
    }

    @Test
    void aModelsRpmLimitHoldsItsCallsAndItsAnswersSayWhatIsLeft() {
        JsonObject made = admin.generate(new JsonObject().put("model_rpm_limit", new JsonObject().put("gpt", 2))
                .put("model_tpm_limit", new JsonObject().put("gpt", 100_000)));
        String key = made.getString("key");
        // the round trip: kept in the metadata, where LiteLLM's readers find them
        JsonObject meta = admin.info(key).getJsonObject("metadata");
        assertThat(meta.getJsonObject("model_rpm_limit").getInteger("gpt")).isEqualTo(2);
        assertThat(meta.getJsonObject("model_tpm_limit").getInteger("gpt")).isEqualTo(100_000);
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        try {
            var first = c.chat().completions().withRawResponse().create(ask("gpt"));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().values("x-litellm-key-remaining-requests-gpt")).as("LiteLLM: the limit less this call").containsExactly("1");
            assertThat(Long.parseLong(first.headers().values("x-litellm-key-remaining-tokens-gpt").get(0))).isBetween(1L, 99_999L);
            assertThat(first.headers().values("x-ratelimit-remaining-requests")).as("the key itself has no limit").isEmpty();
            try (var stream = c.chat().completions().withRawResponse().createStreaming(ask("gpt"))) {
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.headers().values("x-litellm-key-remaining-requests-gpt")).containsExactly("0");
                assertThat(stream.parse().stream().count()).isPositive();
            }
            OpenAIServiceException limited = catchThrowableOfType(OpenAIServiceException.class, () -> c.chat().completions().create(ask("gpt")));
            assertThat(limited).as("the third call to gpt within its minute").isNotNull();
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().values("retry-after")).isNotEmpty();
            assertThat(limited.headers().values("x-litellm-key-remaining-requests-gpt")).containsExactly("0");
            assertThat(limited.getMessage()).contains("gpt").contains("model_rpm_limit");
            // another model of the key is not limited by gpt's
            var other = c.chat().completions().withRawResponse().create(ask("mock"));
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.headers().values("x-litellm-key-remaining-requests-gpt")).isEmpty();
        } finally {
            c.close();
        }
        // the Anthropic dialect's refusal: its rate_limit_error
        com.anthropic.client.AnthropicClient a = com.anthropic.client.okhttp.AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl())
                .apiKey(key).maxRetries(0).build();
        try {
            var ask = com.anthropic.models.messages.MessageCreateParams.builder().model("gpt").maxTokens(5).addUserMessage("hi").build();
            var e = catchThrowableOfType(com.anthropic.errors.RateLimitException.class, () -> a.messages().create(ask));
            assertThat(e).isNotNull();
            assertThat(e.headers().values("x-litellm-key-remaining-requests-gpt")).containsExactly("0");
        } finally {
            a.close();
        }
    }

    @Test
    void limitsSetInTheMetadataOrByUpdateAreTheSameAndBadOnesAreRefused() {
        String key = admin.generate(new JsonObject().put("metadata", new JsonObject().put("team", "red")
                .put("model_rpm_limit", new JsonObject().put("claude", 1)))).getString("key");
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
        try {
            assertThat(c.chat().completions().withRawResponse().create(ask("claude")).headers()
                    .values("x-litellm-key-remaining-requests-claude")).containsExactly("0");
            assertThat(catchThrowableOfType(OpenAIServiceException.class, () -> c.chat().completions().create(ask("claude"))).statusCode())
                    .isEqualTo(429);
            // an update's top-level field goes into the key's metadata, which keeps its other entries
            admin.update(new JsonObject().put("key", key).put("model_rpm_limit", new JsonObject().put("claude", 5)));
            JsonObject meta = admin.info(key).getJsonObject("metadata");
            assertThat(meta.getString("team")).isEqualTo("red");
            assertThat(meta.getJsonObject("model_rpm_limit").getInteger("claude")).isEqualTo(5);
            var served = c.chat().completions().withRawResponse().create(ask("claude"));
            assertThat(served.statusCode()).as("a raised limit admits at once (the bucket grows by the raise)").isEqualTo(200);
        } finally {
            c.close();
        }
        for (JsonObject bad : new JsonObject[] {new JsonObject().put("model_rpm_limit", 5),
                new JsonObject().put("model_tpm_limit", new JsonObject().put("gpt", -1)),
                new JsonObject().put("metadata", new JsonObject().put("model_rpm_limit", new JsonObject().put("gpt", "many")))}) {
            var r = admin.post("/key/generate", bad);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("model_");
        }
    }
}
