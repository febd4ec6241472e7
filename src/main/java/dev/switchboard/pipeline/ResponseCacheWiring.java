package dev.switchboard.pipeline;

import dev.switchboard.cache.CacheSettings;
import dev.switchboard.cache.LocalExactCache;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.route.ModelRouter;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/** Builds the response cache from {@code litellm_settings.cache} and the deployments' {@code cache} flags, once at start. */
final class ResponseCacheWiring {
    private ResponseCacheWiring() {}

    /**
     * The response cache: {@code litellm_settings.cache: true} caches every alias but those whose deployment says
     * {@code cache: false}; without it, only aliases whose deployment says {@code cache: true}. A deployment id, a
     * model_group_alias and a name a wildcard serves are cached as the entry that serves them is. The Redis address is
     * worked out only when something is cached: a cache that is off reads no {@code REDIS_*} variable.
     */
    static ResponseCache create(Vertx vertx, GatewayConfig config, ModelRouter router, Metering metering,
                                Function<String, String> env, List<String> warnings, boolean check) {
        Set<String> aliases = router.aliases();
        CacheSettings s = CacheSettings.from(config.litellmSettings());
        Set<String> on = new LinkedHashSet<>();
        Set<String> off = new HashSet<>();
        for (Deployment d : config.deployments()) {
            Object flag = d.params().get("cache");
            if (Boolean.TRUE.equals(flag)) on.add(d.alias());
            if (Boolean.FALSE.equals(flag)) off.add(d.alias());
        }
        if (s.enabled()) {
            on.addAll(aliases);
            // wildcard entries too ("*", "anthropic/*"): the names they serve are cached as their entry is (router::entryOf)
            for (Deployment d : config.deployments()) on.add(d.alias());
        }
        on.removeAll(off);
        if (!on.isEmpty()) s = s.withRedisAddress(env, warnings::add);
        SemanticCache semantic = s.semantic() && !on.isEmpty()
                ? SemanticWiring.create(vertx, s, router, metering, config.general().databaseUrl(), !check) : null;
        ResponseCache cache = new ResponseCache(s, on.isEmpty() ? new LocalExactCache(1, System::currentTimeMillis)
                : ResponseCache.storeFor(vertx, s, ProviderRegistry::relayedAnswer), semantic, on, router::entryOf, System::currentTimeMillis);
        if (!on.isEmpty()) {
            // which Redis, and from where (cache_params, LiteLLM's REDIS_* variables, or the default): a wrong one is silent
            LoggerFactory.getLogger("switchboard.cache").info("response cache: {}{} for the chat completions of {} (ttl {} s, namespace {}{})",
                    cache.store().describe(), s.redisAddress() == null ? "" : " (" + (s.redisAddress().tls() ? "TLS, " : "")
                            + s.redisAddress().source() + ")",
                    on, s.ttlSeconds(), s.namespace() == null ? "per key" : "'" + s.namespace() + "'",
                    s.optIn() ? ", only for requests that send cache: {\"use-cache\": true}" : "");
        }
        return cache;
    }
}
