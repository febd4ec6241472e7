package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
    @Test
    void theMigrationsBackfillUsesTheSameBounds() throws Exception {
        String v4 = new String(LatencyBucketsTest.class.getResourceAsStream("/db/migration/V4__spend_rollups.sql").readAllBytes(),
                StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("WHEN latency_ms <= (\\d+) THEN (\\d+)").matcher(v4);
        List<Long> bounds = new ArrayList<>();
        while (m.find()) {
            assertThat(Integer.parseInt(m.group(2))).isEqualTo(bounds.size());
            bounds.add(Long.parseLong(m.group(1)));
        }
        assertThat(bounds).containsExactly(java.util.Arrays.stream(LatencyBuckets.BOUNDS).boxed().toArray(Long[]::new));
        assertThat(v4).contains("ELSE " + LatencyBuckets.OVERFLOW + " END");
    }

    @Test
    void aValueFallsInTheFirstBucketWhoseBoundHoldsIt() {
        assertThat(LatencyBuckets.bucketOf(0)).isZero();
        assertThat(LatencyBuckets.bucketOf(1)).isZero();
        assertThat(LatencyBuckets.bucketOf(2)).isEqualTo(1);
        assertThat(LatencyBuckets.upperBound(LatencyBuckets.bucketOf(301))).isEqualTo(400);
        assertThat(LatencyBuckets.upperBound(LatencyBuckets.bucketOf(300))).isEqualTo(300);
        assertThat(LatencyBuckets.bucketOf(300_001)).isEqualTo(LatencyBuckets.OVERFLOW);
        assertThat(LatencyBuckets.upperBound(LatencyBuckets.OVERFLOW)).isNull();
    }

    @Test
    void quantilesAreTheUpperBoundOfTheBucketHoldingTheRank() {
        long[] h = new long[LatencyBuckets.count()];
        for (int ms = 1; ms <= 100; ms++) h[LatencyBuckets.bucketOf(ms * 10L)]++; // 10, 20, … 1000 ms
        assertThat(LatencyBuckets.quantile(h, 0.5)).isEqualTo(500);   // the 50th value is 500 ms
        assertThat(LatencyBuckets.quantile(h, 0.95)).isEqualTo(1000); // the 95th is 950 ms, in (800, 1000]
        assertThat(LatencyBuckets.quantile(new long[LatencyBuckets.count()], 0.5)).isNull();
        long[] slow = new long[LatencyBuckets.count()];
        slow[LatencyBuckets.OVERFLOW] = 1;
        assertThat(LatencyBuckets.quantile(slow, 0.5)).isEqualTo(Long.MAX_VALUE);
    }
}
