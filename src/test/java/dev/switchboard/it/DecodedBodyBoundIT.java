package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent large request bodies against the buffer bound, in a gateway process of its own with a small heap
 * (GatewayProcess: -Xmx384m, so the bound is its default, 192 MiB). QA hardening F1: the bound counted a body's raw
 * bytes only while it was read, and 30-40 concurrent 8 MB calls at -Xmx1g ran the heap out (500s, then a gateway that
 * no longer accepted connections). Each body here is 4 MB of 100,000 small messages, which decode to about 16 times
 * their bytes; sixteen at once are several times the heap. Every call must get a 200 or the 503
 * {@code gateway_memory_bound} in its own dialect, the log must hold no OutOfMemoryError, and the gateway must serve
 * at once afterwards.
 */
class DecodedBodyBoundIT {
    private static final int CALLS = 16;

    @RegisterExtension
    final ServeFixture serve = new ServeFixture(new VertxOptions());

    @Test
    void concurrentLargeBodiesGetAnswersOrTheBoundsRefusalNeverAnOutOfMemoryError() throws Exception {
        try (GatewayProcess g = serve.start(serve.config(serve.sqlite()))) {
            String body = manyMessages(100_000);
            assertThat(body.length()).isBetween(3_000_000, 5_000_000);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                boolean anthropic = i % 2 == 1;
                HttpRequest req = HttpRequest.newBuilder(URI.create(g.v1() + (anthropic ? "/messages" : "/chat/completions")))
                        .timeout(Duration.ofSeconds(120))
                        .header("authorization", "Bearer " + TestGateway.MASTER_KEY)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(anthropic ? body.replace("{\"model\":\"gpt\",", "{\"model\":\"gpt\",\"max_tokens\":16,") : body))
                        .build();
                calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int refused = 0;
            for (int i = 0; i < CALLS; i++) {
                HttpResponse<String> r = calls.get(i).join();
                boolean anthropic = i % 2 == 1;
                assertThat(r.statusCode()).as("call %d: %s", i, r.body()).isIn(200, 503);
                if (r.statusCode() == 200) {
                    ok++;
                    continue;
                }
                refused++;
                assertThat(r.body()).contains("general_settings.max_buffered_mb");
                // Anthropic's error shape has no code: the bound's refusal is its overloaded_error
                if (anthropic) assertThat(r.body()).startsWith("{\"type\":\"error\"").contains("\"overloaded_error\"");
                else assertThat(r.body()).startsWith("{\"error\":").contains("\"code\":\"gateway_memory_bound\"");
            }
            assertThat(ok).as("some calls fit under the bound").isPositive();
            assertThat(refused).as("sixteen at once do not fit in 192 MiB").isPositive();
            // serving normally at once, and nothing ran out
            assertThat(Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            assertThat(serve.logText()).doesNotContain("OutOfMemoryError");
        }
    }

    /** A chat body of {@code n} short user messages: small objects, each several hundred bytes of heap once decoded. */
    private static String manyMessages(int n) {
        StringBuilder b = new StringBuilder(n * 40).append("{\"model\":\"gpt\",\"messages\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append("{\"role\":\"user\",\"content\":\"word ").append(i % 10).append("\"}");
        }
        return b.append("]}").toString();
    }
}
