package dev.switchboard.pipeline;

import dev.switchboard.account.SpendRecord;
import dev.switchboard.govern.Admission;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import dev.switchboard.model.WireHeaders;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One admitted call, from its answer to its ledger row: prices the usage on the deployment that served, settles the
 * budget reservation to that cost, writes the row (queued, never on the request path), and puts the cost on the
 * answer ({@code x-switchboard-cost}, {@code usage.cost}) with the key's {@code x-ratelimit-*} headers. A failure
 * returns the reservation; its attempts are in the ledger already ({@link LedgerAttempts}).
 */
final class MeteredCall {
    static final String COST_HEADER = "x-switchboard-cost";
    /**
     * LiteLLM's name for the same figure: its proxy sets it on every answer whose cost it knows, and LiteLLM's clients
     * and docs read it (the value is the same text as ours: plain dollars).
     */
    static final String LITELLM_COST_HEADER = "x-litellm-response-cost";
    /** The cost headers' names in the server's pre-hashed form, for {@link WireHeaders}. */
    private static final CharSequence COST_NAME = io.vertx.core.http.HttpHeaders.createOptimized(COST_HEADER);
    private static final CharSequence LITELLM_COST_NAME = io.vertx.core.http.HttpHeaders.createOptimized(LITELLM_COST_HEADER);
    /**
     * LiteLLM's key headers ({@code get_custom_headers}): the key's spend (with this call's cost when the answer is
     * whole; a stream's headers go out before its cost, so the spend before it) and its max budget, left out when it
     * has none, as LiteLLM leaves out a None. Scripts written for LiteLLM read them to watch a key's budget. A caller
     * without a key row (the master key, a JWT) gets the spend too, as LiteLLM's: its {@code UserAPIKeyAuth} has spend
     * 0.0 and no max budget, so the header says this call's cost ("0" before a stream's cost and on an error answer).
     */
    static final String KEY_SPEND_HEADER = Admission.KEY_SPEND_HEADER, KEY_MAX_BUDGET_HEADER = Admission.KEY_MAX_BUDGET_HEADER;
    private static final CharSequence KEY_SPEND_NAME = io.vertx.core.http.HttpHeaders.createOptimized(KEY_SPEND_HEADER);
    private static final CharSequence KEY_MAX_BUDGET_NAME = io.vertx.core.http.HttpHeaders.createOptimized(KEY_MAX_BUDGET_HEADER);
    /** The master key's and a JWT's key spend on a stream's headers (LiteLLM's 0.0 before the cost), one object. */
    private static final CharSequence ZERO = io.vertx.core.http.HttpHeaders.createOptimized("0");
    /** LiteLLM's {@code x-litellm-key-rpm-limit} / {@code -tpm-limit}: a virtual key's limits, when it has them. */
    static final String KEY_RPM_LIMIT_HEADER = Admission.KEY_RPM_LIMIT_HEADER, KEY_TPM_LIMIT_HEADER = Admission.KEY_TPM_LIMIT_HEADER;
    private static final CharSequence KEY_RPM_LIMIT_NAME = io.vertx.core.http.HttpHeaders.createOptimized(KEY_RPM_LIMIT_HEADER);
    private static final CharSequence KEY_TPM_LIMIT_NAME = io.vertx.core.http.HttpHeaders.createOptimized(KEY_TPM_LIMIT_HEADER);
    /**
     * The call's metering, attached to its context when it is admitted: its failed attempts' ledger rows
     * ({@link LedgerAttempts}) carry the call's end user and tags and go through {@link #recordAttempt} as its own row
     * does, so reports by end user and tag, the metrics and the spend caps see a billed attempt's cost.
     */
    static final CallContext.Key<MeteredCall> KEY = new CallContext.Key<>(MeteredCall.class);

    private final Metering m;
    final CallContext ctx;
    private final String requestedModel;
    private final String endUser;
    private final List<String> tags;
    private final String callType;
    final Admission admission;
    private final java.util.function.ToIntFunction<String> promptEstimate;
    /** The OpenAI built-in tools the request offered: how the answer's tool calls are priced (a search's context size). */
    private final dev.switchboard.provider.OpenAiBuiltInTools.Offered tools;

