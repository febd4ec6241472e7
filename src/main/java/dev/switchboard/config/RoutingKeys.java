package dev.switchboard.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Checks the routing keys of {@code router_settings} and {@code litellm_settings} (strategy, retries,
 * cooldowns, timeouts, fallback lists, {@code auto_router}) against the model list, so a typo in a fallback
 * alias or a strategy name stops the start with its line instead of surfacing at the first failure.
 * The values themselves stay plain Java (see {@link GatewayConfig#routerSettings()}); the router reads them.
 */
final class RoutingKeys {
    static final Set<String> STRATEGIES = Set.of("simple-shuffle", "least-busy", "latency-based-routing",
            "usage-based-routing", "usage-based-routing-v2", "cost-based-routing");
    static final Set<String> FALLBACK_KEYS = Set.of("fallbacks", "context_window_fallbacks", "content_policy_fallbacks");
    private static final Set<String> SECONDS = Set.of("cooldown_time", "timeout", "stream_timeout", "retry_after",
            "retry_backoff", "request_timeout");
    /** Time allowed for an answer: negative is refused, 0 warned as LiteLLM's "not set" (QA-D 9: it loaded without a word). */
    private static final Set<String> WAITS = Set.of("timeout", "stream_timeout", "request_timeout");
    private static final Set<String> COUNTS = Set.of("num_retries", "allowed_fails", "max_fallbacks");
    private static final Set<String> TIERS = Set.of("cheap", "smart");
    private static final Set<String> AUTO_KEYS = Set.of("alias", "cheap", "smart", "default_tier", "max_cheap_tokens",
            "smart_keywords", "tools_tier", "classifier", "classifier_model", "classifier_cache_size");

    private final YamlWalker w;
    private final Set<String> aliases;
    private final Set<String> failedAliases;
    /** Other names a request (and so a fallback) may use: deployment ids and model_group_alias names. */
    private final Set<String> otherNames = new java.util.LinkedHashSet<>();
    private final Set<String> groupAliasNames = new java.util.HashSet<>();
    /** The model_names with a {@code *}, as patterns a name may match. */
    private final List<java.util.regex.Pattern> wildcards = new java.util.ArrayList<>();
    /** Every name a fallback list points at, with its line: read by the pipeline's mode check ({@link FallbackRef}). */
    final List<FallbackRef> fallbackRefs = new java.util.ArrayList<>();

    /**
     * @param aliases       the model_names of the entries that loaded
     * @param failedAliases the model_names of entries that failed to load: their errors are reported already,
     *                      so a reference to one is not reported again as "not a model_name"
     */
    RoutingKeys(YamlWalker w, Set<String> aliases, Set<String> failedAliases) {
        this.w = w;
        this.aliases = aliases;
        this.failedAliases = failedAliases;
        for (String a : aliases) if (a.indexOf('*') >= 0) wildcards.add(glob(a));
    }

    /**
     * Names besides the model_names that fallbacks and aliases may point at: each deployment's {@code model_info.id}
     * and the names of {@code router_settings.model_group_alias}, read before the keys that may name them are checked.
     */
    RoutingKeys withOtherNames(List<Deployment> deployments, Node routerSettings) {
        Map<String, String> lineOfId = new java.util.HashMap<>();
        for (Deployment d : deployments) {
            Object id = d.modelInfo().get("id");
            if (id == null) continue;
            String first = lineOfId.putIfAbsent(id.toString(), d.where());
            if (first != null) {
                w.errors.add(d.where() + ": model_list entry '" + d.alias() + "': model_info.id '" + id
                        + "' is already the id of the entry at " + first + ". Fix: give every deployment its own id.");
            }
            otherNames.add(id.toString());
        }
        if (routerSettings instanceof org.yaml.snakeyaml.nodes.MappingNode m) {
            for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k && k.getValue().equals("model_group_alias")
                        && t.getValueNode() instanceof org.yaml.snakeyaml.nodes.MappingNode aliasesNode) {
                    for (org.yaml.snakeyaml.nodes.NodeTuple a : aliasesNode.getValue()) {
                        if (a.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode name) {
                            otherNames.add(name.getValue());
                            groupAliasNames.add(name.getValue());
                        }
                    }
                }
            }
        }
        return this;
    }

    /**
     * The routing keys both sections may set and the router reads from router_settings first (route.RouterSettings),
     * so a litellm_settings value beside a router_settings one is dropped. The fallback lists are merged instead.
     */
    static final Set<String> ROUTER_WINS = Set.of("routing_strategy", "num_retries", "allowed_fails", "cooldown_time",
            "retry_after", "retry_backoff", "timeout", "stream_timeout", "prompt_cache_affinity", "drop_params",
            "enable_pre_call_checks", "enable_tag_filtering", "tag_filtering_match_any", "max_fallbacks",
            "allowed_fails_policy", "disable_cooldowns", "default_max_parallel_requests", "default_fallbacks", "auto_router");

    /**
     * Warns, one line each, of the litellm_settings values that a different router_settings value overrides (LiteLLM's
     * order, kept by the router): a config carried over with both sections would otherwise lose them without a word.
     * {@code litellm_settings.request_timeout} gives way to {@code router_settings.timeout} the same way.
     */
    static void overridden(YamlWalker w, Node routerNode, Map<String, Object> router, Node litellmNode, Map<String, Object> litellm) {
        if (router.isEmpty() || litellm.isEmpty()) return;
        Map<String, Node> routerNodes = w.mapping(routerNode, "router_settings");
        Map<String, Node> litellmNodes = w.mapping(litellmNode, "litellm_settings");
        litellm.forEach((key, value) -> {
            String winner = ROUTER_WINS.contains(key) ? key : key.equals("request_timeout") ? "timeout" : null;
            if (winner == null || !router.containsKey(winner) || !litellmNodes.containsKey(key)) return;
            Object wins = router.get(winner);
            if (winner.equals("timeout") && wins instanceof Number n && n.doubleValue() == 0) return; // 0 is "not set"
            if (wins == null || String.valueOf(wins).equals(String.valueOf(value))) return;
            Node at = routerNodes.get(winner);
            w.warn(litellmNodes.get(key), "litellm_settings." + key, show(value) + " is overridden by router_settings."
                    + winner + ": " + show(wins) + (at == null ? "" : " (" + w.lineOf(at) + ")")
                    + ", as in LiteLLM. Fix: keep one of them.");
        });
    }

    private static String show(Object v) {
        String s = String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** A model_name pattern ({@code claude-*}) as a regex over whole names, {@code *} matching anything. */
    static java.util.regex.Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!re.isEmpty()) re.append(".*");
            re.append(java.util.regex.Pattern.quote(part));
        }
        return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
    }

    /** Reports what is wrong with one recognised key; keys it does not know about are left alone. */
    void check(String path, String key, Node value) {
        if (key.equals("routing_strategy")) {
            String s = w.string(value, path);
            if (s != null && !STRATEGIES.contains(s)) {
                w.error(value, path, "unknown strategy '" + s + "'. Fix: use one of " + new java.util.TreeSet<>(STRATEGIES) + ".");
            }
        } else if (COUNTS.contains(key)) {
            w.integer(value, path);
        } else if (WAITS.contains(key)) {
            positive(value, path);
        } else if (SECONDS.contains(key)) {
            nonNegative(value, path);
        } else if (key.equals("prompt_cache_affinity") || key.equals("disable_cooldowns")) {
            w.bool(value, path);
        } else if (key.equals("default_fallbacks")) {
            // LiteLLM's shape: a plain list of model_names tried for any model_name without fallbacks of its own.
            List<Node> targets = w.sequence(value, path);
            for (int j = 0; j < targets.size(); j++) {
                String to = w.string(targets.get(j), path + "[" + j + "]");
                if (to != null) knownAlias(targets.get(j), path + "[" + j + "]", to);
                if (to != null) fallbackRefs.add(new FallbackRef(null, to, w.source(targets.get(j)), path + "[" + j + "]"));
            }
        } else if (FALLBACK_KEYS.contains(key)) {
            fallbacks(value, path);
        } else if (key.equals("auto_router")) {
            autoRouter(value, path);
        } else if (key.equals("model_group_alias")) {
            groupAliases(value, path);
        } else if (key.equals("provider_budget_config")) {
            providerBudgets(value, path);
        } else if (key.equals("retry_policy")) {
            retryPolicy(value, path);
        } else if (key.equals("allowed_fails_policy")) {
            allowedFailsPolicy(w, value, path);
        } else if (key.equals("default_max_parallel_requests")) {
            atLeastOne(w, value, path, "calls at once");
        } else if (key.equals("model_group_retry_policy")) {
            w.mapping(value, path).forEach((group, policy) -> {
                if (!aliases.contains(group)) w.unknownKey(policy, path + "." + group, group, aliases, "names no model_name of this config; ignored.");
                retryPolicy(policy, path + "." + group);
            });
        }
    }

    /** LiteLLM's retry policy: its kinds ({@code RateLimitErrorRetries}, …), each a count of retries, 0 or more. */
    private void retryPolicy(Node value, String path) {
        w.mapping(value, path).forEach((kind, n) -> {
            if (!RETRY_KINDS.contains(kind)) {
                w.unknownKey(n, path + "." + kind, kind, RETRY_KINDS, "is not one of LiteLLM's retry kinds " + RETRY_KINDS + "; ignored.");
                return;
            }
            Integer count = w.integer(n, path + "." + kind);
            if (count != null && count < 0) w.error(n, path + "." + kind, "must be 0 or more, found " + YamlWalker.written(n, count) + ".");
        });
    }

    /**
     * LiteLLM's allowed-fails policy ({@code router_settings.allowed_fails_policy}, {@code model_info.allowed_fails_policy}):
     * its kinds ({@code RateLimitErrorAllowedFails}, …), each a count of failures allowed within a minute, 0 or more.
     */
    static void allowedFailsPolicy(YamlWalker w, Node value, String path) {
        w.mapping(value, path).forEach((kind, n) -> {
            if (!ALLOWED_FAILS_KINDS.contains(kind)) {
                w.unknownKey(n, path + "." + kind, kind, ALLOWED_FAILS_KINDS, "is not one of LiteLLM's allowed-fails kinds " + ALLOWED_FAILS_KINDS + "; ignored.");
                return;
            }
            w.integer(n, path + "." + kind); // a whole number of 0 or more, or an error
        });
    }

    /**
     * A whole number of 1 or more ({@code max_parallel_requests}, {@code health_check_max_tokens}): 0 would block every
     * call, so it is refused like a negative one, with the way to say "no limit".
     *
     * @return the number, or null when absent or refused (the error is reported)
     */
    static Integer atLeastOne(YamlWalker w, Node value, String path, String what) {
        Double n = w.number(value, path);
        if (n == null) return null;
        if (n < 1 || n != Math.floor(n) || n > Integer.MAX_VALUE) {
            w.error(value, path, "must be a whole number of 1 or more (" + what + "), found " + (n == Math.floor(n) ? String.valueOf(n.longValue()) : n)
                    + ". Fix: leave it out for the default.");
            return null;
        }
        return n.intValue();
    }

    /** LiteLLM's AllowedFailsPolicy fields (route.AllowedFailsPolicy reads them). */
    static final List<String> ALLOWED_FAILS_KINDS = List.of("BadRequestErrorAllowedFails", "AuthenticationErrorAllowedFails",
            "TimeoutErrorAllowedFails", "RateLimitErrorAllowedFails", "ContentPolicyViolationErrorAllowedFails",
            "InternalServerErrorAllowedFails", "ServiceUnavailableErrorAllowedFails", "BadGatewayErrorAllowedFails",
            "NotFoundErrorAllowedFails");

    /** LiteLLM's RetryPolicy fields (route.RetryPolicy reads them). */
    private static final List<String> RETRY_KINDS = List.of("BadRequestErrorRetries", "AuthenticationErrorRetries",
            "TimeoutErrorRetries", "RateLimitErrorRetries", "ContentPolicyViolationErrorRetries", "InternalServerErrorRetries");

    /**
     * LiteLLM's {@code provider_budget_config}: {@code {openai: {budget_limit: 100, time_period: 1d}, …}}, a budget in US
     * dollars per provider (the prefix of its deployments' models) over a period.
     */
    private void providerBudgets(Node value, String path) {
        w.mapping(value, path).forEach((provider, cfg) -> {
            String pp = path + "." + provider;
            java.util.Map<String, Node> fields = w.mapping(cfg, pp);
            fields.forEach((k, v) -> {
                if (!k.equals("budget_limit") && !k.equals("time_period")) {
                    w.unknownKey(v, pp + "." + k, k, List.of("budget_limit", "time_period"), "is not a provider budget setting (budget_limit, time_period); ignored.");
                }
            });
            Double usd = w.number(fields.get("budget_limit"), pp + ".budget_limit");
            if (fields.get("budget_limit") == null) {
                w.error(cfg, pp + ".budget_limit", "is missing. Fix: give the budget in US dollars, e.g. budget_limit: 100.");
            } else if (usd != null && (usd < 0 || usd.isInfinite() || usd.isNaN())) {
                w.error(fields.get("budget_limit"), pp + ".budget_limit", "must be 0 or more (US dollars), found " + YamlWalker.written(fields.get("budget_limit"), usd) + ".");
            }
            String period = w.string(fields.get("time_period"), pp + ".time_period");
            if (period != null && !dev.switchboard.model.DurationSpec.isValid(period)) {
                w.error(fields.get("time_period"), pp + ".time_period", "'" + period + "' is not a duration. Fix: write "
                        + dev.switchboard.model.DurationSpec.FORMS + ".");
            }
        });
    }

    /**
     * LiteLLM's {@code model_group_alias}: {@code {gpt-4: gpt-4o}} or {@code {gpt-4: {model: gpt-4o, hidden: true}}};
     * the target must be a name the gateway serves.
     */
    private void groupAliases(Node value, String path) {
        String example = " Fix: write e.g. model_group_alias: {gpt-4: gpt-4o} or {gpt-4: {model: gpt-4o, hidden: true}}.";
        w.mapping(value, path).forEach((name, v) -> {
            String ap = path + "." + name;
            String target;
            if (v instanceof org.yaml.snakeyaml.nodes.MappingNode) {
                Map<String, Node> form = w.mapping(v, ap);
                form.forEach((k, fv) -> {
                    if (!k.equals("model") && !k.equals("hidden")) {
                        w.unknownKey(fv, ap + "." + k, k, List.of("model", "hidden"), "unknown key, ignored. Known: [model, hidden].");
                    }
                });
                if (form.containsKey("hidden")) w.bool(form.get("hidden"), ap + ".hidden");
                if (!form.containsKey("model")) {
                    w.error(v, ap, "the mapping form needs model: <the model_name it stands for>." + example);
                    return;
                }
                target = w.string(form.get("model"), ap + ".model");
                v = form.get("model");
            } else if (v instanceof org.yaml.snakeyaml.nodes.ScalarNode) {
                target = w.string(v, ap);
            } else {
                w.error(v, ap, "must be a model_name or {model: <model_name>, hidden: true}." + example);
                return;
            }
            if (target == null) return;
            if (target.equals(name)) {
                w.error(v, ap, "'" + name + "' is an alias of itself." + example);
            } else if (!aliases.contains(target) && !failedAliases.contains(target) && !matchesWildcard(target)
                    && !(otherNames.contains(target) && !isGroupAliasName(target))) {
                w.error(v, ap, "'" + target + "' is not a model_name of model_list (an alias must point at one, not at another alias)."
                        + " Fix: use one of " + aliases + ".");
            }
            if (aliases.contains(name)) {
                w.warn(v, ap, "'" + name + "' is also a model_name: requests for it go to '" + target
                        + "' (LiteLLM looks aliases up first), so that model_name's entries serve only its own fallbacks.");
            }
        });
    }

    private boolean isGroupAliasName(String name) {
        return groupAliasNames.contains(name);
    }

    private boolean matchesWildcard(String name) {
        for (java.util.regex.Pattern p : wildcards) if (p.matcher(name).matches()) return true;
        return false;
    }

    /** LiteLLM's shape: a list of one-key mappings, {@code [{smart: [sonnet, gpt]}, {cheap: [smart]}]}. */
    private void fallbacks(Node value, String path) {
        List<Node> entries = w.sequence(value, path);
        for (int i = 0; i < entries.size(); i++) {
            String ep = path + "[" + i + "]";
            Node entry = entries.get(i);
            Map<String, Node> m = w.mapping(entry, ep);
            if (m.size() != 1 && !(entry instanceof org.yaml.snakeyaml.nodes.ScalarNode)) {
                w.error(entry, ep, "each entry maps one model_name to its list, e.g. {smart: [sonnet, gpt]}.");
            }
            m.forEach((from, list) -> {
                knownAlias(entry, ep + "." + from, from);
                List<Node> targets = w.sequence(list, ep + "." + from);
                // an empty list is a list of its own too (default_fallbacks does not apply): recorded with no target
                if (targets.isEmpty()) fallbackRefs.add(new FallbackRef(from, null, w.source(list), ep + "." + from));
                for (int j = 0; j < targets.size(); j++) {
                    String to = w.string(targets.get(j), ep + "." + from + "[" + j + "]");
                    if (to != null) knownAlias(targets.get(j), ep + "." + from + "[" + j + "]", to);
                    if (to != null) fallbackRefs.add(new FallbackRef(from, to, w.source(targets.get(j)), ep + "." + from + "[" + j + "]"));
                }
            });
        }
    }

    private void autoRouter(Node value, String path) {
        Map<String, Node> m = w.mapping(value, path);
        m.forEach((k, v) -> {
            String kp = path + "." + k;
            switch (k) {
                case "alias" -> {
                    String a = w.string(v, kp);
                    if (a != null && isModelName(a)) {
                        w.error(v, kp, "'" + a + "' is already a model_name. Fix: pick a name no model_list entry uses, e.g. auto.");
                    }
                }
                case "cheap", "smart", "classifier_model" -> {
                    String a = w.string(v, kp);
                    if (a != null) knownAlias(v, kp, a);
                }
                case "default_tier", "tools_tier" -> {
                    String t = w.string(v, kp);
                    if (t != null && !TIERS.contains(t)) w.error(v, kp, "expected cheap or smart, found '" + t + "'.");
                }
                case "max_cheap_tokens", "classifier_cache_size" -> w.integer(v, kp);
                case "classifier" -> w.bool(v, kp);
                case "smart_keywords" -> {
                    List<Node> words = w.sequence(v, kp);
                    for (int i = 0; i < words.size(); i++) w.string(words.get(i), kp + "[" + i + "]");
                }
                default -> w.unknownKey(v, kp, k, new java.util.TreeSet<>(AUTO_KEYS), "unknown auto_router key, ignored. Known: " + new java.util.TreeSet<>(AUTO_KEYS) + ".");
            }
        });
        boolean hasCheap = m.containsKey("cheap") || isModelName("cheap");
        boolean hasSmart = m.containsKey("smart") || isModelName("smart");
        if (value != null && !YamlWalker.isNull(value) && (!hasCheap || !hasSmart)) {
            w.error(value, path, "needs a cheap and a smart tier. Fix: add cheap: <model_name> and smart: <model_name>"
                    + " (they default to the model_names cheap and smart).");
        }
    }

    private boolean isModelName(String alias) {
        if (aliases.contains(alias) || failedAliases.contains(alias)) return true;
        // A name a wildcard entry (model_name: "*", "anthropic/*", "gpt-*") covers is a model_name too, as in LiteLLM.
        for (String a : aliases) {
            if (a.endsWith("*") && alias.startsWith(a.substring(0, a.length() - 1))) return true;
        }
        return false;
    }

    /** A name a request may use: a model_name, a deployment id, a group alias, or a name a wildcard serves. */
    private boolean isServedName(String alias) {
        return isModelName(alias) || otherNames.contains(alias) || matchesWildcard(alias);
    }

    private void knownAlias(Node at, String path, String alias) {
        if (!isServedName(alias)) {
            w.error(at, path, "'" + alias + "' is not a model_name of model_list"
                    + (otherNames.isEmpty() ? "" : ", a model_info.id or a model_group_alias") + ". Fix: use one of " + aliases + ".");
        }
    }

    private void nonNegative(Node value, String path) {
        Double d = w.number(value, path);
        if (d != null && d < 0) w.error(value, path, "must be 0 or more seconds, found " + YamlWalker.written(value, d) + ".");
    }

    /** A wait: negative is an error; 0 is LiteLLM's "not set" (its router reads it with {@code x or y}), warned. */
    private void positive(Node value, String path) {
        Double d = w.number(value, path);
        if (d == null) return;
        if (d < 0) w.error(value, path, "must be more than 0 seconds, found " + YamlWalker.written(value, d) + ". Fix: leave it out for the default.");
        else if (d == 0) w.warn(value, path, "0 is not set, as in LiteLLM: the default applies. Fix: leave it out, or give the seconds.");
    }
}
