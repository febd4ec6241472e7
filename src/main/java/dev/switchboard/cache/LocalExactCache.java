package dev.switchboard.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The exact cache in this process: Caffeine, bounded by the entries' estimated heap size ({@link AnswerWeight}, so a
 * few huge answers cannot crowd memory) and by each entry's own expiry (its TTL: the configured one, or the request's {@code cache.ttl}).
 */
public final class LocalExactCache implements ExactCache {
    private record Stored(CachedAnswer answer, int bytes) {}

    private final Cache<String, Stored> entries;
    private final long maxBytes;
    private final LongSupplier clock;

    public LocalExactCache(long maxBytes, LongSupplier clockMillis) {
        this.maxBytes = maxBytes;
        this.clock = clockMillis;
        this.entries = Caffeine.newBuilder()
                .executor(Runnable::run) // evictions on the caller's thread: bounded and deterministic, no pool hop
                .maximumWeight(maxBytes)
                .weigher((String k, Stored s) -> s.bytes())
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
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, s.answer().expiresAtMillis() - clock.getAsLong()));
    }

    @Override
    public Future<CachedAnswer> get(String namespace, String entryId) {
        Stored s = entries.getIfPresent(entryId);
        if (s == null || s.answer().expired(clock.getAsLong()) || !s.answer().namespace().equals(namespace)) {
            return Future.succeededFuture();
        }
        return Future.succeededFuture(s.answer());
    }

    @Override
    public Future<Void> put(CachedAnswer answer) {
        entries.put(answer.entryId(), new Stored(answer, AnswerWeight.of(answer)));
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
            boolean match = e.getValue().answer().namespace().equals(namespace);
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
