package dev.switchboard.route;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.EmbeddingProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Alias → model group → deployment → provider, with everything that keeps an app up and its bill down:
 * the group's routing strategy and prompt-cache affinity, retries, cooldowns and fallback chains
 * ({@link CallEngine}), per-request overrides ({@link RequestControls}) and the {@code auto} cost tier
 * ({@link AutoTier}). Every answer says which deployment served and by which route.
 */
public final class ModelRouter {
    public static final String PRIMARY = "primary";
    /**
     * The auto alias's tier decision for the call ({@code cheap; reason=default}), attached as it is made: the ledger's
     * attempt rows carry it, so a request that failed on every attempt still says which tier it got.
     */
    public static final CallContext.Key<String> TIER = new CallContext.Key<>(String.class);
    /** The response header of the tier decision, also on an error answer (the edge's SwitchboardHeaders.TIER). */
    static final String TIER_HEADER = "x-switchboard-tier";
    /**
     * The response header of the route ({@code primary}, {@code fallback:<reason>}; the edge's SwitchboardHeaders.ROUTE),
     * also on the error that ends a routed request: the route of its last attempt.
     */
    static final String ROUTE_HEADER = "x-switchboard-route";

    private final Map<String, ModelGroup> groups;
    /** Every name a request may use: deployment ids, group aliases, model_names, wildcard patterns. */
    private final ModelNames names;
    private final RouterSettings settings;
    private final CallEngine engine;
    private final AutoTier auto;
    private final LongSupplier clock = System::nanoTime;

    /** @param random the source of every random choice; {@link #threadLocalRandom()} in production, seeded in tests */
    public ModelRouter(Vertx vertx, List<Target> targets, RouterSettings settings, RouterMetrics metrics,
                       RandomGenerator random) {
        this(vertx, targets, settings, metrics, random, AttemptListener.NONE);
    }

    /** @param attempts told of every attempt that failed, for the ledger's "which provider hiccuped" rows */
    public ModelRouter(Vertx vertx, List<Target> targets, RouterSettings settings, RouterMetrics metrics,
                       RandomGenerator random, AttemptListener attempts) {
        this(vertx, targets, settings, metrics, random, attempts, WildcardTargets.NONE);
    }

    /**
     * @param targets   the deployments of model_names without a {@code *}
     * @param wildcards the entries whose model_name has a {@code *}, and how to serve the names they match
     */
    public ModelRouter(Vertx vertx, List<Target> targets, RouterSettings settings, RouterMetrics metrics,
                       RandomGenerator random, AttemptListener attempts, WildcardTargets wildcards) {
        this(vertx, targets, settings, metrics, random, attempts, wildcards, SpendCaps.NONE);
    }

