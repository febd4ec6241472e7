package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code latency-based-routing}: the deployment with the lowest moving-average time to answer (to the first
 * byte for streams; a timeout counts as its full wait). A deployment with no sample yet is tried first, and
 * one request in {@link #EXPLORE} goes to a random one, so a deployment that was slow once is measured again
 * rather than starved forever.
 */
final class LowestLatency implements RoutingStrategy {
    static final int EXPLORE = 50;

    @Override
    public DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random) {
        if (random.nextInt(EXPLORE) == 0) return candidates.get(random.nextInt(candidates.size()));
        return RoutingStrategy.lowest(candidates, c -> Double.isNaN(c.latencyMs()) ? -1 : c.latencyMs(), random);
    }
}
