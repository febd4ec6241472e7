package dev.switchboard.pipeline;

import dev.switchboard.govern.WorstCase;
import dev.switchboard.route.Target;
import java.util.List;
import java.util.function.Supplier;

/**
 * An embeddings call's worst case: its input bound (UTF-8 bytes or token-array lengths) at the dearest input price of
 * the deployments it may reach. Those are asked for only when a budget needs the bound, once, as {@link RequestWorstCase}
 * does: finding them runs the caller's allowlist per fallback alias (a regex per wildcard entry), which a caller without
 * a budget never needs. Before 2026-12-07 every embeddings request found them up front.
 */
final class EmbeddingWorstCase implements WorstCase {
    private final Supplier<List<Target>> reachable;
    private final DeploymentPrices prices;
    private final int inputBound;
    private long worst = -1;

    /** @param reachable the deployments the call may reach (ModelRouter.reachable), asked at most once */
    EmbeddingWorstCase(Supplier<List<Target>> reachable, DeploymentPrices prices, int inputBound) {
        this.reachable = reachable;
        this.prices = prices;
        this.inputBound = inputBound;
    }

    @Override
    public long boundNanos() {
        if (worst < 0) {
            List<Target> targets = reachable.get();
            // asked only under a budget: a name a caller chose through a wildcard that nothing prices would pass at $0
            for (Target t : targets) prices.requirePricedUnderBudget(t.deployment());
            long w = 0;
            for (Target t : targets) w = Math.max(w, prices.worstCase(t.deployment(), inputBound, 0, false, 1));
            worst = w;
        }
        return worst;
    }

    /** The bound is exact: an embedding has no output and the byte bound is what is reserved. */
    @Override
    public long exactNanos() { return boundNanos(); }
}
