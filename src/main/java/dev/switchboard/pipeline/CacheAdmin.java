package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cache.ResponseCache;
import io.vertx.core.Future;

/**
 * The response cache's admin side for the edge ({@code /cache/*}; the edge may not reach the cache package itself):
 * what it is and how it does, and removing an entry, a namespace or everything.
 */
public final class CacheAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResponseCache cache;

    CacheAdmin(ResponseCache cache) { this.cache = cache; }

    /**
     * LiteLLM's {@code /cache/ping}: whether the store answers, and its counters. When it does not, {@code ping_response}
     * is false, {@code detail} says so as LiteLLM's does, and the route answers 503.
     */
    public Future<ObjectNode> status() {
        return cache.store().ping().map(up -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("status", up ? "healthy" : "unhealthy");
            o.put("cache_type", cache.settings().type());
            o.put("ping_response", up); // LiteLLM's name for the store's answer to the ping
            o.put("store", cache.store().describe());
            // LiteLLM's 503 says why in FastAPI's "detail"; clients written for it read that field
            if (!up) o.put("detail", "Service Unhealthy (" + cache.store().describe() + " did not answer a PING)");
            o.put("enabled", cache.cachesAnything());
            o.put("hits", cache.hits()).put("misses", cache.misses()).put("stores", cache.stores())
                    .put("store_failures", cache.storeFailures());
            if (cache.semantic() != null) {
                var st = cache.semantic().stats();
                ObjectNode sem = o.putObject("semantic");
                sem.put("embedder", st.embedder()).put("entries", st.entries()).put("threshold", st.threshold())
                        .put("grey_threshold", st.greyThreshold()).put("mode", cache.semantic().settings().shadow() ? "shadow" : "serve")
                        .put("hits", st.hits()).put("misses", st.misses()).put("skipped_busy", st.skippedBusy())
                        .put("skipped_store", st.skippedStore())
                        .put("guarded", st.guarded()).put("verifications", st.verifications()).put("refuted", st.refuted())
                        .put("index", cache.semantic().indexName());
                String shared = cache.semantic().sharedWith();
                if (shared != null) sem.put("shared", shared);
            }
            return o;
        });
    }

    /** The cache's type ({@code local}, {@code redis}, …) when it caches anything, else null: LiteLLM's readiness {@code cache}. */
    public String type() { return cache.settings().enabled() && cache.cachesAnything() ? cache.settings().type() : null; }

    /** Removes an entry from the exact store and the semantic cache (a semantic entry has its exact entry's id). */
    public Future<Integer> deleteEntry(String entryId) {
        int semantic = cache.semantic() == null ? 0 : cache.semantic().forget(entryId);
        return cache.store().delete(entryId).map(n -> Math.max(n, semantic));
    }

    public Future<Integer> deleteNamespace(String namespace) {
        int semantic = cache.semantic() == null ? 0 : cache.semantic().forgetNamespace(namespace);
        return cache.store().deleteNamespace(namespace).map(n -> Math.max(n, semantic));
    }

    public Future<Integer> clear() {
        int semantic = cache.semantic() == null ? 0 : cache.semantic().clear();
        return cache.store().clear().map(n -> Math.max(n, semantic));
    }
}
