package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.route.CircuitBreaker.Admission;
import dev.switchboard.route.FailurePolicy.Cooldown;
import org.junit.jupiter.api.Test;

/** Cooldowns on an explicit clock: allowed_fails within a minute, 429s, and the half-open probe. */
class CircuitBreakerTest {
    private static final long S = 1_000_000_000L;

    @Test
    void opensAfterAllowedFailsWithinAMinuteOnly() {
        CircuitBreaker b = new CircuitBreaker(3, 5 * S);
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
        CircuitBreaker b = new CircuitBreaker(1, 5 * S);
        b.failed(Cooldown.COUNT, false, 0, 0);
        assertThat(b.admit(4 * S)).isNull();
        assertThat(b.admit(5 * S)).isEqualTo(Admission.PROBE);
        assertThat(b.admit(5 * S)).as("only one probe at a time").isNull();
        b.failed(Cooldown.COUNT, true, 0, 6 * S);
        assertThat(b.available(10 * S)).as("a failed probe reopens it").isFalse();
        assertThat(b.admit(11 * S)).isEqualTo(Admission.PROBE);
        b.succeeded(true);
        assertThat(b.closed()).isTrue();
        assertThat(b.admit(11 * S)).isEqualTo(Admission.NORMAL);
    }

    @Test
    void aClientErrorOnAProbeClosesIt() {
        CircuitBreaker b = new CircuitBreaker(1, S);
        b.failed(Cooldown.COUNT, false, 0, 0);
        assertThat(b.admit(S)).isEqualTo(Admission.PROBE);
        b.failed(Cooldown.NONE, true, 0, S);
        assertThat(b.closed()).as("the deployment answered; the request was at fault").isTrue();
    }
}
