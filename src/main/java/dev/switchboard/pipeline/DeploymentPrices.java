package dev.switchboard.pipeline;

import dev.switchboard.account.CostCalculator;
import dev.switchboard.account.ModelPrice;
import dev.switchboard.account.PriceCatalog;
import dev.switchboard.account.PriceLookup;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.OpenAiBuiltInTools;
import dev.switchboard.route.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each deployment's price (the catalog's, overridden by its {@code model_info}) and the output limit a call to it can
 * reach, looked up once at start. The cost of a call is priced by the deployment that actually served it.
 */
final class DeploymentPrices {
    /**
     * The output limit assumed when neither the request, the deployment ({@code max_tokens}), the provider nor the
     * catalog gives one: high enough for the models the catalog does not know, said in the README.
     */
    static final int UNKNOWN_OUTPUT_LIMIT = 32_768;

    /** One deployment: its provider prefix, price lookup, and the output limit when the request sets none. */
    /** @param contextWindow the model's context window in tokens (model_info's max_input_tokens, else the catalog's); 0 unknown */
    /**
     * @param tools what the tools the provider runs itself cost, beside the tokens (Claude's web search, OpenAI's web
     *              search, file search and code interpreter: {@link ToolPrices#of}); {@link ToolPrices#NONE} where the
     *              deployment runs none
     */
    /**
     * @param modelInfo the {@code model_info} map it was priced from, @param params the {@code litellm_params} map, and
     *                  {@code maxTokens} the entry's max_tokens: which config entry it prices, the entry part of a
     *                  wildcard holder's (entry, id) key ({@link #wildcardById}, {@link #sameEntry})
     */
    record Priced(String provider, PriceLookup lookup, int defaultOutputLimit, int contextWindow, ToolPrices tools,
                  Map<String, Object> modelInfo, Map<String, Object> params, Integer maxTokens) {
        /**
         * Whether {@code d} was made by the config entry this was priced from: every deployment a wildcard entry makes
         * shares that entry's model_info and params instances (ModelNames.served), so the entry is told by identity,
         * two reference compares. Two entries with no maps at all may share the empty {@code Map.of()}: with the same
         * max_tokens they price alike, so holding them as one is harmless.
         */
        boolean sameEntry(Deployment d) {
            return d.modelInfo() == modelInfo && d.params() == params && java.util.Objects.equals(d.maxTokens(), maxTokens);
        }
    }

    /**
     * A priced call: what it cost in nano-dollars, whether the deployment had a price at all, and what a cache hit
     * saved (the price of the answer it replayed; 0 for a call that went upstream).
     */
    record Cost(long nanos, boolean priced, long savedNanos) {
        static final Cost UNPRICED = new Cost(0, false, 0);

        Cost(long nanos, boolean priced) { this(nanos, priced, 0); }

        /** The same answer served from the cache: free, and it saved what it would have cost. */
        Cost asHit() { return new Cost(0, priced, nanos); }
    }

    /**
     * The config's ids, each priced by its first entry: what an answer named only by its id (a failed attempt of an
     * unmetered call, a cache hit) is priced at. Filled at start, read only after.
     */
    private final Map<String, Priced> configById = new HashMap<>();
    private final List<String> unpriced = new ArrayList<>();
    private final PriceCatalog catalog;

    /**
     * Each config entry's price: two entries may share a {@code provider/model} id and not a price (one Azure deployment
     * name on two resources, each with its own base_model or model_info). Identity, not equality: two equal entries
     * are still two lines of the config.
     */
    private final Map<Deployment, Priced> byEntry = new java.util.IdentityHashMap<>();

    /**
     * The config's entries by their {@code model_info.id} (set in the config, or made for each further entry of one
     * provider/model: {@code DeploymentIds}), the first of each: how a cache hit finds the entry that stored its answer
     * in the current config ({@link #hitCost}). Filled at start, read only after.
     */
    private final Map<String, Deployment> byModelId = new HashMap<>();

