package dev.switchboard.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The exact cache in this process: Caffeine, bounded by the entries' size (so a few huge answers cannot crowd memory)
 * and by each entry's own expiry (its TTL: the configured one, or the request's {@code cache.ttl}).
 *
 * <p>An entry is kept as its encoded bytes ({@link CachedAnswerCodec}, the format the Redis store keeps), decoded on a
 * hit: one array per entry instead of the answer's tree of a few dozen small objects. Every young collection copies
 * whatever was stored since the one before, so the tree made a miss through the cache pay in GC far more than the
 * encoding costs (issue #9's (x) row); the bytes are also the entry's exact size, where the tree's was an estimate.
 */
public final class LocalExactCache implements ExactCache {
    /** Per entry besides its bytes: the key (64 hex characters), this record, the Caffeine node, the timestamps. */
    private static final int ENTRY_OVERHEAD = 256;

    private record Stored(String namespace, long expiresAtMillis, byte[] bytes) {
        boolean expired(long nowMillis) { return nowMillis >= expiresAtMillis; }
    }

    private final Cache<String, Stored> entries;
    private final long maxBytes;
    private final LongSupplier clock;

    public LocalExactCache(long maxBytes, LongSupplier clockMillis) {
        this.maxBytes = maxBytes;
        this.clock = clockMillis;
        this.entries = Caffeine.newBuilder()
                .executor(Runnable::run) // evictions on the caller's thread: bounded and deterministic, no pool hop
                .maximumWeight(maxBytes)
                .weigher((String k, Stored s) -> ENTRY_OVERHEAD + s.bytes().length)
                .expireAfter(new Expiry<String, Stored>() {
                    @Override
                    public long expireAfterCreate(String k, Stored s, long now) { return nanosLeft(s); }

                    @Override
                    public long expireAfterUpdate(String k, Stored s, long now, long current) { return nanosLeft(s); }

                    @Override
                    public long expireAfterRead(String k, Stored s, long now, long current) { return current; }
                })
                .build();
    }

    private long nanosLeft(Stored s) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, s.expiresAtMillis() - clock.getAsLong()));
    }

    @Override
    public Future<CachedAnswer> get(String namespace, String entryId) {
        Stored s = entries.getIfPresent(entryId);
        if (s == null || s.expired(clock.getAsLong()) || !s.namespace().equals(namespace)) {
            return Future.succeededFuture();
        }
        return Future.succeededFuture(CachedAnswerCodec.decode(s.bytes())); // null (a miss) if it cannot be read
    }

    @Override
    public Future<Void> put(CachedAnswer answer) {
        entries.put(answer.entryId(), new Stored(answer.namespace(), answer.expiresAtMillis(), CachedAnswerCodec.encode(answer)));
        return Future.succeededFuture();
    }

    @Override
    public Future<Integer> delete(String entryId) {
        return Future.succeededFuture(entries.asMap().remove(entryId) == null ? 0 : 1);
    }

    @Override
    public Future<Integer> deleteNamespace(String namespace) {
        int[] n = {0};
        entries.asMap().entrySet().removeIf(e -> {
            boolean match = e.getValue().namespace().equals(namespace);
            if (match) n[0]++;
            return match;
        });
        return Future.succeededFuture(n[0]);
    }

    @Override
    public Future<Integer> clear() {
        int n = entries.asMap().size();
        entries.invalidateAll();
        return Future.succeededFuture(n);
    }

    @Override
    public String describe() {
        return "in memory (up to " + (maxBytes >> 20) + " MiB, " + entries.estimatedSize() + " entries now)";
    }

    @Override
    public Future<Boolean> ping() { return Future.succeededFuture(true); }
}