    /** @param promptEstimate the prompt's token estimate for a provider, for usage the provider never reported */
    MeteredCall(Metering m, CallContext ctx, String requestedModel, String endUser, List<String> tags, String callType,
                Admission admission, java.util.function.ToIntFunction<String> promptEstimate) {
        this(m, ctx, requestedModel, endUser, tags, callType, admission, promptEstimate,
                dev.switchboard.provider.OpenAiBuiltInTools.Offered.NONE);
    }

    /** @param tools the OpenAI built-in tools the request offered ({@link RequestWorstCase#offered}) */
    MeteredCall(Metering m, CallContext ctx, String requestedModel, String endUser, List<String> tags, String callType,
                Admission admission, java.util.function.ToIntFunction<String> promptEstimate,
                dev.switchboard.provider.OpenAiBuiltInTools.Offered tools) {
        this.tools = tools;
        this.m = m;
        this.ctx = ctx;
        // as the client named them, keys masked: the ledger row is stored and reported (the budgets read the name as sent)
        dev.switchboard.observe.SecretScrubber scrubber = m == null ? dev.switchboard.observe.SecretScrubber.NONE : m.scrubber;
        // a wildcard serves any name: a key sent as the model too; a configured name is as written; the same answer as
        // the call's trace and log row (worked out once a call, SecretScrubber.requestedModel)
        this.requestedModel = scrubber.requestedModel(ctx, requestedModel);
        this.endUser = scrubber.scrub(endUser);
        this.tags = scrubber.scrub(tags);
        this.callType = callType;
        this.admission = admission;
        this.promptEstimate = promptEstimate;
        ctx.attach(KEY, this);
    }

    /**
     * A name the client chose, keys masked, for its rows: a wildcard entry serves whatever name it is sent, so an
     * attempt's alias and deployment can hold what the client put in its model. A configured name is as written.
     */
    String masked(String name) { return m == null ? name : m.scrubber.name(name); }

    /** The end user the call's rows name (masked), or null. */
    String endUser() { return endUser; }

    /** The tags the call's rows carry (masked). */
    List<String> tags() { return tags; }

    /**
     * A failed attempt's ledger row, written as the call's own row is ({@link Metering#record}): to the ledger, the
     * deployment's spend cap, and the metrics when it cost something (a billed attempt, {@link #billedAttempt}).
     */
    void recordAttempt(SpendRecord row) {
        if (m == null) return;
        m.record(ctx, row);
    }

    /**
     * What this call's failed attempts that their provider billed cost, and their tokens: a whole answer whose finish
     * reason said the generation failed came with its usage ({@link GatewayException#billedUsage}), so the router
     * retried or fell back while the provider charged the first try. 0 for nearly every call; written under this
     * object's lock (rare), read without it at the settle (the attempts run before the answer that settles).
     */
    private volatile long billedNanos, billedTokens;

    /**
     * A failed attempt its provider billed ({@link LedgerAttempts} wrote its row, priced): charged to the call's budgets
     * now, at its row's {@code ended_at} ({@link Admission#charge}), also when the call settled already (its client
     * left while the attempt ran: the attempt still reports); its tokens count for tpm at the settle, and an answer that
     * then serves says the sum in {@code x-switchboard-cost} and {@code usage.cost}. So a key's spend stays the sum of
     * its ledger rows.
     */
    void billedAttempt(long costNanos, long tokens, long endedAtMillis) {
        synchronized (this) {
            billedNanos += costNanos;
            billedTokens += tokens;
        }
        admission.charge(costNanos, endedAtMillis);
    }

    /**
     * Admits the call ({@code begin}, which fails with the refusal), makes it, and settles it with {@code settle}'s
     * callback ({@link Served}, {@link Streamed}, {@link Embedded}): the answer priced, a failure by returning the
     * reservation.
     */
    static <T> Future<Answer<T>> around(Supplier<MeteredCall> begin, Supplier<Future<Answer<T>>> call,
                                        Function<MeteredCall, Settle<T>> settle) {
        return around(begin, call, settle, 0);
    }

