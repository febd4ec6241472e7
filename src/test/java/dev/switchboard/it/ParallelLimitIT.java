package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's max_parallel_requests through a real socket: six slow streams at once to a deployment that serves two at a
 * time all end complete, the simulator never has more than two of them open (a slot is held until a stream ends, not to
 * its first byte), and the four held back are counted as waits. A second deployment, with the router's
 * default_max_parallel_requests, shows the default applying.
 */
class ParallelLimitIT {
    static TestGateway gw;
    private static final int STREAMS = 6;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpu
                    litellm_params: { model: openai/gpu-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, max_parallel_requests: 2 }
                  - model_name: shared
                    litellm_params: { model: openai/shared-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: solo
                    litellm_params: { model: openai/solo-model, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, max_parallel_requests: 1 }
                    model_info: { allowed_fails: 0, cooldown_time: 60 }
                router_settings:
                  num_retries: 0
                  default_max_parallel_requests: 1
                """);
        gw.simulator.timeStreams();
    }

    @AfterAll
    static void stop() { gw.close(); }

    /** Sends {@code n} streams to {@code alias} at once; returns the simulator's span of each. */
    private static List<ProviderSimulator.StreamSpan> streamsAtOnce(String alias, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(pool.submit(() -> Http.post(gw.v1() + "/chat/completions", null, "{\"model\":\"" + alias
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
            }
            List<ProviderSimulator.StreamSpan> spans = new ArrayList<>();
            for (Future<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                List<String> data = Http.sseData(r.body());
                assertThat(data).as("complete").last().isEqualTo("[DONE]");
                String id = new JsonObject(data.get(0)).getString("id");
                ProviderSimulator.StreamSpan span = gw.simulator.streamSpan(id);
                assertThat(span).as("the simulator timed stream %s", id).isNotNull();
                spans.add(span);
            }
            return spans;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The most spans open at the same moment. */
    private static int mostAtOnce(List<ProviderSimulator.StreamSpan> spans) {
        int most = 0;
        for (ProviderSimulator.StreamSpan s : spans) {
            int open = 0;
            for (ProviderSimulator.StreamSpan o : spans) if (o.startNanos() <= s.startNanos() && o.endNanos() > s.startNanos()) open++;
            most = Math.max(most, open);
        }
        return most;
    }

    private static double waits(String alias) {
        var c = gw.gateway.meters().find("switchboard.parallel.limit.waits").tag("alias", alias).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aDeploymentServesAtMostItsMaxParallelRequestsAndTheRestWaitInLine() throws Exception {
        gw.simulator.behaveAlways("gpu-model", SimBehaviour.longSlowStream(30, 1));
        List<ProviderSimulator.StreamSpan> spans = streamsAtOnce("gpu", STREAMS);
        assertThat(mostAtOnce(spans)).as("streams the upstream had open at once").isEqualTo(2);
        assertThat(waits("gpu")).as("requests that lined up for a slot").isGreaterThanOrEqualTo(1);
    }

    @Test
    void theRoutersDefaultAppliesToADeploymentWithoutItsOwn() throws Exception {
        gw.simulator.behaveAlways("shared-model", SimBehaviour.longSlowStream(30, 1));
        List<ProviderSimulator.StreamSpan> spans = streamsAtOnce("shared", 3);
        assertThat(mostAtOnce(spans)).as("default_max_parallel_requests: 1").isEqualTo(1);
        assertThat(waits("shared")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aCoolingDeploymentServedAsTheLastResortStillServesItsLineOneAtATime() throws Exception {
        gw.simulator.behaveAlways("solo-model", SimBehaviour.status(500));
        assertThat(Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"solo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                .as("its one failure cools it down for 60 s (its own allowed_fails: 0, cooldown_time: 60)").isEqualTo(502);
        gw.simulator.behaveAlways("solo-model", SimBehaviour.longSlowStream(30, 1));
        long t0 = System.nanoTime();
        List<ProviderSimulator.StreamSpan> spans = streamsAtOnce("solo", 3);
        assertThat(mostAtOnce(spans)).isEqualTo(1);
        assertThat((System.nanoTime() - t0) / 1_000_000_000L).as("served in turn, not after the cooldown").isLessThan(30);
    }
}
