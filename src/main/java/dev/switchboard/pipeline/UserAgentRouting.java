package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.route.ModelRouter;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which calls a client's User-Agent may route (tag routing's {@code litellm_params.tag_regex}), read once from the
 * config: the edge copies the User-Agent only when some deployment is so routed, and the response cache keys a name's
 * entries by it only when that name leads to such a deployment.
 */
final class UserAgentRouting {
    private UserAgentRouting() {}

    /**
     * Whether a requested name leads to a config entry a client's User-Agent routes (a deployment of it has a
     * {@code tag_regex}): by the entry it resolves to, so a group alias or a deployment id of such an entry counts too; a
     * name the router does not resolve (the auto tier) counts when any entry is so routed, and every name does when a
     * wildcard entry is (the names it serves are not known in advance).
     */
    static Predicate<String> namesRouted(GatewayConfig config, ModelRouter router) {
        Set<String> entries = new HashSet<>();
        for (Deployment d : config.deployments()) {
            if (!routesByPattern(d)) continue;
            if (d.wildcard()) return name -> true;
            entries.add(d.alias());
        }
        if (entries.isEmpty()) return name -> false;
        return name -> {
            String entry = router.entryOf(name);
            return entry == null || entries.contains(entry);
        };
    }

    /** Whether a deployment is chosen by its clients' User-Agent ({@code litellm_params.tag_regex}). */
    private static boolean routesByPattern(Deployment d) { return d.params().get("tag_regex") != null; }

    /**
     * Whether any call's User-Agent may route it: tag routing is on and some deployment has a {@code tag_regex}
     * ({@link Gateway#routesByUserAgent}).
     */
    static boolean anyCall(GatewayConfig config, ModelRouter router) {
        return router.tagRouting() && config.deployments().stream().anyMatch(UserAgentRouting::routesByPattern);
    }
}
