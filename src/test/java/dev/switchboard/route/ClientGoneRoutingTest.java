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
import java.util.ArrayList;
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
        // no attempt was out when it left (the one made had failed): no deployment is named, so nothing is charged
        assertThat(Cancellation.calledDeployment(f.cause())).isNull();
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

    /** The listeners the cancellation holds now (its own field: nothing else tells). */
    @SuppressWarnings("unchecked")
    private static int listeners(Cancellation c) throws Exception {
        java.lang.reflect.Field f = Cancellation.class.getDeclaredField("listeners");
        f.setAccessible(true);
        synchronized (c) {
            List<Runnable> l = (List<Runnable>) f.get(c);
            return l == null ? 0 : l.size();
        }
    }

    /** The listeners left when the answer's own first listener runs, and the answer. */
    private static List<Object> seenAtTheEnd(Future<Answer<ChatResponse>> f, Cancellation c) {
        List<Object> seen = new ArrayList<>();
        f.onComplete(ar -> {
            try {
                seen.add(listeners(c));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            seen.add(ar.succeeded() ? ar.result().deployment() : ar.cause());
        });
        return seen;
    }

    // A run takes its listener off the client's cancellation as it ends, before its answer goes on (the run does it
    // itself where a listener on its future did it): whatever way it ends, nothing of it is left on the cancellation.

    @Test
    void anAnsweredRunLeavesNothingOnTheCancellation() throws Exception {
        FakeProvider p = new FakeProvider(FakeProvider.deployment("main", "a", Map.of(), Map.of()));
        Cancellation c = Cancellation.create();
        Future<Answer<ChatResponse>> f = router(List.of(p), Map.of()).chat(ctx(c), FakeProvider.ask("main", "hi"));
        List<Object> seen = seenAtTheEnd(f, c);
        assertThat(seen).containsExactly(0, "fake/a");
        c.cancel(); // the client leaves after its answer: nothing to stop
        assertThat(f.succeeded()).isTrue();
    }

    @Test
    void aFailedRunLeavesNothingOnTheCancellation() throws Exception {
        FakeProvider p = new FakeProvider(FakeProvider.deployment("main", "a", Map.of(), Map.of()));
        GatewayException bad = GatewayException.of(ErrorKind.BAD_REQUEST, "no");
        p.failure = () -> bad;
        Cancellation c = Cancellation.create();
        Future<Answer<ChatResponse>> f = router(List.of(p), Map.of()).chat(ctx(c), FakeProvider.ask("main", "hi"));
        // the failure as the provider gave it (a copy carrying the x-litellm-attempted-* headers a routed failure has)
        assertThat(f.cause()).isInstanceOf(GatewayException.class).hasMessage("no");
        assertThat(((GatewayException) f.cause()).kind()).isEqualTo(ErrorKind.BAD_REQUEST);
        assertThat(listeners(c)).isZero();
    }

    @Test
    void aRunTheClientLeftEndsAt499AndLeavesNothing() throws Exception {
        FakeProvider p = new FakeProvider(FakeProvider.deployment("main", "a", Map.of(), Map.of()));
        p.failure = () -> GatewayException.of(ErrorKind.UPSTREAM, "down");
        Cancellation c = Cancellation.create();
        Future<Answer<ChatResponse>> f = router(List.of(p), Map.of("num_retries", 3L, "retry_backoff", 5.0,
                "allowed_fails", 100L)).chat(ctx(c), FakeProvider.ask("main", "hi"));
        assertThat(f.isComplete()).as("waiting to retry").isFalse();
        assertThat(listeners(c)).isEqualTo(1);
        c.cancel();
        assertThat(((GatewayException) f.cause()).status()).isEqualTo(499);
        assertThat(listeners(c)).isZero();
    }
}