    DeploymentPrices(PriceCatalog catalog, List<Target> targets) {
        this.catalog = catalog;
        for (Target t : targets) {
            Deployment d = t.deployment();
            if (byEntry.containsKey(d)) continue;
            Priced p = price(t, catalog.lookup(d.provider(), d.model(), d.modelInfo()));
            byEntry.put(d, p);
            // each entry that costs $0 is said, a second entry of an id too (it no longer takes the first one's price)
            if (!p.lookup().priced() && !d.provider().equals("mock")) {
                unpriced.add("'" + d.alias() + "' (" + d.id() + "): " + p.lookup().unpricedReason());
            }
            configById.putIfAbsent(d.id(), p);
            Object modelId = d.modelInfo() == null ? null : d.modelInfo().get("id");
            if (modelId != null) byModelId.putIfAbsent(String.valueOf(modelId), d);
        }
    }

    /**
     * What a cache hit's {@code usage} would cost on the entry whose answer it replays (before {@link Cost#asHit}: its
     * {@code nanos} are what the hit saved). The entry is found in the current config by what the stored answer names:
     * <ol>
     *   <li>its {@code model_info.id} ({@code modelId}), when a config entry of the id (or a live wildcard entry's
     *       deployment of it) has that model_info.id: priced now on that entry, at today's price;</li>
     *   <li>else what the answer cost on its entry when it was stored ({@code storedNanos}), when the stored answer says
     *       it: an entry without a model_info.id (a provider/model's first config entry, a wildcard's), or one the config
     *       no longer has; when that entry had no price (negative, the unpriced mark), the id's price now if it has one
     *       (an operator who adds a price is not shown $0 saved for the rest of the entries' TTL), else unpriced;</li>
     *   <li>else (an entry stored by an older gateway) the id's price, as before: the config's first entry of the id,
     *       else the oldest live wildcard entry's ({@link #byId}).</li>
     * </ol>
     */
    Cost hitCost(String deploymentId, String modelId, Long storedNanos, Usage usage, OpenAiBuiltInTools.Offered offered) {
        Priced entry = modelId == null ? null : byModelId(deploymentId, modelId);
        if (entry != null) return cost(entry, usage, offered);
        if (storedNanos != null && storedNanos >= 0) return new Cost(storedNanos, true);
        Cost byId = cost(byId(deploymentId), usage, offered); // an older entry's; or its entry had no price when stored
        return storedNanos == null || byId.priced() ? byId : Cost.UNPRICED;
    }

    /** The price of the entry of {@code deploymentId} whose model_info.id is {@code modelId}, or null when there is none. */
    private Priced byModelId(String deploymentId, String modelId) {
        Deployment d = byModelId.get(modelId);
        if (d != null && d.isId(deploymentId)) return byEntry.get(d);
        // a config entry of another id with this model_info.id: a wildcard holder of this id may still have it
        Held[] held = wildcardById.get(deploymentId);
        if (held == null) return null;
        for (Held h : held) {
            Object id = h.priced().modelInfo() == null ? null : h.priced().modelInfo().get("id");
            if (id != null && modelId.equals(String.valueOf(id))) return h.priced();
        }
        return null;
    }

    /**
     * One wildcard entry's price of one id and how many live holders of that (entry, id) there are: the members of the
     * groups of the names the entry serves as that id (ModelNames keeps at most 1,000 names), and the entry's health
     * check target. Several live groups may share one (entry, id) (a bare {@code *} serves {@code gpt-4o} and
     * {@code openai/gpt-4o} both as {@code openai/gpt-4o}), so the price goes only when the last of them goes.
     * Immutable: a change replaces it inside {@link #wildcardById}'s {@code compute}.
     */
    private record Held(Priced priced, int count) {}

    /**
     * The prices of the deployments wildcards made, keyed by (config entry, id): per {@code provider/model} id, one
     * {@link Held} per wildcard entry that serves it ({@link Priced#sameEntry}), the oldest first. Two entries of one id
     * ({@code *} and {@code openai/*} with their own model_info or max_tokens; a wildcard beside a config entry of the
     * same model) never share a price nor a count: each is priced once by its own entry and goes with its own last
     * holder. Every change is made inside this map's {@code compute} for the id: an {@link #add} and a {@link #gone} of
     * one id are never interleaved, whichever comes first (a re-made name and its old group's eviction). Bounded by
     * the router's {@code ModelNames.MAX_SERVED} names (and the wildcard health checks' models).
     */
    private final Map<String, Held[]> wildcardById = new java.util.concurrent.ConcurrentHashMap<>();