    private static <T> Future<Answer<T>> around(Supplier<MeteredCall> begin, Supplier<Future<Answer<T>>> call,
                                                Function<MeteredCall, Settle<T>> settle, int waits) {
        MeteredCall m;
        try {
            m = begin.get();
        } catch (dev.switchboard.govern.BudgetPending p) {
            return afterGrant(p, begin, call, settle, waits);
        } catch (RuntimeException | Error e) {
            // Metering.begin rethrows an Error after releasing what it took: a failed future, or afterGrant's callback and
            // a caller on another context (AliasEmbedder's runOnContext) would never complete
            return Future.failedFuture(e);
        }
        // admitted: the call holds its place, reservations and permits until its Settle runs, so whatever the pipeline
        // throws instead of failing its future (a bug outside GatewayException) is this call's failure, settled as one
        Future<Answer<T>> answer;
        try {
            answer = call.get();
        } catch (RuntimeException | Error e) {
            answer = Future.failedFuture(e);
        }
        Settle<T> s = settle.apply(m);
        answer.onComplete(s);
        return s.out.future();
    }

    /**
     * A budget shared with other gateways needs a larger grant before the call can be admitted (the first call of a
     * period, or a gateway's grant used up): admitted again, on the call's own context, once the grant is taken.
     */
    private static <T> Future<Answer<T>> afterGrant(dev.switchboard.govern.BudgetPending p, Supplier<MeteredCall> begin,
                                                    Supplier<Future<Answer<T>>> call, Function<MeteredCall, Settle<T>> settle,
                                                    int waits) {
        if (waits >= dev.switchboard.govern.BudgetPending.MAX_WAITS) return Future.failedFuture(dev.switchboard.govern.BudgetPending.contended());
        io.vertx.core.Context here = io.vertx.core.Vertx.currentContext();
        io.vertx.core.Promise<Answer<T>> out = io.vertx.core.Promise.promise();
        p.ready().onComplete(ar -> {
            Runnable again = () -> {
                if (ar.failed()) out.fail(ar.cause());
                else around(begin, call, settle, waits + 1).onComplete(out);
            };
            if (here != null) here.runOnContext(v -> again.run());
            else again.run();
        });
        return out.future();
    }

    /**
     * The callback that settles a call when its answer or failure arrives, and completes the call's future with the
     * settled answer (a listener and a promise: the {@code transform} it replaces made a succeeded future more and
     * dispatched to it, on every call). What the settling throws fails the call, as the transform did. One final class
     * per kind of answer, not a lambda calling a {@code BiFunction}: each is compiled on its own with one settle path in
     * it, where one shared lambda saw every kind at its call site (the JIT's class_check deoptimisations and 50 kB
     * recompilations of the accounting path, docs/architecture.md "Performance notes").
     */
    abstract static sealed class Settle<T> implements io.vertx.core.Completable<Answer<T>>
            permits Served, Streamed, Embedded {
        final MeteredCall m;
        /** The call's answer, settled. */
        final io.vertx.core.Promise<Answer<T>> out = io.vertx.core.Promise.promise();

        Settle(MeteredCall m) { this.m = m; }

        /** A call that failed returns its reservation (or is recorded, when its client left): see {@link #failed}. */
        final void failure(Throwable cause) {
            Throwable answered;
            try {
                m.failed(cause);
                answered = m.withKeyHeaders(cause);
            } catch (Throwable t) {
                out.fail(t);
                return;
            }
            out.fail(answered);
        }
    }

    /** A complete chat answer: {@link #served}. */
    static final class Served extends Settle<ChatResponse> {
        Served(MeteredCall m) { super(m); }

        @Override
        public void complete(Answer<ChatResponse> a, Throwable failure) {
            if (failure != null) {
                failure(failure);
                return;
            }
            Answer<ChatResponse> settled;
            try {
                settled = m.served(a);
            } catch (Throwable t) {
                out.fail(t);
                return;
            }
            out.complete(settled);
        }
    }

    /** A stream: {@link #streamed}. */
    static final class Streamed extends Settle<ChatStream> {
        Streamed(MeteredCall m) { super(m); }

        @Override
        public void complete(Answer<ChatStream> a, Throwable failure) {
            if (failure != null) {
                failure(failure);
                return;
            }
            Answer<ChatStream> settled;
            try {
                settled = m.streamed(a);
            } catch (Throwable t) {
                out.fail(t);
                return;
            }
            out.complete(settled);
        }
    }

