package dev.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Prometheus metrics (Micrometer names, dotted; the Prometheus registry writes them with underscores and
 * {@code _total} / {@code _seconds}): requests, latency and time-to-first-token histograms, tokens, cost, cache hits
 * and dollars saved per layer, attempt errors per provider and deployment, and gauges refreshed at each scrape
 * (cooldowns, requests in flight per deployment, budget left per key). Meters are looked up once per label set and
 * kept, so recording a call is a map read or two and a few atomic adds.
 */
public final class GatewayMetrics {
    public static final String REQUESTS = "switchboard.requests";
    public static final String DURATION = "switchboard.request.duration";
    public static final String TTFT = "switchboard.time.to.first.token";
    public static final String TOKENS = "switchboard.tokens";
    public static final String COST = "switchboard.cost.usd";
    public static final String CACHE_HITS = "switchboard.cache.hits";
    public static final String CACHE_SAVED = "switchboard.cache.saved.usd";
    /** What provider prompt-cache writes cost beyond the input price (the saving above is the reads' discount, gross). */
    public static final String PROMPT_CACHE_WRITE_PREMIUM = "switchboard.prompt.cache.write.premium.usd";
    public static final String ATTEMPT_ERRORS = "switchboard.attempt.errors";
    /** The response cache's layers and the provider's prompt cache; a layer not built yet stays at 0. */
    public static final List<String> CACHE_LAYERS = List.of("exact", "semantic", "provider_prompt");