    /** The index of {@code d}'s entry among an id's holders, or -1. */
    private static int indexOf(Held[] held, Deployment d) {
        if (held == null) return -1;
        for (int i = 0; i < held.length; i++) if (held[i].priced().sameEntry(d)) return i;
        return -1;
    }

    /** {@code held} with its {@code i}th replaced by {@code h}, or dropped when {@code h} is null (null when none is left). */
    private static Held[] with(Held[] held, int i, Held h) {
        if (h != null) {
            Held[] out = held.clone();
            out[i] = h;
            return out;
        }
        if (held.length == 1) return null;
        Held[] out = new Held[held.length - 1];
        System.arraycopy(held, 0, out, 0, i);
        System.arraycopy(held, i + 1, out, i, held.length - i - 1);
        return out;
    }

    /**
     * A deployment a wildcard made, whose name the router let go (ModelNames keeps the groups of at most 1,000 names):
     * one holder fewer of its (entry, id), whose price goes with the last one ({@link #wildcardById}), or a client
     * naming ever new models grew this map for the process's life. A call still in flight on it is priced on demand
     * ({@link #of(Deployment)}), as its next call re-adds it. Another entry's holders of the id are not touched.
     */
    void gone(Target t) {
        Deployment d = t.deployment();
        wildcardById.compute(d.id(), (k, held) -> {
            int i = indexOf(held, d);
            if (i < 0) return held; // never added (nothing to drop)
            Held h = held[i];
            return with(held, i, h.count() > 1 ? new Held(h.priced(), h.count() - 1) : null);
        });
    }

    /**
     * How many prices are held: the config's ids and the (wildcard entry, id) pairs kept, for tests of the bound and
     * the names-held figure.
     */
    int size() {
        int n = configById.size();
        for (Held[] held : wildcardById.values()) n += held.length;
        return n;
    }

    /** How many context windows are held (the config's entries only), for tests of the bound. */
    int windowsHeld() { return windows.size(); }

    /**
     * A deployment a wildcard made for a requested model: priced by the catalog for that real model id (with its
     * wildcard entry's model_info on top) when it is the first live holder of its (entry, id); an unknown id stays
     * unpriced (cost 0, as any unpriced deployment). One holder more of the (entry, id) ({@link #wildcardById});
     * {@link #gone} takes it back. The catalog lookup (and its warning) runs before, outside the price holders' lock
     * (this map's for the id), and only the count and the publication under it: a slow lookup does not hold up an add
     * or gone of the same id here (or of another one in the same bin). It still runs inside the caller's
     * {@code ModelNames} cache load ({@code onNew}) and the catalog's own {@code computeIfAbsent} of a new model. Two that price a new (entry, id) at once each look it up; the first to
     * publish is kept, the other counts on it, and only the kept one's warning is said.
     */
    void add(Target t) {
        Deployment d = t.deployment();
        add(t, indexOf(wildcardById.get(d.id()), d) >= 0);
    }

    /**
     * {@link #add(Target)} once its (entry, id) was seen held ({@code seenHeld}) or not, outside the lock. Seen held and
     * let go before the {@code compute} (its last holder's {@link #gone} in between), it is looked up then and the
     * count tried again: a test drives that interleaving here, there is no other way in between the two.
     */
    void add(Target t, boolean seenHeld) {
        Deployment d = t.deployment();
        String id = d.id();
        Priced fresh = seenHeld ? null : price(t, wildcardLookup(d));
        while (true) {
            Priced offered = fresh;
            int[] outcome = {0}; // 1: counted on a held price; 2: offered published
            wildcardById.compute(id, (k, held) -> {
                int i = indexOf(held, d);
                if (i >= 0) {
                    outcome[0] = 1;
                    // a health check's target is made on every run and never let go: it saturates rather than wraps
                    Held h = held[i];
                    return h.count() == Integer.MAX_VALUE ? held : with(held, i, new Held(h.priced(), h.count() + 1));
                }
                if (offered == null) return held; // let go since it was seen held: price it, outside the lock
                outcome[0] = 2;
                Held first = new Held(offered, 1);
                if (held == null) return new Held[] {first};
                Held[] out = java.util.Arrays.copyOf(held, held.length + 1);
                out[held.length] = first;
                return out;
            });
            if (outcome[0] == 2) warnIfUnpriced(d, offered);
            if (outcome[0] != 0) return;
            fresh = price(t, wildcardLookup(d));
        }
    }

