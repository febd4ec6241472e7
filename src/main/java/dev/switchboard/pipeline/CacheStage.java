package dev.switchboard.pipeline;

import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.cache.StreamRecorder;
import dev.switchboard.cache.StreamReplay;
import dev.switchboard.cache.semantic.SemanticMatch;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The response cache on the request path, inside the spend stage (so a hit is still authenticated, allowed and rate
 * limited, and recorded in the ledger at its real cost, 0) and outside routing: a hit answers without calling a
 * provider, a miss goes on and its answer is stored. A streamed request gets a hit replayed as a stream, and a
 * streamed miss is recorded as it passes and stored when it ends cleanly.
 */
final class CacheStage implements Stage {
    static final String CACHE_CONTROL = "cache-control";
    static final String ENTRY_HEADER = "x-switchboard-cache-entry";
    static final String AGE_HEADER = "x-switchboard-cache-age";
    /**
     * LiteLLM's header on a cache hit, its value the key {@code /cache/delete} takes (here the entry id): clients and
     * tools written for LiteLLM tell a hit by its presence (it is never on a miss), so a hit is one to them here too.
     */
    static final String LITELLM_CACHE_KEY_HEADER = "x-litellm-cache-key";
    static final String SIMILARITY_HEADER = "x-switchboard-cache-similarity";
    static final String VERIFIED_HEADER = "x-switchboard-cache-verified";
    /**
     * A hit's deployment entry: the {@code model_info.id} of the entry whose answer it got, as that call's ledger row
     * named it, for the hit's own row ({@link MeteredCall}); absent when the entry had none or is not known.
     */
    static final CallContext.Key<String> HIT_MODEL_ID = new CallContext.Key<>(String.class);
    /**
     * A hit's stored cost: what its answer cost on the entry that served it when it was stored
     * ({@link CachedAnswer#costNanos}), which prices the hit when the current config no longer has that entry
     * ({@link MeteredCall#price}); absent when the entry does not say it (stored by an older gateway).
     */
    static final CallContext.Key<Long> HIT_COST = new CallContext.Key<>(Long.class);

    private final ResponseCache cache;
    /** Tag routing is on: a call with routing tags is not cached (its deployments are its tags', not the alias's). */
    private final boolean tagRouting;
    /** The aliases whose deployments a client's User-Agent chooses among (tag routing's {@code tag_regex}). */
    private final java.util.function.Predicate<String> routedByUserAgent;

    CacheStage(ResponseCache cache) { this(cache, false, alias -> false); }

    CacheStage(ResponseCache cache, boolean tagRouting, java.util.function.Predicate<String> routedByUserAgent) {
        this.cache = cache;
        this.tagRouting = tagRouting;
        this.routedByUserAgent = routedByUserAgent;
    }

