package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.route.RouterMetrics;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QA route findings 1, 3 and 5 and the review's: a request with nowhere else to go is sent into a cooldown, not held
 * for it; requests that find a trial call out follow it for its lease only; cooldown_time 0 gates nothing; disable_cooldowns turns cooldowns off altogether; mock/ streams keep their
 * stream_timeout; a failed auto request still says its tier.
 */
class CooldownsIT {
    static TestGateway herd;
    static TestGateway off;
    static TestGateway mock;
    static TestGateway zero;
    static TestGateway hold;

    @BeforeAll
    static void start() {
        herd = TestGateway.start(TestGateway.simModels("last=last-model", "back=back-model", "slow=slow-model") + """
                router_settings:
                  num_retries: 2
                  retry_backoff: 0.01
                  allowed_fails: 0
                  cooldown_time: 1
                """);
        off = TestGateway.start(TestGateway.simModels("grp=r429-model", "grp=ok-model", "solo=solo-model") + """
                router_settings:
                  disable_cooldowns: true
                  num_retries: 1
                  retry_backoff: 0.01
                  allowed_fails: 0
                """);
        zero = TestGateway.start(TestGateway.simModels("zsolo=zsolo-model") + """
                router_settings:
                  num_retries: 0
                  allowed_fails: 0
                  cooldown_time: 0
                """);
        hold = TestGateway.start(TestGateway.simModels("hold=hold-model") + """
                router_settings:
                  num_retries: 0
                  allowed_fails: 0
                  cooldown_time: 30
                """);
        mock = TestGateway.start("""
                model_list:
                  - model_name: slowchunks
                    litellm_params: { model: mock/slowc, mock_response: "one two three four five", mock_chunk_delay_ms: 3000, stream_timeout: 1 }
                  - model_name: cheap
                    litellm_params: { model: mock/cheap, mock_fault: overloaded }
                  - model_name: smart
                    litellm_params: { model: mock/smart }
                router_settings:
                  num_retries: 0
                  auto_router: { alias: auto }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() {
        herd.close();
        off.close();
        mock.close();
        zero.close();
        hold.close();
    }

    private static HttpResponse<String> ask(TestGateway g, String model, String... headers) {
        return Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    private static long received(TestGateway g, String model) {
        return g.simulator.received().stream().filter(r -> model.equals(r.body().getString("model"))).count();
    }

    /** Each answer with the nanoTime it came back at. */
    record Timed(HttpResponse<String> response, long at) {}

    private static List<Timed> concurrently(int n, java.util.function.Supplier<HttpResponse<String>> call) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<Timed>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(CompletableFuture.supplyAsync(() -> {
                    HttpResponse<String> r = call.get();
                    return new Timed(r, System.nanoTime());
                }, pool));
            }
            return all.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A cooldown steers, it never holds a request: with nowhere else to go, a request is sent to the cooling deployment
     * at once. For a few hours of this session requests waited for the cooldown's end instead, which held every request
     * of a one-deployment alias for up to cooldown_time after a 429 or a burst of failures (here 30 s).
     */
    @Test
    void aRequestWithNowhereElseToGoIsSentIntoTheCooldownNotHeldForIt() {
        hold.simulator.enqueue("hold-model", SimBehaviour.status(500));
        assertThat(ask(hold, "hold").statusCode()).isGreaterThanOrEqualTo(500); // allowed_fails 0: a 30 s cooldown begins
        long t0 = System.nanoTime();
        HttpResponse<String> r = ask(hold, "hold");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("sent at once, not after the 30 s cooldown").isLessThan(10_000);
        assertThat(received(hold, "hold-model")).isEqualTo(2);
    }

    /**
     * Review H1: a trial call that hangs held every waiter for 60 s, then answered it 429, for as long as the trial call
     * ran. Now the waiters follow it for its lease only (the cooldown_time, here 1 s), then go to the deployment.
     */
    @Test
    void waitersStopFollowingATrialCallThatRunsPastItsLease() {
        herd.simulator.enqueue("slow-model", SimBehaviour.status(529));
        assertThat(ask(herd, "slow", "x-switchboard-num-retries", "0").statusCode()).isGreaterThanOrEqualTo(500);
        // the trial call: 8 s to answer (it was 10 s, and the test waits for it): a waiter that followed it to its end
        // would be answered after 8 s, past the 7 s bound below, so the bound still tells the two apart
        herd.simulator.enqueue("slow-model", SimBehaviour.slowFirstByte(8_000));
        long t0 = System.nanoTime();
        List<Timed> answers = concurrently(8, () -> ask(herd, "slow"));
        assertThat(answers).allSatisfy(a -> assertThat(a.response().statusCode()).as(a.response().body()).isEqualTo(200));
        List<Long> ms = answers.stream().map(a -> (a.at() - t0) / 1_000_000).sorted().toList();
        assertThat(ms.subList(0, 7)).as("all but the trial call: served after its 1 s cooldown and 1 s lease, not after "
                + "the trial's 8 s").allSatisfy(m -> assertThat(m).isLessThan(7_000));
        assertThat(received(herd, "slow-model")).as("the failure, the trial call and the 7 that stopped following it")
                .isEqualTo(9);
    }

    /** Review H3: cooldown_time 0 opened the breaker for 0 s: one trial call at a time, and its failure a 429 for all. */
    @Test
    void aZeroCooldownGatesNothing() {
        zero.simulator.behaveAlways("zsolo-model", SimBehaviour.status(500));
        try (LogCapture log = LogCapture.of("dev.switchboard.route.CallEngine")) {
            assertThat(ask(zero, "zsolo").statusCode()).isGreaterThanOrEqualTo(500); // a failure first: no cooldown follows
            List<Timed> answers = concurrently(10, () -> ask(zero, "zsolo"));
            assertThat(answers).allSatisfy(a -> {
                assertThat(a.response().statusCode()).as(a.response().body()).isGreaterThanOrEqualTo(500);
                assertThat(a.response().body()).doesNotContain("deployments_cooling_down");
            });
            assertThat(received(zero, "zsolo-model")).as("every request reached the upstream").isEqualTo(11);
            assertThat(log.lines()).noneMatch(l -> l.contains("trial call"));
        }
        assertThat(cooldowns(zero, "openai/zsolo-model")).isZero();
    }

    private static double cooldowns(TestGateway g, String deployment) {
        Counter c = g.gateway.meters().find(RouterMetrics.COOLDOWNS).tag("deployment", deployment).counter();
        return c == null ? 0 : c.count();
    }

    /** QA route 1: disable_cooldowns let a 429's retry-after take the deployment out for 20 s, logged as a cooldown. */
    @Test
    void withCooldownsDisabledA429DoesNotTakeItsDeploymentOut() {
        off.simulator.behaveAlways("r429-model", SimBehaviour.rateLimited(20));
        try (LogCapture log = LogCapture.of("dev.switchboard.route.CallEngine")) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = ask(off, "grp");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/ok-model");
            }
            assertThat(received(off, "r429-model")).as("still picked by the shuffle, about half the time").isGreaterThanOrEqualTo(3);
            assertThat(log.lines()).noneMatch(l -> l.contains("cooling down") || l.contains("trial call"));
        }
        assertThat(cooldowns(off, "openai/r429-model")).isZero();
    }

    /** With cooldowns disabled a failing deployment is neither cooled down, nor probed, nor counted or logged as cooling. */
    @Test
    void withCooldownsDisabledFailuresStartNoCooldownNorTrialCall() {
        off.simulator.behaveAlways("solo-model", SimBehaviour.status(500));
        try (LogCapture log = LogCapture.of("dev.switchboard.route.CallEngine")) {
            List<Timed> answers = concurrently(5, () -> ask(off, "solo"));
            assertThat(answers).allSatisfy(a -> assertThat(a.response().statusCode()).isGreaterThanOrEqualTo(500));
            assertThat(received(off, "solo-model")).as("each request: its call and its retry").isEqualTo(10);
            assertThat(log.lines()).noneMatch(l -> l.contains("cooling down") || l.contains("trial call"));
        }
        assertThat(cooldowns(off, "openai/solo-model")).isZero();
        off.simulator.behaveAlways("solo-model", null);
    }

    /** QA route 3: mock/ ignored stream_timeout between chunks (3 s apart with stream_timeout 1 ran to [DONE]). */
    @Test
    void aMockStreamIdleLongerThanItsStreamTimeoutBreaksAsARealOneDoes() {
        long t0 = System.nanoTime();
        HttpResponse<String> r = Http.post(mock.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"slowchunks\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200); // the first chunk came at once
        assertThat(r.body()).contains("did not answer in time").doesNotContain("[DONE]");
        assertThat(ms).as("cut after 1 s idle, not 3 s a chunk").isLessThan(2500);
    }

    /** QA route 5: a wholly failed auto request said its tier nowhere: not in a header, not in its ledger rows. */
    @Test
    void aFailedAutoRequestKeepsItsTierInTheHeaderAndItsAttemptRows() {
        HttpResponse<String> r = ask(mock, "auto", "x-switchboard-fallbacks", "off");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("x-switchboard-tier")).hasValue("cheap; reason=default");
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonArray rows = new Admin(mock).getOk("/spend/logs?request_id=" + id).getJsonArray("data");
            assertThat(rows).isNotEmpty();
            assertThat(rows.stream().map(JsonObject.class::cast)).allSatisfy(row -> {
                assertThat(row.getInteger("attempt")).isPositive();
                assertThat(row.getString("tier")).as(row.encode()).isEqualTo("cheap; reason=default");
            });
        });
    }
}
