package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cache bench} on small pairs files (QA, low: under about 1,005 pairs the warm-up took every asked question, no
 * lookup was left to time, and the bench ended in an ArrayIndexOutOfBoundsException at exit 1). With the small
 * deterministic embedder of {@link SemanticCacheTest}, so no model is loaded.
 */
class SemanticBenchTest {
    private static List<LabeledPair> pairs(int n) {
        List<LabeledPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new LabeledPair("what is question " + i + " about", "tell me about question " + i, i % 2 == 0));
        return out;
    }

    private static String bench(int pairs, int entries, int lookups) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SemanticBench.run(new SemanticCacheTest.Words(), pairs(pairs), entries, lookups, new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theWarmUpLeavesHalfTheAskedQuestionsToTime() {
        assertThat(SemanticBench.warmUpAsked(1)).isZero();
        assertThat(SemanticBench.warmUpAsked(11)).isEqualTo(5);
        assertThat(SemanticBench.warmUpAsked(200)).isEqualTo(100);
        assertThat(SemanticBench.warmUpAsked(20_000)).isEqualTo(SemanticBench.WARM_UP_ASKED);
    }

    @Test
    void aSmallPairsFileIsTimedNotACrash() {
        // QA's files: 1,000 pairs (200 asked: all went to the warm-up) and 56 pairs (12 asked)
        assertThat(bench(1_000, 500, 10)).contains("(10 lookups)");
        assertThat(bench(56, 40, 10)).contains("(6 lookups)");
        assertThat(bench(2, 10, 10)).as("the smallest file the CLI takes").contains("(1 lookups)");
    }
}
