package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
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
 * LiteLLM's {@code general_settings.global_max_parallel_requests}: the most model calls one gateway runs at once, streams
 * included until they end; the next is LiteLLM's 429, and a place is given back when a call ends, however it ends.
 */
class GlobalParallelLimitIT {
    private static final String BODY = "{\"model\":\"gpt\",\"max_tokens\":20,%s\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void theCallsBeyondTheLimitAreRefusedAndPlacesComeBack() throws Exception {
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  global_max_parallel_requests: 2
                """)) {
            gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(1_500));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (String extra : new String[] {"", "\"stream\":true,"}) { // a plain call and a stream hold a place each
                slow.add(client.sendAsync(HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions"))
                        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY.formatted(extra))).build(), HttpResponse.BodyHandlers.ofString()));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> gw.simulator.arrivals() == 2);
            HttpResponse<String> third = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, BODY.formatted(""));
            assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
            JsonObject error = new JsonObject(third.body()).getJsonObject("error");
            assertThat(error.getString("message")).startsWith("Max parallel request limit reached. Hit Global Limit: Limit=2, current: 2");
            assertThat(third.headers().firstValue("retry-after")).hasValue("1");
            // the Anthropic dialect is counted too
            HttpResponse<String> anthropic = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(anthropic.statusCode()).isEqualTo(429);
            assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
            for (CompletableFuture<HttpResponse<String>> f : slow) assertThat(f.get().statusCode()).isEqualTo(200);

            // every place is back: a refused call, a failed one and the two served gave theirs back
            gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.status(500));
            assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, BODY.formatted("")).statusCode()).as("the upstream's 500, as a 502").isEqualTo(502);
            gw.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(0));
            for (int i = 0; i < 4; i++) {
                assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, BODY.formatted("")).statusCode()).isEqualTo(200);
            }
        }
    }
}
