package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks one deployment of a model group among those available now (healthy, within the best {@code order}
 * tier). Implementations are stateless: what they weigh lives in {@link DeploymentState}.
 */
interface RoutingStrategy {
    DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random);

    /** usage-based routing also keeps deployments under their rpm/tpm. */
    default boolean enforcesLimits() { return false; }

    /** The strategy for a {@code routing_strategy} name (already validated by the config loader). */
    static RoutingStrategy named(String name) {
        return switch (name) {
            case "least-busy" -> new LeastBusy();
            case "latency-based-routing" -> new LowestLatency();
            case "usage-based-routing", "usage-based-routing-v2" -> new LowestUsage();
            case "cost-based-routing" -> new LowestCost();
            default -> new WeightedShuffle();
        };
    }

    /** A random one among the candidates whose score is lowest (ties are common: spread them). */
    static DeploymentState lowest(List<DeploymentState> candidates, java.util.function.ToDoubleFunction<DeploymentState> score,
                                  RandomGenerator random) {
        double best = Double.POSITIVE_INFINITY;
        int ties = 0;
        DeploymentState chosen = null;
        for (DeploymentState c : candidates) {
            double s = score.applyAsDouble(c);
            if (s < best) {
                best = s;
                chosen = c;
                ties = 1;
            } else if (s == best && random.nextInt(++ties) == 0) {
                chosen = c; // reservoir sampling: each tied candidate equally likely
            }
        }
        return chosen != null ? chosen : candidates.get(random.nextInt(candidates.size()));
    }
}
