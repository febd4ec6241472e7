package dev.switchboard.pipeline;

import static dev.switchboard.pipeline.PricedTargets.NO_CALLS;
import static dev.switchboard.pipeline.PricedTargets.made;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.Usage;
import dev.switchboard.route.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The prices of deployments wildcards make live as long as some group that holds their id: several names may share one
 * id (a bare {@code *} serves {@code gpt-4o} and {@code openai/gpt-4o} both as {@code openai/gpt-4o}), and letting one
 * of them go must not strip the others' price.
 */
class DeploymentPricesTest {
    private static final Usage USAGE = new Usage(1_000, 500, 0, 0, 0);

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

    /** What wildcard entry {@code info} (its own model_info and params maps, shared by all it makes) makes for a name. */
    private static Target madeBy(Map<String, Object> info, Map<String, Object> params, Integer maxTokens, String requested,
                                 String provider, String model) {
        return new Target(new Deployment(requested, provider, model, null, null, null, null, maxTokens, Map.of(), params, info, 3),
                NO_CALLS);
    }

    /**
     * Two wildcard entries that serve one id ({@code *} and {@code openai/*}) with their own model_info prices and
     * max_tokens: each call is billed, reserved and capped at its own entry's, whichever entry made the id first, while
     * both hold it and after the first's names are let go. The first unpriced must not make the second $0 (nor refused
     * under a budget).
     */
    @Test
    void twoWildcardEntriesOfOneIdAreEachPricedByTheirOwnModelInfo() {
        DeploymentPrices prices = prices();
        Map<String, Object> cheapInfo = new java.util.HashMap<>(Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6,
                "max_output_tokens", 1_000));
        Map<String, Object> dearInfo = new java.util.HashMap<>(Map.of("input_cost_per_token", 1e-5, "output_cost_per_token", 2e-5,
                "max_output_tokens", 4_000));
        Map<String, Object> noInfo = new java.util.HashMap<>();
        Target cheap = madeBy(cheapInfo, new java.util.HashMap<>(), 100, "acme/m", "openai", "acme-unknown-model");
        Target dear = madeBy(dearInfo, new java.util.HashMap<>(), 200, "openai/acme-unknown-model", "openai", "acme-unknown-model");
        prices.add(cheap);
        prices.add(dear);
        assertThat(prices.size()).as("one price per (entry, id)").isEqualTo(2);
        long cheapNanos = prices.cost(cheap.deployment(), USAGE).nanos();
        long dearNanos = prices.cost(dear.deployment(), USAGE).nanos();
        assertThat(cheapNanos).isEqualTo(1_000 * 1_000L + 500 * 2_000L);
        assertThat(dearNanos).as("billed at its own entry's model_info").isEqualTo(10 * cheapNanos);
        assertThat(prices.outputCeiling(cheap.deployment())).isEqualTo(1_000);
        assertThat(prices.outputCeiling(dear.deployment())).as("capped at its own").isEqualTo(4_000);
        assertThat(prices.defaultOutputLimit(cheap.deployment())).isEqualTo(100);
        assertThat(prices.defaultOutputLimit(dear.deployment())).as("its own max_tokens").isEqualTo(200);
        assertThat(prices.worstCase(dear.deployment(), 0, 10, false, 1)).isEqualTo(10 * 20_000L);

        prices.gone(cheap); // the first entry's name let go: the id stays, priced as the first made it
        assertThat(prices.cost(dear.deployment(), USAGE).nanos()).isEqualTo(dearNanos);

