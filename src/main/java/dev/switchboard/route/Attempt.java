package dev.switchboard.route;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call to one deployment, from admission to its end. Keeps the deployment's in-flight count, latency,
 * usage window and breaker true: it is counted in flight until {@link #end} (for a stream, until the stream
 * ends), and every outcome is reported exactly once.
 */
final class Attempt implements ServingAttempt {
    final DeploymentState state;
    private final boolean probe;
    private final long startedNanos;
    private final long reservedTokens;
    /** Whether it holds one of the deployment's max_parallel_requests slots, given back at its end. */
    private final boolean holdsSlot;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Whether the breaker was told the outcome (answered or failed); a probe that ends without one gives its slot back. */
    private volatile boolean outcomeTold;
    /** Told when its stream breaks after the first byte: the run that made it (an object there already, so none is made). */
    private final Breaks breaks;

    /**
     * Who accounts for a stream that broke after its first byte as for any other failed attempt: the cooldown it started
     * (the WARN line and the cooldowns counter) and the attempt listener (the attempt-error metric, the attempt span).
     */
    interface Breaks {
        /** @param cooldownStarted whether this break started a cooldown of the deployment */
        void brokeMidStream(Attempt attempt, GatewayException error, boolean cooldownStarted, long now);
    }

    /**
     * @param reservedTokens tokens taken from the usage window at admission (0 when it is not tracked)
     * @param breaks         told when the attempt's stream breaks after its first byte
     */
    Attempt(DeploymentState state, boolean probe, long reservedTokens, boolean holdsSlot, Breaks breaks, long now) {
        this.state = state;
        this.breaks = breaks;
        this.probe = probe;
        this.reservedTokens = reservedTokens;
        this.holdsSlot = holdsSlot;
        this.startedNanos = now;
        state.inFlight.incrementAndGet();
    }

    @Override
    public long startedNanos() { return startedNanos; }

    @Override
    public String deployment() { return state.id(); }

    @Override
    public String modelId() { return state.modelId(); }

    /**
     * Whether the call is still out at the deployment (it has the prompt and may bill it): false once it failed, was
     * retried or ended. A client that leaves while the run waits between attempts left no call in flight.
     */
    boolean inFlight() { return !ended.get(); }

    /** The deployment answered (for a stream: its status and headers arrived). */
    void answered(long now) {
        state.recordLatency((now - startedNanos) / 1e6);
        outcomeTold = true;
        state.breaker.succeeded(probe, now);
    }

    /** Whether it is the half-open trial call of a deployment whose cooldown is over. */
    boolean probe() { return probe; }

    /** It failed before answering. @return true when this failure started a cooldown (a failed trial call's included) */
    boolean failed(Throwable error, FailurePolicy.Verdict verdict, long now) {
        // A timeout is the slowest possible answer: latency-based routing must see it.
        if (error instanceof GatewayException g && g.kind() == ErrorKind.TIMEOUT) {
            state.recordLatency((now - startedNanos) / 1e6);
        }
        long retryAfter = error instanceof GatewayException g && g.retryAfterSeconds() != null
                ? g.retryAfterSeconds() * 1_000_000_000L : 0;
        outcomeTold = true;
        end(null, now);
        return state.breaker.failed(verdict.cooldown(), AllowedFailsPolicy.kindOf(error), probe, retryAfter, now);
    }

    /**
     * A stream broke after it started (upstream: never the call's own cancellation): it counts toward the deployment's
     * cooldown, though nothing can fall back, and is accounted for as any failed attempt is ({@link Breaks}).
     */
    void brokeMidStream(GatewayException error, long now) {
        // the one that ends it counts it: a cancel that ended it first (the client left) leaves nothing to count
        if (!end(null, now)) return;
        // as a failure before the answer counts (FailurePolicy): a 429 error event cools down at once with its
        // retry-after, a request's own fault (a 400 event) counts nothing, a break or a server error counts one
        FailurePolicy.Cooldown cooldown = FailurePolicy.classify(error).cooldown();
        long retryAfter = error.retryAfterSeconds() != null ? error.retryAfterSeconds() * 1_000_000_000L : 0;
        boolean cooldownStarted = state.breaker.failed(cooldown, AllowedFailsPolicy.kindOf(error), false, retryAfter, now);
        breaks.brokeMidStream(this, error, cooldownStarted, now);
    }

    /**
     * The answer is complete (or the client left); {@code usage}, when known, corrects the token estimate.
     *
     * @return whether this call ended it (false when it had ended already)
     */
    boolean end(Usage usage, long now) {
        if (!ended.compareAndSet(false, true)) return false;
        state.inFlight.decrementAndGet();
        // a probe that ends with no outcome (its client left, its provider refused before calling, a max_retries retry
        // follows): the slot goes back, or the deployment would wait for a verdict that never comes
        if (probe && !outcomeTold) state.breaker.releaseProbe();
        if (holdsSlot) state.slots.release(); // a stream's slot is held until it ends, not just to its first byte
        if (reservedTokens > 0 && usage != null) state.usage.correct(now, reservedTokens, usage.totalTokens());
        return true;
    }
}
