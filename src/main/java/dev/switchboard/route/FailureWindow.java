package dev.switchboard.route;

/**
 * Failures of the last minute, counted in one-second buckets: the same few hundred bytes whatever the threshold (a
 * policy may allow 10,000 rate-limit failures, where a ring of timestamps would hold 10,000 of them). A failure counts
 * while its second is one of the last 60, the current one included. Not thread-safe: its breaker locks.
 */
final class FailureWindow {
    private static final int SECONDS = 60;
    private static final long NANOS_A_SECOND = 1_000_000_000L;

    private final int[] counts = new int[SECONDS];
    private final long[] secondOf = new long[SECONDS];

    FailureWindow() { clear(); }

    /** Records a failure at {@code now} (nanoTime); true when {@code threshold} of them or more fall within the minute. */
    boolean record(long now, int threshold) {
        long second = Math.floorDiv(now, NANOS_A_SECOND);
        int slot = (int) Math.floorMod(second, SECONDS);
        if (secondOf[slot] != second) {
            secondOf[slot] = second;
            counts[slot] = 0;
        }
        counts[slot]++;
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            long age = second - secondOf[i];
            if (age >= 0 && age < SECONDS) total += counts[i];
        }
        return total >= threshold;
    }

    void clear() {
        java.util.Arrays.fill(counts, 0);
        java.util.Arrays.fill(secondOf, Long.MIN_VALUE);
    }
}
