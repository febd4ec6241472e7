package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTest {
    @Test
    void listenersRunOnceWhenCancelled() {
        Cancellation c = Cancellation.create();
        List<String> ran = new ArrayList<>();
        c.onCancel(() -> ran.add("a"));
        c.onCancel(() -> ran.add("b"));
        assertThat(c.cancelled()).isFalse();
        assertThat(ran).isEmpty();
        c.cancel();
        c.cancel();
        assertThat(c.cancelled()).isTrue();
        assertThat(ran).containsExactly("a", "b");
    }

    @Test
    void aListenerRegisteredAfterTheCancelRunsAtOnce() {
        Cancellation c = Cancellation.create();
        c.cancel();
        AtomicInteger ran = new AtomicInteger();
        c.onCancel(ran::incrementAndGet);
        assertThat(ran).hasValue(1);
    }

    @Test
    void aRemovedListenerDoesNotRun() {
        Cancellation c = Cancellation.create();
        AtomicInteger ran = new AtomicInteger();
        Runnable off = c.onCancel(ran::incrementAndGet);
        off.run();
        c.cancel();
        assertThat(ran).hasValue(0);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        Cancellation c = Cancellation.create();
        AtomicInteger ran = new AtomicInteger();
        c.onCancel(() -> { throw new IllegalStateException("boom"); });
        c.onCancel(ran::incrementAndGet);
        assertThatThrownBy(c::cancel).hasMessage("boom");
        assertThat(ran).hasValue(1);
        assertThat(c.cancelled()).isTrue();
    }

    @Test
    void neverIsNeverCancelledAndKeepsNoListeners() {
        AtomicInteger ran = new AtomicInteger();
        Cancellation.NEVER.onCancel(ran::incrementAndGet);
        Cancellation.NEVER.cancel();
        assertThat(Cancellation.NEVER.cancelled()).isFalse();
        assertThat(ran).hasValue(0);
        assertThat(new CallContext("r", Caller.ANONYMOUS, 0, null).cancellation()).isSameAs(Cancellation.NEVER);
    }

    @Test
    void theClientClosedErrorIs499AndCarriesTheCalledDeployment() {
        GatewayException e = Cancellation.clientClosed("openai/gpt-4o-mini");
        assertThat(e.status()).isEqualTo(499);
        assertThat(e.kind()).isEqualTo(ErrorKind.CLIENT_CLOSED);
        assertThat(Cancellation.isClientClosed(e)).isTrue();
        assertThat(Cancellation.calledDeployment(e)).isEqualTo("openai/gpt-4o-mini");
        assertThat(Cancellation.calledDeployment(Cancellation.clientClosed())).isNull();
        assertThat(Cancellation.isClientClosed(GatewayException.of(ErrorKind.UPSTREAM, "x"))).isFalse();
    }

    @Test
    void everyListenerRunsExactlyOnceUnderConcurrentCancelsAndRegistrations() throws Exception {
        for (int round = 0; round < 200; round++) {
            Cancellation c = Cancellation.create();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean cancels = i % 2 == 0;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (cancels) c.cancel();
                    else for (int k = 0; k < 10; k++) c.onCancel(ran::incrementAndGet);
                });
                threads.add(t);
                t.start();
            }
            go.countDown();
            for (Thread t : threads) t.join();
            assertThat(ran).as("round " + round).hasValue(20);
        }
    }

    /**
     * The gateway's own stop is known by identity, not by its code: an upstream Switchboard draining its calls sends a
     * 503 gateway_shutting_down too, and that is the upstream's failure (retried, cooled down), not this gateway's stop.
     */
    @Test
    void onlyTheGatewaysOwnStopIsACancellation() {
        GatewayException own = Cancellation.gatewayStopping("stopping");
        GatewayException upstreams = new GatewayException(ErrorKind.UNAVAILABLE, 503, "Upstream x is overloaded", null,
                Cancellation.GATEWAY_STOPPED_CODE, null, null).fromUpstream(503);
        assertThat(Cancellation.isCancellation(own)).isTrue();
        assertThat(Cancellation.isCancellation(Cancellation.stopped(own, "openai/gpt-4o"))).as("with the called deployment").isTrue();
        assertThat(Cancellation.calledDeployment(Cancellation.stopped(own, "openai/gpt-4o"))).isEqualTo("openai/gpt-4o");
        assertThat(Cancellation.isCancellation(upstreams)).isFalse();
    }
}
