package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache shared by two gateways on one Redis ({@code type: redis-semantic}; {@code services} profile: Redis 7
 * on 127.0.0.1:6379): a question answered through gateway A is a semantic hit for its paraphrase on gateway B, asked
 * with the official OpenAI SDK; a DELETE through A removes it on B; and a Redis that does not answer costs only the
 * sharing (and the exact cache), never a request. Each run uses its own index name and namespace, so runs on a shared
 * Redis never see each other's entries.
 */
@Tag("services")
class SharedSemanticCacheIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String Q = "How can I make a good cup of coffee?";
    private static final String PARAPHRASE = "How do I make a good cup of coffee?";

    private static String config(String redis) {
        return TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                litellm_settings:
                  cache: true
                  cache_params: { type: redis-semantic, %s, ttl: 600, namespace: shared-%s, index_name: it-%s, timeout: 0.2 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(redis, RUN, RUN);
    }

    private static long semanticEntries(TestGateway g) {
        // the body whatever the status: a cache whose Redis does not answer is a 503 (LiteLLM's), its figures still in it
        return new io.vertx.core.json.JsonObject(new Admin(g).get("/cache/ping").body()).getJsonObject("semantic").getLong("entries");
    }

    private static OpenAIClient client(TestGateway g) {
        return OpenAIOkHttpClient.builder().baseUrl(g.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    private static String ask(OpenAIClient c, String question) {
        var r = c.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder().model("gpt")
                .addSystemMessage("Be brief.").addUserMessage(question).build());
        r.parse();
        return r.headers().values("x-switchboard-cache").get(0);
    }

    /** This run's stream goes with it (a stream is capped, but runs would leave one each). */
    @org.junit.jupiter.api.AfterAll
    static void dropTheStream() { dropStream(0, "sb:semantic:it-" + RUN); }

    private static void dropStream(int db, String key) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", 6379)) {
            s.setSoTimeout(2_000);
            s.getOutputStream().write(("SELECT " + db + "\r\nDEL " + key + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var replies = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            replies.readLine(); // +OK
            replies.readLine(); // :1
        } catch (java.io.IOException ignored) {
            // Redis is gone: nothing to drop
        }
    }

    @Test
    void aParaphraseAnsweredThroughOneGatewayIsASemanticHitOnTheOtherUntilDeleted() {
        try (TestGateway a = TestGateway.start(config("host: 127.0.0.1, port: 6379"));
             TestGateway b = TestGateway.start(config("host: 127.0.0.1, port: 6379"))) {
            OpenAIClient viaA = client(a), viaB = client(b);
            try {
                assertThat(new Admin(b).getOk("/cache/ping").getJsonObject("semantic").getString("shared"))
                        .isEqualTo("Redis stream sb:semantic:it-" + RUN + " at 127.0.0.1:6379");
                assertThat(ask(viaA, Q)).isEqualTo("miss");
                await().atMost(Duration.ofSeconds(15)).until(() -> semanticEntries(b) == 1); // B read it from the stream
                int calls = b.simulator.received().size();
                var hit = viaB.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder().model("gpt")
                        .addSystemMessage("Be brief.").addUserMessage(PARAPHRASE).build());
                assertThat(hit.headers().values("x-switchboard-cache")).containsExactly("hit-semantic");
                assertThat(hit.parse().choices().get(0).message().content()).isPresent();
                assertThat(b.simulator.received().size()).as("B never called its provider for the paraphrase").isEqualTo(calls);
                String entry = hit.headers().values("x-switchboard-cache-entry").get(0);

                // DELETE through A: the entry goes on B too
                HttpResponse<String> del = Http.send(HttpRequest.newBuilder(URI.create(a.baseUrl() + "/cache/entries/" + entry))
                        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
                assertThat(new JsonObject(del.body()).getInteger("deleted")).isEqualTo(1);
                await().atMost(Duration.ofSeconds(15)).until(() -> semanticEntries(b) == 0);
                assertThat(ask(viaB, PARAPHRASE)).isEqualTo("miss");

                // a namespace flush through B empties A as well
                await().atMost(Duration.ofSeconds(15)).until(() -> semanticEntries(a) == 1); // B's fresh answer reached A
                Http.send(HttpRequest.newBuilder(URI.create(b.baseUrl() + "/cache/namespaces/shared-" + RUN))
                        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).DELETE().build());
                await().atMost(Duration.ofSeconds(15)).until(() -> semanticEntries(a) == 0);
                assertThat(ask(viaA, "How should I make a good cup of coffee?")).isEqualTo("miss");
            } finally {
                viaA.close();
                viaB.close();
            }
        }
    }

    private static HttpResponse<String> post(TestGateway g, String question, String extra) {
        return Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\"" + extra
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]}");
    }

    /**
     * QA (medium): a flush is final everywhere. The question was in flight on B when A was flushed; its answer reached
     * Redis and the stream after the flush, and A served a paraphrase from it (hit-semantic), B its repeat (hit-exact).
     * B's request took its stamps (the shared epoch with its lookup, the stream position when it was planned) before it
     * went to the provider now, so every gateway drops the answer. In a Redis database of its own: the flush empties
     * the database's exact entries.
     */
    @Test
    void anAnswerInFlightOnOneGatewayWhenTheOtherIsFlushedIsStoredNowhere() throws Exception {
        String redis = "host: 127.0.0.1, port: 6379, db: 6";
        try (TestGateway a = TestGateway.start(config(redis)); TestGateway b = TestGateway.start(config(redis))) {
            var inFlight = dev.switchboard.support.InFlight.start(b.simulator, 1_500, () -> post(b, Q, ""));
            assertThat(dev.switchboard.support.InFlight.delete(a, "/cache").statusCode()).isEqualTo(200);
            HttpResponse<String> first = inFlight.join();
            assertThat(first.headers().firstValue("x-switchboard-cache")).as(first.body()).hasValue("miss");
            Thread.sleep(1_000); // a wrong entry would have been embedded and read from the stream by now
            assertThat(semanticEntries(a)).isZero();
            assertThat(semanticEntries(b)).isZero();
            assertThat(post(a, PARAPHRASE, "").headers().firstValue("x-switchboard-cache")).as("A, semantic").hasValue("miss");
            assertThat(post(b, Q, ",\"cache\":{\"semantic\":false}").headers().firstValue("x-switchboard-cache")).as("B, exact")
                    .hasValue("miss");
            dev.switchboard.support.InFlight.delete(a, "/cache");
        } finally {
            dropStream(6, "sb:semantic:it-" + RUN); // this test's stream, in its database
        }
    }

    /**
     * QA (medium): a refresh on one gateway ({@code cache.no-cache}: the fresh answer is stored under the same entry id)
     * dropped the entry from that gateway's index, and the other gateway skipped the refreshed entry as one it already
     * had, serving the old answer to paraphrases until its TTL ended. After the refresh both serve the new answer.
     */
    @Test
    void aRefreshOnOneGatewayIsWhatAParaphraseGetsOnBoth() {
        String q = "What is the deepest lake in the world?", paraphrase = "Which is the deepest lake in the world?";
        String noStore = ",\"cache\":{\"no-store\":true}";
        // a stream and namespace of this test's own: the other tests' entries stay out of its counts
        String cfg = config("host: 127.0.0.1, port: 6379").replace("it-" + RUN, "it-refresh-" + RUN).replace("shared-" + RUN, "refresh-" + RUN);
        try (TestGateway a = TestGateway.start(cfg); TestGateway b = TestGateway.start(cfg)) {
            HttpResponse<String> first = post(a, q, "");
            assertThat(first.headers().firstValue("x-switchboard-cache")).hasValue("miss");
            String oldId = new JsonObject(first.body()).getString("id");
            await().atMost(Duration.ofSeconds(15)).until(() -> semanticEntries(b) == 1);
            HttpResponse<String> old = post(b, paraphrase, noStore);
            assertThat(old.headers().firstValue("x-switchboard-cache")).as(old.body()).hasValue("hit-semantic");
            assertThat(new JsonObject(old.body()).getString("id")).isEqualTo(oldId);

            HttpResponse<String> refreshed = post(a, q, ",\"cache\":{\"no-cache\":true}");
            assertThat(refreshed.headers().firstValue("x-switchboard-cache")).hasValue("miss");
            String newId = new JsonObject(refreshed.body()).getString("id");
            assertThat(newId).isNotEqualTo(oldId);

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> { // the fresh answer is embedded after it is sent
                HttpResponse<String> onA = post(a, paraphrase, noStore);
                assertThat(onA.headers().firstValue("x-switchboard-cache")).as("A, after its own refresh").hasValue("hit-semantic");
                assertThat(new JsonObject(onA.body()).getString("id")).isEqualTo(newId);
            });
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                HttpResponse<String> onB = post(b, paraphrase, noStore);
                assertThat(onB.headers().firstValue("x-switchboard-cache")).as("B, after A's refresh").hasValue("hit-semantic");
                assertThat(new JsonObject(onB.body()).getString("id")).as("the refreshed answer").isEqualTo(newId);
            });
            assertThat(semanticEntries(a)).isEqualTo(1);
            assertThat(semanticEntries(b)).isEqualTo(1);
        } finally {
            dropStream(0, "sb:semantic:it-refresh-" + RUN);
        }
    }

    @Test
    void aRedisThatDoesNotAnswerCostsOnlyTheSharing() {
        try (LogCapture log = LogCapture.of("switchboard.cache");
             TestGateway gw = TestGateway.start(config("host: 127.0.0.1, port: 1"))) {
            OpenAIClient c = client(gw);
            try {
                assertThat(ask(c, Q)).isEqualTo("miss");
                await().atMost(Duration.ofSeconds(15)).until(() -> semanticEntries(gw) == 1); // kept in this gateway
                assertThat(ask(c, PARAPHRASE)).as("still a semantic cache, of its own").isEqualTo("hit-semantic");
            } finally {
                c.close();
            }
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("semantic entries stay in this gateway"));
        }
    }
}
