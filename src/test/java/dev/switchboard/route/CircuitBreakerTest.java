package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.route.CircuitBreaker.Admission;
import dev.switchboard.route.FailurePolicy.Cooldown;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import org.junit.jupiter.api.Test;

/** Cooldowns on an explicit clock: allowed_fails within a minute, 429s, and the half-open probe. */
class CircuitBreakerTest {
    private static final long S = 1_000_000_000L;

    @Test
    void opensAtTheFailureAfterTheAllowedOnesWithinAMinuteOnly() {
        CircuitBreaker b = new CircuitBreaker(2, 5 * S); // LiteLLM's allowed_fails: 2 allowed, the third opens it
        assertThat(b.failed(Cooldown.COUNT, false, 0, 0)).isFalse();
        assertThat(b.failed(Cooldown.COUNT, false, 0, 30 * S)).isFalse();
        assertThat(b.failed(Cooldown.COUNT, false, 0, 61 * S)).as("the first failure is over a minute old").isFalse();
        assertThat(b.failed(Cooldown.COUNT, false, 0, 62 * S)).isTrue();
        assertThat(b.available(63 * S)).isFalse();
        assertThat(b.nanosUntilHalfOpen(63 * S)).isEqualTo(4 * S);
    }

    @Test
    void aRateLimitCoolsDownAtOnceForTheRetryAfter() {
        CircuitBreaker b = new CircuitBreaker(3, 5 * S);
        assertThat(b.failed(Cooldown.NOW, false, 2 * S, 0)).isTrue();
        assertThat(b.available(S)).isFalse();
        assertThat(b.available(2 * S)).isTrue();
        CircuitBreaker noHint = new CircuitBreaker(3, 5 * S);
        noHint.failed(Cooldown.NOW, false, 0, 0);
        assertThat(noHint.nanosUntilHalfOpen(0)).as("cooldown_time without retry-after").isEqualTo(5 * S);
    }

