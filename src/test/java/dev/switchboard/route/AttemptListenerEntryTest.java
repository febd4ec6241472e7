package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attempt listener is told the deployment that failed, not only its id: the ledger prices a billed failure by it
 * (a wildcard's id may have no price held once the router let its name go while the attempt was in flight).
 */
class AttemptListenerEntryTest {
    static Vertx vertx;

    @BeforeAll
    static void start() { vertx = Vertx.vertx(); }

    @AfterAll
    static void stop() { vertx.close(); }

    @Test
    void aFailedAttemptIsToldItsDeployment() {
        FakeProvider p = new FakeProvider(FakeProvider.deployment("main", "m1", Map.of(), Map.of()));
        p.failure = () -> GatewayException.of(ErrorKind.UPSTREAM, "down");
        List<Deployment> told = new CopyOnWriteArrayList<>();
        AttemptListener listener = (CallContext ctx, int ordinal, String alias, String deployment, Deployment entry,
                                    String modelId, String route, Throwable error, long latencyNanos) -> told.add(entry);
        ModelRouter r = new ModelRouter(vertx, List.of(p.target()), RouterSettings.from(Map.of("num_retries", 0), Map.of()),
                new RouterMetrics(new SimpleMeterRegistry()), new Random(42), listener);
        var f = r.chat(FakeProvider.ctx(), FakeProvider.ask("main", "hi"));
        await().atMost(Duration.ofSeconds(5)).until(f::isComplete);
        assertThat(f.failed()).isTrue();
        assertThat(told).hasSize(1);
        assertThat(told.get(0)).isSameAs(p.deployment);
    }
}
