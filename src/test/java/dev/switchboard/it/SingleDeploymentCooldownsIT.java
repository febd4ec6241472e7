package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.route.RouterMetrics;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's single-deployment cooldown rule (its {@code _should_cooldown_deployment}): the only deployment of a group is
 * not cooled down by a 429 or by failures below {@code SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD} calls a minute, so
 * a one-deployment alias never answers the trial-call gate's 429 {@code deployments_cooling_down} for them; a 401 still
 * cools it at once. Groups of several deployments, and a lone one whose {@code allowed_fails} asks for counting, keep
 * their cooldowns; the gate's followers and refusals are counted in {@code switchboard_cooldown_gate_total}.
 */
class SingleDeploymentCooldownsIT {
    static TestGateway gw;
    /**
     * A failing trial call of 'cnt': its first byte after 1 s (the window in which the concurrent requests arrive and
     * follow it, wide enough for a loaded machine), within its 2 s cooldown_time, which is also the trial call's lease
     * (a second of margin for the failure to reach the followers).
     */
    private static final SimBehaviour SLOW_500 = new SimBehaviour(500, 0, 1000, 0, 0, 1, null);

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("solo=solo-model", "rl=rl-model", "key=key-model", "pair=pair-a",
                "pair=pair-b") + """
                  - model_name: cnt
                    litellm_params: { model: openai/cnt-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { allowed_fails: 0, cooldown_time: 2 }
                  - model_name: gone
                    litellm_params: { model: openai/gone-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { allowed_fails: 0, cooldown_time: 2 }
                router_settings:
                  num_retries: 0
                  cooldown_time: 0.5
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> ask(String model) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static long received(String model) {
        return gw.simulator.received().stream().filter(r -> model.equals(r.body().getString("model"))).count();
    }

    private static double cooldowns(String deployment) {
        Counter c = gw.gateway.meters().find(RouterMetrics.COOLDOWNS).tag("deployment", deployment).counter();
        return c == null ? 0 : c.count();
    }

    private static String metrics() {
        HttpResponse<String> r = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static List<HttpResponse<String>> concurrently(int n, String model) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) all.add(CompletableFuture.supplyAsync(() -> ask(model), pool));
            return all.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Four 500s used to cool the lone deployment down (allowed_fails 3); once that cooldown ended, its trial call went
     * out, the requests arriving meanwhile followed it, and its failure answered them all 429 deployments_cooling_down
     * without calling the provider: a refusal LiteLLM never gives a one-deployment group below 1000 calls a minute.
     */
    @Test
    void failuresOfTheOnlyDeploymentNeverTurnIntoTheGatesRefusal() throws Exception {
        for (int i = 0; i < 4; i++) {
            gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
            assertThat(ask("solo").statusCode()).isGreaterThanOrEqualTo(500);
        }
        Thread.sleep(550); // past what was its cooldown: the next call was its trial call
        gw.simulator.enqueue("solo-model", SLOW_500);
        List<HttpResponse<String>> answers = concurrently(6, "solo");
        assertThat(answers).allSatisfy(r -> assertThat(r.body()).doesNotContain("deployments_cooling_down"));
        assertThat(answers).filteredOn(r -> r.statusCode() == 200).as("all but the one the provider failed").hasSize(5);
        assertThat(received("solo-model")).as("every request reached the provider").isEqualTo(10);
        assertThat(cooldowns("openai/solo-model")).isZero();
        assertThat(MetricsIT.sampleCount(metrics(), "switchboard_cooldown_gate_total", "alias", "solo")).isZero();
    }

    /** LiteLLM cools a deployment down at a 429 only when its group has another to send the traffic to. */
    @Test
    void a429DoesNotCoolTheOnlyDeploymentDown() {
        gw.simulator.enqueue("rl-model", SimBehaviour.rateLimited(30));
        try (LogCapture log = LogCapture.of("dev.switchboard.route.CallEngine")) {
            HttpResponse<String> limited = ask("rl");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).as("the provider's, passed on").hasValue("30");
            assertThat(ask("rl").statusCode()).isEqualTo(200);
            assertThat(log.lines()).noneMatch(l -> l.contains("cooling down") || l.contains("trial call"));
        }
        assertThat(cooldowns("openai/rl-model")).isZero();
        assertThat(MetricsIT.value(metrics(), "switchboard_deployment_cooldown", "deployment", "openai/rl-model")).isZero();
    }

    /**
     * Review M1: a lone deployment's 503 with a retry-after beyond LiteLLM's 60 s is retried with the usual back-off
     * (LiteLLM's _time_to_sleep_before_retry ignores it), not given up because the wait would pass 60 s.
     */
    @Test
    void aRetryAfterBeyondSixtySecondsDoesNotStopTheRetryOfALoneDeployment() {
        try (TestGateway retrying = TestGateway.start(TestGateway.simModels("ra=ra-model") + """
                router_settings:
                  num_retries: 1
                  retry_backoff: 0.05
                """)) {
            retrying.simulator.enqueue("ra-model", new SimBehaviour(503, 120, 0, 0, 0, 1, null));
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.post(retrying.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"ra\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("backed off, not held for the retry-after").isLessThan(10_000);
            assertThat(r.headers().firstValue("x-litellm-attempted-retries")).hasValue("1");
        }
    }

    /** A 401 is a failure LiteLLM's _should_retry does not retry: it cools even the only deployment down, at once. */
    @Test
    void a401CoolsTheOnlyDeploymentDownAtOnce() {
        gw.simulator.enqueue("key-model", SimBehaviour.status(401));
        assertThat(ask("key").statusCode()).isEqualTo(401);
        assertThat(cooldowns("openai/key-model")).isEqualTo(1.0);
    }

    /** Unchanged for a group of two: one 429 takes its deployment out, and it gets no traffic while it cools. */
    @Test
    void a429StillCoolsADeploymentWithAnotherInItsGroup() {
        gw.simulator.behaveAlways("pair-a", SimBehaviour.rateLimited(30));
        try {
            for (int i = 0; i < 40 && received("pair-a") == 0; i++) ask("pair");
            assertThat(received("pair-a")).isEqualTo(1);
            assertThat(cooldowns("openai/pair-a")).isEqualTo(1.0);
            for (int i = 0; i < 5; i++) assertThat(ask("pair").statusCode()).isEqualTo(200);
            assertThat(received("pair-a")).as("cooling: no traffic").isEqualTo(1);
        } finally {
            gw.simulator.behaveAlways("pair-a", null);
        }
    }

    /**
     * A lone deployment whose own allowed_fails asks for counting (LiteLLM's counting rule cools a lone deployment too)
     * keeps the trial-call gate; the requests that followed its trial call and those refused when it failed are counted.
     */
    @Test
    void theGatesFollowersAndRefusalsAreCounted() throws Exception {
        gw.simulator.enqueue("cnt-model", SimBehaviour.status(500));
        assertThat(ask("cnt").statusCode()).isGreaterThanOrEqualTo(500); // allowed_fails 0: its 2 s cooldown
        assertThat(cooldowns("openai/cnt-model")).isEqualTo(1.0);
        Thread.sleep(2_050);
        gw.simulator.enqueue("cnt-model", SLOW_500);
        List<HttpResponse<String>> answers = concurrently(6, "cnt");
        long refused = answers.stream().filter(r -> r.statusCode() == 429 && r.body().contains("deployments_cooling_down")).count();
        assertThat(refused).as("the followers of the failed trial call").isPositive();
        String text = metrics();
        assertThat(MetricsIT.value(text, "switchboard_cooldown_gate_total", "alias", "cnt", "outcome", "refused"))
                .isEqualTo((double) refused);
        assertThat(MetricsIT.value(text, "switchboard_cooldown_gate_total", "alias", "cnt", "outcome", "followed"))
                .isGreaterThanOrEqualTo((double) refused);
    }

    /**
     * Requests that followed the trial call and whose clients left before it failed were answered nothing: they are not
     * the gate's refusals (review: the "refused" count included requests already over).
     */
    @Test
    void followersWhoseClientsLeftAreNotCountedAsRefused() throws Exception {
        gw.simulator.enqueue("gone-model", SimBehaviour.status(500));
        assertThat(ask("gone").statusCode()).isGreaterThanOrEqualTo(500); // allowed_fails 0: its 2 s cooldown
        Thread.sleep(2_050);
        gw.simulator.enqueue("gone-model", SLOW_500);
        CompletableFuture<HttpResponse<String>> trial = CompletableFuture.supplyAsync(() -> ask("gone"));
        Thread.sleep(200); // the trial call is out (its first byte in 1 s)
        String body = "{\"model\":\"gone\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<java.net.Socket> followers = new ArrayList<>();
        for (int i = 0; i < 4; i++) followers.add(dev.switchboard.support.RawPost.open(gw, "/v1/chat/completions", body));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).until(() ->
                MetricsIT.value(metrics(), "switchboard_cooldown_gate_total", "alias", "gone", "outcome", "followed") == 4.0);
        for (java.net.Socket s : followers) s.close(); // they leave while the trial call is still out
        assertThat(trial.get().statusCode()).isGreaterThanOrEqualTo(500);
        Thread.sleep(300);
        assertThat(MetricsIT.sampleCount(metrics(), "switchboard_cooldown_gate_total", "alias", "gone")).isEqualTo(1);
    }
}