    @Test
    void halfOpenLetsOneProbeThroughAndItsOutcomeDecides() {
        CircuitBreaker b = new CircuitBreaker(0, 5 * S);
        b.failed(Cooldown.COUNT, false, 0, 0);
        assertThat(b.admit(4 * S)).isNull();
        assertThat(b.admit(5 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.admit(5 * S)).as("only one probe at a time").isNull();
        assertThat(b.failed(Cooldown.COUNT, true, 0, 6 * S)).as("a failed probe starts a new cooldown: counted").isTrue();
        assertThat(b.available(10 * S)).as("a failed probe reopens it").isFalse();
        assertThat(b.admit(11 * S)).isEqualTo(Admission.PROBE);
        b.succeeded(true);
        assertThat(b.closed()).isTrue();
        assertThat(b.admit(11 * S)).isEqualTo(Admission.NORMAL);
    }

    /** QA routing F3: each cooldown a failed trial call starts is one more cooldown, for the metric and the log. */
    @Test
    void everyFailedProbeStartsACooldownOfItsOwnButAFailureDuringOneDoesNot() {
        CircuitBreaker b = new CircuitBreaker(0, 5 * S);
        assertThat(b.failed(Cooldown.COUNT, false, 0, 0)).isTrue();
        assertThat(b.failed(Cooldown.NOW, false, 0, S)).as("a request sent before the cooldown: the same cooldown").isFalse();
        assertThat(b.admit(6 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.failed(Cooldown.NOW, true, 2 * S, 6 * S)).as("a probe's 429").isTrue();
        assertThat(b.admit(8 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.failed(Cooldown.COUNT, true, 0, 8 * S)).as("a probe's 500").isTrue();
        CircuitBreaker byPolicy = new CircuitBreaker(0, AllowedFailsPolicy.from(java.util.Map.of(SERVER, 0)), S);
        assertThat(byPolicy.failed(Cooldown.COUNT, SERVER, false, 0, 0)).isTrue();
        assertThat(byPolicy.admit(S)).isEqualTo(Admission.PROBE);
        assertThat(byPolicy.failed(Cooldown.COUNT, SERVER, true, 0, S)).as("a kind the policy names").isTrue();
    }

    @Test
    void aClientErrorOnAProbeClosesIt() {
        CircuitBreaker b = new CircuitBreaker(0, S);
        b.failed(Cooldown.COUNT, false, 0, 0);
        assertThat(b.admit(S)).isEqualTo(Admission.PROBE);
        b.failed(Cooldown.NONE, true, 0, S);
        assertThat(b.closed()).as("the deployment answered; the request was at fault").isTrue();
    }

    @Test
    void allowedFailsZeroOpensAtTheFirstFailureAndOneAtTheSecond() {
        assertThat(new CircuitBreaker(0, S).failed(Cooldown.COUNT, false, 0, 0)).isTrue();
        CircuitBreaker one = new CircuitBreaker(1, S);
        assertThat(one.failed(Cooldown.COUNT, false, 0, 0)).isFalse();
        assertThat(one.failed(Cooldown.COUNT, false, 0, 1)).isTrue();
    }

    private static final String RATE = "RateLimitErrorAllowedFails";
    private static final String SERVER = "InternalServerErrorAllowedFails";
    private static final String BAD = "BadRequestErrorAllowedFails";

    @Test
    void aPolicyKindIsCountedOnItsOwnAndA429ItNamesNoLongerOpensAtOnce() {
        CircuitBreaker b = new CircuitBreaker(0, AllowedFailsPolicy.from(java.util.Map.of(RATE, 2, SERVER, 1)), 5 * S);
        assertThat(b.failed(Cooldown.NOW, RATE, false, 3 * S, 0)).as("first 429: allowed").isFalse();
        assertThat(b.failed(Cooldown.COUNT, SERVER, false, 0, S)).as("a 500 counts in its own minute").isFalse();
        assertThat(b.failed(Cooldown.NOW, RATE, false, 3 * S, 2 * S)).isFalse();
        assertThat(b.failed(Cooldown.NOW, RATE, false, 3 * S, 3 * S)).as("the third 429 opens it").isTrue();
        assertThat(b.nanosUntilHalfOpen(3 * S)).as("for the last 429's retry-after").isEqualTo(3 * S);
    }

    @Test
    void aKindThePolicyLeavesOutKeepsAllowedFailsAndTheImmediate429() {
        CircuitBreaker b = new CircuitBreaker(1, AllowedFailsPolicy.from(java.util.Map.of(SERVER, 10)), 5 * S);
        assertThat(b.failed(Cooldown.COUNT, "TimeoutErrorAllowedFails", false, 0, 0)).isFalse();
        assertThat(b.failed(Cooldown.COUNT, null, false, 0, S)).as("the second of allowed_fails: 1").isTrue();
        CircuitBreaker c = new CircuitBreaker(5, AllowedFailsPolicy.from(java.util.Map.of(SERVER, 10)), 5 * S);
        assertThat(c.failed(Cooldown.NOW, RATE, false, 0, 0)).as("a 429 the policy does not name").isTrue();
    }

    @Test
    void theRoutersPolicyNeverCoolsDownOnA400ButADeploymentsOwnOptsItIn() {
        AllowedFailsPolicy router = AllowedFailsPolicy.from(java.util.Map.of(BAD, 0));
        CircuitBreaker routerWide = new CircuitBreaker(0, router, 5 * S);
        assertThat(routerWide.failed(Cooldown.NONE, BAD, false, 0, 0)).isFalse();
        assertThat(routerWide.closed()).isTrue();
        CircuitBreaker own = new CircuitBreaker(0, router.overriddenBy(java.util.Map.of(BAD, 1)), 5 * S);
        assertThat(own.failed(Cooldown.NONE, BAD, false, 0, 0)).isFalse();
        assertThat(own.failed(Cooldown.NONE, BAD, false, 0, S)).as("the second 400: one allowed").isTrue();
    }

    @Test
    void aDeploymentsOwnSettingsWinOverTheRoutersAndDisableCooldownsOverBoth() {
        RouterSettings settings = RouterSettings.from(java.util.Map.of("allowed_fails", 5, "cooldown_time", 10,
                "allowed_fails_policy", java.util.Map.of(SERVER, 7)), java.util.Map.of());
        var d = FakeProvider.deployment("a", "m", java.util.Map.of("cooldown_time", 2.0),
                java.util.Map.of("allowed_fails", 0, "allowed_fails_policy", java.util.Map.of(SERVER, 0)));
        CircuitBreaker b = CircuitBreaker.of(settings, d);
        assertThat(b.failed(Cooldown.COUNT, SERVER, false, 0, 0)).as("its own policy: none allowed").isTrue();
        assertThat(b.nanosUntilHalfOpen(0)).as("its own cooldown_time").isEqualTo(2 * S);
        CircuitBreaker plain = CircuitBreaker.of(settings, FakeProvider.deployment("a", "m2", java.util.Map.of(), java.util.Map.of()));
        for (int i = 0; i < 7; i++) assertThat(plain.failed(Cooldown.COUNT, SERVER, false, 0, i)).isFalse();
        assertThat(plain.failed(Cooldown.COUNT, SERVER, false, 0, 8)).isTrue();
        assertThat(plain.nanosUntilHalfOpen(8)).isEqualTo(10 * S);
        RouterSettings disabled = RouterSettings.from(java.util.Map.of("disable_cooldowns", true), java.util.Map.of());
        CircuitBreaker off = CircuitBreaker.of(disabled, d);
        off.failed(Cooldown.COUNT, SERVER, false, 0, 0);
        assertThat(off.nanosUntilHalfOpen(0)).as("disable_cooldowns wins over cooldown_time").isZero();
    }

    @Test
    void failuresAreKindedAsLiteLlmsExceptions() {
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.UPSTREAM, "refused"))).isEqualTo("BadGatewayErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.UNAVAILABLE, "busy"))).isEqualTo("ServiceUnavailableErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.INTERNAL, "boom"))).isEqualTo(SERVER);
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.RATE_LIMIT, "slow down"))).isEqualTo(RATE);
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.AUTHENTICATION, "bad key"))).isEqualTo("AuthenticationErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.PERMISSION, "no"))).isNull();
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.TIMEOUT, "slow"))).isEqualTo("TimeoutErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.NOT_FOUND, "no model"))).isEqualTo("NotFoundErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.BAD_REQUEST, "bad"))).isEqualTo(BAD);
        assertThat(AllowedFailsPolicy.kindOf(GatewayException.of(ErrorKind.BAD_REQUEST, "violates our content policy")))
                .isEqualTo("ContentPolicyViolationErrorAllowedFails");
    }

    /**
     * A failure keeps the provider's own status for its attempt records (a 500 behind our 502, Bedrock's 429
     * ModelNotReadyException behind our 503): a provider's 5xx names the kind, a 4xx we answer as a 5xx does not.
     */
    @Test
    void aProvidersOwnStatusKindsOnlyWhenItIsA5xx() {
        assertThat(AllowedFailsPolicy.kindOf(new GatewayException(ErrorKind.UPSTREAM, 502, "m", null, null, null, null)
                .fromUpstream(500))).isEqualTo(SERVER);
        assertThat(AllowedFailsPolicy.kindOf(new GatewayException(ErrorKind.UNAVAILABLE, 503, "m", null, null, null, null)
                .fromUpstream(429))).isEqualTo("ServiceUnavailableErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(new GatewayException(ErrorKind.UPSTREAM, 502, "m", null, null, null, null)
                .fromUpstream(424))).isEqualTo("BadGatewayErrorAllowedFails");
        assertThat(AllowedFailsPolicy.kindOf(new GatewayException(ErrorKind.TIMEOUT, 504, "m", null, null, null, null)
                .fromUpstream(408))).isEqualTo("TimeoutErrorAllowedFails");
    }

    @Test
    void aLargeAllowanceCountsWithoutATimestampEach() {
        CircuitBreaker b = new CircuitBreaker(0, AllowedFailsPolicy.from(java.util.Map.of(RATE, 10_000)), S);
        for (int i = 0; i < 10_000; i++) assertThat(b.failed(Cooldown.NOW, RATE, false, 0, i * 1000L)).isFalse();
        assertThat(b.failed(Cooldown.NOW, RATE, false, 0, 10_000_000L)).isTrue();
        assertThat(b.failed(Cooldown.NOW, RATE, false, 0, 0)).as("already open").isFalse();
    }

    @Test
    void aContentPolicyRefusalFallsThroughToTheBadRequestEntryAndAProbes400ClosesIt() {
        CircuitBreaker b = new CircuitBreaker(0, AllowedFailsPolicy.NONE.overriddenBy(java.util.Map.of(BAD, 1)), 5 * S);
        String policy = "ContentPolicyViolationErrorAllowedFails";
        assertThat(b.failed(Cooldown.NONE, policy, false, 0, 0)).isFalse();
        assertThat(b.failed(Cooldown.NONE, BAD, false, 0, S)).as("counted with the 400s: the second of one allowed").isTrue();
        assertThat(b.admit(6 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.failed(Cooldown.NONE, BAD, true, 0, 6 * S)).as("one 400 allowed: the probe's is the first").isFalse();
        assertThat(b.closed()).as("the probe was answered: the deployment is back").isTrue();
        assertThat(AllowedFailsPolicy.kindOf(new GatewayException(ErrorKind.UNAVAILABLE, 503, "full", null,
                dev.switchboard.model.BufferBudget.EXHAUSTED_CODE, null, null))).as("the gateway's own memory bound").isNull();
    }

    /** disable_cooldowns: LiteLLM's cooldown logic returns at once; nothing opens it, a 429's retry-after included. */
    @Test
    void aDisabledBreakerNeverOpensCountsOrProbes() {
        CircuitBreaker b = CircuitBreaker.disabled();
        for (int i = 0; i < 10; i++) {
            assertThat(b.failed(Cooldown.NOW, false, 20 * S, i * S)).isFalse();
            assertThat(b.failed(Cooldown.COUNT, false, 0, i * S)).isFalse();
        }
        assertThat(b.closed()).isTrue();
        assertThat(b.admit(11 * S)).isEqualTo(Admission.NORMAL);
        assertThat(b.cooldownsStarted()).isZero();
    }

    /** Requests waiting for the half-open probe are woken by its outcome, and a failure shows as a new cooldown. */
    @Test
    void waitersOfTheProbeAreWokenByItsOutcome() {
        CircuitBreaker b = new CircuitBreaker(0, 5 * S);
        b.failed(Cooldown.COUNT, false, 0, 0);
        java.util.concurrent.atomic.AtomicInteger woken = new java.util.concurrent.atomic.AtomicInteger();
        assertThat(b.awaitProbe(woken::incrementAndGet, S)).as("still cooling: nothing to wait for").isFalse();
        assertThat(b.admit(5 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.awaitProbe(woken::incrementAndGet, 5 * S)).isTrue();
        assertThat(b.awaitProbe(woken::incrementAndGet, 5 * S)).isTrue();
        long before = b.cooldownsStarted();
        b.failed(Cooldown.COUNT, true, 0, 6 * S);
        assertThat(woken.get()).isEqualTo(2);
        assertThat(b.cooldownsStarted()).as("the failed probe started a new cooldown").isEqualTo(before + 1);
        assertThat(b.admit(11 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.awaitProbe(woken::incrementAndGet, 11 * S)).isTrue();
        b.succeeded(true);
        assertThat(woken.get()).isEqualTo(3);
        assertThat(b.closed()).isTrue();
    }

    /** Review H1: waiters follow a trial call for its lease (the cooldown_time, at most 10 s), not its whole timeout. */
    @Test
    void aTrialCallIsFollowedForItsLeaseOnly() {
        CircuitBreaker b = new CircuitBreaker(0, 2 * S);
        assertThat(b.nanosUntilTrialOverdue(0)).as("closed: no trial call").isEqualTo(Long.MAX_VALUE);
        b.failed(Cooldown.COUNT, false, 0, 0);
        assertThat(b.nanosUntilTrialOverdue(S)).as("cooling: no trial call yet").isEqualTo(Long.MAX_VALUE);
        assertThat(b.admit(3 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.nanosUntilTrialOverdue(4 * S)).isEqualTo(S);
        assertThat(b.nanosUntilTrialOverdue(5 * S)).isZero();
        CircuitBreaker longCooldown = new CircuitBreaker(0, 300 * S);
        longCooldown.failed(Cooldown.COUNT, false, 0, 0);
        assertThat(longCooldown.admit(300 * S)).isEqualTo(Admission.PROBE);
        assertThat(longCooldown.nanosUntilTrialOverdue(300 * S)).as("at most 10 s").isEqualTo(CircuitBreaker.MAX_TRIAL_LEASE);
    }

    /**
     * LiteLLM's single-deployment rule (_should_cooldown_deployment, SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD): the
     * only deployment of its group is not cooled down by a 429 or by failures, only by a 401/404 at once or by a minute
     * of at least 1000 calls that all failed.
     */
    @Test
    void aLoneDeploymentCoolsDownOnlyAtA401Or404OrAThousandFailedCallsInAMinute() {
        CircuitBreaker b = CircuitBreaker.alone(5 * S);
        assertThat(b.lone()).isTrue();
        assertThat(b.failed(Cooldown.NOW, RATE, false, 20 * S, 0)).as("a 429").isFalse();
        for (int i = 0; i < 100; i++) assertThat(b.failed(Cooldown.COUNT, SERVER, false, 0, i)).isFalse();
        assertThat(b.closed()).isTrue();
        assertThat(b.failed(Cooldown.COUNT, "AuthenticationErrorAllowedFails", false, 0, 200)).as("a 401").isTrue();
        assertThat(b.nanosUntilHalfOpen(200)).isEqualTo(5 * S);
        assertThat(b.admit(6 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.failed(Cooldown.COUNT, SERVER, true, 0, 6 * S)).as("its trial call's 500 starts no cooldown").isFalse();
        assertThat(b.closed()).as("up again").isTrue();
        assertThat(b.failed(Cooldown.COUNT, "NotFoundErrorAllowedFails", false, 0, 7 * S)).as("a 404").isTrue();

        long minute = 120 * S; // a fresh minute: 999 failures, then the 1000th of 1000 calls, all failed
        CircuitBreaker busy = CircuitBreaker.alone(5 * S);
        for (int i = 0; i < CircuitBreaker.SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD - 1; i++) {
            assertThat(busy.failed(Cooldown.COUNT, SERVER, false, 0, minute + i)).isFalse();
        }
        assertThat(busy.failed(Cooldown.NOW, RATE, false, 0, minute + S)).as("the 1000th failed call").isTrue();

        CircuitBreaker served = CircuitBreaker.alone(5 * S);
        served.succeeded(false, minute);
        for (int i = 0; i < 2 * CircuitBreaker.SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD; i++) {
            assertThat(served.failed(Cooldown.COUNT, SERVER, false, 0, minute + i)).as("one success this minute").isFalse();
        }
    }

    /** The rule is LiteLLM's default one: a router allowed_fails other than 3 or a policy asks for counting instead. */
    @Test
    void theOnlyDeploymentOfItsGroupCountsFailuresWhenCountingIsAskedFor() {
        var d = FakeProvider.deployment("a", "m", java.util.Map.of(), java.util.Map.of());
        assertThat(CircuitBreaker.of(RouterSettings.defaults(), d, true).lone()).isTrue();
        assertThat(CircuitBreaker.of(RouterSettings.defaults(), d, false).lone()).as("one of several").isFalse();
        assertThat(CircuitBreaker.of(RouterSettings.from(java.util.Map.of("allowed_fails", 3), java.util.Map.of()), d, true)
                .lone()).as("LiteLLM's default written out").isTrue();
        assertThat(CircuitBreaker.of(RouterSettings.from(java.util.Map.of("allowed_fails", 0), java.util.Map.of()), d, true)
                .lone()).isFalse();
        assertThat(CircuitBreaker.of(RouterSettings.from(java.util.Map.of("allowed_fails_policy", java.util.Map.of(SERVER, 2)),
                java.util.Map.of()), d, true).lone()).isFalse();
        var own = FakeProvider.deployment("a", "m", java.util.Map.of(), java.util.Map.of("allowed_fails", 1));
        assertThat(CircuitBreaker.of(RouterSettings.defaults(), own, true).lone()).isFalse();
        CircuitBreaker counting = CircuitBreaker.of(RouterSettings.from(java.util.Map.of("allowed_fails", 0), java.util.Map.of()), d, true);
        assertThat(counting.failed(Cooldown.NOW, RATE, false, 0, 0)).as("a 429 cools it at once, as before").isTrue();
    }
}
