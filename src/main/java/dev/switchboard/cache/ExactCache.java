package dev.switchboard.cache;

import io.vertx.core.Future;

/**
 * Where exact-cache entries live: in this process ({@link LocalExactCache}) or in Redis ({@link RedisExactCache}), shared
 * by several gateways. Every method answers on the caller's event loop and never blocks it; a store that fails answers
 * as a miss (get) or as nothing stored (put): the cache can only ever make a request cheaper, never fail it.
 *
 * <p><b>Flushes are final.</b> Every delete (an entry, a namespace, everything) moves the store's flush epoch before it
 * removes anything. A request reads the epoch with its lookup ({@link #get(String, EntryKey, EpochStamp)}: in Redis the
 * same round trip) and its answer is stored only if the epoch has not moved since
 * ({@link #putUnlessFlushed}: in Redis checked in the same command as the write), so an answer asked for before a flush
 * is never stored after it, on any gateway sharing the store. A delete of one entry drops every answer in flight; they
 * are asked again next time.
 */
public interface ExactCache {
    /** An epoch no store has: an answer stamped with it (its epoch could not be read) is not stored. */
    long NO_EPOCH = Long.MIN_VALUE;

    /** Where a lookup leaves the store's flush epoch for the store that may follow it (the request's plan). */
    interface EpochStamp {
        void storeEpoch(long epoch);
    }

    /**
     * A store that could not be written because the store itself is not there (Redis unreachable): already reported by
     * the store (a WARN at most every 30 s), so the caller counts it and logs nothing more.
     */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) { super(message, null, false, false); }
    }

    /** The live entry, or null (absent, expired, unreadable, or the store failed). */
    Future<CachedAnswer> get(String namespace, String entryId);

    /**
     * {@link #get(String, String)} by the key itself: the in-memory store never needs its hex form for a lookup; the
     * others ask with {@link EntryKey#hex()}.
     */
    default Future<CachedAnswer> get(String namespace, EntryKey key) { return get(namespace, key.hex()); }

    /**
     * The lookup of a request that may store its answer afterwards: the entry, and the flush epoch as of the lookup into
     * {@code stamp} (left as it was when the epoch could not be read: then nothing is stored).
     */
    Future<CachedAnswer> get(String namespace, EntryKey key, EpochStamp stamp);

    /** The flush epoch alone, into {@code stamp}: for a request that skips the lookup ({@code no-cache}) but stores. */
    Future<Void> readEpoch(EpochStamp stamp);

    /**
     * Stores (or replaces) an entry until its {@code expiresAtMillis}, whatever was flushed (tools and tests; requests use
     * {@link #putUnlessFlushed}). @return true when stored; failed when the store could not be written
     */
    Future<Boolean> put(CachedAnswer answer);

    /**
     * {@link #put(CachedAnswer)} from the answer's parts: the in-memory store keeps an answer that carries the upstream's
     * bytes without ever making the key's hex form; the others store the {@link CachedAnswer} with it.
     */
    default Future<Boolean> put(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                                String modelId, Long costNanos, String tier, dev.switchboard.model.ChatResponse response) {
        return put(new CachedAnswer(key.hex(), namespace, createdAtMillis, expiresAtMillis, deployment, tier, response, modelId,
                costNanos));
    }

    /**
     * Stores an answer unless the store was flushed since {@code epoch} was read (with the request's lookup).
     *
     * @return true when stored, false when a flush came in between (or the answer had expired); failed when the store
     *         could not be written ({@link Unavailable} when the store itself is not there)
     */
    Future<Boolean> putUnlessFlushed(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis,
                                     String deployment, String modelId, Long costNanos, String tier,
                                     dev.switchboard.model.ChatResponse response,
                                     long epoch);

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
