package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.config.Deployment;
import dev.switchboard.route.Target;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An embeddings call finds the deployments it may reach only when a budget asks for its worst case, and once: finding
 * them runs the caller's allowlist per fallback alias (review 2026-12-07: Metering.beginEmbedding found them up front for
 * every request, budget or not).
 */
class EmbeddingWorstCaseTest {
    private static Target target(String model) {
        return new Target(new Deployment("emb", "openai", model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1), null);
    }

    @Test
    void theTargetsAreFoundOnlyWhenABudgetAsksAndOnce() {
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(), List.of());
        Target small = target("text-embedding-3-small"), large = target("text-embedding-3-large");
        AtomicInteger asked = new AtomicInteger();
        EmbeddingWorstCase worst = new EmbeddingWorstCase(() -> {
            asked.incrementAndGet();
            return List.of(small, large);
        }, prices, 1_000_000);
        assertThat(asked).as("nothing found for a caller without a budget").hasValue(0);

        long bound = worst.boundNanos();
        assertThat(bound).as("the dearer target's input price")
                .isEqualTo(prices.worstCase(large.deployment(), 1_000_000, 0, false, 1))
                .isGreaterThan(prices.worstCase(small.deployment(), 1_000_000, 0, false, 1));
        assertThat(worst.exactNanos()).isEqualTo(bound);
        assertThat(asked).as("found once for the bound and the exact worst case").hasValue(1);
    }
}
