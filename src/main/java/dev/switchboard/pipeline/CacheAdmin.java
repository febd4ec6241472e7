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

    /** LiteLLM's {@code /cache/ping}: whether the store answers, and its counters. */
    public Future<ObjectNode> status() {
        return cache.store().ping().map(up -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("status", up ? "healthy" : "unhealthy");
            o.put("cache_type", cache.settings().type());
            o.put("store", cache.store().describe());
            o.put("enabled", cache.cachesAnything());
            o.put("hits", cache.hits()).put("misses", cache.misses()).put("stores", cache.stores());
            return o;
        });
    }

    public Future<Integer> deleteEntry(String entryId) { return cache.store().delete(entryId); }

    public Future<Integer> deleteNamespace(String namespace) { return cache.store().deleteNamespace(namespace); }

    public Future<Integer> clear() { return cache.store().clear(); }
}