    /**
     * The call's cache plan; none for a call whose tags route it under tag routing, nor for one to an alias a client's
     * User-Agent routes ({@code tag_regex}): an answer stored for one set of tags must not serve another (a "paid" caller
     * a "free" deployment's answer, or a call no deployment may serve), nor one stored for another client.
     */
    private ResponseCache.Plan plan(CallContext ctx, ChatRequest request) {
        if (tagRouting && (!dev.switchboard.model.CallTags.routing(dev.switchboard.model.CallTags.of(ctx, request.metadata(),
                request.extra())).isEmpty() || routedByUserAgent.test(request.model()))) {
            return null;
        }
        return cache.plan(ctx, request, ctx.hint(CACHE_CONTROL));
    }

    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                ResponseCache.Plan plan;
                try {
                    plan = plan(ctx, request);
                } catch (RuntimeException e) {
                    return Future.failedFuture(e);
                }
                if (plan == null) return next.chat(ctx, request);
                return cache.lookup(plan).compose(hit -> {
                    if (hit != null) return Future.succeededFuture(answer(ctx, hit, hit.response()));
                    return cache.lookupSemantic(plan).compose(m -> {
                        if (m != null && m.serve()) return Future.succeededFuture(semanticAnswer(ctx, m, m.answer().response()));
                        return next.chat(ctx, request).onSuccess(a -> {
                            if (m != null) ShadowLog.wouldHaveServed(ctx, plan, m, a.body());
                            ChatResponse body = a.body();
                            Long cost = cache.mayStore(plan, a.route(), body) ? storedCost(ctx, a, body.usage()) : null;
                            cache.store(plan, a.deployment(), servedModelId(ctx, a.deployment()), cost, a.route(), a.tier(),
                                    body);
                        });
                    });
                });
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                ResponseCache.Plan plan;
                try {
                    plan = plan(ctx, request);
                } catch (RuntimeException e) {
                    return Future.failedFuture(e);
                }
                if (plan == null) return next.stream(ctx, request);
                return cache.lookup(plan).compose(hit -> {
                    if (hit != null) return Future.succeededFuture(answer(ctx, hit, new StreamReplay(hit.response())));
                    return cache.lookupSemantic(plan).compose(m -> {
                        if (m != null && m.serve()) {
                            return Future.succeededFuture(semanticAnswer(ctx, m, new StreamReplay(m.answer().response())));
                        }
                        return next.stream(ctx, request).map(a -> recorded(a, plan, m, ctx));
                    });
                });
            }
        };
    }

    /**
     * The deployment entry that served this call's answer ({@code model_info.id}), stored with it so a hit's ledger row
     * names it; null when the entry has none, or the attempt that served is not the answer's deployment.
     */
    private static String servedModelId(CallContext ctx, String deployment) {
        dev.switchboard.route.ServingAttempt served = ctx.attached(dev.switchboard.route.ServingAttempt.KEY);
        return served == null || !served.deployment().equals(deployment) ? null : served.modelId();
    }

    /**
     * What the answer cost on the entry that served it ({@link MeteredCall#price}: the call's own ledger row's price of
     * its usage), kept with the stored answer ({@link CachedAnswer#costNanos}); null when the answer has no usage or the
     * call is not metered. Asked only once {@link ResponseCache#mayStore} said the answer will be stored (not for a
     * no-store request, a fallback's answer, an unstorable one, nor when the lookup could not read the exact store's epoch
     * and there is no semantic plan): a few multiplications once a stored miss.
     */
    private static Long storedCost(CallContext ctx, Answer<?> a, dev.switchboard.model.Usage usage) {
        MeteredCall m = ctx.attached(MeteredCall.KEY);
        return usage == null || m == null ? null : m.storedCost(a, usage);
    }

    /** A stream whose answer is stored when it ends cleanly (and compared with a shadow match, if there was one). */
    private Answer<ChatStream> recorded(Answer<ChatStream> a, ResponseCache.Plan plan, SemanticMatch shadow, CallContext ctx) {
        ChatStream inner = a.body();
        ChatStream recorded = new ChatStream() {
            @Override
            public void start(ChunkSink sink) {
                inner.start(new StreamRecorder(sink, r -> {
                    if (shadow != null) ShadowLog.wouldHaveServed(ctx, plan, shadow, r);
                    Long cost = cache.mayStore(plan, a.route(), r) ? storedCost(ctx, a, r.usage()) : null;
                    cache.store(plan, a.deployment(), servedModelId(ctx, a.deployment()), cost, a.route(), a.tier(), r);
                }));
            }

            @Override
            public void cancel() { inner.cancel(); }

            @Override
            public dev.switchboard.model.Usage usageSoFar() { return inner.usageSoFar(); }
        };
        return new Answer<>(recorded, a.deployment(), a.route(), a.cache(), a.tier(), a.headers());
    }

    /**
     * A hit: the deployment that first answered (and for the auto alias the tier it was, as that call said it: this
     * call's header and ledger row name the tier whose answer it got), the cache status, the entry that answered and its
     * age.
     */
    private <T> Answer<T> answer(CallContext ctx, CachedAnswer hit, T body) {
        if (hit.modelId() != null) ctx.attach(HIT_MODEL_ID, hit.modelId());
        if (hit.costNanos() != null) ctx.attach(HIT_COST, hit.costNanos());
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ENTRY_HEADER, hit.entryId());
        h.put(AGE_HEADER, Long.toString(hit.ageSeconds(System.currentTimeMillis())));
        h.put(LITELLM_CACHE_KEY_HEADER, hit.entryId());
        return new Answer<>(body, hit.deployment(), "primary", "hit-exact", hit.tier(), h);
    }

    /** A semantic hit: as an exact one, plus the similarity of the question that answered. */
    private <T> Answer<T> semanticAnswer(CallContext ctx, SemanticMatch m, T body) {
        if (m.answer().modelId() != null) ctx.attach(HIT_MODEL_ID, m.answer().modelId());
        if (m.answer().costNanos() != null) ctx.attach(HIT_COST, m.answer().costNanos());
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ENTRY_HEADER, m.entryId());
        h.put(AGE_HEADER, Long.toString(m.answer().ageSeconds(System.currentTimeMillis())));
        h.put(LITELLM_CACHE_KEY_HEADER, m.entryId());
        h.put(SIMILARITY_HEADER, String.format(java.util.Locale.ROOT, "%.4f", m.similarity()));
        if (m.verified()) h.put(VERIFIED_HEADER, "true");
        return new Answer<>(body, m.answer().deployment(), "primary", "hit-semantic", m.answer().tier(), h);
    }
}
