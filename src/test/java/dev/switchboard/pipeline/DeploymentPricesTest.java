package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Provider;
import dev.switchboard.route.Target;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The prices of deployments wildcards make live as long as some group that holds their id: several names may share one
 * id (a bare {@code *} serves {@code gpt-4o} and {@code openai/gpt-4o} both as {@code openai/gpt-4o}), and letting one
 * of them go must not strip the others' price.
 */
class DeploymentPricesTest {
    private static final Provider NO_CALLS = new Provider() {
        @Override
        public Future<ChatResponse> chat(ChatRequest request, CallOptions options) { return Future.failedFuture("not called"); }

        @Override
        public Future<ChatStream> stream(ChatRequest request, CallOptions options) { return Future.failedFuture("not called"); }
    };

    private static final Usage USAGE = new Usage(1_000, 500, 0, 0, 0);

    /** What a bare {@code *} entry makes for the requested name: alias = the name, id = provider/model. */
    private static Target made(String requested, String provider, String model) {
        return new Target(new Deployment(requested, provider, model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 3),
                NO_CALLS);
    }

    private static DeploymentPrices prices() { return new DeploymentPrices(PriceCatalog.bundled(), List.of()); }

    @Test
    void twoNamesOfOneIdKeepItsPriceUntilBothAreLetGo() {
        DeploymentPrices prices = prices();
        Target bare = made("gpt-4o", "openai", "gpt-4o");
        Target prefixed = made("openai/gpt-4o", "openai", "gpt-4o");
        prices.add(bare);
        prices.add(prefixed);
        assertThat(prices.size()).isEqualTo(1);
        long nanos = prices.cost("openai/gpt-4o", USAGE).nanos();
        int ceiling = prices.outputCeiling(prefixed.deployment());
        assertThat(nanos).isPositive();
        assertThat(ceiling).isPositive();

        prices.gone(bare); // the router let "gpt-4o" go; "openai/gpt-4o" is still served
        assertThat(prices.size()).isEqualTo(1);
        assertThat(prices.cost("openai/gpt-4o", USAGE).nanos()).as("a failed attempt's or a cache hit's cost, by id").isEqualTo(nanos);
        assertThat(prices.cost("openai/gpt-4o", USAGE).priced()).isTrue();
        assertThat(prices.tokensNanos("openai/gpt-4o", USAGE)).isPositive();
        assertThat(prices.outputCeiling(prefixed.deployment())).isEqualTo(ceiling);

        prices.gone(prefixed);
        assertThat(prices.size()).as("the last holder took the price with it").isZero();
        prices.gone(prefixed); // an extra eviction never goes below nothing
        assertThat(prices.size()).isZero();
    }

    /**
     * A name made again while its old group's eviction is still to be told: the new group's add and the old group's
     * gone, in either order, leave the id priced.
     */
    @Test
    void aNameMadeAgainBeforeItsOldGroupIsToldGoneStaysPriced() {
        DeploymentPrices prices = prices();
        Target old = made("gpt-4o", "openai", "gpt-4o");
        prices.add(old);
        Target again = made("gpt-4o", "openai", "gpt-4o");
        prices.add(again);
        prices.gone(old);
        assertThat(prices.cost("openai/gpt-4o", USAGE).priced()).isTrue();
        assertThat(prices.outputCeiling(again.deployment())).isPositive();
        prices.gone(again);
        assertThat(prices.size()).isZero();
    }

    /**
     * A call in flight on a name whose every group was let go meanwhile: its spend row (priced by the entry that served,
     * MeteredCall.price), its worst case and the cap on its output still have the catalog's price, looked up again.
     */
    @Test
    void aCallInFlightOnANameLetGoIsStillPricedAndCapped() {
        DeploymentPrices prices = prices();
        Target t = made("openai/gpt-4o", "openai", "gpt-4o");
        prices.add(t);
        long nanos = prices.cost(t.deployment(), USAGE).nanos();
        int ceiling = prices.outputCeiling(t.deployment());
        prices.gone(t);
        assertThat(prices.size()).isZero();
        assertThat(prices.cost(t.deployment(), USAGE).nanos()).as("the served call's row").isEqualTo(nanos).isPositive();
        assertThat(prices.outputCeiling(t.deployment())).as("Anthropic's max_tokens cap").isEqualTo(ceiling).isPositive();
        assertThat(prices.worstCase(t.deployment(), 1_000, 100, false, 1)).isPositive();
        assertThat(prices.size()).as("looked up, not kept").isZero();
    }

    /** A wildcard's deployment's context window is looked up for the group's member (which keeps it), never kept here. */
    @Test
    void aWildcardDeploymentsContextWindowIsNotKept() {
        DeploymentPrices prices = prices();
        for (int i = 0; i < 50; i++) {
            Target t = made("openai/gpt-4o-n" + i, "openai", "gpt-4o");
            prices.add(t);
            assertThat(prices.contextWindow(t.deployment())).isPositive();
            prices.gone(t);
            prices.contextWindow(t.deployment()); // a late check of a member of a group already let go
        }
        assertThat(prices.windowsHeld()).isZero();
        assertThat(prices.size()).isZero();
    }

    /** The config's entries keep their prices and windows whatever a wildcard made with the same id comes and goes. */
    @Test
    void aConfigEntrysIdIsNeverDropped() {
        Target entry = made("gpt", "openai", "gpt-4o");
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(), List.of(entry));
        Target wild = made("openai/gpt-4o", "openai", "gpt-4o");
        prices.add(wild);
        prices.gone(wild);
        prices.gone(wild);
        assertThat(prices.cost("openai/gpt-4o", USAGE).priced()).isTrue();
        assertThat(prices.contextWindow(entry.deployment())).isPositive();
        assertThat(prices.windowsHeld()).isEqualTo(1);
    }
}
