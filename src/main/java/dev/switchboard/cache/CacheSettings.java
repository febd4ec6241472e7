package dev.switchboard.cache;

import java.util.List;
import java.util.Map;

/**
 * {@code litellm_settings.cache} and {@code cache_params}, LiteLLM's shape (checked by the config loader):
 *
 * @param enabled       {@code cache: true}: every alias is cached unless its deployment says {@code cache: false}
 * @param type          {@code local} (in memory, the default), {@code redis}; {@code semantic} / {@code redis-semantic}
 *                      add the semantic cache on top of the local / Redis exact cache
 * @param ttlSeconds    how long an answer is kept (default 3600); a request's {@code cache.ttl} overrides it
 * @param namespace     one namespace shared by every caller, or null: each key (and the master key) has its own
 * @param chat          whether chat completions are cached ({@code supported_call_types} names {@code completion} /
 *                      {@code acompletion}, or is absent)
 * @param redisAddress  the Redis of a {@code redis} / {@code redis-semantic} cache (cache_params over the
 *                      {@code REDIS_*} variables, see {@link RedisAddress}) once {@link #withRedisAddress} has worked it
 *                      out, else null
 * @param maxBytes      the in-memory cache's bound ({@code max_size_mb}, default 256)
 * @param redisTimeoutMillis how long a Redis command may take before the request goes on as a miss ({@code timeout},
 *                      or LiteLLM's {@code socket_timeout}; default 250 ms)
 * @param params        the whole {@code cache_params} map, for the semantic cache's own keys
 * @param optIn         LiteLLM's {@code mode: default_off}: only a request that sends {@code cache: {"use-cache": true}}
 *                      is answered from the cache or stored in it
 */
public record CacheSettings(boolean enabled, String type, long ttlSeconds, String namespace, boolean chat,
                            RedisAddress redisAddress, long maxBytes, long redisTimeoutMillis, Map<String, Object> params,
                            boolean optIn) {
    public static final CacheSettings OFF = new CacheSettings(false, "local", 3600, null, true, null, 256L << 20, 250, Map.of(), false);

    public boolean redis() { return type.startsWith("redis"); }

    public boolean semantic() { return type.endsWith("semantic"); }

    /** Where the Redis is, without credentials, or null when the cache is not in Redis. */
    public String redisDescription() { return redisAddress == null ? null : redisAddress.description(); }

    /** The longest an entry is kept (10 years): a request's {@code cache.ttl} above it is refused, a config's cut to it. */
    public static final long MAX_TTL_SECONDS = 10L * 365 * 86_400;

    /**
     * The settings, without the Redis address: that is worked out by {@link #withRedisAddress} only once something is
     * cached, so that a {@code REDIS_*} variable of the environment (Kubernetes sets {@code REDIS_PORT=tcp://…} for any
     * Service named redis) cannot refuse a config whose cache is off.
     */
    @SuppressWarnings("unchecked")
    public static CacheSettings from(Map<String, Object> litellmSettings) {
        Object on = litellmSettings.get("cache");
        Map<String, Object> p = litellmSettings.get("cache_params") instanceof Map<?, ?> m ? withoutNulls((Map<String, Object>) m) : Map.of();
        String type = p.get("type") == null ? "local" : p.get("type").toString();
        long ttl = p.get("ttl") instanceof Number n ? Math.min(MAX_TTL_SECONDS, Math.max(1, n.longValue())) : 3600;
        String ns = p.get("namespace") == null ? null : p.get("namespace").toString();
        boolean chat = true;
        if (p.get("supported_call_types") instanceof List<?> types) {
            chat = types.stream().map(String::valueOf).anyMatch(dev.switchboard.model.CachedCallTypes.ANSWERED::contains);
        }
        long maxBytes = p.get("max_size_mb") instanceof Number n ? (long) (n.doubleValue() * (1 << 20)) : 256L << 20;
        Object seconds = p.get("timeout") != null ? p.get("timeout") : p.get("socket_timeout");
        long timeout = seconds instanceof Number n ? (long) (n.doubleValue() * 1000) : 250;
        return new CacheSettings(Boolean.TRUE.equals(on), type, ttl, ns, chat, null, maxBytes, timeout, p,
                "default_off".equals(p.get("mode")));
    }

    /**
     * These settings with the Redis address of a {@code redis} / {@code redis-semantic} cache worked out (unchanged for
     * another type): call it only when some alias is cached.
     *
     * @param env  the environment as the gateway sees it, for LiteLLM's {@code REDIS_*} variables
     * @param warn gets a {@code REDIS_*} variable that is not usable but not needed either (cache_params names the server)
     * @throws IllegalArgumentException naming the variable when a {@code REDIS_*} one is needed and not usable
     */
    public CacheSettings withRedisAddress(java.util.function.Function<String, String> env, java.util.function.Consumer<String> warn) {
        if (!redis()) return this;
        return new CacheSettings(enabled, type, ttlSeconds, namespace, chat, RedisAddress.from(params, env, warn), maxBytes,
                redisTimeoutMillis, params, optIn);
    }

    /** The config loader leaves unset keys out; a map built by hand may still hold a null, which Map.copyOf refuses. */
    private static Map<String, Object> withoutNulls(Map<String, Object> p) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        p.forEach((k, v) -> { if (v != null) out.put(k, v); });
        return java.util.Collections.unmodifiableMap(out);
    }
}
