package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router stops the moment the client leaves: no retry after the wait, no fallback, no first attempt. */
class ClientGoneRoutingTest {
    static Vertx vertx;

    @BeforeAll
    static void start() { vertx = Vertx.vertx(); }

    @AfterAll
    static void stop() { vertx.close(); }

    private static ModelRouter router(List<FakeProvider> providers, Map<String, Object> settings) {
        return new ModelRouter(vertx, providers.stream().map(FakeProvider::target).toList(),
                RouterSettings.from(settings, Map.of()), new RouterMetrics(new SimpleMeterRegistry()), new Random(42));
    }

    private static CallContext ctx(Cancellation c) {
        return new CallContext("req_gone", Caller.ANONYMOUS, System.nanoTime(), Map.of(), c);
    }

    @Test
    void aClientThatLeavesDuringTheBackoffGetsNoRetryAndNoFallback() throws Exception {
        FakeProvider primary = new FakeProvider(FakeProvider.deployment("main", "a", Map.of(), Map.of()));
        FakeProvider backup = new FakeProvider(FakeProvider.deployment("spare", "b", Map.of(), Map.of()));
        primary.failure = () -> GatewayException.of(ErrorKind.UPSTREAM, "down");
        ModelRouter r = router(List.of(primary, backup), Map.of("num_retries", 3L, "retry_backoff", 0.3,
                "allowed_fails", 100L, "fallbacks", List.of(Map.of("main", List.of("spare")))));
        Cancellation c = Cancellation.create();
        Future<Answer<ChatResponse>> f = r.chat(ctx(c), FakeProvider.ask("main", "hi"));
        assertThat(primary.calls).hasValue(1);
        assertThat(f.isComplete()).as("waiting to retry").isFalse();
        c.cancel();
        assertThat(f.failed()).as("ends at once").isTrue();
        assertThat(((GatewayException) f.cause()).status()).isEqualTo(499);
        assertThat(Cancellation.calledDeployment(f.cause())).isEqualTo("fake/a");
        Thread.sleep(1_000); // three backoffs of 0.3 s and more would have run by now
        assertThat(primary.calls).as("no retry").hasValue(1);
        assertThat(backup.calls).as("no fallback").hasValue(0);
    }

    @Test
    void aClientGoneBeforeRoutingCallsNothing() {
        FakeProvider p = new FakeProvider(FakeProvider.deployment("main", "a", Map.of(), Map.of()));
        ModelRouter r = router(List.of(p), Map.of());
        Cancellation c = Cancellation.create();
        c.cancel();
        Future<Answer<ChatResponse>> f = r.chat(ctx(c), FakeProvider.ask("main", "hi"));
        await().atMost(Duration.ofSeconds(1)).until(f::isComplete);
        assertThat(f.failed()).isTrue();
        assertThat(Cancellation.isClientClosed(f.cause())).isTrue();
        assertThat(Cancellation.calledDeployment(f.cause())).as("no deployment was called").isNull();
        assertThat(p.calls).hasValue(0);
    }

    @Test
    void aClientWhoStaysIsServedAsBefore() {
        FakeProvider p = new FakeProvider(FakeProvider.deployment("main", "a", Map.of(), Map.of()));
        ModelRouter r = router(List.of(p), Map.of());
        Future<Answer<ChatResponse>> f = r.chat(ctx(Cancellation.create()), FakeProvider.ask("main", "hi"));
        assertThat(f.succeeded()).isTrue();
        assertThat(f.result().deployment()).isEqualTo("fake/a");
    }
}
