package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code usage-based-routing}: the deployment that has used the smallest share of its rpm/tpm this minute.
 * The group only offers deployments that still fit under their limits ({@link #enforcesLimits}).
 */
final class LowestUsage implements RoutingStrategy {
    @Override
    public DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random) {
        // A deployment without rpm/tpm has no limit to fill: its share is 0, like an idle one.
        return RoutingStrategy.lowest(candidates, c -> c.usage.load(now, c.rpm, c.tpm), random);
    }

    @Override
    public boolean enforcesLimits() { return true; }
}
