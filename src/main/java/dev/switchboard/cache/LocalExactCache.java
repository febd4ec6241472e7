package dev.switchboard.cache;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The exact cache in this process: least recently used first out, bounded by the entries' size (so a few huge answers
 * cannot crowd memory) and by each entry's own expiry (its TTL: the configured one, or the request's {@code cache.ttl}).
 *
 * <p>An entry is kept as its encoded bytes ({@link CachedAnswerCodec}, the format the Redis store keeps), decoded on a
 * hit: one array per entry instead of the answer's tree of a few dozen small objects. Every young collection copies
 * whatever was stored since the one before, so the tree made a miss through the cache pay in GC far more than the
 * encoding costs (issue #9's (x) row); the bytes are also the entry's exact size, where the tree's was an estimate.
 *
 * <p>Why not Caffeine (as before): with the bound reached, which is the steady state of a busy cache, every miss's store
 * also evicts, and Caffeine's put (its frequency sketch, the admission check, the eviction, the expiry wheel, all
 * run as maintenance on the storing thread) cost a miss about 3 µs of the event loop, as much as the rest of the cache
 * together. An access-ordered map under one lock does the same job in a fraction of that; what it gives up is
 * W-TinyLFU's admission (a burst of one-off questions can push out popular entries). An expired entry is dropped when
 * it is read, when it becomes the least recently used one, or when room is needed.
 */
public final class LocalExactCache implements ExactCache {
    /** Per entry besides its bytes: the key (64 hex characters), this record, the map's node, the timestamps. */
    private static final int ENTRY_OVERHEAD = 256;

    private record Stored(String namespace, long expiresAtMillis, byte[] bytes) {
        boolean expired(long nowMillis) { return nowMillis >= expiresAtMillis; }

        long weight() { return ENTRY_OVERHEAD + bytes.length; }
    }

    /** Access order: the eldest entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<String, Stored> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private final long maxBytes;
    private final LongSupplier clock;
    /** The weight of what {@link #entries} holds. Guarded by {@code this}. */
    private long bytes;

    public LocalExactCache(long maxBytes, LongSupplier clockMillis) {
        this.maxBytes = maxBytes;
        this.clock = clockMillis;
    }

    @Override
    public Future<CachedAnswer> get(String namespace, String entryId) {
        long now = clock.getAsLong();
        Stored s;
        synchronized (this) {
            s = entries.get(entryId);
            if (s != null && s.expired(now)) {
                remove(entryId);
                s = null;
            }
        }
        if (s == null || !s.namespace().equals(namespace)) return Future.succeededFuture();
        return Future.succeededFuture(CachedAnswerCodec.decode(s.bytes())); // null (a miss) if it cannot be read
    }

    @Override
    public Future<Void> put(CachedAnswer answer) {
        Stored s = new Stored(answer.namespace(), answer.expiresAtMillis(), CachedAnswerCodec.encode(answer)); // outside the lock
        long now = clock.getAsLong();
        synchronized (this) {
            Stored old = entries.put(answer.entryId(), s);
            bytes += s.weight() - (old == null ? 0 : old.weight());
            Iterator<Stored> eldest = entries.values().iterator();
            while (eldest.hasNext()) {
                Stored e = eldest.next();
                if (bytes <= maxBytes && !e.expired(now)) break;
                eldest.remove();
                bytes -= e.weight();
            }
        }
        return Future.succeededFuture();
    }

    private void remove(String entryId) {
        Stored s = entries.remove(entryId);
        if (s != null) bytes -= s.weight();
    }

    @Override
    public Future<Integer> delete(String entryId) {
        synchronized (this) {
            int before = entries.size();
            remove(entryId);
            return Future.succeededFuture(before - entries.size());
        }
    }

    @Override
    public Future<Integer> deleteNamespace(String namespace) {
        int n = 0;
        synchronized (this) {
            for (Iterator<Map.Entry<String, Stored>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Stored s = it.next().getValue();
                if (s.namespace().equals(namespace)) {
                    it.remove();
                    bytes -= s.weight();
                    n++;
                }
            }
        }
        return Future.succeededFuture(n);
    }

    @Override
    public Future<Integer> clear() {
        synchronized (this) {
            int n = entries.size();
            entries.clear();
            bytes = 0;
            return Future.succeededFuture(n);
        }
    }

    @Override
    public String describe() {
        int n;
        synchronized (this) {
            n = entries.size();
        }
        return "in memory (up to " + (maxBytes >> 20) + " MiB, " + n + " entries now)";
    }

    @Override
    public Future<Boolean> ping() { return Future.succeededFuture(true); }
}