    /** Embeddings: {@link #embedded}. */
    static final class Embedded extends Settle<dev.switchboard.model.EmbeddingResponse> {
        Embedded(MeteredCall m) { super(m); }

        @Override
        public void complete(Answer<dev.switchboard.model.EmbeddingResponse> a, Throwable failure) {
            if (failure != null) {
                failure(failure);
                return;
            }
            Answer<dev.switchboard.model.EmbeddingResponse> settled;
            try {
                settled = m.embedded(a);
            } catch (Throwable t) {
                out.fail(t);
                return;
            }
            out.complete(settled);
        }
    }

    /** A complete answer: priced, settled, recorded, and annotated. */
    Answer<ChatResponse> served(Answer<ChatResponse> a) {
        ChatResponse r = a.body();
        Usage usage = r.usage();
        boolean estimated = usage == null;
        // a server that reports no usage: the output estimated from the answer's characters, as a stream's is (it was
        // priced as the prompt alone)
        if (estimated) usage = estimate(a.deployment(), OutputChars.of(r));
        DeploymentPrices.Cost cost = settle(a, usage);
        record(a, usage, estimated, cost, null, 200, null);
        // what the call cost the key: this answer, and a failed attempt before it that its provider billed (their rows
        // hold each part; the header and usage.cost say the sum the budget was charged)
        long billed = billedNanos;
        DeploymentPrices.Cost charged = billed == 0 ? cost : new DeploymentPrices.Cost(cost.nanos() + billed, true, cost.savedNanos());
        // an answer without usage shows the estimate the ledger recorded, as a stream's last chunk does (it showed none,
        // or zeros in Anthropic's shape, beside an x-switchboard-cost priced on the estimate)
        ChatResponse priced = r.withUsage(usage.withCost(charged.nanos() / 1e9));
        return annotate(new Answer<>(priced, a.deployment(), a.route(), a.cache(), a.tier(), a.headers()), charged);
    }

    /** A stream: its chunks are watched for the usage, and it settles when it ends, fails or the client leaves. */
    Answer<ChatStream> streamed(Answer<ChatStream> a) {
        // The cost is not known when the headers go out: it comes in the stream's usage (usage.cost). But a response
        // cache hit's is: 0, said as a plain hit says it
        MeteredStream body = new MeteredStream(this, a);
        boolean hit = a.cache() != null && a.cache().startsWith("hit");
        if (a.headers() instanceof WireHeaders || a.headers().isEmpty()) {
            // the usual stream (the serving deployment's headers made once, as annotate's answers): the key's
            // x-ratelimit-*, then its spend, budget and limits, then a hit's costs, into one builder's arrays (room for
            // four limits, four key headers and two costs), without a LinkedHashMap or a copy of every header per stage
            WireHeaders made = a.headers() instanceof WireHeaders w ? w : WireHeaders.EMPTY;
            if (!admission.mayHaveHeaders() && !admission.ofKey()) {
                // the master key's (a JWT's): LiteLLM's key spend before this call's cost, 0.0 for a caller of no key row
                return new Answer<>(body, a.deployment(), a.route(), a.cache(), a.tier(),
                        hit ? made.with(KEY_SPEND_NAME, "0", COST_NAME, "0", LITELLM_COST_NAME, "0")
                                : made.withKept(KEY_SPEND_NAME, ZERO)); // made once per deployment's first-try headers
            }
            WireHeaders.Builder h = made.builder(10);
            admission.putHeaders(h);
            addKeyHeaders(h, "0");
            if (hit) h.add(COST_NAME, "0").add(LITELLM_COST_NAME, "0");
            return new Answer<>(body, a.deployment(), a.route(), a.cache(), a.tier(), h.build());
        }
        Map<String, String> h = new java.util.LinkedHashMap<>(a.headers());
        admission.putHeaders(h);
        putKeyHeaders(h, "0");
        if (hit) {
            h.put(COST_HEADER, "0");
            h.put(LITELLM_COST_HEADER, "0");
        }
        return new Answer<>(body, a.deployment(), a.route(), a.cache(), a.tier(), h);
    }

