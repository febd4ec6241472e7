package dev.switchboard.route;

import dev.switchboard.config.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing part of the config, typed. Values come from {@code router_settings}, else from the same LiteLLM
 * key in {@code litellm_settings}, else LiteLLM's defaults; the config loader has already checked their types
 * and that every alias named exists (config.RoutingKeys), so reading here cannot fail.
 *
 * @param strategy          {@code routing_strategy}
 * @param numRetries        retries within a model group (each group of a fallback chain gets this budget)
 * @param allowedFails      {@code allowed_fails}: failures allowed within a minute; the next one cools a deployment down
 * @param cooldown          how long a cooled-down deployment is skipped
 * @param minRetryWait      {@code retry_after}: the least wait before any retry (LiteLLM's key)
 * @param backoffBase       {@code retry_backoff}: the first retry's backoff; doubles each retry, with jitter
 * @param timeout           default per-attempt timeout for deployments that set none; null for the provider's
 * @param streamTimeout     the same for streams; null for {@code timeout}
 * @param fallbacks         per reason, alias → the aliases to try in order
 * @param promptCacheAffinity keep requests with the same cacheable prefix on one deployment of a group
 * @param auto              the cost-tier router, or null when not configured
 * @param groupAliases      {@code model_group_alias}: requested name → the name that serves it
 * @param dropParams        {@code drop_params}: drop what a provider cannot honour rather than refuse it, for every
 *                          deployment that does not say otherwise (see DeploymentParams)
 * @param preCallChecks     {@code enable_pre_call_checks}: a deployment whose context window is smaller than the prompt
 *                          is not called ({@link ContextCheck})
 * @param tagFiltering      {@code enable_tag_filtering}: deployments are chosen by the call's tags ({@link TagRouting})
 * @param tagMatchAny       {@code tag_filtering_match_any} (default true): a deployment needs one of the tags, else all
 * @param maxFallbacks      {@code max_fallbacks} (LiteLLM's, default 5): the most other aliases one request moves on to
 *                          (its {@code models} array and the configured fallbacks together)
 * @param retryPolicy       {@code retry_policy} / {@code model_group_retry_policy}: retries by kind of failure ({@link RetryPolicy})
 * @param allowedFailsPolicy {@code allowed_fails_policy}: failures allowed by kind before a cooldown ({@link AllowedFailsPolicy})
 * @param cooldownsDisabled {@code disable_cooldowns}: no deployment is ever taken out (LiteLLM's cooldown logic returns
 *                          at once): no cooldown, no probe, nothing counted or logged as one, whatever cooldown_time says
 * @param defaultMaxParallelRequests {@code default_max_parallel_requests}: the calls at once of a deployment without its
 *                          own {@code max_parallel_requests} ({@link ParallelSlots}); 0 for no limit
 */
public record RouterSettings(String strategy, int numRetries, int allowedFails, Duration cooldown,
                             Duration minRetryWait, Duration backoffBase, Duration timeout, Duration streamTimeout,
                             Map<FallbackReason, Map<String, List<String>>> fallbacks, boolean promptCacheAffinity,
                             AutoRouterSettings auto, Map<String, GroupAlias> groupAliases, boolean dropParams,
                             boolean preCallChecks, boolean tagFiltering, boolean tagMatchAny, int maxFallbacks,
                             RetryPolicy retryPolicy, AllowedFailsPolicy allowedFailsPolicy, boolean cooldownsDisabled,
                             int defaultMaxParallelRequests) {
    public static final String DEFAULT_STRATEGY = "simple-shuffle";
    public static final int DEFAULT_NUM_RETRIES = 2;
    public static final int DEFAULT_ALLOWED_FAILS = 3;
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(5);
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(250);
    /** LiteLLM's default {@code max_fallbacks}: the most other aliases one request moves on to. */
    public static final int DEFAULT_MAX_FALLBACKS = 5;

    /** Defaults only: no fallbacks, no auto router. */
    public static RouterSettings defaults() {
        return from(Map.of(), Map.of());
    }

    public static RouterSettings from(GatewayConfig config) {
        return from(config.routerSettings(), config.litellmSettings());
    }

    static RouterSettings from(Map<String, Object> router, Map<String, Object> litellm) {
        Settings s = new Settings(router, litellm);
        Map<FallbackReason, Map<String, List<String>>> fallbacks = new EnumMap<>(FallbackReason.class);
        fallbacks.put(FallbackReason.ERROR, s.fallbacks("fallbacks"));
        // default_fallbacks (LiteLLM): the error fallbacks of every model_name that has none of its own, under "*".
        List<String> defaults = s.list("default_fallbacks");
        if (!defaults.isEmpty()) {
            Map<String, List<String>> withDefault = new LinkedHashMap<>(fallbacks.get(FallbackReason.ERROR));
            withDefault.putIfAbsent(DEFAULT_FALLBACKS_KEY, defaults);
            // a default that is itself a model_name without fallbacks of its own gets the list less itself, made here
            // once: fallbacksFor then hands out a stored list, never a filtered copy per request (reachable, RoutePlan)
            for (String d : defaults) {
                if (!withDefault.containsKey(d)) withDefault.put(d, defaults.stream().filter(a -> !a.equals(d)).toList());
            }
            fallbacks.put(FallbackReason.ERROR, Map.copyOf(withDefault));
        }
        fallbacks.put(FallbackReason.CONTEXT_WINDOW, s.fallbacks("context_window_fallbacks"));
        fallbacks.put(FallbackReason.CONTENT_POLICY, s.fallbacks("content_policy_fallbacks"));
        // LiteLLM picks its timeouts with `x or y`: a 0 is "not set" there, so it is here (the config reader warns)
        Object timeout = unsetIfZero(s.get("timeout")) != null ? s.get("timeout") : unsetIfZero(s.get("request_timeout"));
        return new RouterSettings(
                s.get("routing_strategy") == null ? DEFAULT_STRATEGY : s.get("routing_strategy").toString(),
                s.integer("num_retries", DEFAULT_NUM_RETRIES),
                s.integer("allowed_fails", DEFAULT_ALLOWED_FAILS),
                // disable_cooldowns does not touch it: the breakers are off altogether (CircuitBreaker.disabled)
                s.seconds(s.get("cooldown_time"), DEFAULT_COOLDOWN),
                s.seconds(s.get("retry_after"), Duration.ZERO),
                s.seconds(s.get("retry_backoff"), DEFAULT_BACKOFF),
                s.seconds(timeout, null),
                s.seconds(unsetIfZero(s.get("stream_timeout")), null),
                Map.copyOf(fallbacks),
                flag(s.get("prompt_cache_affinity"), true),
                s.get("auto_router") instanceof Map<?, ?> m ? AutoRouterSettings.from(m) : null,
                GroupAlias.from(router.get("model_group_alias")),
                flag(s.get("drop_params"), false),
                flag(s.get("enable_pre_call_checks"), false),
                flag(s.get("enable_tag_filtering"), false),
                flag(s.get("tag_filtering_match_any"), true),
                s.integer("max_fallbacks", DEFAULT_MAX_FALLBACKS),
                RetryPolicy.from(router.get("retry_policy"), router.get("model_group_retry_policy")),
                AllowedFailsPolicy.from(s.get("allowed_fails_policy")),
                flag(s.get("disable_cooldowns"), false),
                s.integer("default_max_parallel_requests", 0));
    }

    /** Where {@code default_fallbacks} is kept among the error fallbacks: no model_name can be "*" there. */
    static final String DEFAULT_FALLBACKS_KEY = "*";

    /**
     * The fallback list of {@code alias} for {@code reason}; empty when none is configured. An alias without error
     * fallbacks of its own gets {@code default_fallbacks} (less itself), as in LiteLLM.
     */
    public List<String> fallbacksFor(FallbackReason reason, String alias) {
        Map<String, List<String>> byAlias = fallbacks.get(reason);
        if (byAlias == null) return List.of();
        List<String> own = byAlias.get(alias);
        if (own != null) return own;
        List<String> dflt = byAlias.get(DEFAULT_FALLBACKS_KEY);
        if (dflt == null || reason != FallbackReason.ERROR) return List.of();
        // an alias named in default_fallbacks has its list less itself stored under its name (from): this one is not in it
        return dflt;
    }

    /**
     * The fallback list the router takes for a request to {@code asked}: its own ({@link #fallbacksFor(FallbackReason,
     * String)}); when it has none and {@code servedBy}, the model_name of the group {@code asked} resolves to, is another
     * name (a {@code model_group_alias}, a deployment id), that model_name's. The one home of this rule: the router's plan
     * (RoutePlan) and a budget's worst case (ModelRouter.reachable) both ask here, so a budget reserves for every
     * fallback the router may try (until 2026-12-07 reachable asked with the requested name alone, and a group alias's
     * target's fallbacks went unreserved).
     *
     * @param servedBy the resolved group's model_name; null when unknown
     */
    public List<String> fallbacksFor(FallbackReason reason, String asked, String servedBy) {
        List<String> own = fallbacksFor(reason, asked);
        return own.isEmpty() && servedBy != null && !servedBy.equals(asked) ? fallbacksFor(reason, servedBy) : own;
    }

    /** A yes/no setting: a YAML boolean, or text the config loader accepted (true/yes/on, false/no/off). */
    static boolean flag(Object v, boolean dflt) {
        if (v == null) return dflt;
        return switch (v.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> dflt;
        };
    }

    /** Reads one key from router_settings, else litellm_settings. */
    private record Settings(Map<String, Object> router, Map<String, Object> litellm) {
        Object get(String key) {
            return router.get(key) != null ? router.get(key) : litellm.get(key);
        }

        int integer(String key, int dflt) {
            Object v = get(key);
            return v == null ? dflt : (int) Double.parseDouble(v.toString());
        }

        Duration seconds(Object v, Duration dflt) {
            return v == null ? dflt : Duration.ofMillis(Math.round(Double.parseDouble(v.toString()) * 1000));
        }

        /** A plain list of names (default_fallbacks), router_settings' first. */
        List<String> list(String key) {
            Object v = get(key);
            if (!(v instanceof List<?> l)) return List.of();
            return l.stream().map(Object::toString).toList();
        }

        /** Both sections' lists merged per alias, router_settings' entries first, each alias once. */
        Map<String, List<String>> fallbacks(String key) {
            Map<String, Set<String>> merged = new LinkedHashMap<>();
            for (Object section : new Object[] {router.get(key), litellm.get(key)}) {
                if (!(section instanceof List<?> entries)) continue;
                for (Object entry : entries) {
                    if (!(entry instanceof Map<?, ?> m)) continue;
                    m.forEach((from, to) -> {
                        Set<String> list = merged.computeIfAbsent(from.toString(), k -> new LinkedHashSet<>());
                        if (to instanceof List<?> l) for (Object a : l) list.add(a.toString());
                    });
                }
            }
            Map<String, List<String>> out = new LinkedHashMap<>();
            merged.forEach((k, v) -> out.put(k, List.copyOf(new ArrayList<>(v))));
            return Map.copyOf(out);
        }
    }

    /** A timeout of 0 is LiteLLM's "not set" (its router reads timeouts with {@code x or y}); anything else as given. */
    private static Object unsetIfZero(Object v) {
        return v instanceof Number n && n.doubleValue() == 0 ? null : v;
    }
}
