package dev.switchboard.route;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's wait for its group to come back, when every deployment that may serve it is cooling down and its plan
 * has nowhere else to go: until the first cooldown ends (a timer), or until the one probe now in flight ends
 * ({@link CircuitBreaker#awaitProbe}). Either way it is woken once, on its own context, and looks again
 * ({@code CallEngine}: the probe's success lets it through, its failure fails it fast). So a cooling deployment gets
 * one call when its cooldown ends, however many requests wait for it (README, "Retries and cooldowns").
 */
final class RecoveryWait {
    private final Vertx vertx;
    private final Runnable onWake;
    private final Context here;
    private final AtomicBoolean over = new AtomicBoolean();
    private final List<CircuitBreaker> registered = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What the breakers run: the wake-up handed to the waiting request's context. */
    private final Runnable wake = this::woken;
    private long timer = -1;

    /** @param onWake run once, on the caller's context, unless the wait was {@link #leave left} first */
    RecoveryWait(Vertx vertx, Runnable onWake) {
        this.vertx = vertx;
        this.onWake = onWake;
        this.here = vertx.getOrCreateContext();
    }

    /** Wakes it after {@code nanos} at the latest (the cooldown's end, or the most a request waits). */
    void timeout(long nanos) {
        timer = vertx.setTimer(Math.max(1, (nanos + 999_999) / 1_000_000), id -> woken());
    }

    /** Wakes it when the probe in flight at {@code breaker} ends. @return false when none is in flight there now */
    boolean onProbeOf(CircuitBreaker breaker, long now) {
        if (!breaker.awaitProbe(wake, now)) return false;
        registered.add(breaker);
        return true;
    }

    /** Out of every wait, its timer off; the wake-up will not run. */
    void leave() {
        if (over.compareAndSet(false, true)) cleanUp();
    }

    private void woken() {
        if (!over.compareAndSet(false, true)) return;
        here.runOnContext(v -> {
            cleanUp();
            onWake.run();
        });
    }

    private void cleanUp() {
        if (timer >= 0) vertx.cancelTimer(timer);
        for (CircuitBreaker b : registered) b.leaveProbeWait(wake);
    }
}
