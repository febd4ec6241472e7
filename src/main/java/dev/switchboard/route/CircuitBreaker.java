package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One deployment's cooldown. Closed: traffic flows and failures are counted; more than {@code allowed_fails} of them
 * within a minute (LiteLLM's rule: that many are allowed, the next one cools it down), or one 429, open it for
 * {@code cooldown_time} (or the provider's {@code retry-after}). An {@code allowed_fails_policy} gives a kind of failure
 * a count of its own ({@link AllowedFailsPolicy}); a 429 it names is counted like the rest instead of opening at once.
 * Open: the group skips it. Once the time is up it is half-open: exactly one request probes it; the probe's
 * success closes it, its failure opens it again. Successes touch one atomic read; only failures lock.
 *
 * <p>Requests with nowhere else to go wait for the probe's outcome ({@link #awaitProbe}): they are woken when it ends
 * (or is not sent after all), and {@link #cooldownsStarted} tells them whether it failed. With LiteLLM's
 * {@code disable_cooldowns} the breaker is {@link #disabled}: it never opens, counts nothing and limits nothing.
 *
 * <p>A deployment that is the only one of its {@code model_name} follows LiteLLM's single-deployment rule
 * ({@link #lone}; {@code _should_cooldown_deployment} in its {@code router_utils/cooldown_handlers.py}): neither a 429
 * nor a failure rate cools it down, since there is nothing to steer its traffic to; only a 401 or 404 (a failure
 * LiteLLM's {@code _should_retry} would not retry) does, at once, or a minute in which at least
 * {@link #SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD} calls reached it and every one failed.
 */
final class CircuitBreaker {
    private static final long CLOSED = Long.MIN_VALUE;
    /** The window of failures without a kind of their own in the policy. */
    private static final String ANY = "";

    /** Failures that open it: one more than {@code allowed_fails}. */
    private final int threshold;
    private final AllowedFailsPolicy policy;
    private final long cooldownNanos;
    /** {@link #CLOSED}, or the nanoTime at which the cooldown ends (after which it is half-open). */
    private final AtomicLong openUntil = new AtomicLong(CLOSED);
    private final AtomicBoolean probing = new AtomicBoolean();
    /** The nanoTime the trial call now in flight was admitted (meaningful while {@link #probing}). */
    private volatile long probeStartedAt;
    /** The last minute's failures, per kind the policy names and {@link #ANY} for the rest; guarded by {@code this}. */
    private final Map<String, FailureWindow> windows = new HashMap<>(4);
    /** {@code disable_cooldowns}: never opens, so never a cooldown, a probe, a count or a log line. */
    private final boolean disabled;
    /** Cooldowns started so far (see {@link #failed}); a waiting request compares it to see a failed probe. */
    private final AtomicLong cooldownsStarted = new AtomicLong();
    /** Wake-ups of requests waiting for the probe in flight ({@link #awaitProbe}); null when none; guarded by {@code this}. */
    private List<Runnable> probeWaiters;

    /**
     * LiteLLM's {@code SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD} ({@code litellm/constants.py}): the calls within a
     * minute, all of them failed, that cool down the only deployment of a group ("reasonable traffic").
     */
    static final int SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD = 1000;
    private static final long MINUTE_NANOS = 60_000_000_000L;
    /**
     * LiteLLM's single-deployment rule applies: the deployment is the only one of its {@code model_name} and no
     * {@code allowed_fails} or {@code allowed_fails_policy} asks for counting ({@link #of(RouterSettings, Deployment, boolean)}).
     */
    private final boolean lone;
    /** {@link #lone}: the minute (nanoTime / 60 s) of the last success; a failure in the same minute is not "all failed". */
    private volatile long successMinute = Long.MIN_VALUE;
    /** {@link #lone}: the minute {@link #failuresThisMinute} counts; guarded by {@code this}. */
    private long failureMinute = Long.MIN_VALUE;
    /** {@link #lone}: the failures counted in {@link #failureMinute}; guarded by {@code this}. */
    private int failuresThisMinute;

    /** @param allowedFails LiteLLM's {@code allowed_fails}: failures allowed within a minute; the next one opens it */
    CircuitBreaker(int allowedFails, long cooldownNanos) {
        this(allowedFails, AllowedFailsPolicy.NONE, cooldownNanos);
    }

    CircuitBreaker(int allowedFails, AllowedFailsPolicy policy, long cooldownNanos) {
        this(allowedFails, policy, cooldownNanos, false);
    }

    private CircuitBreaker(int allowedFails, AllowedFailsPolicy policy, long cooldownNanos, boolean disabled) {
        this(allowedFails, policy, cooldownNanos, disabled, false);
    }

    private CircuitBreaker(int allowedFails, AllowedFailsPolicy policy, long cooldownNanos, boolean disabled, boolean lone) {
        this.threshold = Math.max(0, allowedFails) + 1;
        this.policy = policy;
        this.cooldownNanos = cooldownNanos;
        this.disabled = disabled;
        this.lone = lone;
    }

    /** The breaker of the only deployment of its group under LiteLLM's single-deployment rule ({@link #lone}). */
    static CircuitBreaker alone(long cooldownNanos) {
        return new CircuitBreaker(RouterSettings.DEFAULT_ALLOWED_FAILS, AllowedFailsPolicy.NONE, cooldownNanos, false, true);
    }

    /**
     * The breaker of {@code disable_cooldowns}: LiteLLM's {@code _set_cooldown_deployments} returns before anything when
     * it is set, so no failure (a 429 with its retry-after included) takes the deployment out, starts a cooldown, is
     * counted toward one, or limits it to one probe at a time.
     */
    static CircuitBreaker disabled() { return new CircuitBreaker(0, AllowedFailsPolicy.NONE, 0, true); }

    /**
     * A deployment's breaker: the router's {@code allowed_fails}, {@code allowed_fails_policy} and {@code cooldown_time},
     * each overridden by the deployment's own ({@code model_info.allowed_fails}, {@code model_info.allowed_fails_policy},
     * {@code model_info.cooldown_time} or {@code litellm_params.cooldown_time}, as LiteLLM reads them).
     * {@code disable_cooldowns} wins over all of them: the breaker never opens ({@link #disabled()}).
     */
    static CircuitBreaker of(RouterSettings settings, Deployment d) {
        return of(settings, d, false);
    }

    /**
     * @param alone the deployment is the only one of its {@code model_name} (or of its wildcard pattern): LiteLLM's
     *              {@code is_single_deployment_model_group}. Its single-deployment rule applies ({@link #lone}) unless
     *              counting was asked for: the router's {@code allowed_fails} set to other than LiteLLM's default 3, or
     *              an {@code allowed_fails_policy} (LiteLLM's {@code _is_allowed_fails_set_on_router} and
     *              {@code allowed_fails_policy} switch to its counting rule, which cools a lone deployment too), or the
     *              deployment's own {@code model_info.allowed_fails} / {@code allowed_fails_policy}
     */
    static CircuitBreaker of(RouterSettings settings, Deployment d, boolean alone) {
        if (settings.cooldownsDisabled()) return disabled();
        Map<String, Object> info = d.modelInfo();
        int allowed = info.get("allowed_fails") instanceof Number n ? n.intValue() : settings.allowedFails();
        AllowedFailsPolicy policy = settings.allowedFailsPolicy().overriddenBy(info.get("allowed_fails_policy"));
        Object own = info.get("cooldown_time") != null ? info.get("cooldown_time") : d.params().get("cooldown_time");
        long cooldown = own instanceof Number n
                ? Math.round(n.doubleValue() * 1e9) : settings.cooldown().toNanos();
        // a cooldown of 0 keeps nothing out: no breaker at all, rather than one open for 0 s, half-open at once, that lets
        // one trial call through at a time (LiteLLM's 0 s cooldown excludes nothing either)
        if (cooldown <= 0) return disabled();
        boolean counting = settings.allowedFails() != RouterSettings.DEFAULT_ALLOWED_FAILS
                || !settings.allowedFailsPolicy().isEmpty() || info.get("allowed_fails") != null
                || info.get("allowed_fails_policy") != null;
        if (alone && !counting) return alone(cooldown);
        return new CircuitBreaker(allowed, policy, cooldown);
    }

    /** LiteLLM's single-deployment rule applies to it ({@link #lone}): a 429 or a failure rate does not cool it down. */
    boolean lone() { return lone; }

    boolean closed() { return openUntil.get() == CLOSED; }

    /** It never opens ({@code disable_cooldowns}, or a {@code cooldown_time} of 0): it gates nothing. */
    boolean gatesNothing() { return disabled; }

    /**
     * How long requests with nowhere else to go follow a trial call in flight before they stop waiting for it and are
     * sent to the deployment themselves: the deployment's {@code cooldown_time}, at most {@link #MAX_TRIAL_LEASE}. A
     * trial call that has not answered by then (a hung upstream, a long reasoning call) says nothing yet, and holding
     * every other caller for its whole {@code timeout} (600 s by default) would do more harm than the failure did.
     */
    static final long MAX_TRIAL_LEASE = 10_000_000_000L;

    /**
     * Nanos until the trial call in flight has run longer than its lease ({@link #MAX_TRIAL_LEASE}): 0 when it has,
     * {@link Long#MAX_VALUE} when no trial call is in flight.
     */
    long nanosUntilTrialOverdue(long now) {
        long until = openUntil.get();
        if (until == CLOSED || now - until < 0 || !probing.get()) return Long.MAX_VALUE;
        long lease = Math.min(cooldownNanos, MAX_TRIAL_LEASE);
        long since = probeStartedAt;
        if (since - until < 0) return lease; // admitted this instant, its start not written yet: a fresh lease
        return Math.max(0, lease - (now - since));
    }

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
        if (!probing.compareAndSet(false, true)) return null;
        probeStartedAt = now;
        return Admission.PROBE;
    }

    enum Admission { NORMAL, PROBE }

    /** A claimed probe was not sent after all, or ended with no outcome (its client left): another request may probe. */
    void releaseProbe() {
        List<Runnable> wake;
        synchronized (this) {
            probing.set(false);
            wake = takeWaiters();
        }
        wake(wake);
    }

    /** Cooldowns started so far (each counted once, as the metric counts them): a change means a new cooldown began. */
    long cooldownsStarted() { return cooldownsStarted.get(); }

    /**
     * Registers {@code wake} to be run once the probe now in flight ends (closed, opened again, or released). @return
     * false, registering nothing, when no probe is in flight now (closed, still cooling, or half-open with its slot free)
     */
    synchronized boolean awaitProbe(Runnable wake, long now) {
        long until = openUntil.get();
        if (until == CLOSED || now - until < 0 || !probing.get()) return false;
        if (probeWaiters == null) probeWaiters = new ArrayList<>(4);
        probeWaiters.add(wake);
        return true;
    }

    /** A request waiting for the probe left (its client went, its wait ran out). */
    synchronized void leaveProbeWait(Runnable wake) {
        if (probeWaiters != null) probeWaiters.remove(wake);
    }

    /** Under {@code this}: the waiters to wake, taken out. */
    private List<Runnable> takeWaiters() {
        List<Runnable> w = probeWaiters;
        probeWaiters = null;
        return w;
    }

    /** Outside the lock: each wake-up only hands the waiting request to its own event loop. */
    private static void wake(List<Runnable> waiters) {
        if (waiters != null) waiters.forEach(Runnable::run);
    }

    /** The deployment answered. A probe's success closes the breaker. */
    void succeeded(boolean probe) {
        if (probe) close();
    }

    /** The deployment answered at {@code now}: {@link #succeeded(boolean)}, and a lone one notes the minute (one read). */
    void succeeded(boolean probe, long now) {
        if (lone) {
            long minute = Math.floorDiv(now, MINUTE_NANOS);
            if (successMinute != minute) successMinute = minute;
        }
        succeeded(probe);
    }

    /** The deployment failed, of no kind the policy names: {@link #failed(FailurePolicy.Cooldown, String, boolean, long, long)}. */
    boolean failed(FailurePolicy.Cooldown effect, boolean probe, long retryAfterNanos, long now) {
        return failed(effect, null, probe, retryAfterNanos, now);
    }

    /**
     * The deployment failed. @return true when this failure started a cooldown (for the log and the metric): it opened
     * a closed breaker, or it was the half-open probe's and opened the breaker again (a new cooldown, counted like the
     * first). A failure that only moves the end of a cooldown already running (a request sent before it began) is not.
     *
     * @param kind            LiteLLM's kind of the failure ({@link AllowedFailsPolicy#kindOf}), or null
     * @param retryAfterNanos the provider's retry-after, or 0
     */
    boolean failed(FailurePolicy.Cooldown effect, String kind, boolean probe, long retryAfterNanos, long now) {
        if (disabled) return false;
        long openFor = retryAfterNanos > 0 && effect == FailurePolicy.Cooldown.NOW ? retryAfterNanos : cooldownNanos;
        if (lone) {
            // LiteLLM's _should_cooldown_deployment for a single-deployment group: a 429 or a failure rate never cools it
            // (there is nowhere to steer its traffic); a failure _should_retry would not retry (401, 404) does, as does
            // a minute of at least SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD calls that all failed
            boolean cool = effect != FailurePolicy.Cooldown.NONE && (allFailedAtTraffic(now)
                    | "AuthenticationErrorAllowedFails".equals(kind) | "NotFoundErrorAllowedFails".equals(kind));
            if (cool) return open(now + openFor, probe);
            if (probe) close(); // its cooldown (a 401's) is over and this failure starts none: it is up again
            return false;
        }
        Integer allowedOfKind = policy.isEmpty() ? null : policy.allowedFor(kind, effect != FailurePolicy.Cooldown.NONE);
        if (allowedOfKind != null) {
            if (effect == FailurePolicy.Cooldown.NONE) {
                // a 400 the deployment's own policy counts: on a probe it still answered, so it is back; the 400 counts
                if (probe) close();
            } else if (probe) {
                return open(now + openFor, true);
            }
            return countFailure(policy.named(kind), allowedOfKind + 1, now) && open(now + openFor, false);
        }
        switch (effect) {
            case NONE -> {
                if (probe) close(); // it answered: the request was at fault, the deployment is fine
                return false;
            }
            case NOW -> {
                return open(now + openFor, probe);
            }
            default -> {
                if (probe) return open(now + cooldownNanos, true);
                return countFailure(ANY, threshold, now) && open(now + cooldownNanos, false);
            }
        }
    }

    /**
     * {@link #lone}: counts a failure in this minute; true when at least {@link #SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD}
     * calls reached the deployment this minute and every one failed (LiteLLM's {@code percent_fails == 1.0} and
     * {@code total_requests_this_minute >= SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD}).
     */
    private synchronized boolean allFailedAtTraffic(long now) {
        long minute = Math.floorDiv(now, MINUTE_NANOS);
        if (failureMinute != minute) {
            failureMinute = minute;
            failuresThisMinute = 0;
        }
        if (failuresThisMinute < Integer.MAX_VALUE) failuresThisMinute++;
        return failuresThisMinute >= SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD && successMinute != minute;
    }

    /** Records a failure in its window; true when {@code threshold} of them fall within the last minute. */
    private synchronized boolean countFailure(String window, int threshold, long now) {
        return windows.computeIfAbsent(window, k -> new FailureWindow()).record(now, threshold);
    }

    /**
     * @param probe the failure is the half-open probe's: the breaker is open (its cooldown over) and opens again, a new
     *              cooldown. @return whether a cooldown started: the breaker was closed, or it is the probe's failure
     */
    private boolean open(long until, boolean probe) {
        boolean started;
        List<Runnable> wake;
        synchronized (this) {
            boolean wasClosed = openUntil.get() == CLOSED;
            openUntil.set(until);
            probing.set(false);
            windows.values().forEach(FailureWindow::clear);
            started = wasClosed || probe;
            if (started) cooldownsStarted.incrementAndGet();
            wake = takeWaiters();
        }
        wake(wake);
        return started;
    }

    private void close() {
        List<Runnable> wake;
        synchronized (this) {
            openUntil.set(CLOSED);
            probing.set(false);
            windows.values().forEach(FailureWindow::clear);
            wake = takeWaiters();
        }
        wake(wake);
    }
}