    /**
     * Embeddings: priced by their prompt tokens, like a chat answer. A provider that reports no count (Gemini) is priced
     * at the gateway's estimate, which the client's {@code usage} then shows too (it said 0 tokens for a priced call).
     */
    Answer<dev.switchboard.model.EmbeddingResponse> embedded(Answer<dev.switchboard.model.EmbeddingResponse> a) {
        Usage usage = a.body().usage();
        boolean estimated = usage == null;
        if (estimated) {
            usage = estimate(a.deployment(), 0);
            dev.switchboard.model.EmbeddingResponse b = a.body();
            a = new Answer<>(new dev.switchboard.model.EmbeddingResponse(b.model(), b.data(), usage), a.deployment(), a.route(),
                    a.cache(), a.tier(), a.headers());
        }
        DeploymentPrices.Cost cost = settle(a, usage);
        record(a, usage, estimated, cost, null, 200, null);
        return annotate(a, cost);
    }

    /**
     * The call failed before answering: nothing was spent, the reservation is returned. Except when the client left
     * ({@link ErrorKind#CLIENT_CLOSED}) or the gateway stopped the call when its shutdown drain ran out (503
     * {@link Cancellation#GATEWAY_STOPPED_CODE}): the call goes in the ledger as 499 (503), like a stream cut so. The
     * deployment being called had received the prompt and may bill it, so the prompt is priced at the gateway's
     * estimate (marked estimated); a call that never reached an upstream is recorded at 0.
     */
    void failed(Throwable error) {
        if (error instanceof GatewayException g && g.block() != null) {
            blocked(g);
            return;
        }
        if (!Cancellation.isCancellation(error)) {
            releaseWithBilledTokens();
            charged(Usage.ZERO, DeploymentPrices.Cost.UNPRICED); // its billed attempts' cost, 0 for nearly every call
            return;
        }
        // the client left (499), or the gateway stopped the call at the end of its shutdown drain (503)
        int status = ((GatewayException) error).status();
        String type = Cancellation.isClientClosed(error) ? CLIENT_CLOSED_TYPE : errorType(error);
        String called = Cancellation.calledDeployment(error);
        Answer<Void> a = new Answer<>(null, called, null, null);
        if (called == null) {
            releaseWithBilledTokens();
            record(a, null, false, DeploymentPrices.Cost.UNPRICED, null, status, type);
            charged(Usage.ZERO, DeploymentPrices.Cost.UNPRICED);
            return;
        }
        Usage usage = estimate(called, 0);
        DeploymentPrices.Cost cost = settle(a, usage);
        record(a, usage, true, cost, null, status, type);
        charged(usage, cost);
    }

    /**
     * A guardrail blocked the call: it goes in the ledger with the guardrail's status and {@code guardrail_blocked}, at
     * cost 0 when no provider was called (pre_call), else priced on what that provider reported (post_call, during_call;
     * the gateway's estimate when it reported nothing): the provider bills a call whose answer the client never got.
     */
    private void blocked(GatewayException g) {
        dev.switchboard.model.GuardrailBlock b = g.block();
        Answer<Void> a = new Answer<>(null, b.deployment(), null, null);
        if (b.deployment() == null) {
            releaseWithBilledTokens();
            record(a, null, false, DeploymentPrices.Cost.UNPRICED, null, g.status(), dev.switchboard.model.GuardrailBlock.ERROR_TYPE);
            charged(Usage.ZERO, DeploymentPrices.Cost.UNPRICED);
            return;
        }
        boolean estimated = b.usage() == null;
        // no usage from the provider (a stream cut when the guardrail blocked it): the prompt and the output it had sent
        Usage usage = estimated ? estimate(b.deployment(), b.outputChars()) : b.usage();
        DeploymentPrices.Cost cost = settle(a, usage);
        record(a, usage, estimated, cost, null, g.status(), dev.switchboard.model.GuardrailBlock.ERROR_TYPE);
        charged(usage, cost);
    }

    /**
     * Attaches what this call was charged when it ended without a priced answer ({@link CallContext#CHARGED}): its usage
     * at {@code cost} plus what its failed attempts that their provider billed cost, the sum its ledger rows hold.
     */
    void charged(Usage usage, DeploymentPrices.Cost cost) {
        ctx.attach(CallContext.CHARGED, usage.withCost((cost.nanos() + billedNanos) / 1e9));
    }

