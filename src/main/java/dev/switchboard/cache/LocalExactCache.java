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
 * hit, and those bytes live off the Java heap ({@link OffHeapBytes}, native memory from the cache's own {@link BlockPool}): Caffeine holds a small handle
 * that is the entry's key too. Every young collection copies whatever was stored since the one before, so an answer's tree made a miss
 * through the cache pay in GC far more than the encoding costs (issue #9's (x) row), and even one array per entry
 * survived, was copied and promoted, and died in the old generation. The block is freed by Caffeine's removal listener
 * (eviction, expiry, replacement, removal, {@code clear}); a hit that races the eviction copies the bytes out under a
 * reference of its own, or finds the block gone and answers a miss.
 */
public final class LocalExactCache implements ExactCache {
    /**
     * Heap per entry besides its bytes: the key ({@link EntryKey}, 48 bytes), Caffeine's node and the map's, the
     * {@link OffHeapBytes} handle (with the entry's namespace, expiry and deployment and the block's address); counted
     * in the bound so that many small entries cannot fill the heap either.
     */
    static final int ENTRY_OVERHEAD = 400; // measured: 404 bytes of heap an entry with a hex String key and a record (100,000 entries); fewer now, still counted as 400

    /**
     * Decodes an answer kept as the upstream's bytes ({@link RelayEntry}) in their dialect, e.g. OpenAI's chat completion;
     * throws when the bytes are not one. The pipeline gives it, from the providers' decoders (the cache may not use them).
     */
    @FunctionalInterface
    public interface RelayReader {
        dev.switchboard.model.ChatResponse read(String dialect, byte[] json, int length) throws Exception;
    }

    /**
     * Keyed by the digest itself ({@link EntryKey}, four longs), not its 64-character hex String; the value is the block's
     * handle, which carries the entry's namespace, expiry and deployment too (no record around it), and is the key as
     * well ({@link OffHeapBytes} is an {@link EntryKey}): a lookup's bare key finds it.
     */
    private final Cache<EntryKey, OffHeapBytes> entries;
    private final long maxBytes;
    private final LongSupplier clock;
    /** Null: every entry is kept in the codec's encoding. */
    private final RelayReader relays;
    private volatile boolean closed;
    /**
     * The flush epoch ({@link ExactCache}): moved by every delete, under {@link #flushLock}'s write lock, before it
     * removes anything. A store checks it under the read lock, so none can pass the check and land after a flush has
     * emptied the cache. A StampedLock, not a ReentrantReadWriteLock: its read lock is a CAS and allocates nothing (the
     * other's per-thread hold counters come and go with each acquisition), and stores run on every event loop.
     */
    private volatile long epoch;
    private final java.util.concurrent.locks.StampedLock flushLock = new java.util.concurrent.locks.StampedLock();
    /** Direct memory the live entries hold (their blocks' footprints), for {@link #describe()} and the tests. */
    private final java.util.concurrent.atomic.LongAdder offHeap = new java.util.concurrent.atomic.LongAdder();

    public LocalExactCache(long maxBytes, LongSupplier clockMillis) { this(maxBytes, clockMillis, null); }

    /** @param relays decodes entries kept as the upstream's bytes; null keeps every entry in the codec's encoding */
    public LocalExactCache(long maxBytes, LongSupplier clockMillis, RelayReader relays) {
        this.maxBytes = maxBytes;
        this.relays = relays;
        this.clock = clockMillis;
        this.entries = Caffeine.newBuilder()
                .executor(Runnable::run) // evictions on the caller's thread: bounded and deterministic, no pool hop
                .maximumWeight(maxBytes)
                .weigher((EntryKey k, OffHeapBytes s) -> ENTRY_OVERHEAD + s.footprint())
                // every way out of the cache (evicted, expired, replaced, removed, cleared) gives the block back
                .removalListener((EntryKey k, OffHeapBytes s, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (s == null) return;
                    offHeap.add(-s.footprint());
                    s.free();
                })
                .expireAfter(new Expiry<EntryKey, OffHeapBytes>() {
                    @Override
                    public long expireAfterCreate(EntryKey k, OffHeapBytes s, long now) { return nanosLeft(s); }

                    @Override
                    public long expireAfterUpdate(EntryKey k, OffHeapBytes s, long now, long current) { return nanosLeft(s); }

                    @Override
                    public long expireAfterRead(EntryKey k, OffHeapBytes s, long now, long current) { return current; }
                })
                .build();
    }

    private long nanosLeft(OffHeapBytes s) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, s.expiresAtMillis() - clock.getAsLong()));
    }

    @Override
    public Future<CachedAnswer> get(String namespace, String entryId) {
        EntryKey key = EntryKey.parse(entryId);
        return key == null ? Future.succeededFuture() : get(namespace, key);
    }

    @Override
    public Future<CachedAnswer> get(String namespace, EntryKey key, EpochStamp stamp) {
        stamp.storeEpoch(epoch); // before the lookup: a flush from now on drops this request's answer
        return get(namespace, key);
    }

    @Override
    public Future<Void> readEpoch(EpochStamp stamp) {
        stamp.storeEpoch(epoch);
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> putUnlessFlushed(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis,
                                            String deployment, String modelId, Long costNanos, String tier,
                                            dev.switchboard.model.ChatResponse response, long epoch) {
        long lock = flushLock.readLock();
        try {
            if (this.epoch != epoch) return Future.succeededFuture(false); // flushed since the request looked up
            return put(key, namespace, createdAtMillis, expiresAtMillis, deployment, modelId, costNanos, tier, response);
        } finally {
            flushLock.unlockRead(lock);
        }
    }

    /** Moves the epoch and runs a removal under the write lock (see {@link #epoch}). */
    private Future<Integer> flush(java.util.function.IntSupplier removal) {
        long lock = flushLock.writeLock();
        try {
            epoch++;
            return Future.succeededFuture(removal.getAsInt());
        } finally {
            flushLock.unlockWrite(lock);
        }
    }

    @Override
    public Future<CachedAnswer> get(String namespace, EntryKey key) {
        OffHeapBytes s = entries.getIfPresent(key);
        if (s == null || s.expired(clock.getAsLong()) || !s.namespace().equals(namespace)) {
            return Future.succeededFuture();
        }
        byte[] bytes = s.read(); // null: evicted (and freed) since the lookup
        if (bytes == null) return Future.succeededFuture();
        // the asker's key gives the hex (a young object), not the stored one: no write into an entry the old generation holds
        CachedAnswer a = relays != null && RelayEntry.isOne(bytes)
                ? RelayEntry.read(bytes, key.hex(), s.namespace(), s.expiresAtMillis(), s.deployment(), s.modelId(), relays)
                : CachedAnswerCodec.decode(bytes);
        return Future.succeededFuture(a); // null (a miss) if unreadable
    }

    @Override
    public Future<Boolean> put(CachedAnswer answer) {
        EntryKey key = EntryKey.parse(answer.entryId());
        if (key == null) return Future.failedFuture(new IllegalArgumentException("not an entry id: " + answer.entryId()));
        return put(key, answer);
    }

    @Override
    public Future<Boolean> put(EntryKey key, String namespace, long createdAtMillis, long expiresAtMillis, String deployment,
                               String modelId, Long costNanos, String tier, dev.switchboard.model.ChatResponse response) {
        if (closed) return Future.succeededFuture(false);
        if (relays != null && RelayEntry.fits(response, tier)) { // the upstream's bytes: no encoding, and no hex key
            OffHeapBytes bytes;
            try {
                bytes = RelayEntry.write(key, namespace, createdAtMillis, expiresAtMillis, deployment, modelId, costNanos, tier,
                        response);
            } catch (OutOfMemoryError e) {
                return noDirectMemory(e);
            }
            return keep(bytes);
        }
        return put(key, new CachedAnswer(key.hex(), namespace, createdAtMillis, expiresAtMillis, deployment, tier, response,
                modelId, costNanos));
    }

    private Future<Boolean> put(EntryKey key, CachedAnswer answer) {
        if (closed) return Future.succeededFuture(false);
        OffHeapBytes bytes;
        try {
            // the upstream's bytes when the answer carries them (no encoding), else the codec's
            bytes = relays != null && RelayEntry.fits(answer.response(), answer.tier()) ? RelayEntry.write(key, answer)
                    : CachedAnswerCodec.encode(answer, (buf, len) -> OffHeapBytes.copyOf(key, buf, len, answer.namespace(),
                            answer.expiresAtMillis(), answer.deployment()));
        } catch (OutOfMemoryError e) { // the direct memory limit: this answer is not stored, the request goes on
            return noDirectMemory(e);
        }
        return keep(bytes);
    }

    private static Future<Boolean> noDirectMemory(OutOfMemoryError e) {
        return Future.failedFuture(new IllegalStateException("no direct memory left for the entry: " + e.getMessage(), e));
    }

    /**
     * The entry is its own key (it carries the key's four longs): one object an entry, not a key and a handle. Replacing
     * an entry leaves Caffeine's first key object in place, an equal one whose block is freed: only its longs are used.
     */
    private Future<Boolean> keep(OffHeapBytes entry) {
        offHeap.add(entry.footprint());
        entries.put(entry, entry);
        if (closed) {
            entries.invalidate(entry); // closed meanwhile: give the block back
            return Future.succeededFuture(false);
        }
        return STORED;
    }

    private static final Future<Boolean> STORED = Future.succeededFuture(true); // no future made for each store

    @Override
    public Future<Integer> delete(String entryId) {
        EntryKey key = EntryKey.parse(entryId);
        return flush(() -> key == null || entries.asMap().remove(key) == null ? 0 : 1);
    }

    @Override
    public Future<Integer> deleteNamespace(String namespace) {
        return flush(() -> {
            int[] n = {0};
            entries.asMap().entrySet().removeIf(e -> {
                boolean match = namespace.equals(e.getValue().namespace());
                if (match) n[0]++;
                return match;
            });
            return n[0];
        });
    }

    @Override
    public Future<Integer> clear() {
        return flush(() -> {
            int n = entries.asMap().size();
            entries.invalidateAll();
            return n;
        });
    }

    @Override
    public String describe() {
        return "in memory (up to " + (maxBytes >> 20) + " MiB, " + entries.estimatedSize() + " entries now, "
                + (offHeap.sum() >> 10) + " KiB of them off the heap)";
    }

    @Override
    public Future<Boolean> ping() { return Future.succeededFuture(true); }

    /** Bytes of direct memory the entries hold now. */
    long offHeapBytes() { return offHeap.sum(); }

    /** Gives every entry's block back to the pool; later stores keep nothing. */
    @Override
    public void close() {
        closed = true;
        entries.invalidateAll();
        entries.cleanUp();
    }
}