    private static final Duration[] LATENCY_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);
    private static final Duration[] TTFT_BUCKETS = seconds(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30);

    private final MeterRegistry registry;
    private final ConcurrentHashMap<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final MultiGauge cooldown;
    private final MultiGauge inFlight;
    private final MultiGauge budgetRemaining;
    private final MultiGauge globalBudgetRemaining, globalBudgetMax, globalBudgetSpent;
    private final MultiGauge budgetMax;

    private final MetricLabels labels;

    /**
     * @param labels what a model or deployment label may say: names from the config only, never a client's own (a
     *               client picks the model name it sends, and each label value is a set of series kept for ever)
     */
    public GatewayMetrics(MeterRegistry registry, MetricLabels labels) {
        this.registry = registry;
        this.labels = labels;
        for (String layer : CACHE_LAYERS) {
            counter(CACHE_HITS, "Requests answered by a cache (exact, semantic), or served calls with provider-cached prompt tokens (provider_prompt)",
                    "layer", layer);
            counter(CACHE_SAVED, "US dollars a cache layer saved (provider_prompt: the cache reads' discount, before the write premium)",
                    "layer", layer);
        }
        counter(PROMPT_CACHE_WRITE_PREMIUM, "US dollars provider prompt-cache writes cost beyond the same tokens at the input price;"
                + " the net prompt-cache saving is switchboard_cache_saved_usd_total{layer=\"provider_prompt\"} minus this");
        this.cooldown = MultiGauge.builder("switchboard.deployment.cooldown")
                .description("1 while a deployment's circuit breaker has it cooling down, else 0").register(registry);
        this.inFlight = MultiGauge.builder("switchboard.upstream.requests.in.flight")
                .description("Requests in flight to a deployment (each holds one upstream connection)").register(registry);
        this.budgetRemaining = MultiGauge.builder("switchboard.key.budget.remaining.usd")
                .description("What is left of a virtual key's budget this period (spend and reservations taken off)").register(registry);
        this.budgetMax = MultiGauge.builder("switchboard.key.budget.max.usd")
                .description("A virtual key's budget for the period").register(registry);
        // the gateway-wide budget (litellm_settings.max_budget): no row without one, as a key without a budget has none
        this.globalBudgetRemaining = MultiGauge.builder("switchboard.global.budget.remaining.usd")
                .description("What is left of the gateway-wide budget this period (spend and reservations taken off)").register(registry);
        this.globalBudgetMax = MultiGauge.builder("switchboard.global.budget.max.usd")
                .description("The gateway-wide budget for the period (litellm_settings.max_budget)").register(registry);
        this.globalBudgetSpent = MultiGauge.builder("switchboard.global.budget.spent.usd")
                .description("What the gateway-wide budget's period has spent, as this gateway knows it").register(registry);
    }

    public MeterRegistry registry() { return registry; }

    /**
     * The meters of one alias, found with one map read per served call (the alias's name): its timers, token
     * counters, and its request and cost counters by the rest of their labels. Looking each meter up by its whole label
     * list (13 strings hashed and compared for the request counter alone) was 2.4 % of a request's CPU in the profile
     * of docs/architecture.md ("Performance notes").
     */
    private final class ModelMeters {
        final String model;
        final Timer duration;
        final Counter[] tokens = new Counter[TOKEN_TYPES.length];
        volatile Timer ttft;
        final ConcurrentHashMap<RequestLabels, Counter> requests = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Counter> cost = new ConcurrentHashMap<>();

        ModelMeters(String model) {
            this.model = model;
            this.duration = timer(DURATION, "Time from a request's arrival to its last byte", LATENCY_BUCKETS, "model", model);
        }

        Counter tokens(int type) {
            Counter c = tokens[type];
            if (c == null) {
                c = counter(TOKENS, "Tokens by alias and type (input includes cached_input)", "model", model, "type", TOKEN_TYPES[type]);
                tokens[type] = c; // the same meter whoever wins: the registry keeps one per label set
            }
            return c;
        }

        Timer ttft() {
            Timer t = ttft;
            if (t == null) ttft = t = timer(TTFT, "Time from a streamed request's arrival to its first token", TTFT_BUCKETS, "model", model);
            return t;
        }
    }

    /** The request counter's labels besides the alias; its hash is worked out once. */
    private record RequestLabels(String deployment, String route, String cache, int status, String key, int hash) {
        RequestLabels(String deployment, String route, String cache, int status, String key) {
            this(deployment, route, cache, status, key,
                    (((deployment.hashCode() * 31 + route.hashCode()) * 31 + cache.hashCode()) * 31 + status) * 31 + key.hashCode());
        }

        @Override public int hashCode() { return hash; }

        @Override public boolean equals(Object o) {
            return o instanceof RequestLabels r && r.hash == hash && r.status == status && r.deployment.equals(deployment)
                    && r.route.equals(route) && r.cache.equals(cache) && r.key.equals(key);
        }
    }

    private static final String[] TOKEN_TYPES = {"input", "output", "cached_input", "reasoning"};
    private final ConcurrentHashMap<String, ModelMeters> byModel = new ConcurrentHashMap<>();

    private ModelMeters meters(String model) {
        ModelMeters m = byModel.get(model);
        return m != null ? m : byModel.computeIfAbsent(model, ModelMeters::new);
    }

    /**
     * The label set of the last served call and its meters: calls in a row mostly share it (one alias, deployment,
     * route and key), and then their meters are found by comparing five strings, most of them the same instances,
     * instead of two map reads that miss the cache (about 1 % of a stream's event loop) and a key object per call.
     */
    private record Last(String model, String deployment, String route, String cache, int status, String key,
                        ModelMeters meters, Counter requests, Counter[] cost) {
        boolean is(String model, String deployment, String route, String cache, int status, String key) {
            return status == this.status && same(model, this.model) && same(deployment, this.deployment)
                    && same(route, this.route) && same(cache, this.cache) && same(key, this.key);
        }

        private static boolean same(String a, String b) { return a == b || a.equals(b); }
    }

    private volatile Last last;

    /** A served call (attempt 0 of the ledger): counted, timed, its tokens, cost and cache savings added. */
    public void served(CallOutcome o) {
        String model = labels.model(o.requestedModel());
        String key = keyLabel(o.keyId(), o.keyAlias());
        String deployment = labels.deployment(o.deployment()), route = routeLabel(o.route()), cache = nz(o.cacheStatus());
        Last l = last;
        ModelMeters m;
        Counter requests;
        if (l != null && l.is(model, deployment, route, cache, o.status(), key)) {
            m = l.meters;
            requests = l.requests;
        } else {
            m = meters(model);
            RequestLabels labels = new RequestLabels(deployment, route, cache, o.status(), key);
            requests = m.requests.get(labels);
            if (requests == null) {
                requests = m.requests.computeIfAbsent(labels, x -> counter(REQUESTS, REQUESTS_HELP, "model", model,
                        "deployment", x.deployment(), "route", x.route(), "cache", x.cache(), "status", Integer.toString(x.status()),
                        "key", x.key()));
            }
            l = new Last(model, deployment, route, cache, o.status(), key, m, requests, new Counter[1]);
            last = l;
        }
        requests.increment();
        if (o.latencyMs() != null) m.duration.record(o.latencyMs(), TimeUnit.MILLISECONDS);
        if (o.ttftMs() != null) m.ttft().record(o.ttftMs(), TimeUnit.MILLISECONDS);
        if (o.promptTokens() > 0) m.tokens(0).increment(o.promptTokens());
        if (o.completionTokens() > 0) m.tokens(1).increment(o.completionTokens());
        if (o.cacheReadTokens() > 0) m.tokens(2).increment(o.cacheReadTokens());
        if (o.reasoningTokens() > 0) m.tokens(3).increment(o.reasoningTokens());
        if (o.costNanos() != 0) {
            Counter cost = l.cost[0]; // made at the first call that cost something: a key that never spent has no series
            if (cost == null) {
                cost = m.cost.get(key);
                if (cost == null) cost = m.cost.computeIfAbsent(key, k -> counter(COST, "US dollars spent, by alias and key", "model", model, "key", k));
                l.cost[0] = cost; // the same meter whoever wins: the map keeps one per key
            }
            cost.increment(o.costNanos() / 1e9);
        }
        String layer = switch (nz(o.cacheStatus())) {
            case "hit-exact" -> "exact";
            case "hit-semantic" -> "semantic";
            default -> null;
        };
        if (layer != null) {
            counter(CACHE_HITS, null, "layer", layer).increment();
            if (o.savedNanos() > 0) counter(CACHE_SAVED, null, "layer", layer).increment(o.savedNanos() / 1e9);
        }
        if (o.cacheReadTokens() > 0) {
            counter(CACHE_HITS, null, "layer", "provider_prompt").increment();
            if (o.promptCacheSavedNanos() > 0) {
                counter(CACHE_SAVED, null, "layer", "provider_prompt").increment(o.promptCacheSavedNanos() / 1e9);
            }
        }
        if (o.promptCacheWritePremiumNanos() > 0) counter(PROMPT_CACHE_WRITE_PREMIUM, null).increment(o.promptCacheWritePremiumNanos() / 1e9);
    }

    /**
     * A failed attempt its provider billed (a 200 answer whose finish reason said the generation failed): its tokens and
     * cost under the alias and key, where the served calls' are, so the counters add up to the ledger. No request is
     * counted: the request is counted once, served or failed.
     */
    public void attemptBilled(String requestedModel, String keyId, String keyAlias, int prompt, int completion, int cacheRead,
                              int reasoning, long costNanos) {
        String model = labels.model(requestedModel);
        ModelMeters m = meters(model);
        String key = keyLabel(keyId, keyAlias);
        if (prompt > 0) m.tokens(0).increment(prompt);
        if (completion > 0) m.tokens(1).increment(completion);
        if (cacheRead > 0) m.tokens(2).increment(cacheRead);
        if (reasoning > 0) m.tokens(3).increment(reasoning);
        if (costNanos != 0) {
            m.cost.computeIfAbsent(key, k -> counter(COST, "US dollars spent, by alias and key", "model", model, "key", k))
                    .increment(costNanos / 1e9);
        }
    }

    private static final String REQUESTS_HELP = "Requests by alias, serving deployment, route, cache status and HTTP status";

    /**
     * A request that failed before any answer (refused, or every attempt failed), timed like a served one: a timeout is
     * the slowest request of all, and a latency alert must see it.
     *
     * @param latencyMs from arrival to the error's answer; null for none (not timed)
     */
    public void failed(String requestedModel, String keyId, String keyAlias, int status, Long latencyMs) {
        String model = labels.model(requestedModel); // a refused or unknown name is "other", not a series of its own
        counter(REQUESTS, REQUESTS_HELP, "model", model, "deployment", "none", "route", "none", "cache", "none",
                "status", Integer.toString(status), "key", keyLabel(keyId, keyAlias)).increment();
        if (latencyMs != null) meters(model).duration.record(latencyMs, TimeUnit.MILLISECONDS);
    }

    /**
     * One failed attempt at a deployment (a retry or a fallback followed, or the request failed).
     *
     * @param modelId   the deployment entry's {@code model_info.id} ("" without one), as the cooldown series carry it: two
     *                  entries of one {@code provider/model} apart. Set by the admin, so it bounds the series like the rest
     * @param errorType the gateway's own type for the failure's kind (a fixed set), never an upstream's own words: a
     *                  provider that puts ids in its error types would grow a series per failure
     */
    public void attemptFailed(String deploymentId, String modelId, int status, String errorType) {
        String deployment = labels.deployment(deploymentId);
        int slash = deployment == null ? -1 : deployment.indexOf('/');
        counter(ATTEMPT_ERRORS, "Failed provider attempts by provider, deployment, deployment entry, status and error type",
                "provider", slash > 0 ? deployment.substring(0, slash) : nz(deployment), "deployment", nz(deployment),
                "model_id", modelId == null ? "" : modelId, "status", Integer.toString(status), "error_type", nz(errorType)).increment();
    }

    /** A deployment's live state, as the router reports it. */
    /** @param modelId the entry's {@code model_info.id}, "" without one: one gauge row per entry, not per provider/model */
    public record DeploymentLoad(String alias, String deployment, String modelId, int inFlight, boolean coolingDown) {}

    /** A key's budget this period, in US dollars. */
    public record KeyBudget(String keyId, String keyAlias, double maxUsd, double remainingUsd) {}

    /** The gateway-wide budget this period, in US dollars; {@code period} its {@code budget_duration} ("" without one). */
    public record GlobalBudget(double maxUsd, double spentUsd, double remainingUsd, String period) {}

    /** Replaces the gauges' rows; called before each scrape. {@code global} is null without a gateway-wide budget. */
    public void refresh(List<DeploymentLoad> deployments, List<KeyBudget> budgets, GlobalBudget global) {
        List<Tags> one = global == null ? List.of() : List.of(Tags.of("period", global.period()));
        globalBudgetRemaining.register(one.stream().map(t -> MultiGauge.Row.of(t, global.remainingUsd())).toList(), true);
        globalBudgetMax.register(one.stream().map(t -> MultiGauge.Row.of(t, global.maxUsd())).toList(), true);
        globalBudgetSpent.register(one.stream().map(t -> MultiGauge.Row.of(t, global.spentUsd())).toList(), true);
        cooldown.register(deployments.stream().map(d -> MultiGauge.Row.of(Tags.of("alias", d.alias(), "deployment",
                d.deployment(), "model_id", d.modelId()), d.coolingDown() ? 1 : 0)).toList(), true);
        inFlight.register(deployments.stream().map(d -> MultiGauge.Row.of(Tags.of("alias", d.alias(), "deployment",
                d.deployment(), "model_id", d.modelId()), d.inFlight())).toList(), true);
        budgetRemaining.register(budgets.stream().map(b -> MultiGauge.Row.of(Tags.of("key", keyLabel(b.keyId(), b.keyAlias()),
                "key_id", b.keyId()), b.remainingUsd())).toList(), true);
        budgetMax.register(budgets.stream().map(b -> MultiGauge.Row.of(Tags.of("key", keyLabel(b.keyId(), b.keyAlias()),
                "key_id", b.keyId()), b.maxUsd())).toList(), true);
    }

    /** A running total read at scrape time (spans dropped, rows written). */
    public <T> void functionCounter(String name, String description, T source, java.util.function.ToDoubleFunction<T> f,
                                    String... tags) {
        FunctionCounter.builder(name, source, f).description(description).tags(tags).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        List<String> id = id(name, tags);
        Counter c = counters.get(id);
        if (c != null) return c;
        return counters.computeIfAbsent(id, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, Duration[] buckets, String... tags) {
        List<String> id = id(name, tags);
        Timer t = timers.get(id);
        if (t != null) return t;
        return timers.computeIfAbsent(id, k -> Timer.builder(name).description(description).tags(tags)
                .serviceLevelObjectives(buckets).register(registry));
    }

    private static List<String> id(String name, String[] tags) {
        String[] all = new String[tags.length + 1];
        all[0] = name;
        System.arraycopy(tags, 0, all, 1, tags.length);
        return java.util.Arrays.asList(all);
    }

    /** {@code primary} or {@code fallback:<reason>} (four reasons: a small label set). */
    static String routeLabel(String route) { return route == null ? "none" : route; }

    /** The {@code key} label of every call made with a JWT, whoever its user or team. */
    public static final String JWT_KEY_LABEL = "jwt";

    /**
     * The {@code key} label: a virtual key's alias, else its id (keys are made by the admin, so their number is the
     * admin's); {@code master}, {@code anonymous}, {@code none} (not authenticated). Every JWT caller shares one label,
     * {@link #JWT_KEY_LABEL}: a JWT's user, email and team come from the identity provider, and a series per user made
     * /metrics grow with its directory (each label value is kept for the life of the process). Per user and per team the
     * ledger answers ({@code /spend/logs}, the spend report by tag, {@code /user/info}, {@code /team/info}).
     */
    static String keyLabel(String keyId, String keyAlias) {
        if (dev.switchboard.model.Caller.isJwtId(keyId)) return JWT_KEY_LABEL;
        return keyAlias != null ? keyAlias : keyId == null ? "none" : keyId;
    }

    private static String nz(String s) { return s == null ? "none" : s; }

    private static Duration[] seconds(double... s) {
        Duration[] out = new Duration[s.length];
        for (int i = 0; i < s.length; i++) out[i] = Duration.ofNanos((long) (s[i] * 1e9));
        return out;
    }

}
