package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the engine says of a fallback chain an allowlist ended (RoutePlan.barredAtEnd). */
class RoutePlanTest {
    private static RoutePlan plan(List<String> fallbacks, int maxFallbacks, Set<String> allowed) {
        RouterSettings s = RouterSettings.from(Map.of("fallbacks", List.of(Map.of("a", fallbacks)),
                "max_fallbacks", maxFallbacks), Map.of());
        return new RoutePlan("a", List.of(), null, true, s).allowing(allowed::contains);
    }

    /** A barred alias before an allowed one is passed over; it is named only when the chain then ends, not before. */
    @Test
    void onlyTheAllowlistEndingTheChainNamesWhatWouldHaveBeenNext() {
        RoutePlan p = plan(List.of("x", "b", "y", "z"), 5, Set.of("b"));
        assertThat(p.next(FallbackReason.ERROR).alias()).isEqualTo("b");
        assertThat(p.next(FallbackReason.ERROR)).isNull();
        assertThat(p.barredAtEnd(FallbackReason.ERROR)).containsExactly("x", "y", "z");
    }

    /** No more than max_fallbacks would still have taken: an alias beyond it is never named. */
    @Test
    void aliasesBeyondMaxFallbacksAreNotNamed() {
        RoutePlan p = plan(List.of("x", "b", "y", "z"), 2, Set.of("b"));
        assertThat(p.next(FallbackReason.ERROR).alias()).isEqualTo("b");
        assertThat(p.next(FallbackReason.ERROR)).isNull();
        assertThat(p.barredAtEnd(FallbackReason.ERROR)).containsExactly("x");
        RoutePlan none = plan(List.of("x", "y"), 1, Set.of());
        assertThat(none.next(FallbackReason.ERROR)).isNull();
        assertThat(none.barredAtEnd(FallbackReason.ERROR)).containsExactly("x");
    }

    /** A chain max_fallbacks ended, or one exhausted, or turned off, was not ended by the allowlist: nothing is named. */
    @Test
    void aChainEndedForAnotherReasonNamesNothing() {
        RoutePlan full = plan(List.of("b", "x"), 1, Set.of("b"));
        assertThat(full.next(FallbackReason.ERROR).alias()).isEqualTo("b");
        assertThat(full.next(FallbackReason.ERROR)).isNull();
        assertThat(full.barredAtEnd(FallbackReason.ERROR)).isEmpty();
        RoutePlan exhausted = plan(List.of("b"), 5, Set.of("b"));
        exhausted.next(FallbackReason.ERROR);
        assertThat(exhausted.next(FallbackReason.ERROR)).isNull();
        assertThat(exhausted.barredAtEnd(FallbackReason.ERROR)).isEmpty();
        RoutePlan off = new RoutePlan("a", List.of(), null, false, RouterSettings.from(Map.of("fallbacks",
                List.of(Map.of("a", List.of("x")))), Map.of())).allowing(a -> false);
        assertThat(off.barredAtEnd(FallbackReason.ERROR)).isEmpty();
    }
}
