package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Availability fallback end to end: which alias serves when the primary fails, and that it always shows
 * (x-switchboard-route, the body's model, a WARN line, a counter). One simulator plays every deployment,
 * each failing or not by its upstream model id.
 */
class FallbackIT {
    static TestGateway gw;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("primary=primary-model", "backup=backup-model", "small=small-model",
                "big=big-model", "a=a-model", "b=b-model") + """
                  - model_name: strict
                    litellm_params: { model: mock/strict, mock_fault: content_policy }
                  - model_name: lenient
                    litellm_params: { model: mock/lenient }
                router_settings:
                  num_retries: 1
                  retry_backoff: 0.01
                  allowed_fails: 1000          # no cooldowns here: RetryCooldownIT covers them
                  fallbacks: [{ primary: [backup] }]
                  context_window_fallbacks: [{ small: [big] }]
                  content_policy_fallbacks: [{ strict: [lenient] }]
                """);
        sdk = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        sdk.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> chat(String body, String... headers) {
        return Http.post(gw.v1() + "/chat/completions", null, body, headers);
    }

    private static String ask(String model, String extra) {
        return "{\"model\":\"" + model + "\"," + extra + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static List<String> upstreamModels() {
        return gw.simulator.received().stream().map(r -> r.body().getString("model")).toList();
    }

    private static double fallbacks(String alias, String reason, String to) {
        Counter c = gw.gateway.meters().find("switchboard.fallbacks").tags("alias", alias, "reason", reason, "to", to).counter();
        return c == null ? 0 : c.count();
    }

    private static void assertServed(HttpResponse<String> r, String route, String deployment, String bodyModel) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue(route);
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue(deployment);
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
        assertThat(new JsonObject(r.body()).getString("model")).isEqualTo(bodyModel);
    }

    @Test
    void aFailingPrimaryFallsBackAndEverySignSaysSo() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        double before = fallbacks("primary", "error", "backup");
        try (LogCapture log = LogCapture.of("dev.switchboard.route.CallEngine")) {
            HttpResponse<String> r = chat(ask("primary", ""));
            assertServed(r, "fallback:error", "openai/backup-model", "backup-model-2024-07-18");
            String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN request " + id)
                    .contains("'primary' failed (error), falling back to 'backup' (fallback:error)"));
        }
        assertThat(upstreamModels()).as("one retry of the primary, then the fallback")
                .containsExactly("primary-model", "primary-model", "backup-model");
        assertThat(fallbacks("primary", "error", "backup")).isEqualTo(before + 1);
    }

    @Test
    void theModelsArrayIsTriedInOrderAfterThePrimaryAndNotSentUpstream() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(502));
        gw.simulator.behaveAlways("a-model", SimBehaviour.status(503));
        HttpResponse<String> r = chat(ask("primary", "\"models\":[\"a\",\"b\"],\"num_retries\":0,\"timeout\":5,"));
        assertServed(r, "fallback:models_array", "openai/b-model", "b-model-2024-07-18");
        assertThat(upstreamModels()).containsExactly("primary-model", "a-model", "b-model");
        gw.simulator.received().forEach(seen -> assertThat(seen.body().fieldNames())
                .doesNotContain("models", "num_retries", "timeout", "fallbacks"));
    }

    @Test
    void aContextLengthErrorFallsToTheBiggerModelWithoutARetry() {
        gw.simulator.behaveAlways("small-model", SimBehaviour.status(400)); // the simulator's 400 is context_length_exceeded
        assertServed(chat(ask("small", "")), "fallback:context_window", "openai/big-model", "big-model-2024-07-18");
        assertThat(upstreamModels()).containsExactly("small-model", "big-model");
    }

    @Test
    void aContentPolicyRefusalFallsToItsOwnList() {
        assertServed(chat(ask("strict", "")), "fallback:content_policy", "mock/lenient", "lenient");
    }

    @Test
    void fallbacksAndRetriesCanBeTurnedOffPerRequest() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        HttpResponse<String> off = chat(ask("primary", ""), "x-switchboard-fallbacks", "off", "x-switchboard-num-retries", "0");
        assertThat(off.statusCode()).isEqualTo(502);
        assertThat(upstreamModels()).containsExactly("primary-model");

        gw.simulator.received().clear();
        assertThat(chat(ask("primary", "\"fallbacks\":[],")).statusCode()).isEqualTo(502);
        assertThat(upstreamModels()).as("the body's empty list turns fallbacks off; retries stay")
                .containsExactly("primary-model", "primary-model");

        assertThat(chat(ask("primary", "\"models\":[\"nope\"],")).statusCode()).isEqualTo(400);
    }

    @Test
    void aStreamFailingBeforeItsFirstByteFallsBackToAFullStream() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        HttpResponse<String> r = chat(ask("primary", "\"stream\":true,"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        List<String> data = Http.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        for (String chunk : data.subList(0, data.size() - 1)) {
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", chunk);
            assertThat(new JsonObject(chunk).getString("model")).isEqualTo("backup-model-2024-07-18");
        }
    }

    @Test
    void aStreamBrokenAfterItsFirstByteRaisesInTheSdkAndDoesNotFallBack() {
        gw.simulator.enqueue("primary-model", SimBehaviour.cutAfter(3));
        List<ChatCompletionChunk> got = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("primary").addUserMessage("hi").build())) {
                s.stream().forEach(got::add);
            }
        }).isInstanceOf(com.openai.errors.OpenAIException.class);
        assertThat(got).hasSize(3);
        assertThat(upstreamModels()).containsExactly("primary-model");
    }

}
