package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/** {@code simple-shuffle}: random, in proportion to each deployment's weight (weight, else rpm, else tpm, else 1). */
final class WeightedShuffle implements RoutingStrategy {
    @Override
    public DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random) {
        if (candidates.size() == 1) return candidates.get(0);
        double total = 0;
        for (DeploymentState c : candidates) total += Math.max(0, c.weight);
        if (total <= 0) return candidates.get(random.nextInt(candidates.size()));
        double r = random.nextDouble() * total;
        for (DeploymentState c : candidates) {
            r -= Math.max(0, c.weight);
            if (r < 0) return c;
        }
        return candidates.get(candidates.size() - 1);
    }
}
