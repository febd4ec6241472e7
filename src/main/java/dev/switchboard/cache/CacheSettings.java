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
 * @param redisUrl      {@code redis://…} built from {@code host}, {@code port}, {@code password} (or {@code url}), or null
 * @param maxBytes      the in-memory cache's bound ({@code max_size_mb}, default 256)
 * @param redisTimeoutMillis how long a Redis command may take before the request goes on as a miss ({@code timeout}, default 250 ms)
 * @param params        the whole {@code cache_params} map, for the semantic cache's own keys
 */
public record CacheSettings(boolean enabled, String type, long ttlSeconds, String namespace, boolean chat, String redisUrl,
                            String redisDescription, long maxBytes, long redisTimeoutMillis, Map<String, Object> params) {
    public static final CacheSettings OFF = new CacheSettings(false, "local", 3600, null, true, null, null, 256L << 20, 250, Map.of());

    public boolean redis() { return type.startsWith("redis"); }

    public boolean semantic() { return type.endsWith("semantic"); }

    /** The longest an entry is kept (10 years): a request's {@code cache.ttl} above it is refused, a config's cut to it. */
    public static final long MAX_TTL_SECONDS = 10L * 365 * 86_400;

    @SuppressWarnings("unchecked")
    public static CacheSettings from(Map<String, Object> litellmSettings) {
        Object on = litellmSettings.get("cache");
        Map<String, Object> p = litellmSettings.get("cache_params") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String type = p.get("type") == null ? "local" : p.get("type").toString();
        long ttl = p.get("ttl") instanceof Number n ? Math.min(MAX_TTL_SECONDS, Math.max(1, n.longValue())) : 3600;
        String ns = p.get("namespace") == null ? null : p.get("namespace").toString();
        boolean chat = true;
        if (p.get("supported_call_types") instanceof List<?> types) {
            chat = types.stream().map(Object::toString).anyMatch(t -> t.equals("completion") || t.equals("acompletion"));
        }
        String url = null, described = null;
        if (type.startsWith("redis")) {
            if (p.get("url") != null) {
                url = p.get("url").toString();
                described = url.replaceAll("//[^@/]*@", "//****@");
            } else {
                String host = p.get("host") == null ? "127.0.0.1" : p.get("host").toString();
                String port = p.get("port") == null ? "6379" : String.valueOf(((Number) p.get("port")).intValue());
                String password = p.get("password") == null ? null : p.get("password").toString();
                url = "redis://" + (password == null ? "" : ":" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8) + "@")
                        + host + ":" + port;
                described = host + ":" + port;
            }
        }
        long maxBytes = p.get("max_size_mb") instanceof Number n ? (long) (n.doubleValue() * (1 << 20)) : 256L << 20;
        long timeout = p.get("timeout") instanceof Number n ? (long) (n.doubleValue() * 1000) : 250;
        return new CacheSettings(Boolean.TRUE.equals(on), type, ttl, ns, chat, url, described, maxBytes, timeout, Map.copyOf(p));
    }
}
