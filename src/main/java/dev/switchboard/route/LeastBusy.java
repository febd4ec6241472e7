package dev.switchboard.route;

import java.util.List;
import java.util.random.RandomGenerator;

/** {@code least-busy}: the deployment with the fewest requests in flight (a stream is in flight until it ends). */
final class LeastBusy implements RoutingStrategy {
    @Override
    public DeploymentState pick(List<DeploymentState> candidates, long now, RandomGenerator random) {
        return RoutingStrategy.lowest(candidates, c -> c.inFlight.get(), random);
    }
}
