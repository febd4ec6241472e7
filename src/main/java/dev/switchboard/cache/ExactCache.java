package dev.switchboard.cache;

import io.vertx.core.Future;

/**
 * Where exact-cache entries live: in this process ({@link LocalExactCache}) or in Redis ({@link RedisExactCache}), shared
 * by several gateways. Every method answers on the caller's event loop and never blocks it; a store that fails answers
 * as a miss (get) or as nothing done (put): the cache can only ever make a request cheaper, never fail it.
 */
public interface ExactCache {
    /** The live entry, or null (absent, expired, unreadable, or the store failed). */
    Future<CachedAnswer> get(String namespace, String entryId);

    /** Stores (or replaces) an entry until its {@code expiresAtMillis}. */
    Future<Void> put(CachedAnswer answer);

    /**
     * {@link #get(String, String)} by the key itself: the in-memory store never needs its hex form for a lookup; the
     * others ask with {@link EntryKey#hex()}.
     */
    default Future<CachedAnswer> get(String namespace, EntryKey key) { return get(namespace, key.hex()); }

    /**
     * {@link #put(CachedAnswer)} from the answer's parts: the in-memory store keeps an answer that carries the upstream's
     * bytes without ever making the key's hex form; the others store the {@link CachedAnswer} with it.
     */
    default Future<Void> put(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                             String tier, dev.switchboard.model.ChatResponse response) {
        return put(new CachedAnswer(key.hex(), namespace, createdAtMillis, expiresAtMillis, deployment, tier, response));
    }

    /** Removes one entry, in whatever namespace. @return how many were removed */
    Future<Integer> delete(String entryId);

    /** Removes a namespace's entries. @return how many */
    Future<Integer> deleteNamespace(String namespace);

    /** Removes every entry. @return how many */
    Future<Integer> clear();

    /** {@code in memory (…)} or {@code Redis at host:port}, for logs and {@code /cache/ping}. */
    String describe();

    /** Whether the store answers now (Redis: a PING), for {@code /cache/ping}. */
    Future<Boolean> ping();

    default void close() {}
}