    /** @param caps the budgets of providers and deployments: spent ones are passed over ({@link SpendCaps}) */
    public ModelRouter(Vertx vertx, List<Target> targets, RouterSettings settings, RouterMetrics metrics,
                       RandomGenerator random, AttemptListener attempts, WildcardTargets wildcards, SpendCaps caps) {
        this.caps = caps;
        this.settings = settings;
        this.tagRouting = settings.tagFiltering() ? new TagRouting(settings.tagMatchAny()) : null;
        RoutingStrategy strategy = RoutingStrategy.named(settings.strategy());
        PromptAffinity affinity = settings.promptCacheAffinity() ? new PromptAffinity() : null;
        Map<String, Integer> sizes = new java.util.HashMap<>();
        for (Target t : targets) sizes.merge(t.deployment().alias(), 1, Integer::sum);
        Map<String, List<DeploymentState>> byAlias = new LinkedHashMap<>();
        for (Target t : targets) {
            // the only deployment of its model_name: LiteLLM's single-deployment cooldown rule (CircuitBreaker.lone)
            boolean alone = sizes.get(t.deployment().alias()) == 1;
            byAlias.computeIfAbsent(t.deployment().alias(), k -> new ArrayList<>()).add(new DeploymentState(t,
                    CircuitBreaker.of(settings, t.deployment(), alone), new UsageWindow(), ParallelSlots.of(settings, t.deployment())));
        }
        Map<String, ModelGroup> g = new LinkedHashMap<>();
        byAlias.forEach((alias, members) -> g.put(alias, new ModelGroup(alias, members, strategy, affinity, random, caps)));
        this.groups = Collections.unmodifiableMap(g);
        this.names = new ModelNames(groups, settings.groupAliases(), wildcards,
                (alias, members) -> {
                    // a wildcard group's deployments: their mode judged once, as it is made (not per call)
                    java.util.function.Function<dev.switchboard.config.Deployment, String> m = modes;
                    for (DeploymentState s : members) s.family = ServingMode.family(m.apply(s.target.deployment()));
                    return new ModelGroup(alias, members, strategy, affinity, random, caps);
                },
                (d, alone) -> CircuitBreaker.of(settings, d, alone), d -> ParallelSlots.of(settings, d));
        this.engine = new CallEngine(vertx, names::resolve, settings, metrics, random, clock, attempts);
        ModelNames n = this.names;
        this.chatMismatch = a -> ServingMode.mismatch(ServingMode.CHAT, n.existing(a));
        this.embeddingMismatch = a -> ServingMode.mismatch(ServingMode.EMBEDDING, n.existing(a));
        AutoRouterSettings a = settings.auto();
        this.auto = a == null ? null : new AutoTier(a, a.classifier() ? new TierClassifier(a.classifierAlias(),
                a.cacheSize(), this::classifierCall) : null, metrics);
    }

    /**
     * One deployment's live state, for {@code /metrics}: requests in flight to it (the upstream connections it holds,
     * since each attempt holds one) and whether its circuit breaker has it cooling down.
     */
    /** @param modelId the entry's {@code model_info.id}, "" without one */
    public record DeploymentStatus(String alias, String deployment, String modelId, int inFlight, boolean coolingDown) {}

    /** Every deployment's live state, in config order (read at each scrape; atomics only). */
    public List<DeploymentStatus> deploymentStatus() {
        long now = System.nanoTime();
        List<DeploymentStatus> out = new ArrayList<>();
        for (ModelGroup g : groups.values()) {
            for (DeploymentState s : g.members) {
                out.add(new DeploymentStatus(g.alias, s.id(), s.modelId(), s.inFlight.get(), !s.breaker.available(now)));
            }
        }
        return out;
    }

    /** Random choices from the calling thread's generator: no contention between event loops. */
    public static RandomGenerator threadLocalRandom() {
        return () -> ThreadLocalRandom.current().nextLong();
    }

    /** The names apps can ask for, in config order, the auto alias last. */
    public Set<String> aliases() {
        Set<String> out = new LinkedHashSet<>(groups.keySet());
        if (auto != null) out.add(auto.alias());
        return out;
    }

    /**
     * The names {@code /v1/models} lists: the model_names, the group aliases that are not hidden, each wildcard
     * pattern as written ({@code anthropic/*}), the auto alias last. Deployment ids are not listed (as in LiteLLM).
     */
    public Set<String> listed() {
        Set<String> out = names.listed();
        if (auto != null) out.add(auto.alias());
        return out;
    }

    /**
     * The {@code model_group_alias} names /v1/models lists (not hidden), each with the model_name it stands for: LiteLLM
     * shows them on /v1/model/info and /v1/model_group/info as well.
     */
    public Map<String, String> shownGroupAliases() { return names.shownGroupAliases(); }

    /** How many {@code model_group_alias} names there are besides the model_names, hidden ones included. */
    public int groupAliasCount() { return names.groupAliasCount(); }

    /**
     * Tag routing's refusal of a request, judged before any call (a background response is refused at once, not queued
     * and then failed): null when tag routing is off, when the model names no group (its own 404 comes with the call), or
     * when some deployment of its group may serve the request's tags and client.
     */
    public GatewayException tagRefusal(CallContext ctx, ChatRequest request) {
        if (tagRouting == null) return null;
        ModelGroup group = names.resolve(request.model());
        if (group == null) return null;
        return tagged(RequestFacts.of(request), ctx, request.metadata(), request.extra()).tagRefusal(group);
    }

