package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code cost-based-routing}: the cheapest deployment by model_info's input + output price per token.
 * Deployments without a price come last: an unknown price is not a free one.
 */
final class LowestCost implements RoutingStrategy {
    @Override
    public DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random) {
        return RoutingStrategy.lowest(candidates,
                c -> Double.isNaN(c.pricePerToken) ? Double.MAX_VALUE : c.pricePerToken, random);
    }
}