    /**
     * The price of a deployment known only by its id (a failed attempt of a call without its entry, a cache hit): the
     * config's first entry of the id, else the oldest live wildcard entry's; null when nothing holds it.
     */
    private Priced byId(String id) {
        Priced p = configById.get(id);
        if (p != null) return p;
        Held[] held = wildcardById.get(id);
        return held == null ? null : held[0].priced();
    }

    private static void warnIfUnpriced(Deployment d, Priced p) {
        if (!p.lookup().priced() && !d.provider().equals("mock")) {
            // said once per (entry, id) kept (at most ModelNames' 1,000 names are): its calls are recorded at $0
            LOG.warn("unpriced: '{}' ({}) served through a wildcard has no price in the catalog or the entry's model_info: "
                    + "its calls cost $0, and a caller under a budget is refused it", dev.switchboard.model.LogSafe.text(d.alias()),
                    dev.switchboard.model.LogSafe.text(d.id()));
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("switchboard.prices");

    private PriceLookup lookup(Deployment d) {
        try {
            return catalog.lookup(d.provider(), d.model(), d.modelInfo());
        } catch (IllegalArgumentException e) { // checked at start for the entry; here only as a guard
            return PriceLookup.unpriced(e.getMessage());
        }
    }

    /**
     * A wildcard's deployment's lookup: the catalog's for its id with its entry's model_info on top, else, when that
     * is unpriced and the wildcard entry's model_info sets no price of its own, the price of the config entry of the
     * same id (its first, {@link #configById}: its base_model or model_info price, and with it its output cap and
     * window). An {@code azure/*} wildcard serving {@code azure/gpt4o-prod}, a config entry priced by its base_model,
     * is priced as that entry (as it was when an id of the config was never held per wildcard entry), not $0 nor
     * refused under a budget. A wildcard entry's own price, even an incomplete one (the start check says so), is kept.
     */
    private PriceLookup wildcardLookup(Deployment d) {
        PriceLookup own = lookup(d);
        if (own.priced() || setsPrice(d.modelInfo())) return own;
        Priced entry = configById.get(d.id());
        return entry != null && entry.lookup().priced() ? entry.lookup() : own;
    }

    private static boolean setsPrice(Map<String, Object> modelInfo) {
        return modelInfo != null && (modelInfo.get("input_cost_per_token") != null || modelInfo.get("output_cost_per_token") != null);
    }

    /**
     * Refuses a model a caller named through a wildcard when nothing prices it (neither the catalog nor the wildcard
     * entry's {@code model_info}): asked only where a budget applies, which such a call would pass at $0 however much
     * it cost, a name of the caller's choosing. An entry of the config that is unpriced (a self-hosted model) is the
     * operator's choice and is served as before.
     *
     * @throws dev.switchboard.model.GatewayException 400 naming the model and the fix
     */
    void requirePricedUnderBudget(Deployment d) {
        dev.switchboard.model.GatewayException refused = unpricedUnderBudget(d);
        if (refused != null) throw refused;
    }

    /**
     * {@link #requirePricedUnderBudget}'s refusal, or null; adds nothing (a name only asked about, {@code GET
     * /v1/models/{model}}, is priced by the catalog and not kept).
     */
    dev.switchboard.model.GatewayException unpricedUnderBudget(Deployment d) {
        if (byEntry.containsKey(d) || d.provider().equals("mock")) return null;
        Priced p = of(d);
        if (p == null || p.lookup().priced()) return null;
        return dev.switchboard.model.GatewayException.badRequest("The model '" + dev.switchboard.model.LogSafe.text(d.alias()) + "' ("
                + dev.switchboard.model.LogSafe.text(d.id()) + ", served through a wildcard) has no price: the catalog does not know "
                + "it and the wildcard entry's model_info sets none, so a budget cannot bound what it costs, and a caller under a "
                + "budget may not use it. Ask for a model the catalog prices, or have the operator give it a price (its own "
                + "model_list entry with model_info input_cost_per_token and output_cost_per_token).", "model");
    }

    private static Priced price(Target t, PriceLookup lookup) {
        Deployment d = t.deployment();
        return new Priced(d.provider(), lookup, outputLimit(d, t.provider().outputLimitWhenUnset(), lookup),
                contextWindow(d, lookup), ToolPrices.of(d), d.modelInfo(), d.params(), d.maxTokens());
    }

    /** model_info's max_input_tokens (also for a model the catalog does not price), else the catalog's window; 0 unknown. */
    private static int contextWindow(Deployment d, PriceLookup lookup) {
        Object given = d.modelInfo() == null ? null : d.modelInfo().get("max_input_tokens");
        if (given != null) {
            try {
                return (int) Math.min(Integer.MAX_VALUE, Math.max(0, Double.parseDouble(given.toString())));
            } catch (NumberFormatException e) {
                return 0; // the config check reports it; an unknown window is never enforced
            }
        }
        return lookup.priced() && lookup.price().contextWindow() != null ? lookup.price().contextWindow() : 0;
    }

    /**
     * The output limit a request without one is sent with: the deployment's {@code max_completion_tokens} default, which
     * the request takes over its {@code max_tokens} (DeploymentDefaults, the encoders), else that {@code max_tokens}, else
     * the provider's or the model's own.
     */
    private static int outputLimit(Deployment d, Integer providerDefault, PriceLookup lookup) {
        if (d.params().get("max_completion_tokens") instanceof Number n && n.intValue() > 0) return n.intValue();
        if (d.maxTokens() != null) return d.maxTokens();
        if (providerDefault != null) return providerDefault;
        if (lookup.priced() && lookup.price().maxOutputTokens() != null) return lookup.price().maxOutputTokens();
        return UNKNOWN_OUTPUT_LIMIT;
    }

    Priced of(String deploymentId) { return byId(deploymentId); }

    /**
     * The entry's own price: a config entry's ({@link #byEntry}), else the price of the wildcard entry that made it for
     * its id ({@link #wildcardById}: (entry, id), whichever other entry also serves the id); for a wildcard's deployment
     * whose name the router has let go meanwhile ({@link #gone}: a call in flight on it, or a name only asked about) the
     * catalog's price, looked up again and not kept, with the model's own output limit (the provider's default for a
     * request without one is not known here: never less than it, so a worst case is not under-reserved).
     */
    Priced of(Deployment d) {
        Priced p = byEntry.get(d);
        if (p != null) return p;
        Held[] held = wildcardById.get(d.id());
        int i = indexOf(held, d);
        if (i >= 0) return held[i].priced();
        PriceLookup lookup = wildcardLookup(d);
        return new Priced(d.provider(), lookup, outputLimit(d, null, lookup), contextWindow(d, lookup), ToolPrices.of(d),
                d.modelInfo(), d.params(), d.maxTokens());
    }

    /**
     * The deployment model's own output limit (the catalog's, or its model_info's max_output_tokens); 0 when unknown.
     * By the entry ({@link #of(Deployment)}), not its id: a wildcard's deployment whose name was let go while a call
     * to it is in flight is still capped.
     */
    int outputCeiling(Deployment d) {
        Priced p = of(d);
        if (p == null || !p.lookup().priced() || p.lookup().price().maxOutputTokens() == null) return 0;
        return p.lookup().price().maxOutputTokens();
    }

    /**
     * Context windows of the config's entries, by entry (two entries of one provider/model may give different
     * model_info). A deployment a wildcard made is never kept here: its group's member keeps its own copy
     * (ContextCheck), and an entry kept per name would outlive the name (one re-added after {@link #gone}).
     */
    private final Map<Deployment, Integer> windows = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The deployment's context window: its own model_info's max_input_tokens, else the catalog's for its model; 0 when
     * unknown. Per entry, not per provider/model id: two entries of the same model may set different windows.
     */
    int contextWindow(Deployment d) {
        if (!byEntry.containsKey(d)) return contextWindow(d, wildcardLookup(d)); // a wildcard's: looked up, not kept
        return windows.computeIfAbsent(d, k -> contextWindow(k, lookup(k)));
    }

    /** What {@code usage} cost on the deployment that served; unpriced (0) for one without a price. */
    Cost cost(String deploymentId, Usage usage) { return cost(byId(deploymentId), usage, OpenAiBuiltInTools.Offered.NONE); }

    /** What {@code usage} cost on this config entry (its own price, see {@link #byEntry}). */
    Cost cost(Deployment d, Usage usage) { return cost(of(d), usage, OpenAiBuiltInTools.Offered.NONE); }

    /**
     * What {@code usage} cost on the deployment that served, its built-in tool calls priced as the request offered
     * them (the web search's context size; a chat completion's per-request search).
     */
    Cost cost(String deploymentId, Usage usage, OpenAiBuiltInTools.Offered offered) { return cost(byId(deploymentId), usage, offered); }

    /** {@link #cost(String, Usage, OpenAiBuiltInTools.Offered)} on this config entry. */
    Cost cost(Deployment d, Usage usage, OpenAiBuiltInTools.Offered offered) { return cost(of(d), usage, offered); }

    /**
     * What {@code usage}'s tokens alone cost on the deployment at its price (no provider bill, no tool fees); 0 when it
     * is unpriced. What a prompt cache saved is a difference of two such prices.
     */
    long tokensNanos(String deploymentId, Usage usage) { return tokensNanos(byId(deploymentId), usage); }

    /** {@link #tokensNanos(String, Usage)} at this entry's own price ({@link #of(Deployment)}). */
    long tokensNanos(Deployment d, Usage usage) { return tokensNanos(of(d), usage); }

    private static long tokensNanos(Priced p, Usage usage) {
        return p == null || !p.lookup().priced() || usage == null ? 0 : CostCalculator.costNanos(p.lookup().price(), usage);
    }

    private static Cost cost(Priced p, Usage usage, OpenAiBuiltInTools.Offered offered) {
        // what the provider says it billed (OpenRouter, Perplexity) is the call's cost: it includes what no token price
        // can (a request fee, the route OpenRouter took, a BYOK fee), and prices a model the catalog does not know
        if (usage != null && usage.billedUsd() != null) return new Cost(CostCalculator.billedNanos(usage.billedUsd()), true);
        if (p == null || !p.lookup().priced() || usage == null) return p != null && p.lookup().priced() ? new Cost(0, true) : Cost.UNPRICED;
        long cost = CostCalculator.costNanos(p.lookup().price(), usage);
        // the tools the provider ran, billed per search, call or session beside the tokens (0 on nearly every call)
        long fees = p.tools().feesNanos(usage.details(), offered);
        return new Cost(fees <= 0 ? cost : saturatedAdd(cost, fees), true);
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** See {@link Gateway#promptCacheSavedNanos}: base prices (a long-prompt tier is not known from a daily sum). */
    long cacheReadSavingNanos(String deploymentId, long cacheReadTokens) {
        Priced p = byId(deploymentId);
        if (p == null || !p.lookup().priced() || cacheReadTokens <= 0) return 0;
        ModelPrice price = p.lookup().price();
        if (price.cacheReadPerToken() == null) return 0;
        double perToken = price.inputPerToken() - price.cacheReadPerToken();
        return perToken <= 0 ? 0 : Math.round(perToken * cacheReadTokens * 1e9);
    }

    /**
     * See {@link Gateway#promptCacheWritePremiumNanos}: what {@code cacheWriteTokens} cost beyond the input price, at the
     * 5-minute write price (the daily sums keep writes as one count); 0 where writes cost the input price.
     */
    long cacheWritePremiumNanos(String deploymentId, long cacheWriteTokens) {
        Priced p = byId(deploymentId);
        if (p == null || !p.lookup().priced() || cacheWriteTokens <= 0) return 0;
        ModelPrice price = p.lookup().price();
        if (price.cacheWrite5mPerToken() == null) return 0;
        double perToken = price.cacheWrite5mPerToken() - price.inputPerToken();
        return perToken <= 0 ? 0 : Math.round(perToken * cacheWriteTokens * 1e9);
    }

    /** The worst case of one call to the deployment: 0 when it is unpriced (it costs nothing the gateway can count). */
    long worstCase(String deploymentId, int promptTokens, Integer requestOutputLimit, boolean cacheWrites) {
        return worstCase(deploymentId, promptTokens, requestOutputLimit, cacheWrites, 1);
    }

    /**
     * @param choices the answers the request asks for ({@code n}): each may run to the output limit, the prompt is paid
     *                once (as OpenAI bills it)
     */
    long worstCase(String deploymentId, int promptTokens, Integer requestOutputLimit, boolean cacheWrites, int choices) {
        return worstCase(byId(deploymentId), promptTokens, requestOutputLimit, cacheWrites, choices, 0, OpenAiBuiltInTools.Offered.NONE);
    }

    /** {@link #worstCase(String, int, Integer, boolean, int)} at the entry's own price. */
    long worstCase(Deployment d, int promptTokens, Integer requestOutputLimit, boolean cacheWrites, int choices) {
        return worstCase(of(d), promptTokens, requestOutputLimit, cacheWrites, choices, 0, OpenAiBuiltInTools.Offered.NONE);
    }

    /** @param searches the most web searches the provider may run and bill for the request (its web search tools' max_uses) */
    long worstCase(Deployment d, int promptTokens, Integer requestOutputLimit, boolean cacheWrites, int choices, int searches) {
        return worstCase(of(d), promptTokens, requestOutputLimit, cacheWrites, choices, searches, OpenAiBuiltInTools.Offered.NONE);
    }

    /**
     * @param searches the most web searches Claude may run and bill for the request (its web search tools' max_uses)
     * @param offered  the OpenAI built-in tools the request offers, reserved for as many calls as it may make
     */
    long worstCase(Deployment d, int promptTokens, Integer requestOutputLimit, boolean cacheWrites, int choices, int searches,
                   OpenAiBuiltInTools.Offered offered) {
        return worstCase(of(d), promptTokens, requestOutputLimit, cacheWrites, choices, searches, offered);
    }

    private static long worstCase(Priced p, int promptTokens, Integer requestOutputLimit, boolean cacheWrites, int choices,
                                  int searches, OpenAiBuiltInTools.Offered offered) {
        if (p == null || !p.lookup().priced()) return 0;
        ModelPrice price = p.lookup().price();
        long output = (long) (requestOutputLimit != null ? requestOutputLimit : p.defaultOutputLimit()) * Math.max(1, choices);
        long tokens = CostCalculator.worstCaseNanos(price, promptTokens, (int) Math.min(Integer.MAX_VALUE, output), cacheWrites);
        long fees = p.tools().worstNanos(searches, offered);
        return fees <= 0 ? tokens : saturatedAdd(tokens, fees);
    }

    /** The price a deployment is charged at, or null when it is unpriced (or unknown). */
    ModelPrice price(String deploymentId) { return price(byId(deploymentId)); }

    /** The price this config entry is charged at (its own), or null when it is unpriced. */
    ModelPrice price(Deployment d) { return price(of(d)); }

    private static ModelPrice price(Priced p) { return p == null || !p.lookup().priced() ? null : p.lookup().price(); }

    /** The output limit a request without one gets on the deployment; 0 when unknown. */
    int defaultOutputLimit(String deploymentId) { return defaultOutputLimit(byId(deploymentId)); }

    /** The output limit a request without one gets on this config entry; 0 when unknown. */
    int defaultOutputLimit(Deployment d) { return defaultOutputLimit(of(d)); }

    private static int defaultOutputLimit(Priced p) { return p == null ? 0 : p.defaultOutputLimit(); }

    /** Deployments with no price, each with the reason (for the start log, {@code check} and the spend report). */
    List<String> unpriced() { return List.copyOf(unpriced); }
}
