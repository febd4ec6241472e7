package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.switchboard.model.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
    private static final long MINUTE = 60_000_000_000L;
    private final LocalRateLimiter limiter = new LocalRateLimiter();

    @Test
    void rpmIsABucketThatRefillsAtItsRate() {
        RateLimiter.Limits l = new RateLimiter.Limits(3L, null, null);
        for (int i = 0; i < 3; i++) limiter.acquire("k", l, 1, 0).release(1, 0);
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, 0)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterSeconds()).isEqualTo(20); // one request every 20 s at 3 a minute
            assertThat(e.headers()).containsEntry("x-ratelimit-remaining-requests", "0").containsEntry("x-ratelimit-limit-requests", "3");
        });
        RateLimiter.Permit p = limiter.acquire("k", l, 1, MINUTE / 3);
        assertThat(p.headers()).containsEntry("x-ratelimit-remaining-requests", "0");
        assertThat(limiter.acquire("other", l, 1, 0).headers()).as("keys are apart").containsEntry("x-ratelimit-remaining-requests", "2");
    }

    @Test
    void aRaisedLimitGivesItsDifferenceAtOnceAndALoweredOneTakesItBack() {
        RateLimiter.Limits two = new RateLimiter.Limits(2L, null, null);
        limiter.acquire("k", two, 1, 0);
        limiter.acquire("k", two, 1, 0);
        assertThatThrownBy(() -> limiter.acquire("k", two, 1, 0)).hasMessageContaining("rpm_limit (2");
        RateLimiter.Limits ten = new RateLimiter.Limits(10L, null, null);
        for (int i = 0; i < 8; i++) limiter.acquire("k", ten, 1, 0); // the 2 used stay used: 8 more now
        assertThatThrownBy(() -> limiter.acquire("k", ten, 1, 0)).hasMessageContaining("rpm_limit (10");
        // lowered with the bucket full: no more than the new limit
        RateLimiter.Limits tenT = new RateLimiter.Limits(null, 1000L, null);
        limiter.acquire("t", tenT, 10, 0).release(10, 0);
        RateLimiter.Permit p = limiter.acquire("t", new RateLimiter.Limits(null, 100L, null), 10, 0);
        assertThat(p.headers()).containsEntry("x-ratelimit-remaining-tokens", "80");
        // lowered below what was used: empty, not a debt of many minutes (a minute's refill lets it go on)
        assertThat(LocalRateLimiter.State.moved(500_000, 1_000_000, 10_000)).isZero();
        assertThat(LocalRateLimiter.State.moved(-50, 1_000, 100)).as("a debt the key had stays").isEqualTo(-50);
        assertThat(LocalRateLimiter.State.moved(-5_000, 10_000, 100)).as("within minus the new limit").isEqualTo(-100);
        RateLimiter.Limits big = new RateLimiter.Limits(100L, null, null);
        for (int i = 0; i < 50; i++) limiter.acquire("r", big, 1, 0);
        RateLimiter.Limits small = new RateLimiter.Limits(10L, null, null);
        assertThatThrownBy(() -> limiter.acquire("r", small, 1, 0)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(6)); // one request at 10 a minute, not minutes of debt
    }

    @Test
    void aLimitOfZeroRefusesEveryRequestWithTheWindowAsItsWaitAndRaisedGivesTheWholeNewLimit() {
        // LiteLLM's limiter counts the request before comparing (1 > 0): a 0 limit refuses every request, retry-after 60 s.
        // Here a 0 rate never refills, and the wait was 1 / 0 = Infinity, sent as Long.MAX_VALUE seconds.
        for (RateLimiter.Limits zero : new RateLimiter.Limits[] {new RateLimiter.Limits(0L, null, null),
                new RateLimiter.Limits(null, 0L, null), new RateLimiter.Limits(null, null, 0L)}) {
            String field = zero.rpm() != null ? "rpm_limit" : zero.tpm() != null ? "tpm_limit" : "max_parallel_requests";
            for (long at : new long[] {0, MINUTE, 10 * MINUTE}) {
                assertThatThrownBy(() -> limiter.acquire("z-" + field, "team: red", zero, 1, at))
                        .isInstanceOfSatisfying(GatewayException.class, e -> {
                            assertThat(e.status()).isEqualTo(429);
                            assertThat(e.retryAfterSeconds()).as(field).isEqualTo(60);
                            assertThat(e.getMessage()).isEqualTo("Rate limit exceeded for team: red: " + field
                                    + " is 0: no request of team: red is served. Retry after 60 s.");
                        });
            }
        }
        assertThatThrownBy(() -> limiter.acquire("z", new RateLimiter.Limits(0L, null, null), 1, 0))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.headers())
                        .containsEntry("x-ratelimit-limit-requests", "0").containsEntry("x-ratelimit-remaining-requests", "0"));
        // an admin raises it: the new limit is there at once, as from no limit
        RateLimiter.Limits three = new RateLimiter.Limits(3L, null, null);
        for (int i = 0; i < 3; i++) limiter.acquire("z", three, 1, 1);
        assertThatThrownBy(() -> limiter.acquire("z", three, 1, 1)).hasMessageContaining("rpm_limit (3 requests a minute)");
        // and lowered to 0 again: refused at once, whatever was left
        limiter.acquire("y", three, 1, 0);
        assertThatThrownBy(() -> limiter.acquire("y", new RateLimiter.Limits(0L, null, null), 1, 0)).hasMessageContaining("rpm_limit is 0");
    }

    @Test
    void tpmReservesTheEstimateUpFrontAndSettlesToTheRealUsage() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, 100L, null);
        RateLimiter.Permit a = limiter.acquire("k", l, 30, 0);
        assertThat(a.headers()).containsEntry("x-ratelimit-remaining-tokens", "70");
        a.release(90, 0); // it really used 90: 10 left
        assertThatThrownBy(() -> limiter.acquire("k", l, 30, 0)).as("30 do not fit in the 10 left")
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.getMessage()).contains("tpm_limit (100 tokens a minute) reached: this request reserves 30 tokens")
                            .contains("10 are left");
                    assertThat(e.retryAfterSeconds()).isEqualTo(12); // 20 more at 100 a minute
                    assertThat(e.headers()).containsEntry("x-ratelimit-remaining-tokens", "10");
                });
        RateLimiter.Permit b = limiter.acquire("k", l, 10, 0); // 10 fit exactly
        b.release(-1, 0);                                     // usage unknown: the reservation stands
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, 0)).hasMessageContaining("tpm_limit (100 tokens a minute)");
        limiter.acquire("k", l, 1, MINUTE); // a minute refills it
    }

    /** QA 2026-12-06 (overshoot, finding 3): 100 concurrent calls all passed a 1,000 tpm that took 2 tokens each. */
    @Test
    void aConcurrentBurstIsAdmittedOnlyAsFarAsItsReservationsFit() throws Exception {
        RateLimiter.Limits l = new RateLimiter.Limits(null, 1_000L, null);
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<RateLimiter.Permit> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 100; i++) {
                pool.submit(() -> {
                    try {
                        held.add(limiter.acquire("k", l, 22, 0)); // "hi there" (2) + max_tokens 20
                        admitted.incrementAndGet();
                    } catch (GatewayException refused) {
                        assertThat(refused.status()).isEqualTo(429);
                    }
                });
            }
        }
        assertThat(admitted.get()).isEqualTo(45); // 45 × 22 = 990 of 1,000
        // they used less than they reserved: the rest comes back, no more than a full bucket
        held.forEach(p -> p.release(17, 0));
        assertThat(limiter.acquire("k", l, 1, 0).headers()).containsEntry("x-ratelimit-remaining-tokens", String.valueOf(1_000 - 45 * 17 - 1));
        RateLimiter.Permit lone = limiter.acquire("lone", l, 900, 0);
        limiter.acquire("lone", l, 1, MINUTE); // refilled to the top while it ran
        lone.release(0, MINUTE);
        assertThat(limiter.acquire("lone", l, 1, MINUTE).headers()).as("not over a full bucket")
                .containsEntry("x-ratelimit-remaining-tokens", "999");
    }

    @Test
    void aRequestLargerThanTheWholeLimitWaitsForAFullBucketAndItsDebtStopsAtOneLimit() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, 1_000L, null);
        RateLimiter.Permit big = limiter.acquire("k", l, 20_000, 0); // n=100 × max_tokens 200: admitted on a full bucket
        assertThat(big.headers()).containsEntry("x-ratelimit-remaining-tokens", "0");
        big.release(1_200, 0); // it used 1,200: 200 over the limit
        // -200 + 15 s of refill (250) = 50: a small one fits, the big one waits for a full bucket again
        limiter.acquire("k", l, 10, MINUTE / 4).release(10, MINUTE / 4);
        assertThatThrownBy(() -> limiter.acquire("k", l, 20_000, MINUTE / 4)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(58)); // from 40 to 1,000 at 1,000 a minute: 57.6 s
        limiter.acquire("k", l, 20_000, MINUTE / 4 + 58 * MINUTE / 60).release(33_180, MINUTE / 4 + 58 * MINUTE / 60);
        // 33,180 real tokens (QA's 30 × n=100 burst) locked the key out for 1,931 s; the debt now stops at -1,000
        long at = MINUTE / 4 + 58 * MINUTE / 60;
        assertThatThrownBy(() -> limiter.acquire("k", l, 22, at)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.retryAfterSeconds()).isEqualTo(62); // 1,022 tokens at 1,000 a minute
            assertThat(e.headers()).containsEntry("x-ratelimit-remaining-tokens", "0");
        });
        limiter.acquire("k", l, 22, at + 62 * MINUTE / 60);
    }

    @Test
    void theDebtOfManyCallsThatSetNoOutputLimitStopsAtOneLimit() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, 100L, null);
        java.util.List<RateLimiter.Permit> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) burst.add(limiter.acquire("k", l, 2, 0)); // prompt only: 50 × 2 fit in 100
        assertThatThrownBy(() -> limiter.acquire("k", l, 2, 0)).isInstanceOf(GatewayException.class);
        burst.forEach(p -> p.release(500, 0)); // each answered at length: 25,000 tokens
        assertThatThrownBy(() -> limiter.acquire("k", l, 2, 0)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(62)); // a minute and a bit, not 250 minutes
        assertThat(limiter.usage()).as("the others still hear of every token").containsExactly(new RateLimiter.Usage("k", 50, 25_000));
    }

    @Test
    void parallelCountsRequestsInFlightUntilReleased() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, null, 2L);
        RateLimiter.Permit a = limiter.acquire("k", l, 1, 0);
        limiter.acquire("k", l, 1, 0);
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, 0)).hasMessageContaining("max_parallel_requests (2)");
        a.release(1, 0);
        a.release(1, 0); // twice is once
        limiter.acquire("k", l, 1, 0);
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, 0)).isInstanceOf(GatewayException.class);
    }

    @Test
    void headersSayWhatRemainedWhenAdmittedInTheirOrder() {
        RateLimiter.Limits l = new RateLimiter.Limits(10L, 1000L, null);
        RateLimiter.Permit a = limiter.acquire("k", l, 100, 0);
        RateLimiter.Permit b = limiter.acquire("k", l, 50, 0);
        a.release(500, 0); // later changes do not move what an admitted request was told
        assertThat(a.headers()).containsExactly(entry("x-ratelimit-limit-requests", "10"), entry("x-ratelimit-remaining-requests", "9"),
                entry("x-ratelimit-limit-tokens", "1000"), entry("x-ratelimit-remaining-tokens", "900"));
        Map<String, String> into = new LinkedHashMap<>();
        into.put("x-switchboard-cost", "0.1");
        b.putHeaders(into);
        assertThat(into).containsExactly(entry("x-switchboard-cost", "0.1"), entry("x-ratelimit-limit-requests", "10"),
                entry("x-ratelimit-remaining-requests", "8"), entry("x-ratelimit-limit-tokens", "1000"),
                entry("x-ratelimit-remaining-tokens", "850"));
        assertThat(b.headers()).isEqualTo(Map.copyOf(into.entrySet().stream().skip(1)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
        // the key's limits changed (a new version): the new numbers (the 10 more it was given, less this one), and only
        // the limits it has now
        assertThat(limiter.acquire("k", new RateLimiter.Limits(20L, null, null), 1, 0).headers())
                .containsExactly(entry("x-ratelimit-limit-requests", "20"), entry("x-ratelimit-remaining-requests", "17"));
    }

    @Test
    void noLimitsCostsNothing() {
        assertThat(limiter.acquire("k", RateLimiter.Limits.NONE, 1, 0)).isSameAs(RateLimiter.Permit.NONE);
    }

    @Test
    void whatThisGatewayTookIsCountedForTheOthersWithTheRealTokens() {
        RateLimiter.Limits l = new RateLimiter.Limits(10L, 1000L, 5L);
        RateLimiter.Permit a = limiter.acquire("k", l, 100, 0);
        limiter.acquire("k", l, 50, 0).release(20, 0);
        assertThat(limiter.usage()).containsExactly(new RateLimiter.Usage("k", 2, 120));
        a.release(-1, 0);
        assertThat(limiter.usage()).containsExactly(new RateLimiter.Usage("k", 2, 120));
    }

    @Test
    void otherGatewaysUseDrainsTheBucketsDecaysAtTheRateAndNeverSinksBelowALimit() {
        RateLimiter.Limits l = new RateLimiter.Limits(6L, null, null);
        limiter.othersUsed("k", l, 6, 0, 0); // another gateway took the key's 6 before this one served it
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, 0)).isInstanceOf(GatewayException.class);
        assertThat(limiter.acquire("k", l, 1, MINUTE / 6).headers()).as("refilled at 6 a minute").containsEntry("x-ratelimit-remaining-requests", "0");
        limiter.othersUsed("k", l, 1000, 0, MINUTE / 6); // a burst past the limit: about a minute's wait at most
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, MINUTE / 6 + MINUTE - MINUTE / 10)).isInstanceOf(GatewayException.class);
        limiter.acquire("k", l, 1, MINUTE / 6 + MINUTE + MINUTE / 5);
        assertThat(limiter.usage()).as("what others took is not this gateway's").containsExactly(new RateLimiter.Usage("k", 2, 2));
    }

    @Test
    void anotherGatewaysDebitNeverLiftsADebtThisGatewaysOwnCallMade() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, 100L, null);
        limiter.acquire("k", l, 10, 0).release(150, 0); // one call over the limit: -50
        limiter.othersUsed("k", l, 0, 5, 0);            // a debit of 5 from -50 stops at -100, and never lifts it
        // -55 refills at 100 a minute: -5 at 30 s, 4 s more to 1 token (a debit ignored would say 1 s, a debt lifted
        // to -100 would say 31 s)
        assertThatThrownBy(() -> limiter.acquire("k", l, 1, MINUTE / 2)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(4));
        limiter.acquire("k", l, 1, MINUTE / 2 + 4 * MINUTE / 60);
    }

    @Test
    void aCorrectionAnotherGatewayGivesBackRefillsTokensUpToTheLimitOnly() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, 100L, null);
        limiter.othersUsed("k", l, 0, 80, 0);
        assertThat(limiter.acquire("k", l, 10, 0).headers()).containsEntry("x-ratelimit-remaining-tokens", "10");
        limiter.othersUsed("k", l, 0, -500, 0);
        assertThat(limiter.acquire("k", l, 10, 0).headers()).containsEntry("x-ratelimit-remaining-tokens", "90");
    }

    @Test
    void aKeyWithOnlyAParallelCapIsNotTouchedByOtherGateways() {
        RateLimiter.Limits l = new RateLimiter.Limits(null, null, 1L);
        limiter.othersUsed("k", l, 50, 50, 0);
        assertThat(limiter.usage()).isEmpty();
        limiter.acquire("k", l, 0, 0);
    }

    @Test
    void aTeamsBucketBesideAKeysTheTighterSaysTheHeadersAndACancelGivesTheRequestBack() {
        RateLimiter.Limits key = new RateLimiter.Limits(50L, null, null);
        RateLimiter.Limits team = new RateLimiter.Limits(2L, 1_000L, null);
        RateLimiter.Permit both = RateLimiter.Permit.both(limiter.acquire("key_a", key, 10, 0),
                limiter.acquire("tm:red", "team: red", team, 10, 0));
        assertThat(both.headers()).as("the team has less left of requests; only it limits tokens")
                .containsEntry("x-ratelimit-limit-requests", "2").containsEntry("x-ratelimit-remaining-requests", "1")
                .containsEntry("x-ratelimit-limit-tokens", "1000").containsEntry("x-ratelimit-remaining-tokens", "990");
        both.release(10, 0);
        limiter.acquire("tm:red", "team: red", team, 10, 0).release(10, 0);
        assertThatThrownBy(() -> limiter.acquire("tm:red", "team: red", team, 10, 0))
                .hasMessageStartingWith("Rate limit exceeded for team: red: rpm_limit (2 requests a minute) reached.");
        // a key's permit cancelled (its team refused the call): the key's request is back
        RateLimiter.Limits one = new RateLimiter.Limits(1L, null, null);
        limiter.acquire("key_b", one, 1, 0).cancel(0);
        limiter.acquire("key_b", one, 1, 0).release(1, 0);
        assertThatThrownBy(() -> limiter.acquire("key_b", one, 1, 0)).hasMessageStartingWith("Rate limit exceeded for this key:");
    }
}