        // the first holder unpriced: the second is priced by its own model_info, and not refused under a budget
        DeploymentPrices other = prices();
        Target unpriced = madeBy(noInfo, new java.util.HashMap<>(), null, "acme-unknown-model", "openai", "acme-unknown-model");
        Target priced = madeBy(dearInfo, new java.util.HashMap<>(), null, "openai/acme-unknown-model", "openai", "acme-unknown-model");
        other.add(unpriced);
        other.add(priced);
        assertThat(other.cost(unpriced.deployment(), USAGE).priced()).isFalse();
        assertThat(other.cost(priced.deployment(), USAGE).nanos()).isEqualTo(dearNanos);
        assertThat(other.unpricedUnderBudget(priced.deployment())).isNull();
        assertThat(other.unpricedUnderBudget(unpriced.deployment())).isNotNull();
        assertThat(other.size()).as("each entry's price held by its own holder").isEqualTo(2);
    }

    /** A model_info map that counts its reads: the catalog lookup and the pricing read it, a held price does not. */
    private static final class CountedInfo extends java.util.HashMap<String, Object> {
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

        CountedInfo(Map<String, Object> m) { super(m); }

        @Override
        public Object get(Object key) {
            reads.incrementAndGet();
            return super.get(key);
        }
    }

    /**
     * Two wildcard entries of one id are held apart, keyed by (entry, id): each priced once by its own model_info, each
     * with its own count, so the last group of one entry let go takes its price and leaves the other's. A lookup by id
     * alone gets a live holder's price, never the price of an entry whose every name was let go.
     */
    @Test
    void twoWildcardEntriesOfOneIdHoldTheirOwnPriceAndCount() {
        DeploymentPrices prices = prices();
        CountedInfo cheapInfo = new CountedInfo(Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6));
        CountedInfo dearInfo = new CountedInfo(Map.of("input_cost_per_token", 1e-5, "output_cost_per_token", 2e-5));
        Map<String, Object> cheapParams = new java.util.HashMap<>();
        Map<String, Object> dearParams = new java.util.HashMap<>();
        String id = "openai/acme-unknown-model";
        Target cheapA = madeBy(cheapInfo, cheapParams, null, "acme/a", "openai", "acme-unknown-model");
        Target cheapB = madeBy(cheapInfo, cheapParams, null, "acme/b", "openai", "acme-unknown-model");
        Target dear = madeBy(dearInfo, dearParams, null, id, "openai", "acme-unknown-model");
        prices.add(cheapA);
        prices.add(dear);
        prices.add(cheapB);
        assertThat(prices.size()).as("two entries of one id: two holders").isEqualTo(2);
        long cheapNanos = 1_000 * 1_000L + 500 * 2_000L;
        long dearNanos = 10 * cheapNanos;

        // the second entry's calls are priced by its held price: no catalog lookup per call
        int reads = dearInfo.reads.get();
        for (int i = 0; i < 10; i++) {
            assertThat(prices.cost(dear.deployment(), USAGE).nanos()).isEqualTo(dearNanos);
            assertThat(prices.worstCase(dear.deployment(), 1_000, 500, false, 1)).isEqualTo(dearNanos);
        }
        assertThat(dearInfo.reads.get()).as("priced once, when added").isEqualTo(reads);
        assertThat(prices.cost(cheapB.deployment(), USAGE).nanos()).isEqualTo(cheapNanos);

        prices.gone(cheapA); // one of the cheap entry's two names: still held
        assertThat(prices.size()).isEqualTo(2);
        prices.gone(cheapB); // the cheap entry's last name: its price goes, the dear entry's stays
        assertThat(prices.size()).isEqualTo(1);
        assertThat(prices.cost(id, USAGE).nanos()).as("by id: the live entry's price, not the one let go").isEqualTo(dearNanos);
        reads = dearInfo.reads.get();
        assertThat(prices.cost(dear.deployment(), USAGE).nanos()).isEqualTo(dearNanos);
        assertThat(dearInfo.reads.get()).as("still held, not looked up again").isEqualTo(reads);
        // a call in flight on the cheap entry, let go: its own price, looked up and not kept
        assertThat(prices.cost(cheapA.deployment(), USAGE).nanos()).isEqualTo(cheapNanos);
        assertThat(prices.size()).isEqualTo(1);

        prices.add(cheapA); // made again: held again, priced by its own entry
        assertThat(prices.size()).isEqualTo(2);
        assertThat(prices.cost(cheapA.deployment(), USAGE).nanos()).isEqualTo(cheapNanos);
        prices.gone(dear);
        assertThat(prices.cost(id, USAGE).nanos()).isEqualTo(cheapNanos);
        prices.gone(cheapA);
        assertThat(prices.size()).isZero();
        assertThat(prices.cost(id, USAGE).priced()).isFalse();
    }

    /** A model_info map whose reads by one thread wait for a latch: a catalog lookup that takes its time. */
    private static final class SlowInfo extends java.util.HashMap<String, Object> {
        final java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        volatile Thread slow;

        SlowInfo(Map<String, Object> m) { super(m); }

        @Override
        public Object get(Object key) {
            if (Thread.currentThread() == slow) {
                reading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.get(key);
        }
    }

    /**
     * The catalog lookup of a new (entry, id) runs outside the lock its id's holders change under: while one is slow,
     * another entry's add of the same id, the same entry's add from another thread, and a gone all complete; the slow
     * one then counts on the price published meanwhile (one holder per entry, none lost).
     */
    @Test
    void aSlowLookupHoldsNoLockOverItsId() throws Exception {
        DeploymentPrices prices = prices();
        SlowInfo slowInfo = new SlowInfo(Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6));
        Map<String, Object> slowParams = new java.util.HashMap<>();
        Target slowA = madeBy(slowInfo, slowParams, null, "acme/a", "openai", "acme-unknown-model");
        Target slowB = madeBy(slowInfo, slowParams, null, "acme/b", "openai", "acme-unknown-model");
        Target other = madeBy(new java.util.HashMap<>(Map.of("input_cost_per_token", 1e-5, "output_cost_per_token", 2e-5)),
                new java.util.HashMap<>(), null, "openai/acme-unknown-model", "openai", "acme-unknown-model");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> {
                slowInfo.slow = Thread.currentThread();
                prices.add(slowA);
            });
            assertThat(slowInfo.reading.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the slow lookup started").isTrue();
            var meanwhile = pool.submit(() -> {
                prices.add(other); // another entry of the same id
                prices.add(slowB); // the slow entry, from a thread whose lookup is quick
                prices.gone(other);
                prices.add(other);
            });
            meanwhile.get(5, java.util.concurrent.TimeUnit.SECONDS); // a TimeoutException when a lookup holds the id's lock
            slowInfo.release.countDown();
            first.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            slowInfo.release.countDown();
            pool.shutdownNow();
        }
        assertThat(prices.size()).as("one holder per entry").isEqualTo(2);
        assertThat(prices.cost(slowA.deployment(), USAGE).nanos()).isEqualTo(1_000 * 1_000L + 500 * 2_000L);
        prices.gone(slowB);
        assertThat(prices.size()).as("the slow add counted on the price published meanwhile").isEqualTo(2);
        prices.gone(slowA);
        prices.gone(other);
        assertThat(prices.size()).isZero();
    }

    /**
     * The review's scenario: a config entry {@code azure/gpt4o-prod} priced by its base_model, and an {@code azure/*}
     * wildcard that serves the same id for {@code azure/gpt4o-prod}. The catalog does not know the id and the wildcard
     * entry sets no price of its own: its calls are priced and capped as the config entry of the id, not $0 (nor refused
     * under a budget with advice to add the entry that exists), held or let go. A wildcard entry with its own
     * model_info price keeps it.
     */
    @Test
    void aWildcardOfAConfigEntrysIdWithNoPriceOfItsOwnIsPricedByTheEntry() {
        Target entry = madeBy(new java.util.HashMap<>(Map.of("base_model", "azure/gpt-4o")), new java.util.HashMap<>(), null,
                "gpt-4o", "azure", "gpt4o-prod");
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(), List.of(entry));
        Target wild = madeBy(new java.util.HashMap<>(), new java.util.HashMap<>(), null, "azure/gpt4o-prod", "azure", "gpt4o-prod");
        long entryNanos = prices.cost(entry.deployment(), USAGE).nanos();
        int entryCap = prices.outputCeiling(entry.deployment());
        assertThat(entryNanos).isPositive();
        assertThat(entryCap).isPositive();
        // a name only asked about, or a call in flight on one let go: looked up, not held
        assertThat(prices.unpricedUnderBudget(wild.deployment())).as("not refused under a budget").isNull();
        assertThat(prices.cost(wild.deployment(), USAGE).nanos()).isEqualTo(entryNanos);
        prices.add(wild);
        assertThat(prices.cost(wild.deployment(), USAGE).priced()).isTrue();
        assertThat(prices.cost(wild.deployment(), USAGE).nanos()).as("the row: the config entry's price").isEqualTo(entryNanos);
        assertThat(prices.outputCeiling(wild.deployment())).as("the entry's output cap").isEqualTo(entryCap);
        assertThat(prices.worstCase(wild.deployment(), 1_000, 500, false, 1)).isEqualTo(entryNanos);
        assertThat(prices.defaultOutputLimit(wild.deployment())).as("the model's own limit, not the unknown model's").isEqualTo(entryCap);
        assertThat(prices.contextWindow(wild.deployment())).isEqualTo(prices.contextWindow(entry.deployment())).isPositive();
        assertThat(prices.unpricedUnderBudget(wild.deployment())).isNull();
        assertThat(prices.tokensNanos(wild.deployment().id(), USAGE)).as("a cache hit's saving agrees with the row").isEqualTo(entryNanos);
        prices.gone(wild);
        assertThat(prices.cost(wild.deployment(), USAGE).nanos()).isEqualTo(entryNanos);

        // the wildcard's own model_info price is its own
        Target own = madeBy(new java.util.HashMap<>(Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6)),
                new java.util.HashMap<>(), null, "azure/gpt4o-prod", "azure", "gpt4o-prod");
        prices.add(own);
        assertThat(prices.cost(own.deployment(), USAGE).nanos()).isEqualTo(1_000 * 1_000L + 500 * 2_000L);
        prices.gone(own);
        assertThat(prices.cost(own.deployment(), USAGE).nanos()).isEqualTo(1_000 * 1_000L + 500 * 2_000L);
    }

    /**
     * add's retry: its (entry, id) seen held at the get and let go (the last holder's gone) before the compute. It is
     * priced then, outside the lock, and tried again: held once, by its own price, nothing lost. While that retry's
     * lookup is slow another thread adds the same (entry, id): the retry then counts on the price published
     * meanwhile (two holders, one price).
     */
    @Test
    void anAddWhoseHolderIsLetGoBeforeItsComputeLooksItUpAgain() throws Exception {
        DeploymentPrices prices = prices();
        SlowInfo info = new SlowInfo(Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6));
        Map<String, Object> params = new java.util.HashMap<>();
        Target a = madeBy(info, params, null, "acme/a", "openai", "acme-unknown-model");
        Target b = madeBy(info, params, null, "acme/b", "openai", "acme-unknown-model");
        long nanos = 1_000 * 1_000L + 500 * 2_000L;

        prices.add(a);
        prices.gone(a); // let go between the get that saw it held and the compute
        prices.add(a, true);
        assertThat(prices.size()).as("held again").isEqualTo(1);
        assertThat(prices.cost("openai/acme-unknown-model", USAGE).nanos()).isEqualTo(nanos);
        prices.gone(a);
        assertThat(prices.size()).as("one holder, not two").isZero();

        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var retry = pool.submit(() -> {
                info.slow = Thread.currentThread();
                prices.add(a, true); // seen held, let go: its lookup blocks
            });
            assertThat(info.reading.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the retry's lookup started").isTrue();
            prices.add(b); // the same entry's other name, published while the retry looks up
            info.release.countDown();
            retry.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            info.release.countDown();
            pool.shutdownNow();
        }
        assertThat(prices.size()).as("one price for the entry").isEqualTo(1);
        prices.gone(b);
        assertThat(prices.size()).as("the retry counted on it").isEqualTo(1);
        assertThat(prices.cost(a.deployment(), USAGE).nanos()).isEqualTo(nanos);
        prices.gone(a);
        assertThat(prices.size()).isZero();
    }

    /** A config entry of openai/gpt-4o priced by its model_info, with a model_info.id when {@code id} is not null. */
    private static Target entry(String alias, String id, double in) {
        Map<String, Object> info = new java.util.LinkedHashMap<>();
        info.put("input_cost_per_token", in);
        info.put("output_cost_per_token", in * 2);
        if (id != null) info.put("id", id);
        return new Target(new Deployment(alias, "openai", "gpt-4o", null, null, null, null, null, Map.of(), Map.of(), info, 3),
                NO_CALLS);
    }

    /**
     * A cache hit is priced by the entry that stored its answer: found by its model_info.id among the current config's
     * entries (today's price), else at the cost stored with the answer (an entry without a model_info.id, or one gone
     * from the config; an unpriced mark stays unpriced), else (an entry of an older gateway) by its id as before.
     */
    @Test
    void aHitIsPricedByTheEntryThatStoredItElseByItsStoredCostElseByItsId() {
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(),
                List.of(entry("first", null, 0.000001), entry("second", "gpt-second", 0.00001)));
        var none = dev.switchboard.provider.OpenAiBuiltInTools.Offered.NONE;
        long first = prices.cost(entry("x", null, 0.000001).deployment(), USAGE).nanos();
        long second = 1_000 * 10_000L + 500 * 20_000L; // 0.00001 and 0.00002 a token, in nano-dollars
        assertThat(prices.hitCost("openai/gpt-4o", "gpt-second", 7L, USAGE, none).nanos())
                .as("the second entry, by its model_info.id, at today's price (before: the first entry's)").isEqualTo(second);
        assertThat(prices.hitCost("openai/gpt-4o", null, 7L, USAGE, none)).as("no model_info.id: the stored cost")
                .isEqualTo(new DeploymentPrices.Cost(7, true));
        assertThat(prices.hitCost("openai/gpt-4o", "gone-entry", 9L, USAGE, none).nanos()).as("an entry gone: its stored cost")
                .isEqualTo(9);
        assertThat(prices.hitCost("openai/gpt-4o", "gpt-second", null, USAGE, none).nanos()).isEqualTo(second);
        assertThat(prices.hitCost("openai/gpt-4o", null, null, USAGE, none).nanos()).as("an older entry: by its id, as before")
                .isEqualTo(first);
        assertThat(prices.hitCost("openai/gpt-4.1", "gpt-second", 5L, USAGE, none).nanos())
                .as("a model_info.id of another provider/model is not the entry: the stored cost").isEqualTo(5);
    }

    /**
     * An answer stored by an entry that had no price (the unpriced mark, -1) is priced by its id's entry now when that
     * has a price (before: $0 saved for the whole TTL, though the operator has priced the model since); unpriced when
     * the id has none either.
     */
    @Test
    void anAnswerStoredUnpricedIsPricedByItsIdsEntryNowWhenThatHasAPrice() {
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(), List.of(entry("first", null, 0.000001)));
        var none = dev.switchboard.provider.OpenAiBuiltInTools.Offered.NONE;
        long first = prices.cost(entry("x", null, 0.000001).deployment(), USAGE).nanos();
        assertThat(prices.hitCost("openai/gpt-4o", "gone-entry", -1L, USAGE, none))
                .as("the id's entry now has a price").isEqualTo(new DeploymentPrices.Cost(first, true));
        assertThat(prices.hitCost("openai/gpt-4o", null, -1L, USAGE, none).nanos()).as("no model_info.id: the same")
                .isEqualTo(first);
        assertThat(prices.hitCost("openai/house-model-x", null, -1L, USAGE, none)).as("the id has no price now either")
                .isEqualTo(DeploymentPrices.Cost.UNPRICED);
    }
}
