package dev.switchboard.account;

/**
 * The latency histogram's buckets (milliseconds, upper bounds, inclusive), roughly 20-25% apart: a percentile read
 * from it is the upper bound of the bucket it falls in, at most one bucket above the exact value. The V4 migration's
 * backfill holds the same list in SQL; {@code LatencyBucketsTest} checks that they agree.
 */
public final class LatencyBuckets {
    static final long[] BOUNDS = {1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300,
            400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 12000, 15000, 20000, 25000,
            30000, 40000, 60000, 120000, 300000};

    /** The bucket of values above the last bound. */
    public static final int OVERFLOW = BOUNDS.length;

    private LatencyBuckets() {}

    public static int bucketOf(long ms) {
        int lo = 0, hi = BOUNDS.length; // first bound >= ms
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (BOUNDS[mid] < ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** The bucket's upper bound in milliseconds; null for the overflow bucket (above 300 s). */
    public static Long upperBound(int bucket) {
        return bucket < BOUNDS.length ? BOUNDS[bucket] : null;
    }

    /**
     * The {@code q}-quantile (0 < q ≤ 1) of a histogram: the upper bound of the bucket that holds the ⌈q·n⌉-th value;
     * {@code Long.MAX_VALUE} when that is the overflow bucket, null for an empty histogram.
     */
    public static Long quantile(long[] counts, double q) {
        long n = 0;
        for (long c : counts) n += c;
        if (n == 0) return null;
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) return b < BOUNDS.length ? BOUNDS[b] : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    public static int count() { return BOUNDS.length + 1; }
}
