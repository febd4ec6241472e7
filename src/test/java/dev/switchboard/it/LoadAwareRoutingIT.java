package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** least-busy and latency-based routing send most concurrent traffic to the deployment that answers faster. */
class LoadAwareRoutingIT {
    private static final int CLIENTS = 8;
    private static final int EACH = 10;
    private static final String POOL = TestGateway.simModels("pool=fast-model", "pool=slow-model");

    @ParameterizedTest
    @ValueSource(strings = {"least-busy", "latency-based-routing"})
    void theFasterDeploymentGetsMostOfTheTrafficUnderLoad(String strategy) throws Exception {
        try (TestGateway gw = TestGateway.start(POOL + """
                router_settings: { routing_strategy: %s }
                """.formatted(strategy))) {
            gw.simulator.behaveAlways("slow-model", SimBehaviour.slowFirstByte(300));
            Map<String, Integer> served = load(gw);
            int fast = served.getOrDefault("openai/fast-model", 0);
            int slow = served.getOrDefault("openai/slow-model", 0);
            assertThat(fast + slow).isEqualTo(CLIENTS * EACH);
            assertThat(fast).as(strategy + " served " + served).isGreaterThanOrEqualTo(CLIENTS * EACH * 8 / 10);
        }
    }

    @Test
    void simpleShuffleIgnoresSpeedAsAControl() throws Exception {
        try (TestGateway gw = TestGateway.start(POOL)) {
            gw.simulator.behaveAlways("slow-model", SimBehaviour.slowFirstByte(100));
            Map<String, Integer> served = load(gw);
            assertThat(served.getOrDefault("openai/slow-model", 0)).as(served.toString()).isGreaterThan(CLIENTS * EACH / 4);
        }
    }

    /** CLIENTS concurrent clients, EACH requests each; how many each deployment served. */
    private static Map<String, Integer> load(TestGateway gw) throws Exception {
        Map<String, Integer> served = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < EACH; i++) {
                        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", null,
                                "{\"model\":\"pool\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                        assertThat(r.statusCode()).isEqualTo(200);
                        served.merge(r.headers().firstValue("x-switchboard-model").orElseThrow(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get();
        } finally {
            pool.shutdownNow();
        }
        return served;
    }
}
