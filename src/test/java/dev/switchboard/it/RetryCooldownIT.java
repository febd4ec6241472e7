package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.SchedulerStalls;
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
                  allowed_fails: 0
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
        // An answer back within 1 s of sending the failing request was routed inside the cooldown, which began after
        // it: up to ten of them. At load 9 here ten took longer than that, and pool-a was then rightly back.
        int inside = 0;
        while (inside < 10) {
            HttpResponse<String> r = ask("pool", "");
            if (System.nanoTime() - failedAt >= 1_000_000_000L) break;
            assertThat(r.headers().firstValue("x-switchboard-model")).as("during the cooldown").hasValue("openai/pool-b");
            inside++;
        }
        if (inside == 10) assertThat(received("pool-a")).as("no traffic during the cooldown").isEqualTo(1);

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
        // solo's only deployment fails and cools down (allowed_fails: 0); with somewhere else to go the retry
        // does not wait the cooldown out, the request falls back straight away
        gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        long t0 = System.nanoTime();
        HttpResponse<String> r = ask("solo", "\"fallbacks\":[\"pool\"],");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(ms).as("no wait for solo's 1 s cooldown").isLessThan(800);
    }

    /**
     * The upstream answers after 1.5 s, well inside the deployment's 5 s: only the request's own 0.3 s timeout makes it
     * a 504 (ignored, it is a 200). The 504 must also come well before the upstream's answer would have: within 1.4 s,
     * plus what the machine took from this JVM meanwhile ({@link SchedulerStalls}: warm calls took 2.7 and 3.2 s at load 8
     * here when it stalled 2.3 and 2.9 s of them). Its first call is untimed: JUnit runs this test first in the class,
     * and timed, the fresh gateway's first call to the simulator took 2.7-8.9 s in a cold JVM (the first connection, code
     * run for the first time). Every phase answers with a standing behaviour, not a queued one: the simulator may read an
     * abandoned request late, after the next phase's behaviour was queued, and take it.
     */
    @Test
    void perRequestTimeoutsOverrideTheDeployments() {
        gw.simulator.behaveAlways("slow-model", SimBehaviour.slowFirstByte(600));
        // first, untimed: the gateway's first call to the simulator (its connection, code not run yet in this JVM)
        assertThat(ask("slow", "").statusCode()).as("the deployment's own timeout is 5 s").isEqualTo(200);

        gw.simulator.behaveAlways("slow-model", SimBehaviour.slowFirstByte(1500));
        try (SchedulerStalls stalls = SchedulerStalls.start()) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = ask("slow", "", "x-switchboard-timeout", "0.3", "x-switchboard-num-retries", "0");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("RetryCooldownIT: a 0.3 s timeout answered in %d ms, this JVM stalled %d ms meanwhile%n", ms,
                    stalls.millis());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
            assertThat(ms).as("a 0.3 s timeout, this JVM stalled %d ms meanwhile", stalls.millis())
                    .isLessThan(1400 + stalls.millis());
        }

        HttpResponse<String> s = ask("slow", "\"stream\":true,\"stream_timeout\":0.3,\"num_retries\":0,");
        assertThat(s.statusCode()).as("a stream's first byte is bounded by stream_timeout").isEqualTo(504);
    }

    /**
     * After its own retries (num_retries 1: two upstream calls) the gateway's 502 says x-should-retry: false, so an
     * official SDK with its default retries does not replay the chain: 2 upstream calls, not 2 × 3 (QA finding 4).
     */
    @Test
    void anSdkDoesNotReplayWhatTheGatewayRetriedAlready() {
        for (int i = 0; i < 6; i++) gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        HttpResponse<String> raw = ask("solo", "");
        assertThat(raw.statusCode()).isEqualTo(502);
        assertThat(raw.headers().firstValue("x-should-retry")).as("the gateway retried").hasValue("false");
        gw.simulator.reset();
        for (int i = 0; i < 6; i++) gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        com.openai.client.OpenAIClient sdk = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(gw.v1())
                .apiKey("unused").maxRetries(2).build();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sdk.chat().completions().create(
                    com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("solo").addUserMessage("hi").build()))
                    .isInstanceOf(com.openai.errors.InternalServerException.class);
        } finally {
            sdk.close();
        }
        assertThat(received("solo-model")).as("the gateway's two attempts, once").isEqualTo(2);
    }

    /**
     * A failure after a single attempt (here the request's own num_retries of 0) is the SDK's to retry, as a provider's
     * answer would be: no x-should-retry, and the SDK's retry is served.
     */
    @Test
    void anSdkStillRetriesWhatTheGatewayDidNot() {
        gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        HttpResponse<String> raw = ask("solo", "", "x-switchboard-num-retries", "0");
        assertThat(raw.statusCode()).isEqualTo(502);
        assertThat(raw.headers().firstValue("x-should-retry")).as("one attempt: the SDK decides").isEmpty();
        gw.simulator.reset();
        gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        com.openai.client.OpenAIClient sdk = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(gw.v1())
                .apiKey("unused").maxRetries(1).build();
        try {
            var answer = sdk.chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                    .model("solo").addUserMessage("hi").putAdditionalHeader("x-switchboard-num-retries", "0").build());
            assertThat(answer.choices()).isNotEmpty();
        } finally {
            sdk.close();
        }
        assertThat(received("solo-model")).as("the failed call and the SDK's retry").isEqualTo(2);
    }
}
