package dev.switchboard.route;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One deployment's cooldown. Closed: traffic flows and failures are counted; {@code allowed_fails} of them
 * within a minute (or one 429) open it for {@code cooldown_time} (or the provider's {@code retry-after}).
 * Open: the group skips it. Once the time is up it is half-open: exactly one request probes it; the probe's
 * success closes it, its failure opens it again. Successes touch one atomic read; only failures lock.
 */
final class CircuitBreaker {
    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final long CLOSED = Long.MIN_VALUE;

    private final int allowedFails;
    private final long cooldownNanos;
    /** {@link #CLOSED}, or the nanoTime at which the cooldown ends (after which it is half-open). */
    private final AtomicLong openUntil = new AtomicLong(CLOSED);
    private final AtomicBoolean probing = new AtomicBoolean();
    /** nanoTimes of recent failures, a ring of {@code allowedFails} entries; guarded by {@code this}. */
    private final long[] failures;
    private int nextFailure;
    private int failureCount;

    CircuitBreaker(int allowedFails, long cooldownNanos) {
        this.allowedFails = Math.max(1, allowedFails);
        this.cooldownNanos = cooldownNanos;
        this.failures = new long[this.allowedFails];
    }

    boolean closed() { return openUntil.get() == CLOSED; }

    /** May a request be sent now (closed, or half-open with its probe slot free)? */
    boolean available(long now) {
        long until = openUntil.get();
        return until == CLOSED || (now - until >= 0 && !probing.get());
    }

    /** Nanos until the cooldown ends: 0 when closed or already half-open. */
    long nanosUntilHalfOpen(long now) {
        long until = openUntil.get();
        return until == CLOSED ? 0 : Math.max(0, until - now);
    }

    /** The nanoTime the cooldown ends, {@link Long#MIN_VALUE} when closed; to rank deployments that are all cooling. */
    long openUntil() { return openUntil.get(); }

    /**
     * Claims the right to send one request. @return {@code Admission.NORMAL}, {@code PROBE} (the half-open
     * trial: its outcome must be reported) or null when the deployment may not be used now.
     */
    Admission admit(long now) {
        long until = openUntil.get();
        if (until == CLOSED) return Admission.NORMAL;
        if (now - until < 0) return null;
        return probing.compareAndSet(false, true) ? Admission.PROBE : null;
    }

    enum Admission { NORMAL, PROBE }

    /** A claimed probe was not sent after all. */
    void releaseProbe() { probing.set(false); }

    /** The deployment answered. A probe's success closes the breaker. */
    void succeeded(boolean probe) {
        if (probe) close();
    }

    /**
     * The deployment failed. @return true when this failure opened the breaker (for the log and the metric)
     *
     * @param retryAfterNanos the provider's retry-after, or 0
     */
    boolean failed(FailurePolicy.Cooldown effect, boolean probe, long retryAfterNanos, long now) {
        switch (effect) {
            case NONE -> {
                if (probe) close(); // it answered: the request was at fault, the deployment is fine
                return false;
            }
            case NOW -> {
                return open(now + (retryAfterNanos > 0 ? retryAfterNanos : cooldownNanos));
            }
            default -> {
                if (probe) return open(now + cooldownNanos);
                return countFailure(now) && open(now + cooldownNanos);
            }
        }
    }

    /** Records a failure; true when {@code allowedFails} of them fall within the last minute. */
    private synchronized boolean countFailure(long now) {
        failures[nextFailure] = now;
        nextFailure = (nextFailure + 1) % failures.length;
        failureCount = Math.min(failureCount + 1, failures.length);
        if (failureCount < failures.length) return false;
        long oldest = failures[nextFailure]; // the ring is full: the next slot holds the oldest
        return now - oldest <= WINDOW_NANOS;
    }

    private synchronized boolean open(long until) {
        boolean wasClosed = openUntil.get() == CLOSED;
        openUntil.set(until);
        probing.set(false);
        failureCount = 0;
        return wasClosed;
    }

    private synchronized void close() {
        openUntil.set(CLOSED);
        probing.set(false);
        failureCount = 0;
    }
}