    /** {@code facts} with tag routing's view of the call: its routing tags and its client's User-Agent (routing is on). */
    private RequestFacts tagged(RequestFacts facts, CallContext ctx, Map<String, String> metadata,
                                Map<String, com.fasterxml.jackson.databind.JsonNode> extra) {
        return facts.tagged(tagRouting, dev.switchboard.model.CallTags.routing(dev.switchboard.model.CallTags.of(ctx, metadata, extra)),
                ctx.hint(dev.switchboard.model.CallTags.USER_AGENT_HINT));
    }

    /** Whether tag routing ({@code enable_tag_filtering}) is on. */
    public boolean tagRouting() { return tagRouting != null; }

    /** The model_name (or wildcard pattern) of the config entry that serves a requested name; null for none. */
    public String entryOf(String name) { return names.entryOf(name); }

    /** Whether a request for this name would be served (a model_name, a group alias, a deployment id, a wildcard match). */
    public boolean serves(String name) {
        return names.serves(name) || auto != null && auto.alias().equals(name);
    }

    /** How many names served through wildcards have a routing group now (at most 1,000, the least recently used let go). */
    public long wildcardNamesHeld() { return names.servedNames(); }

    /**
     * What a call for a name meets before any deployment is tried.
     *
     * @param refusal the call's 400 for the name itself (a wildcard that cannot serve it: not a plain model id for the
     *                provider's URL, no provider here, a bare {@code *} and no model family); null when a call goes on
     * @param made    the deployments a wildcard serves the name with (empty for a configured name), for the checks that
     *                depend on them (a price under a budget)
     */
    public record NameCheck(GatewayException refusal, List<dev.switchboard.config.Deployment> made) {
        static final NameCheck NONE = new NameCheck(null, List.of());
    }

    /**
     * {@link NameCheck} of {@code name}, found without making anything (no group, no price entry, no provider, no
     * credentials): for {@code GET /v1/models/{model}} and the refusal {@code count_tokens} and the Responses API's checks
     * answer first ({@code EdgeContext.usableAlias}), which ask about a name a client may invent, with no rate limit,
     * and must leave nothing behind ({@link #countTokens} then uses only a group that exists). A name nothing serves
     * passes ({@link #serves} answers it).
     */
    public NameCheck nameCheck(String name) {
        if (auto != null && auto.alias().equals(name)) return NameCheck.NONE;
        return names.check(name);
    }

    /**
     * A model no deployment here serves is the 404 model_not_found the router would answer, listing the names this caller
     * may use: asked before the key's allowlist is, so a key with one is told the model does not exist (as count_tokens and
     * /v1/models tell it) rather than that it may not use it.
     *
     * @throws GatewayException 404 when {@link #serves} says no
     */
    public void requireServed(CallContext ctx, String name) {
        if (!serves(name)) throw GatewayException.modelNotFound(name, listedFor(ctx));
    }

