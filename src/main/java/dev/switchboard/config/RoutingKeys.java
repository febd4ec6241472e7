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
    private static final Set<String> COUNTS = Set.of("num_retries", "allowed_fails");
    private static final Set<String> TIERS = Set.of("cheap", "smart");
    private static final Set<String> AUTO_KEYS = Set.of("alias", "cheap", "smart", "default_tier", "max_cheap_tokens",
            "smart_keywords", "tools_tier", "classifier", "classifier_model", "classifier_cache_size");

    private final YamlWalker w;
    private final Set<String> aliases;
    private final Set<String> failedAliases;

    /**
     * @param aliases       the model_names of the entries that loaded
     * @param failedAliases the model_names of entries that failed to load: their errors are reported already,
     *                      so a reference to one is not reported again as "not a model_name"
     */
    RoutingKeys(YamlWalker w, Set<String> aliases, Set<String> failedAliases) {
        this.w = w;
        this.aliases = aliases;
        this.failedAliases = failedAliases;
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
            }
        } else if (FALLBACK_KEYS.contains(key)) {
            fallbacks(value, path);
        } else if (key.equals("auto_router")) {
            autoRouter(value, path);
        }
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
                for (int j = 0; j < targets.size(); j++) {
                    String to = w.string(targets.get(j), ep + "." + from + "[" + j + "]");
                    if (to != null) knownAlias(targets.get(j), ep + "." + from + "[" + j + "]", to);
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
                default -> w.warn(v, kp, "unknown auto_router key, ignored. Known: " + new java.util.TreeSet<>(AUTO_KEYS) + ".");
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

    private void knownAlias(Node at, String path, String alias) {
        if (!isModelName(alias)) {
            w.error(at, path, "'" + alias + "' is not a model_name of model_list. Fix: use one of " + aliases + ".");
        }
    }

    private void nonNegative(Node value, String path) {
        Double d = w.number(value, path);
        if (d != null && d < 0) w.error(value, path, "must be 0 or more seconds, found " + d + ".");
    }
}
