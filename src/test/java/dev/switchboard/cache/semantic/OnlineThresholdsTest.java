package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.semantic.OnlineThresholds.Decision;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The online mode serves unverified only where verification showed the chosen rate holds. */
class OnlineThresholdsTest {

    @Test
    void withoutEvidenceEveryCandidateIsVerifiedAndBelowTheFloorNothingIs() {
        OnlineThresholds t = new OnlineThresholds(0.01, 0.9, 0);
        assertThat(t.decide(0.999, -1)).isEqualTo(Decision.VERIFY);
        assertThat(t.decide(0.85, -1)).isEqualTo(Decision.MISS);
        assertThat(t.currentThreshold()).isEqualTo(1.0);
    }

    @Test
    void learnsAThresholdThatKeepsTheRealisedRateUnderTheBound() {
        // a stream where matches at similarity s are right with probability rising from 0.5 at 0.90 to 1 at 1.0
        OnlineThresholds t = new OnlineThresholds(0.02, 0.9, 0.05);
        Random rnd = new Random(1);
        int served = 0, wrongServed = 0, lookups = 50_000;
        for (int i = 0; i < lookups; i++) {
            double s = 0.9 + rnd.nextDouble() * 0.1;
            boolean same = rnd.nextDouble() < 0.5 + (s - 0.9) * 5;
            switch (t.decide(s, -1)) {
                case SERVE -> { served++; if (!same) wrongServed++; }
                case VERIFY -> t.record(s, same);
                case MISS -> { }
            }
        }
        assertThat(served).as("it learned to serve some without verification").isGreaterThan(lookups / 20);
        assertThat((double) wrongServed / lookups).as("realised rate").isLessThanOrEqualTo(0.02);
        assertThat(t.currentThreshold()).isBetween(0.9, 1.0);
    }

    @Test
    void anEntryFoundWrongAtASimilarityIsVerifiedThereAgain() {
        OnlineThresholds t = new OnlineThresholds(0.5, 0.9, 0);
        for (int i = 0; i < 100; i++) {
            t.decide(0.99, -1);
            t.record(0.99, true);
        }
        assertThat(t.decide(0.96, -1)).isEqualTo(Decision.SERVE);
        assertThat(t.decide(0.96, 0.97)).isEqualTo(Decision.VERIFY);
    }
}