    /** The error type a call whose client left is recorded with. */
    static final String CLIENT_CLOSED_TYPE = "client_closed";

    /**
     * Prices usage on the deployment that served and settles the reservation to it. A cache hit costs 0 (and saved
     * the price of its answer); its tokens still count for tpm, as the model's answer they are.
     */
    /** When {@link #settle} settled the budget (epoch ms), 0 before. */
    private long settledAt;

    DeploymentPrices.Cost settle(Answer<?> a, Usage usage) {
        // a stored miss was priced for the cache a moment ago ({@link #storedCost}): the same answer and usage, the same cost
        Stored st = stored;
        DeploymentPrices.Cost cost = st != null && a == st.answer() && usage == st.usage() ? st.cost() : price(a, usage);
        settledAt = System.currentTimeMillis();
        // a billed failed attempt's cost was charged as it happened (billedAttempt); its tokens count for tpm here
        long tokens = usage == null ? -1 : usage.totalTokens();
        admission.settle(cost.nanos(), tokens < 0 ? tokens : tokens + billedTokens, settledAt);
        return cost;
    }

    /**
     * What {@code usage} of this answer costs, as {@link #settle} charges it, without settling anything (a stream left
     * while its usage is being settled says that cost at once: {@code MeteredStream.finish}).
     */
    DeploymentPrices.Cost price(Answer<?> a, Usage usage) {
        if (a.cache() != null && a.cache().startsWith("hit")) {
            // a cache hit names the entry that stored it: priced now on that entry when the config still has it, else at
            // what its answer cost when stored (DeploymentPrices.hitCost)
            return m.prices.hitCost(a.deployment(), ctx.attached(CacheStage.HIT_MODEL_ID), ctx.attached(CacheStage.HIT_COST),
                    usage, tools).asHit();
        }
        dev.switchboard.config.Deployment served = ctx.attached(dev.switchboard.route.Target.SERVED);
        // the entry that answered, when it is the one the answer names
        return served != null && served.isId(a.deployment()) ? m.prices.cost(served, usage, tools)
                : m.prices.cost(a.deployment(), usage, tools);
    }

    /**
     * What {@code usage} of this (upstream) answer costs, as its ledger row prices it, for the response cache to keep
     * with it ({@link dev.switchboard.cache.CachedAnswer#costNanos}): its nano-dollars, or
     * {@link dev.switchboard.cache.CachedAnswer#UNPRICED} when its entry has no price; null when the call is not metered.
     */
    Long storedCost(Answer<?> a, Usage usage) {
        if (m == null) return null;
        DeploymentPrices.Cost c = price(a, usage);
        stored = new Stored(a, usage, c);
        return c.priced() ? c.nanos() : dev.switchboard.cache.CachedAnswer.UNPRICED;
    }

    /**
     * The answer and usage {@link #storedCost} priced, and their cost: {@link #settle} takes that cost for the very same
     * two objects instead of pricing them again (a stored miss through the exact cache priced its answer twice, ~1.4 % of
     * the event loop in miss mode, issue #9's (x)). Whatever else {@link #price} reads is the call's own and fixed once
     * its answer is in (the entry that served, the tools offered). One record in one field: the three are set and read
     * together, never one without the others. Null until a miss is stored.
     */
    private Stored stored;

    /** An answer {@link #storedCost} priced, its usage and their cost. */
    private record Stored(Answer<?> answer, Usage usage, DeploymentPrices.Cost cost) {}

    /**
     * A call that failed returns its reservation; the tokens of a failed attempt its provider billed count for tpm
     * (its cost was charged as it happened, {@link #billedAttempt}).
     */
    private void releaseWithBilledTokens() {
        long tokens = billedTokens;
        if (tokens == 0) admission.release();
        else admission.settle(0, tokens, System.currentTimeMillis());
    }

    /** The gateway's own estimate when the provider reported no usage: the prompt, and the output seen so far. */
    Usage estimate(String deployment, long outputChars) {
        // the entry that served, when it is the one named: its provider is known whatever the router let go meanwhile
        dev.switchboard.config.Deployment served = ctx.attached(dev.switchboard.route.Target.SERVED);
        String provider;
        if (served != null && served.isId(deployment)) provider = RequestWorstCase.estimatedAs(served);
        else provider = RequestWorstCase.estimatedAs(deployment, m.prices.of(deployment)); // one rule: Claude by its model
        int prompt = promptEstimate.applyAsInt(provider);
        return new Usage(prompt, (int) Math.min(Integer.MAX_VALUE, (outputChars + 2) / 3), 0, 0, 0);
    }

