package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code latency-based-routing}: the deployment with the lowest moving-average time to answer (to the first
 * byte for streams; a timeout counts as its full wait). A deployment with no sample yet is tried first, but
 * only one request at a time: while its first answer is pending it is being measured, not known to be fast.
 * One request in {@link #EXPLORE} goes to a random deployment, so one that was slow once is measured again
 * rather than starved forever.
 */
final class LowestLatency implements RoutingStrategy {
    static final int EXPLORE = 50;

    @Override
    public DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random) {
        if (random.nextInt(EXPLORE) == 0) return candidates.get(random.nextInt(candidates.size()));
        return RoutingStrategy.lowest(candidates, LowestLatency::score, random);
    }

    private static double score(DeploymentState c) {
        double ms = c.latencyMs();
        if (!Double.isNaN(ms)) return ms;
        return c.inFlight.get() == 0 ? -1 : Double.POSITIVE_INFINITY;
    }
}
