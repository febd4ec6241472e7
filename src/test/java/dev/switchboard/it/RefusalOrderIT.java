package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static java.util.concurrent.TimeUnit.SECONDS;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * While {@code global_max_parallel_requests} is full, LiteLLM's auth refusals come first (a key over its budget: 400
 * {@code budget_exceeded}; a model the key may not use: 401/403), without its key headers; a key its auth lets through
 * gets the global 429. Sixty refusals later the limit still admits its full count (and no more), and the budgeted key is served.
 */
class RefusalOrderIT {
    /** A first byte held far longer than the test: {@code releaseSlowFirstBytes} ends the wait. */
    private static final long HELD_MS = 600_000;
    private static final String BODY = "{\"model\":\"gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static OpenAIServiceException refused(OpenAIClient c) {
        OpenAIServiceException e = catchThrowableOfType(OpenAIServiceException.class, () -> c.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt").maxCompletionTokens(5).addUserMessage("hi").build()));
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    private static OpenAIClient client(TestGateway gw, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(0).build();
    }

    /**
     * Two master-key calls whose first byte is held (a wait far longer than the test, ended by
     * {@code releaseSlowFirstBytes} when the test is done with them), holding both places until they answer: the refusals
     * in between may take as long as a loaded CI needs.
     */
    private static List<CompletableFuture<HttpResponse<String>>> fill(TestGateway gw, HttpClient http) {
        int before = gw.simulator.arrivals();
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions"))
                    .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gw.simulator.arrivals() == before + 2);
        return slow;
    }

    @Test
    void authRefusalsComeBeforeTheGlobal429AndNoneKeepsAPlaceOrAReservation() throws Exception {
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "other=gpt-4o") + """
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  global_max_parallel_requests: 2
                """)) {
            Admin admin = new Admin(gw);
            String broke = admin.generate(new JsonObject().put("max_budget", 0)).getString("key");
            String narrow = admin.generate(new JsonObject().put("models", new JsonArray().add("other"))).getString("key");
            String budgeted = admin.generate(new JsonObject().put("max_budget", 5)).getString("key");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(HELD_MS));
            List<CompletableFuture<HttpResponse<String>>> slow = fill(gw, http);
            OpenAIClient b = client(gw, broke), n = client(gw, narrow), k = client(gw, budgeted);
            try {
                for (int i = 0; i < 20; i++) {
                    OpenAIServiceException budget = refused(b);
                    assertThat(budget.statusCode()).as("a key over its budget, the gateway full").isEqualTo(400);
                    assertThat(budget.headers().values("x-litellm-key-spend")).as("LiteLLM's auth refusal: no key headers").isEmpty();
                    OpenAIServiceException model = refused(n);
                    assertThat(model.statusCode()).as("a model the key may not use, the gateway full").isIn(401, 403);
                    assertThat(model.headers().values("x-litellm-key-spend")).isEmpty();
                    OpenAIServiceException full = refused(k);
                    assertThat(full.statusCode()).as("a key its auth lets through: the global limit").isEqualTo(429);
                    assertThat(full.headers().values("x-litellm-key-max-budget").stream().map(Double::parseDouble)).containsExactly(5.0);
                }
                assertThat(gw.simulator.releaseSlowFirstBytes()).isEqualTo(2);
                for (CompletableFuture<HttpResponse<String>> f : slow) assertThat(f.get(30, SECONDS).statusCode()).isEqualTo(200);

                // every place is back: the limit admits two at once again, and refuses the third
                slow = fill(gw, http); // held again
                assertThat(refused(k).statusCode()).isEqualTo(429);
                assertThat(gw.simulator.releaseSlowFirstBytes()).isEqualTo(2);
                for (CompletableFuture<HttpResponse<String>> f : slow) assertThat(f.get(30, SECONDS).statusCode()).isEqualTo(200);
                // and the budgeted key, refused 21 times while full, is served; its spend is its one served call's cost
                gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(0));
                var raw = k.chat().completions().withRawResponse().create(
                        ChatCompletionCreateParams.builder().model("gpt").maxCompletionTokens(5).addUserMessage("hi").build());
                assertThat(raw.statusCode()).isEqualTo(200);
                assertThat(raw.headers().values("x-litellm-key-spend")).isEqualTo(raw.headers().values("x-litellm-response-cost"));
            } finally {
                b.close();
                n.close();
                k.close();
            }
        }
    }
}