    /**
     * The deployment entry that served this answer: its {@code model_info.id} (the ledger's {@code model_id}); for a
     * cache hit, the entry whose answer it got, as the call that stored it named it ({@link CacheStage#HIT_MODEL_ID}). ""
     * (NULL in the store) when it has none, is not known, or no attempt of this call served (a call blocked before the
     * router ran), as for {@link #upstreamMs}.
     */
    private String servedModelId(Answer<?> a) {
        if (a.cache() != null && a.cache().startsWith("hit")) {
            String stored = ctx.attached(CacheStage.HIT_MODEL_ID);
            return stored == null ? "" : stored;
        }
        dev.switchboard.route.ServingAttempt served = ctx.attached(dev.switchboard.route.ServingAttempt.KEY);
        if (served == null || !served.deployment().equals(a.deployment())) {
            return "";
        }
        return served.modelId();
    }

    void record(Answer<?> a, Usage u, boolean estimated, DeploymentPrices.Cost cost, Long ttftMs, int status, String errorType) {
        // the instant the budget settled at, when it did: the row's ended_at puts the call in the same budget period
        long now = settledAt > 0 ? settledAt : System.currentTimeMillis();
        long nanos = System.nanoTime();
        long elapsedMs = (nanos - ctx.startedNanos()) / 1_000_000;
        // the row is the request's (its request-log row too: started_at and latency_ms what the client waited); the
        // serving attempt's own time goes beside it, for the latency per model
        if (u != null && u.cacheWriteTokens() > 0) ctx.attach(ObservedSpend.WRITES_1H, u.cacheWrite1hTokens());
        m.record(ctx, new SpendRecord(ctx.requestId(), 0, now - elapsedMs, now, ctx.caller().id(), ctx.caller().alias(),
                endUser, callType, requestedModel, masked(a.deployment()), a.route(), a.tier(), a.cache(),
                u == null ? 0 : u.promptTokens(), u == null ? 0 : u.completionTokens(), u == null ? 0 : u.cacheReadTokens(),
                u == null ? 0 : u.cacheWriteTokens(), u == null ? 0 : u.reasoningTokens(), estimated, cost.nanos(), cost.savedNanos(),
                cost.priced(), elapsedMs, ttftMs, status, errorType, tags, admission.team(), upstreamMs(a, nanos),
                servedModelId(a)));
    }

    /**
     * The time of the attempt that served this answer, from its start to now; null when no attempt did (a cache hit
     * names the deployment that stored it, and no attempt of this call; a call blocked before the router ran).
     */
    private Long upstreamMs(Answer<?> a, long nanos) {
        dev.switchboard.route.ServingAttempt served = ctx.attached(dev.switchboard.route.ServingAttempt.KEY);
        if (served == null || (a.cache() != null && a.cache().startsWith("hit")) || !served.deployment().equals(a.deployment())) {
            return null;
        }
        return (nanos - served.startedNanos()) / 1_000_000;
    }

