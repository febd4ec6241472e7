package dev.switchboard.cache.semantic;

import java.util.List;
import java.util.Map;

/**
 * The semantic cache's keys of {@code litellm_settings.cache_params} (checked by the config loader).
 *
 * @param embedder         {@code all-minilm-l6-v2-q} (default), {@code bge-small-en-v15-q}, or {@code alias:<name>} (an
 *                         embedding alias of this gateway, called through the router)
 * @param threshold        {@code similarity_threshold}: at or above it a match is served without verification; null →
 *                         the embedder's own default
 * @param greyThreshold    {@code verify_threshold}: from here up to {@code threshold} a match is verified by {@code verify}
 *                         (when set); null → the embedder's default
 * @param verifyAlias      {@code verify}: the alias of a cheap model asked whether two questions are the same, or null
 * @param maxFalseHitRate  {@code max_false_hit_rate}: the online mode's bound (per-entry thresholds learned from
 *                         verification), or null for static thresholds
 * @param shadow           {@code mode: shadow}: would-be hits are logged, never served
 * @param maxEntries       {@code max_entries}: entries kept over all namespaces (default 100,000)
 * @param ttlSeconds       how long an entry lives (the cache's {@code ttl})
 * @param poolThreads      threads that embed and search ({@code embed_threads}, default 1 on ≤ 2 cores); a full pool is a miss
 * @param servesAnyway     what the safe defaults keep out that the config lets in: {@code temperature}, {@code tools},
 *                         {@code images} ({@code semantic_serves})
 * @param lookupWaitMillis {@code semantic_lookup_wait_ms}: how long a lookup admitted to the pool may wait behind index
 *                         inserts before it starts; later, it is a busy miss instead (default 20, 1 to
 *                         {@value #MAX_LOOKUP_WAIT_MILLIS})
 */
public record SemanticSettings(String embedder, Double threshold, Double greyThreshold, String verifyAlias, Double maxFalseHitRate,
                               boolean shadow, int maxEntries, long ttlSeconds, int poolThreads, List<String> servesAnyway,
                               int lookupWaitMillis) {
    /**
     * The default lookup wait: an index insert takes well under a millisecond once Lucene is warm, so 20 ms is many of
     * them, and still small beside a provider call (the price a busy miss pays).
     */
    public static final int DEFAULT_LOOKUP_WAIT_MILLIS = 20;
    /** The most a lookup may wait: it waits on the request path, and a second is a provider call's whole latency. */
    public static final int MAX_LOOKUP_WAIT_MILLIS = 1000;

    /** The settings without {@code semantic_lookup_wait_ms}: its default. */
    public SemanticSettings(String embedder, Double threshold, Double greyThreshold, String verifyAlias, Double maxFalseHitRate,
                            boolean shadow, int maxEntries, long ttlSeconds, int poolThreads, List<String> servesAnyway) {
        this(embedder, threshold, greyThreshold, verifyAlias, maxFalseHitRate, shadow, maxEntries, ttlSeconds, poolThreads,
                servesAnyway, DEFAULT_LOOKUP_WAIT_MILLIS);
    }

    public static SemanticSettings defaults(long ttlSeconds) {
        return new SemanticSettings(OnnxEmbedder.DEFAULT, null, null, null, null, false, 100_000, ttlSeconds, defaultThreads(), List.of());
    }

    /** The same with another lookup wait. */
    public SemanticSettings withLookupWaitMillis(int millis) {
        return new SemanticSettings(embedder, threshold, greyThreshold, verifyAlias, maxFalseHitRate, shadow, maxEntries, ttlSeconds,
                poolThreads, servesAnyway, millis);
    }

    static int defaultThreads() { return Math.max(1, Runtime.getRuntime().availableProcessors() / 2); }

    /** Reads the semantic keys of {@code cache_params} (already validated). */
    public static SemanticSettings from(Map<String, Object> p, long ttlSeconds) {
        String embedder = p.get("embedder") == null ? OnnxEmbedder.DEFAULT : p.get("embedder").toString();
        Double sure = p.get("similarity_threshold") instanceof Number n ? n.doubleValue() : null;
        Double grey = p.get("verify_threshold") instanceof Number n ? n.doubleValue() : null;
        String verify = p.get("verify") == null || Boolean.FALSE.equals(p.get("verify")) ? null : p.get("verify").toString();
        Double fhr = p.get("max_false_hit_rate") instanceof Number n ? n.doubleValue() : null;
        boolean shadow = "shadow".equals(String.valueOf(p.get("mode")));
        int max = p.get("max_entries") instanceof Number n ? Math.max(1, n.intValue()) : 100_000;
        int threads = p.get("embed_threads") instanceof Number n ? Math.max(1, n.intValue()) : defaultThreads();
        List<String> anyway = p.get("semantic_serves") instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of();
        int wait = p.get("semantic_lookup_wait_ms") instanceof Number n
                ? Math.clamp(n.longValue(), 1, MAX_LOOKUP_WAIT_MILLIS) : DEFAULT_LOOKUP_WAIT_MILLIS;
        return new SemanticSettings(embedder, sure, grey, verify, fhr, shadow, max, ttlSeconds, threads, anyway, wait);
    }
}
