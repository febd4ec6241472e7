package dev.switchboard.route;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The wait before a retry: exponential from {@code retry_backoff}, doubling per retry up to {@link #CAP}, with
 * "equal jitter" (a random point in the upper half) so that clients failing together do not retry together,
 * and never shorter than {@code retry_after}. The provider's own retry-after is honoured by the cooldown it
 * causes: a retry waits for a deployment of the group to be available again (see CallEngine).
 */
final class Backoff {
    static final Duration CAP = Duration.ofSeconds(8);

    private Backoff() {}

    /** @param retry 0 for the first retry */
    static long nanos(int retry, Duration base, Duration floor, RandomGenerator random) {
        long full = Math.min(CAP.toNanos(), base.toNanos() << Math.min(retry, 20));
        long jittered = full / 2 + (full / 2 > 0 ? random.nextLong(full / 2 + 1) : 0);
        return Math.max(jittered, floor.toNanos());
    }
}