    /**
     * The answer's headers, then its cost, then the key's {@code x-ratelimit-*}: written into one new map (the rate
     * limits' own map and a second copy of both were 1.5 % of a virtual key's event loop).
     */
    private <T> Answer<T> annotate(Answer<T> a, DeploymentPrices.Cost cost) {
        if (a.headers() instanceof WireHeaders || a.headers().isEmpty()) {
            // the usual answer (the serving deployment's x-litellm-* headers, no other stage's): its headers made once
            // plus the cost, written without a LinkedHashMap or a hash per name; what the map below would hold, in the
            // same order
            WireHeaders made = a.headers() instanceof WireHeaders w ? w : WireHeaders.EMPTY;
            String usd = Metering.usd(cost.nanos());
            if (!admission.mayHaveHeaders() && !admission.ofKey()) {
                // the master key's (a JWT's): LiteLLM's key spend is this call's cost, the same text (no format more)
                return new Answer<>(a.body(), a.deployment(), a.route(), a.cache(), a.tier(),
                        made.with(COST_NAME, usd, LITELLM_COST_NAME, usd, KEY_SPEND_NAME, usd));
            }
            // a virtual key: LiteLLM's key spend and budget, then its x-ratelimit-* (up to four) after the costs, into
            // the same arrays (room for the two costs, four key headers and four limits: no copy until build), then
            // written by the edge with add, as the others
            WireHeaders.Builder h = made.builder(10).add(COST_NAME, usd).add(LITELLM_COST_NAME, usd);
            addKeyHeaders(h, usd);
            admission.putHeaders(h);
            return new Answer<>(a.body(), a.deployment(), a.route(), a.cache(), a.tier(), h.build());
        }
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.putAll(a.headers());
        String usd = Metering.usd(cost.nanos());
        h.put(COST_HEADER, usd);
        h.put(LITELLM_COST_HEADER, usd);
        putKeyHeaders(h, usd);
        admission.putHeaders(h);
        return new Answer<>(a.body(), a.deployment(), a.route(), a.cache(), a.tier(), h);
    }

    /**
     * An error answer after the call was admitted (a provider's 4xx/5xx, the router's 429/503, a timeout, a guardrail's
     * block) with the key's spend and budget, as LiteLLM's error answers carry them ({@code get_custom_headers} with a
     * cost of 0: the master key's and a JWT's spend "0"); the failure as it was for a call the client left or the gateway
     * stopped (no one reads that answer, and those are known by identity). Only on the failure path: nothing more per
     * served call.
     */
    Throwable withKeyHeaders(Throwable cause) {
        if (!(cause instanceof GatewayException g) || Cancellation.isCancellation(cause)) return cause;
        Map<String, String> h = new java.util.LinkedHashMap<>(g.headers());
        putKeyHeaders(h, "0");
        return g.withHeaders(h);
    }

    /**
     * LiteLLM's {@code x-litellm-key-spend} and {@code x-litellm-key-max-budget}: a virtual key's spend and max budget;
     * for a caller of no key row, {@code noKeySpend} (LiteLLM's 0.0 plus this call's cost, when known) and no budget.
     */
    private void putKeyHeaders(Map<String, String> into, String noKeySpend) {
        if (!admission.ofKey()) {
            into.put(KEY_SPEND_HEADER, noKeySpend);
            return;
        }
        into.put(KEY_SPEND_HEADER, Metering.usd(admission.keySpentNanos()));
        String max = admission.keyMaxBudgetUsd();
        if (max != null) into.put(KEY_MAX_BUDGET_HEADER, max);
        String rpm = admission.keyRpmLimit(), tpm = admission.keyTpmLimit();
        if (rpm != null) into.put(KEY_RPM_LIMIT_HEADER, rpm);
        if (tpm != null) into.put(KEY_TPM_LIMIT_HEADER, tpm);
    }

    /**
     * {@link #putKeyHeaders} into a builder, under the names' pre-hashed forms: per answer, the spend's formatting (it
     * changes with each call); the max budget was formatted once per version of the key.
     */
    private void addKeyHeaders(WireHeaders.Builder into, String noKeySpend) {
        if (!admission.ofKey()) {
            into.add(KEY_SPEND_NAME, noKeySpend);
            return;
        }
        into.add(KEY_SPEND_NAME, Metering.usd(admission.keySpentNanos()));
        String max = admission.keyMaxBudgetUsd();
        if (max != null) into.add(KEY_MAX_BUDGET_NAME, max);
        String rpm = admission.keyRpmLimit(), tpm = admission.keyTpmLimit();
        if (rpm != null) into.add(KEY_RPM_LIMIT_NAME, rpm);
        if (tpm != null) into.add(KEY_TPM_LIMIT_NAME, tpm);
    }

    /** The status and type a failure is recorded with. */
    static int status(Throwable t) { return t instanceof GatewayException g ? g.status() : 500; }

    static String errorType(Throwable t) {
        if (t instanceof GatewayException g && g.block() != null) return dev.switchboard.model.GuardrailBlock.ERROR_TYPE;
        if (t instanceof GatewayException g) return g.upstreamType() != null ? g.upstreamType() : g.kind().openAiType();
        return "internal_error";
    }
}
