package dev.switchboard.cache;

import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.cache.semantic.SemanticMatch;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache the cache stage asks: which requests it may answer ({@link #plan}), the lookup, and what it
 * stores. An answer is stored only when it is whole and ordinary: served by the alias's own deployment (a fallback's
 * answer would later pass for the primary's), every choice finished with stop, length or tool calls (not a content
 * filter), and the request did not say {@code no-store}.
 */
public final class ResponseCache {
    private static final Logger log = LoggerFactory.getLogger("switchboard.cache");

    private final CacheSettings settings;
    private final ExactCache store;
    private final Set<String> cachedAliases;
    /** The configured model_name (or wildcard pattern) that serves a requested name: ids, group aliases, wildcards. */
    private final java.util.function.UnaryOperator<String> entryOf;
    private final LongSupplier clock;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder storeFailures = new LongAdder();
    private final SemanticCache semantic;

    /** The key tag with which a virtual key lets its requests into the semantic cache whatever their parameters. */
    public static final String SEMANTIC_ANY_TAG = "semantic-cache:any";

    /**
     * One request's cache decision: its namespace and key, and its controls; for the semantic cache, the context hash
     * and the last user turn's text, or null when the request stays out of it. It also carries the flush stamps that
     * make a flush final: the semantic cache's, taken when the plan is made, and the exact store's epoch, which the
     * lookup writes into it ({@link ExactCache.EpochStamp}: the plan is made for each request anyway, so the stamps
     * cost no object of their own). An answer is stored only where no flush came since its stamp.
     */
    public static final class Plan implements ExactCache.EpochStamp {
        private final String namespace;
        private final EntryKey key;
        private final CacheControls controls;
        private final String contextHash;
        private final String question;
        /** The semantic cache's flush count and shared-stream position when the request was planned. */
        private final long semanticFlushes;
        private final String semanticSeen;
        /** The exact store's flush epoch as the lookup read it; {@link ExactCache#NO_EPOCH} until then (or if it failed). */
        private volatile long storeEpoch = ExactCache.NO_EPOCH;

        /** An exact-cache plan (the bench's): its answer is stored once a lookup or {@link ExactCache#readEpoch} stamped it. */
        public Plan(String namespace, EntryKey key, CacheControls controls) { this(namespace, key, controls, null, null, 0, null); }

        Plan(String namespace, EntryKey key, CacheControls controls, String contextHash, String question, long semanticFlushes,
             String semanticSeen) {
            this.namespace = namespace;
            this.key = key;
            this.controls = controls;
            this.contextHash = contextHash;
            this.question = question;
            this.semanticFlushes = semanticFlushes;
            this.semanticSeen = semanticSeen;
        }

        public String namespace() { return namespace; }

        public EntryKey key() { return key; }

        public CacheControls controls() { return controls; }

        /** The semantic context's hash, or null when the request stays out of the semantic cache. */
        public String contextHash() { return contextHash; }

        /** The last user turn's text, or null when the request stays out of the semantic cache. */
        public String question() { return question; }

        /** The key's hex form: what Redis, the semantic cache and {@code x-switchboard-cache-entry} use. */
        public String entryId() { return key.hex(); }

        public boolean semantic() { return question != null; }

        @Override
        public void storeEpoch(long epoch) { this.storeEpoch = epoch; }

        long storeEpoch() { return storeEpoch; }
    }

    /** @param cachedAliases the aliases whose answers are cached (the pipeline works them out from the config) */
    public ResponseCache(CacheSettings settings, ExactCache store, Set<String> cachedAliases, LongSupplier clockMillis) {
        this(settings, store, null, cachedAliases, clockMillis);
    }

    /** @param semantic the semantic cache, or null */
    public ResponseCache(CacheSettings settings, ExactCache store, SemanticCache semantic, Set<String> cachedAliases,
                         LongSupplier clockMillis) {
        this(settings, store, semantic, cachedAliases, name -> name, clockMillis);
    }

    /**
     * @param entryOf the model_name or wildcard pattern of the config entry that serves a requested name (a deployment
     *                id, a model_group_alias or a name a wildcard serves is cached as that entry is), the name itself
     *                when it is a model_name, null when nothing serves it
     */
    public ResponseCache(CacheSettings settings, ExactCache store, SemanticCache semantic, Set<String> cachedAliases,
                         java.util.function.UnaryOperator<String> entryOf, LongSupplier clockMillis) {
        this.settings = settings;
        this.store = store;
        this.semantic = semantic;
        this.cachedAliases = Set.copyOf(cachedAliases);
        this.entryOf = entryOf;
        this.clock = clockMillis;
    }

    /** Whether answers for this requested name are cached: its serving entry's model_name is. */
    private boolean cached(String name) {
        if (cachedAliases.contains(name)) return true;
        String entry = name == null ? null : entryOf.apply(name);
        return entry != null && cachedAliases.contains(entry);
    }

    /** The semantic cache, or null when the cache type is not {@code semantic} / {@code redis-semantic}. */
    public SemanticCache semantic() { return semantic; }

    /** The exact store the settings name: Redis, or this process's memory. */
    public static ExactCache storeFor(Vertx vertx, CacheSettings s, LocalExactCache.RelayReader relays) {
        return s.redis() ? new RedisExactCache(vertx, s.redisAddress(), s.redisTimeoutMillis())
                : new LocalExactCache(s.maxBytes(), System::currentTimeMillis, relays);
    }

    public CacheSettings settings() { return settings; }

    public ExactCache store() { return store; }

    public boolean cachesAnything() { return !cachedAliases.isEmpty() && settings.chat(); }

    /**
     * Whether and where this request may be answered and stored; null when its alias is not cached.
     *
     * @param cacheControlHeader the request's {@code Cache-Control}, or null
     * @throws dev.switchboard.model.GatewayException for controls that are malformed (400) or not allowed to the key (403)
     */
    public Plan plan(CallContext ctx, ChatRequest request, String cacheControlHeader) {
        CacheControls controls = CacheControls.parse(request.extra().get("cache"), cacheControlHeader);
        if (!settings.chat() || !cached(request.model())) return null;
        controls.checkAllowed(ctx.caller().allowedCacheControls(), ctx.caller().admin());
        // LiteLLM's mode: default_off: the cache is neither asked nor written unless the request opts in
        if (settings.optIn() && !controls.useCache()) return null;
        String ns = controls.namespace() != null ? requestedNamespace(controls.namespace(), settings.namespace())
                : settings.namespace() != null ? settings.namespace() : ctx.caller().id();
        String variant = null;
        if (request.model() != null && request.model().equals(autoAlias)) {
            variant = tierPin(ctx);
            if (variant == null) return null; // a tier header the router will refuse: no hit may answer it first
        }
        EntryKey exact = RequestFingerprint.exactKey(ns, request, variant);
        if (!semanticMay(ctx, request, controls)) return new Plan(ns, exact, controls);
        // the semantic cache's stamps now, before anything is asked: a flush from here on drops this request's answer
        return new Plan(ns, exact, controls, RequestFingerprint.context(ns, request, variant), RequestFingerprint.lastUserText(request),
                semantic.flushStamp(), semantic.sharedCursor());
    }

    /** What a namespace a request names is kept under: {@code cache: {"namespace": "team-a"}} is {@code ns:team-a}. */
    public static final String REQUESTED_NAMESPACE_PREFIX = "ns:";

    /**
     * Where a request-named namespace lives: in a space of its own ({@value #REQUESTED_NAMESPACE_PREFIX} and the name),
     * so no name reaches a caller's private namespace (a key's is its {@code key_id}, the master key's {@code master}: QA
     * read and wrote both by naming them); the configured shared namespace ({@code cache_params.namespace}), which every
     * caller already has, is itself.
     *
     * @param configured {@code cache_params.namespace}, or null
     */
    static String requestedNamespace(String named, String configured) {
        return named.equals(configured) ? named : REQUESTED_NAMESPACE_PREFIX + named;
    }

    /**
     * The auto alias chooses a tier per call, and the body alone does not say which: the client's
     * {@code x-switchboard-tier} header and the key's {@code auto_tier} choose it before any rule on the body. An entry of
     * the auto alias is keyed by them too, so a call pinned to one tier (or a key whose default is another) is never
     * answered with the other tier's model's answer. Rules on the body (prompt size, tools, keywords) decide the same for
     * the same body; the classifier, when on, decided once for the answer stored. Null for a header naming no tier.
     */
    private static String tierPin(CallContext ctx) {
        String header = ctx.hint("tier");
        if (header != null) {
            String t = header.trim().toLowerCase(java.util.Locale.ROOT);
            return t.equals("cheap") || t.equals("smart") ? "tier=" + t : null;
        }
        String keyTier = ctx.caller().autoTier();
        return "tier=" + (keyTier == null ? "" : keyTier) + "/default";
    }

    /** The auto alias (its tier is chosen per call), or null when the config has none; set by the pipeline. */
    private volatile String autoAlias;

    public void autoAlias(String alias) { this.autoAlias = alias; }

    /**
     * Whether the semantic cache may answer (and store) this request. Safe defaults: a request sampled at a temperature
     * above 0 asks for variety, one with tools may act on the answer, and an image is not part of what is compared; so
     * these stay out unless the config ({@code semantic_serves}), the key (tag {@value #SEMANTIC_ANY_TAG}) or the
     * request ({@code cache: {"semantic": true}}) lets them in. {@code cache: {"semantic": false}} keeps any request out.
     */
    private boolean semanticMay(CallContext ctx, ChatRequest request, CacheControls controls) {
        if (semantic == null || Boolean.FALSE.equals(controls.semantic())) return false;
        String q = RequestFingerprint.lastUserText(request);
        if (q == null || q.isBlank()) return false;
        boolean optIn = Boolean.TRUE.equals(controls.semantic()) || ctx.caller().tags().contains(SEMANTIC_ANY_TAG);
        if (optIn) return true;
        var anyway = semantic.settings().servesAnyway();
        if (request.temperature() != null && request.temperature() > 0 && !anyway.contains("temperature")) return false;
        if (hasTools(request) && !anyway.contains("tools")) return false;
        return !hasImage(request) || anyway.contains("images");
    }

    /**
     * Tools of any kind: the functions the gateway models, and what only the client's own body holds: Anthropic's
     * typed tools (web search, bash, text editor, …) and {@code mcp_servers}, Responses' built-in tools. An answer that
     * called one (or searched the web) is no answer to a paraphrase.
     */
    static boolean hasTools(ChatRequest r) {
        if (!r.tools().isEmpty()) return true;
        if (r.raw() == null) return false;
        com.fasterxml.jackson.databind.JsonNode body = r.raw().body();
        return body.path("tools").isArray() && !body.path("tools").isEmpty()
                || body.path("mcp_servers").isArray() && !body.path("mcp_servers").isEmpty();
    }

    /** An image of any kind: a canonical one, or an Anthropic client's image by {@code file_id} (kept as its block). */
    private static boolean hasImage(ChatRequest r) {
        for (Message m : r.messages()) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Image || p instanceof ContentPart.Other o && o.type().equals("image")) return true;
            }
        }
        return false;
    }

    /**
     * The semantic match for a plan the exact cache missed, or null. A match in shadow mode comes back with
     * {@code serve() == false}: the caller logs it and serves the fresh answer.
     */
    public Future<SemanticMatch> lookupSemantic(Plan plan) {
        if (semantic == null || !plan.semantic() || noRead(plan.controls())) return Future.succeededFuture();
        // s-maxage goes into the search: a too-old entry is dropped before the guards and the verifier (no paid
        // verification, no hit counted for a match then thrown away, and a younger candidate behind it still found)
        Long maxAge = plan.controls().maxAgeMillis();
        long notBefore = maxAge == null || maxAge == Long.MAX_VALUE ? Long.MIN_VALUE : clock.getAsLong() - maxAge;
        return semantic.lookup(plan.namespace(), plan.contextHash(), plan.question(), notBefore)
                .map(m -> m.orElse(null)).otherwise(e -> null);
    }

    /**
     * {@code no-cache}, or a maximum age of 0 ({@code max-age=0}, {@code s-maxage: 0}), which no stored answer can
     * meet: the cache is not read at all (review, 2026-12-07: it was read, the question embedded and a grey-zone match
     * verified by a paid call, and the answer then discarded); the fresh answer is still stored.
     */
    private static boolean noRead(CacheControls c) {
        return c.noCache() || (c.maxAgeMillis() != null && c.maxAgeMillis() <= 0);
    }

    /**
     * The entry that answers the plan, or null (absent, too old for {@code s-maxage}, or {@code no-cache}); either way the
     * store's flush epoch is read into the plan, before the request goes on to a provider.
     */
    public Future<CachedAnswer> lookup(Plan plan) {
        if (noRead(plan.controls())) return store.readEpoch(plan).map((CachedAnswer) null); // it may still store
        return store.get(plan.namespace(), plan.key(), plan).map(a -> {
            Long maxAge = plan.controls().maxAgeMillis();
            CachedAnswer fresh = a != null && (maxAge == null || !a.olderThan(maxAge, clock.getAsLong())) ? a : null;
            (fresh == null ? misses : hits).increment();
            return fresh;
        });
    }

    /**
     * Stores a fresh answer when it may be (see the class comment); never fails the request.
     *
     * @param tier    the auto alias's tier decision that answered ({@code x-switchboard-tier}), null for other aliases: a
     *                hit says it again, so "which tier served my auto traffic" counts the hits too
     * @param modelId the deployment entry that answered, its {@code model_info.id}; null or "" without one: a hit's ledger
     *                row names it
     * @param costNanos what the answer cost on that entry ({@link CachedAnswer#costNanos}), null when not known: a hit
     *                whose entry is gone from the config is priced at it
     */
    public void store(Plan plan, String deployment, String modelId, Long costNanos, String route, String tier, ChatResponse r) {
        if (modelId != null && modelId.isEmpty()) modelId = null;
        if (plan.controls().noStore() || !"primary".equals(route) || !storable(r)) return;
        long now = clock.getAsLong();
        long ttl = plan.controls().ttlSeconds() != null ? plan.controls().ttlSeconds() : settings.ttlSeconds();
        long epoch = plan.storeEpoch();
        if (epoch == ExactCache.NO_EPOCH) { // the lookup could not read it (Redis away): not stored, a failure to store
            storeFailures.increment();
        } else {
            // with the upstream's bytes, if any: the in-memory store keeps (and weighs) those instead of encoding the answer;
            // the key as it is: the in-memory store keeps such an answer without ever making the key's hex form.
            // Counted as a store only when stored: not when a flush came since the lookup, nor when the store failed
            store.putUnlessFlushed(plan.key(), plan.namespace(), now, now + ttl * 1000, deployment, modelId, costNanos, tier, r, epoch)
                    .onComplete(done -> {
                if (done.succeeded()) {
                    if (done.result()) stores.increment();
                    return;
                }
                storeFailures.increment();
                if (!(done.cause() instanceof ExactCache.Unavailable)) { // the store reported that one itself
                    log.warn("cache: could not store entry {}: {}", plan.entryId(), done.cause().getMessage());
                }
            });
        }
        if (semantic != null && plan.semantic()) { // its entries hold the records: without the bytes, held and not weighed
            CachedAnswer a = new CachedAnswer(plan.entryId(), plan.namespace(), now, now + ttl * 1000, deployment, tier,
                    r.withoutRelay(), modelId, costNanos);
            semantic.remember(plan.namespace(), plan.contextHash(), plan.question(), a, plan.semanticFlushes, plan.semanticSeen);
        }
    }

    /**
     * Whether {@link #store} would keep this answer anywhere (not no-store, the primary route, a storable answer, and an
     * exact store whose epoch the lookup read or a semantic plan): the caller asks it before pricing the answer for
     * {@code costNanos}, so a miss that is not stored is not priced twice. Allocates nothing.
     */
    public boolean mayStore(Plan plan, String route, ChatResponse r) {
        if (plan.controls().noStore() || !"primary".equals(route) || !storable(r)) return false;
        return plan.storeEpoch() != ExactCache.NO_EPOCH || (semantic != null && plan.semantic());
    }

    static boolean storable(ChatResponse r) {
        if (r.choices().isEmpty()) return false;
        for (Choice c : r.choices()) {
            FinishReason f = c.finishReason();
            if (f != FinishReason.STOP && f != FinishReason.LENGTH && f != FinishReason.TOOL_CALLS) return false;
        }
        return true;
    }

    public long hits() { return hits.sum(); }

    public long misses() { return misses.sum(); }

    /** Answers stored in the exact store (not those a flush dropped, nor those it failed to take). */
    public long stores() { return stores.sum(); }

    /** Answers the exact store failed to take (Redis unreachable, no direct memory left). */
    public long storeFailures() { return storeFailures.sum(); }
}
