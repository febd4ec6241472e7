package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries that honour retry-after, cooldowns that take a failing deployment out and bring it back, timeouts. */
class RetryCooldownIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("solo=solo-model", "pool=pool-a", "pool=pool-b") + """
                  - model_name: slow
                    litellm_params: { model: openai/slow-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, timeout: 5 }
                router_settings:
                  num_retries: 1
                  retry_backoff: 0.01
                  allowed_fails: 1
                  cooldown_time: 1
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> ask(String model, String extra, String... headers) {
        return Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"" + model + "\"," + extra + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    private static long received(String model) {
        return gw.simulator.received().stream().filter(r -> model.equals(r.body().getString("model"))).count();
    }

    @Test
    void aRateLimitWithRetryAfterIsRetriedAfterTheWait() {
        Counter retries = gw.gateway.meters().counter("switchboard.retries", "alias", "solo");
        double before = retries.count();
        gw.simulator.enqueue("solo-model", SimBehaviour.rateLimited(1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = ask("solo", "");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).as("a retry is not a fallback").hasValue("primary");
        assertThat(received("solo-model")).isEqualTo(2);
        assertThat(ms).as("waited for retry-after: 1").isBetween(1000L, 4000L);
        assertThat(retries.count()).isEqualTo(before + 1);
    }

    @Test
    void aDeploymentInCooldownGetsNoTrafficAndComesBackAfterIt() {
        gw.simulator.behaveAlways("pool-a", SimBehaviour.status(500));
        long failedAt = 0;
        for (int i = 0; i < 50 && received("pool-a") == 0; i++) {
            failedAt = System.nanoTime();
            HttpResponse<String> r = ask("pool", "");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/pool-b");
            assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("primary");
        }
        assertThat(received("pool-a")).as("pool-a failed once and the retry went to pool-b").isEqualTo(1);

        gw.simulator.behaveAlways("pool-a", null); // healthy again, but still cooling down
        for (int i = 0; i < 10; i++) {
            assertThat(ask("pool", "").headers().firstValue("x-switchboard-model")).hasValue("openai/pool-b");
        }
        assertThat(received("pool-a")).as("no traffic during the cooldown").isEqualTo(1);

        AtomicLong backAt = new AtomicLong();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            boolean back = ask("pool", "").headers().firstValue("x-switchboard-model").orElseThrow().equals("openai/pool-a");
            if (back) backAt.set(System.nanoTime());
            return back;
        });
        assertThat((backAt.get() - failedAt) / 1_000_000).as("not before cooldown_time: 1").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aGroupThatWouldHaveToWaitOutACooldownFallsBackAtOnce() {
        // solo's only deployment fails and cools down (allowed_fails: 1); with somewhere else to go the retry
        // does not wait the cooldown out, the request falls back straight away
        gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        long t0 = System.nanoTime();
        HttpResponse<String> r = ask("solo", "\"fallbacks\":[\"pool\"],");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(ms).as("no wait for solo's 1 s cooldown").isLessThan(800);
    }

    @Test
    void perRequestTimeoutsOverrideTheDeployments() {
        gw.simulator.enqueue("slow-model", SimBehaviour.slowFirstByte(1500));
        long t0 = System.nanoTime();
        HttpResponse<String> r = ask("slow", "", "x-switchboard-timeout", "0.3", "x-switchboard-num-retries", "0");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1400);

        gw.simulator.enqueue("slow-model", SimBehaviour.slowFirstByte(1500));
        HttpResponse<String> s = ask("slow", "\"stream\":true,\"stream_timeout\":0.3,\"num_retries\":0,");
        assertThat(s.statusCode()).as("a stream's first byte is bounded by stream_timeout").isEqualTo(504);

        gw.simulator.enqueue("slow-model", SimBehaviour.slowFirstByte(600));
        assertThat(ask("slow", "").statusCode()).as("the deployment's own timeout is 5 s").isEqualTo(200);
    }
}