    /** Each wildcard pattern with the {@code provider/model} patterns of its deployments, in the order they are tried. */
    public Map<String, List<String>> wildcards() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (WildcardRoute r : names.wildcards()) out.put(r.pattern, r.templates.stream().map(ModelNames::templateModel).toList());
        return out;
    }

    /**
     * Every deployment that may serve this request, for the worst case a budget reserves: the groups of its alias (both
     * tiers of the auto alias, unless the request fixes one), of its {@code models} array, and of every fallback list
     * of its alias (error, context window, content policy), unless the request turned fallbacks off. Unknown aliases
     * are left out (the router answers them), and so are the fallbacks the router would pass over for this call: one of
     * another mode (ServingMode: a chat group for an embeddings call) or one the caller may not use (its key's, team's or
     * user's models). Before 2026-12-07 those counted, so a reservation for a target that could never serve could refuse
     * a request the key could afford.
     *
     * @param embedding an embeddings call (else a chat call)
     * @throws GatewayException for routing controls the router would refuse too
     */
    public List<Target> reachable(CallContext ctx, String model, Map<String, com.fasterxml.jackson.databind.JsonNode> extra,
                                  boolean embedding) {
        return reachable(ctx, model, extra, embedding, null);
    }

    /**
     * A chat request's {@link #reachable}, less the fallback deployments that would refuse one of its parameters
     * ({@link DeploymentParams}: a parameter the provider cannot honour, or one it refuses beside another, with
     * {@code drop_params} off): the router tries such a deployment, is refused before any call, and goes on, so it
     * never costs. Checked only for fallbacks, and only when a budget asks (RequestWorstCase).
     */
    public List<Target> reachable(CallContext ctx, ChatRequest request) {
        return reachable(ctx, request.model(), request.extra(), false, request);
    }

    private List<Target> reachable(CallContext ctx, String model, Map<String, com.fasterxml.jackson.databind.JsonNode> extra,
                                   boolean embedding, ChatRequest request) {
        RequestControls controls = RequestControls.from(ctx.hints(), extra);
        List<String> primaries = List.of(model);
        if (auto != null && auto.alias().equals(model)) {
            AutoRouterSettings a = settings.auto();
            primaries = controls.tier() != null ? List.of(a.aliasOf(controls.tier())) : List.of(a.cheapAlias(), a.smartAlias());
        }
        if (primaries.size() == 1) {
            ModelGroup g = names.resolve(primaries.get(0));
            // the usual request: one alias, no models array, no fallbacks: its group's targets, made once (the set and
            // the list below were ~0.3 KB a virtual key's request, bench/profile.sh 2026-12-06); read only, as that list
            if (alone(controls, primaries.get(0), g)) return g == null ? List.of() : g.targets;
        }
        java.util.function.BiPredicate<CallContext, String> access = modelAccess;
        java.util.function.Function<String, String> mismatch = embedding ? embeddingMismatch : chatMismatch;
        java.util.function.Predicate<String> serves = a -> mismatch.apply(a) == null && access.test(ctx, a);
        if (request == null) return widened(controls, primaries, serves);
        ChatRequest clean = controls == RequestControls.NONE ? request : request.withExtra(RequestControls.strip(request.extra()));
        Boolean drop = controls.dropParams();
        return widened(controls, primaries, serves, t -> !DeploymentParams.refuses(clean, t, drop, settings.dropParams()));
    }

    /** A chat call's {@link #reachable}. */
    public List<Target> reachable(CallContext ctx, String model, Map<String, com.fasterxml.jackson.databind.JsonNode> extra) {
        return reachable(ctx, model, extra, false);
    }

    /** {@link #widened(RequestControls, List, java.util.function.Predicate)} with every fallback able to serve. */
    List<Target> widened(RequestControls controls, List<String> primaries) {
        return widened(controls, primaries, a -> true);
    }

    /**
     * The general case of {@link #reachable}: each primary's group, then its models array and fallback lists' groups,
     * in that order, each alias once; a fallback alias only when {@code serves} it (a primary always). Package-private so
     * a test holds the shortcut above to it.
     */
    List<Target> widened(RequestControls controls, List<String> primaries, java.util.function.Predicate<String> serves) {
        return widened(controls, primaries, serves, t -> true);
    }

    /** ... and a fallback's deployment only when it {@code takes} the request (a primary's always). */
    private List<Target> widened(RequestControls controls, List<String> primaries, java.util.function.Predicate<String> serves,
                                 java.util.function.Predicate<Target> takes) {
        Set<String> aliases = new LinkedHashSet<>();
        for (String p : primaries) {
            aliases.add(p);
            if (controls.fallbacksOff()) continue;
            String servedBy = servedBy(names.resolve(p)); // the router's plan takes the group's lists too (RoutePlan)
            aliases.addAll(controls.models());
            aliases.addAll(controls.fallbacks() != null ? controls.fallbacks() : settings.fallbacksFor(FallbackReason.ERROR, p, servedBy));
            aliases.addAll(settings.fallbacksFor(FallbackReason.CONTEXT_WINDOW, p, servedBy));
            aliases.addAll(settings.fallbacksFor(FallbackReason.CONTENT_POLICY, p, servedBy));
        }
        List<Target> out = new ArrayList<>();
        for (String a : aliases) {
            if (!primaries.contains(a) && !serves.test(a)) continue; // the router passes it over (RoutePlan.serving, allowing)
            ModelGroup g = names.resolve(a);
            if (g == null) continue;
            boolean primary = primaries.contains(a);
            for (DeploymentState m : g.members) if (primary || takes.test(m.target)) out.add(m.target);
        }
        return out;
    }

    /**
     * Whether {@link #reachable} would name {@code alias}'s group alone: no models array, no fallback of any kind, its
     * own or, for another name of a group, the group's ({@link RouterSettings#fallbacksFor(FallbackReason, String, String)}).
     */
    private boolean alone(RequestControls controls, String alias, ModelGroup group) {
        if (controls.fallbacksOff()) return true;
        String servedBy = servedBy(group);
        return controls.models().isEmpty()
                && (controls.fallbacks() != null ? controls.fallbacks() : settings.fallbacksFor(FallbackReason.ERROR, alias, servedBy)).isEmpty()
                && settings.fallbacksFor(FallbackReason.CONTEXT_WINDOW, alias, servedBy).isEmpty()
                && settings.fallbacksFor(FallbackReason.CONTENT_POLICY, alias, servedBy).isEmpty();
    }

    /** The model_name a resolved group answers to, as {@link #run} hands it to the plan; null for no group. */
    private static String servedBy(ModelGroup group) { return group == null ? null : group.alias; }

    /**
     * What a health check of wildcard entry {@code entry} calls: the entry with {@code model}
     * ({@code model_info.health_check_model}, a provider/model) in place of its pattern.
     *
     * @throws GatewayException when no provider here serves it
     */
    public Target wildcardTarget(dev.switchboard.config.Deployment entry, String model) { return names.wildcardTarget(entry, model); }

    public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
        return chatLike(ctx, request, this::chatCall);
    }

    public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
        return chatLike(ctx, request, this::streamCall);
    }

    public Future<Answer<EmbeddingResponse>> embed(CallContext ctx, EmbeddingRequest request) {
        try {
            RequestControls controls = RequestControls.from(ctx.hints(), request.extra());
            EmbeddingRequest clean = request.withExtra(RequestControls.strip(request.extra()));
            RequestFacts facts = RequestFacts.of(clean);
            if (tagRouting != null) tagged(facts, ctx, request.metadata(), request.extra());
            return run(ctx, request.model(), ServingMode.EMBEDDING, controls, facts, new CallEngine.Call<>(false, (t, o) -> {
                if (t.provider() instanceof EmbeddingProvider e) return e.embed(clean, o);
                return Future.failedFuture(GatewayException.badRequest("Model '" + request.model() + "' ("
                        + t.deployment().id() + ") does not support embeddings.", "model"));
            }, this::ended));
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
    }

    /** Chat and stream: strip the routing fields, let the auto alias pick a tier, then run the plan. */
    private <T> Future<Answer<T>> chatLike(CallContext ctx, ChatRequest request,
                                           java.util.function.BiFunction<ChatRequest, Boolean, CallEngine.Call<T>> callFor) {
        try {
            RequestControls controls = RequestControls.from(ctx.hints(), request.extra());
            ChatRequest clean = controls == RequestControls.NONE ? request
                    : request.withExtra(RequestControls.strip(request.extra()));
            RequestFacts facts = RequestFacts.of(clean).checkingContext(contextCheck);
            if (tagRouting != null) tagged(facts, ctx, request.metadata(), request.extra());
            CallEngine.Call<T> call = callFor.apply(clean, controls.dropParams());
            if (auto != null && auto.alias().equals(request.model())) {
                return auto.decide(ctx, clean, controls, facts).compose(d -> {
                    ctx.attach(TIER, d.header());
                    return run(ctx, d.alias(), ServingMode.CHAT, controls, facts, call).map(a -> a.withTier(d.header()))
                            .recover(e -> Future.failedFuture(withTier(e, d.header())));
                });
            }
            return run(ctx, request.model(), ServingMode.CHAT, controls, facts, call);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
    }

    /** A failed auto request's error, with its tier decision in the header a served one has (a 499 has no answer). */
    private static Throwable withTier(Throwable error, String tier) {
        if (!(error instanceof GatewayException g) || dev.switchboard.model.Cancellation.isCancellation(g)) return error;
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(g.headers());
        headers.put(TIER_HEADER, tier);
        return g.withHeaders(headers);
    }

    /**
     * The plan for {@code alias} run by the engine (package-private: ProviderThrowsTest runs a call whose settle throws).
     *
     * @param mode the kind of call ({@link ServingMode#CHAT}, {@link ServingMode#EMBEDDING}): fallbacks of another are passed over
     */
    <T> Future<Answer<T>> run(CallContext ctx, String alias, String mode, RequestControls controls, RequestFacts facts,
                              CallEngine.Call<T> call) {
        java.util.function.Function<String, String> mismatch = ServingMode.EMBEDDING.equals(mode) ? embeddingMismatch : chatMismatch;
        ModelGroup group = names.resolve(alias);
        if (group == null) {
            return Future.failedFuture(GatewayException.modelNotFound(alias, listedFor(ctx)));
        }
        requireKnown(ctx, controls.models(), "models");
        if (controls.fallbacks() != null) requireKnown(ctx, controls.fallbacks(), "fallbacks");
        java.util.function.BiPredicate<CallContext, String> access = modelAccess;
        RoutePlan plan = new RoutePlan(alias, controls.models(), controls.fallbacks(), !controls.fallbacksOff(), settings)
                .servedBy(group.alias).allowing(a -> access.test(ctx, a))
                // a group not made yet (a name a wildcard would serve) is not made to judge it: unknown, so allowed
                .serving(mismatch);
        return engine.run(ctx, plan, facts, controls, call);
    }

    /** The classifier's own call: the classifier alias with its retries, no fallbacks, no tier. */
    private Future<ChatResponse> classifierCall(CallContext ctx, ChatRequest question) {
        RequestControls noFallbacks = new RequestControls(null, null, null, true, null, List.of(), null, null);
        return run(ctx, question.model(), ServingMode.CHAT, noFallbacks, RequestFacts.of(question), chatCall(question, null)).map(Answer::body);
    }

    /**
     * Which aliases a call may use (its virtual key's allowlist, a JWT's scopes, the models of the team it was admitted
     * under); set by the pipeline, which owns keys and teams.
     */
    private volatile java.util.function.BiPredicate<CallContext, String> modelAccess = (c, a) -> true;

    /** Fallbacks and a request's {@code models} / {@code fallbacks} lists reach only aliases the call may use. */
    public void modelAccess(java.util.function.BiPredicate<CallContext, String> access) { this.modelAccess = access; }

    /**
     * Each deployment's mode in LiteLLM's words (its {@code model_info.mode}, else the price catalog's; null when unknown):
     * a fallback all of whose deployments serve another mode than the call's is passed over ({@link ServingMode}). Set by
     * the pipeline, which owns the catalog; until then every mode is unknown (every fallback allowed, as before).
     */
    private volatile java.util.function.Function<dev.switchboard.config.Deployment, String> modes = d -> null;

    /**
     * Why a fallback alias cannot serve a chat (an embeddings) call: made once, not a lambda per request; each
     * deployment's family is a field set by {@link #modes} (or as a wildcard group is made), not a catalog lookup per call.
     * A group not made yet (a name a wildcard would serve) is not made to judge it: unknown, so allowed.
     */
    private final java.util.function.Function<String, String> chatMismatch;
    private final java.util.function.Function<String, String> embeddingMismatch;

    public void modes(java.util.function.Function<dev.switchboard.config.Deployment, String> modes) {
        this.modes = modes;
        for (ModelGroup g : groups.values()) {
            for (DeploymentState s : g.members) s.family = ServingMode.family(modes.apply(s.target.deployment()));
        }
    }

    /**
     * Each deployment's model's own output limit (deployment entry → tokens, 0 when unknown), for an Anthropic client's
     * {@code max_tokens} on another provider's model (see {@link DeploymentParams}); set by the pipeline, which prices
     * the deployments. By the entry, not its id: a name a wildcard serves keeps its limit while a call is in flight on
     * it, even when its group was let go meanwhile.
     */
    private volatile java.util.function.ToIntFunction<dev.switchboard.config.Deployment> outputCeilings = d -> 0;

    /**
     * How the router's INFO and WARN lines show an alias or a deployment id that may be a caller's text (a name a
     * wildcard serves, a request's fallback): the request log's name rule (a virtual key in it masked); the lines escape
     * them too. As written until set (tests).
     */
    public void logNames(java.util.function.UnaryOperator<String> mask) { engine.names.mask(mask); }

    public void outputCeilings(java.util.function.ToIntFunction<dev.switchboard.config.Deployment> ceilings) { this.outputCeilings = ceilings; }

    /**
     * The prompt tokens of a request as the first deployment of its alias whose provider counts them says
     * ({@link dev.switchboard.provider.TokenCounter}: Anthropic's {@code count_tokens}); null when none of them counts.
     * Not a call: no retry, fallback, cooldown or ledger row (Anthropic does not bill it). An unknown alias is null too
     * (the edge has already answered 404 for it), and so is a name a wildcard serves whose group no call has made or
     * the router has let go: nothing is made for a count (the edge answers its own estimate).
     */
    /** How long a provider's token count may take before the edge answers its estimate instead. */
    static final java.time.Duration COUNT_TIMEOUT = java.time.Duration.ofSeconds(10);

    public Future<Integer> countTokens(CallContext ctx, ChatRequest request) {
        // only a group that exists: a name a wildcard serves that no call has made (or whose group was let go) is
        // counted by the gateway's estimate, so a count of an invented name makes no group, provider, credentials or price
        ModelGroup group = names.existing(request.model());
        if (group == null) return Future.succeededFuture(null);
        long now = clock.getAsLong();
        List<dev.switchboard.provider.TokenCounter> counters = new ArrayList<>();
        for (DeploymentState m : group.members) {
            // one that is cooling down would likely keep the client waiting for nothing: the estimate answers instead
            if (m.target.provider() instanceof dev.switchboard.provider.TokenCounter counter && m.breaker.available(now)) counters.add(counter);
        }
        return countWith(counters, 0, ctx, request, null);
    }

    /**
     * The first count of these counters in turn: one that cannot count this deployment's model (null: Llama on Bedrock)
     * or fails (a region without the operation) passes to the next; the last failure when none counted, else null.
     */
    private static Future<Integer> countWith(List<dev.switchboard.provider.TokenCounter> counters, int i, CallContext ctx,
                                             ChatRequest request, Throwable failed) {
        if (i == counters.size()) return failed == null ? Future.succeededFuture(null) : Future.failedFuture(failed);
        return counters.get(i).countTokens(request, new dev.switchboard.provider.CallOptions(COUNT_TIMEOUT)
                        .forRequest(ctx.requestId(), ctx.cancellation()))
                .transform(ar -> ar.succeeded() && ar.result() != null ? Future.succeededFuture(ar.result())
                        : countWith(counters, i + 1, ctx, request, ar.failed() ? ar.cause() : failed));
    }

    /** The budgets of providers and deployments (LiteLLM's budget routing); {@link SpendCaps#NONE} when none is set. */
    private final SpendCaps caps;

    /** The budgets routing passes spent deployments over by: the ledger's spend is counted into them. */
    public SpendCaps spendCaps() { return caps; }

    /** Tag routing, when {@code enable_tag_filtering} is on. */
    private final TagRouting tagRouting;

    /** The pre-call context check, when {@code enable_pre_call_checks} is on and {@link #contextWindows} was given. */
    private volatile ContextCheck contextCheck;

    /**
     * What {@code enable_pre_call_checks} needs: each deployment's context window (0 when unknown), a tokenizer-free
     * upper bound of a request's prompt tokens (most prompts fit by it alone) and their count. Without the setting they
     * are not used.
     */
    public void contextWindows(java.util.function.ToIntFunction<dev.switchboard.config.Deployment> windows,
                               java.util.function.ToLongFunction<ChatRequest> upperBound,
                               java.util.function.ToLongFunction<ChatRequest> promptTokens) {
        this.contextCheck = settings.preCallChecks() ? new ContextCheck(windows, upperBound, promptTokens) : null;
    }

    /** @param drop the request's {@code drop_params}, or null (see {@link DeploymentParams}) */
    private CallEngine.Call<ChatResponse> chatCall(ChatRequest request, Boolean drop) {
        java.util.Set<String> custom = CustomToolsAsFunctions.customNames(request); // offered as functions where not taken
        return new CallEngine.Call<>(false, (t, o) -> {
            Future<ChatResponse> answer = t.provider().chat(DeploymentParams.fit(request, t, drop, settings.dropParams(),
                    o.requestId(), outputCeilings.applyAsInt(t.deployment())), o);
            return custom.isEmpty() || t.provider().takesCustomTools() ? answer : answer.map(a -> CustomToolsAsFunctions.restore(a, custom));
        }, this::ended, thinkingDrops(request));
    }

    /**
     * Whether a target drops the request's thinking (Provider#dropsThinking), for the router to say so on a fallback; made
     * only for a request that names a thinking at all (a {@code thinking}, an Anthropic client's or LiteLLM's, or a
     * {@code reasoning_effort}), so others allocate nothing: two map lookups.
     */
    private static java.util.function.Predicate<Target> thinkingDrops(ChatRequest request) {
        if (request.anthropicField("thinking") == null && !request.extra().containsKey("reasoning_effort")) return CallEngine.NO_THINKING;
        return t -> t.provider().dropsThinking(request);
    }

    private CallEngine.Call<ChatStream> streamCall(ChatRequest request, Boolean drop) {
        java.util.Set<String> custom = CustomToolsAsFunctions.customNames(request);
        return new CallEngine.Call<>(true, (t, o) -> {
            Future<ChatStream> stream = t.provider().stream(DeploymentParams.fit(request, t, drop, settings.dropParams(),
                    o.requestId(), outputCeilings.applyAsInt(t.deployment())), o).compose(ModelRouter::firstEvent);
            return custom.isEmpty() || t.provider().takesCustomTools() ? stream : stream.map(s -> CustomToolInputSink.restoring(s, custom));
        }, (stream, attempt) -> new TrackedStream(stream, attempt, clock), thinkingDrops(request));
    }

    /**
     * The stream once its upstream's first event is here and is no error: only then has the deployment answered. An
     * error as the first event (Claude's overloaded_error after a 200, an OpenAI-style {"error":…} chunk) fails the
     * attempt as the same error sent as a status would: nothing has reached the client, its headers are not written
     * yet, so it is retried, counted toward the cooldown and fallen back from (QA routing F1).
     */
    private static Future<ChatStream> firstEvent(ChatStream s) {
        Promise<ChatStream> answered = Promise.promise();
        s.awaitFirstEvent(error -> {
            if (error == null) answered.complete(s);
            else answered.fail(error);
        });
        return answered.future();
    }

    /** A complete answer ends its attempt at once; its usage corrects the tpm estimate. */
    private ChatResponse ended(ChatResponse body, Attempt attempt) {
        attempt.end(body.usage(), clock.getAsLong());
        return body;
    }

    private EmbeddingResponse ended(EmbeddingResponse body, Attempt attempt) {
        attempt.end(body.usage(), clock.getAsLong());
        return body;
    }

    private void requireKnown(CallContext ctx, List<String> aliases, String field) {
        for (String a : aliases) {
            if (names.resolve(a) == null) {
                throw GatewayException.badRequest("'" + field + "' names '" + a + "', which is not a model on this "
                        + "gateway. Known models: " + String.join(", ", listedFor(ctx)) + ".", field);
            }
        }
    }

    /**
     * What an error about an unknown name lists for this caller: the listed names its key may use (a key restricted to
     * two models is not told of the others, as its {@code /v1/models} does not list them).
     */
    private Set<String> listedFor(CallContext ctx) {
        java.util.function.BiPredicate<CallContext, String> access = modelAccess;
        Set<String> out = new LinkedHashSet<>();
        for (String name : listed()) if (access.test(ctx, name)) out.add(name);
        return out;
    }
}
