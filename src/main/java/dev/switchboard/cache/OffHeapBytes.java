package dev.switchboard.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One exact-cache entry's encoded bytes, kept in native memory ({@link BlockPool}: a block addressed by a {@code long},
 * no buffer object) instead of a {@code byte[]} on the Java heap. Why: every miss through the in-memory cache stores an answer, and on the heap each stored array survived
 * the young collection after it was made, was copied and promoted, and died later in the old generation when it was
 * evicted: 5-7 µs of collector work a miss on the pinned bench (docs/architecture.md, "2026-12-01 14:30"). Off the heap,
 * the collector sees this small handle, not the bytes.
 *
 * <p>Memory comes back only through {@link #free()} (the cache's removal listener calls it: eviction, expiry, replacement,
 * removal, {@code clear}); a handle dropped without it leaks its block. A reader and
 * the eviction can race on two event loops, so the block is reference counted here: the cache holds one reference,
 * {@link #read()} takes another for the length of its copy, and the block goes back to the pool when the last one is
 * dropped. Once the count reached zero it never rises again ({@link #read()} answers null), so no reader can see memory
 * the pool has handed to someone else (the pool hands a freed block out again at once).
 *
 * <p>The handle is also the cache's value: the entry's namespace, expiry and deployment ride here rather than in a record
 * of their own around it, one young object (and one reference written) fewer for each miss the cache stores (issue #9's
 * (x) row, docs/architecture.md "2026-12-01 22:40"). And it is the entry's key too ({@link EntryKey}'s four longs): the
 * cache keeps it as both key and value, one object an entry instead of two, so a miss makes one object fewer that the
 * next young collection copies, and the eviction that follows touches one cold object fewer (docs/architecture.md
 * "2026-12-02 01:30").
 */
final class OffHeapBytes extends EntryKey {
    /**
     * The cache's own pool, apart from the one Netty's I/O uses: entries live for minutes to hours, I/O buffers for
     * microseconds, and sharing chunks would let one long-lived entry pin a chunk that I/O otherwise would give back.
     */
    private static final BlockPool POOL = BlockPool.SHARED;
    private static final VarHandle REFS, FREED;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(OffHeapBytes.class, "refs", int.class);
            FREED = MethodHandles.lookup().findVarHandle(OffHeapBytes.class, "freed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long block;
    private final int length;
    private final int footprint;
    private final String namespace;
    private final long expiresAtMillis;
    private final String deployment;
    /** The deployment entry's {@code model_info.id}, or null: a relay entry's (a codec entry has it in its bytes). */
    private final String modelId;
    @SuppressWarnings("unused") // through REFS
    private volatile int refs = 1; // the owner's (the cache's) reference
    @SuppressWarnings("unused") // through FREED
    private volatile boolean freed;

    private OffHeapBytes(EntryKey key, long block, int length, String namespace, long expiresAtMillis, String deployment,
                         String modelId) {
        super(key);
        this.modelId = modelId;
        this.block = block;
        this.length = length;
        this.namespace = namespace;
        this.expiresAtMillis = expiresAtMillis;
        this.deployment = deployment;
        this.footprint = BlockPool.footprint(length);
    }

    /**
     * A copy of {@code src[0, len)} off the heap.
     *
     * @throws OutOfMemoryError when the direct memory limit ({@code -XX:MaxDirectMemorySize}, by default {@code -Xmx})
     *                          is reached: the caller stores nothing
     */
    static OffHeapBytes copyOf(byte[] src, int len) { return copyOf(EntryKey.NONE, src, len, null, Long.MAX_VALUE, null); }

    /**
     * As {@link #copyOf(byte[], int)}, for a cache entry: its key, its namespace, when it expires, and the deployment that
     * answered.
     */
    static OffHeapBytes copyOf(EntryKey key, byte[] src, int len, String namespace, long expiresAtMillis, String deployment) {
        long b = POOL.allocate(len);
        try {
            POOL.write(b, 0, src, 0, len);
        } catch (RuntimeException e) {
            POOL.free(b);
            throw e;
        }
        return new OffHeapBytes(key, b, len, namespace, expiresAtMillis, deployment, null);
    }

    /** A copy of {@code src[off, off + len)} followed by {@code tail[0, tailLen)}, off the heap; as {@link #copyOf(byte[], int)}. */
    static OffHeapBytes copyOf(EntryKey key, byte[] src, int off, int len, byte[] tail, int tailLen, String namespace,
                               long expiresAtMillis, String deployment, String modelId) {
        long b = POOL.allocate(len + tailLen);
        try {
            POOL.write(b, 0, src, off, len);
            POOL.write(b, len, tail, 0, tailLen);
        } catch (RuntimeException e) {
            POOL.free(b);
            throw e;
        }
        return new OffHeapBytes(key, b, len + tailLen, namespace, expiresAtMillis, deployment, modelId);
    }

    /** The entry's namespace (null for a bare block). */
    String namespace() { return namespace; }

    /** When the entry expires, epoch milliseconds. */
    long expiresAtMillis() { return expiresAtMillis; }

    /** Who answered, {@code provider/model}: a reference to the deployment's own id. */
    String deployment() { return deployment; }

    /** The deployment entry that answered ({@code model_info.id}), on a relay entry; null otherwise. */
    String modelId() { return modelId; }

    boolean expired(long nowMillis) { return nowMillis >= expiresAtMillis; }

    /** The entry's length in bytes. */
    int length() { return length; }

    /**
     * The native memory this block takes: the pool hands out size classes (1,024, 1,280, 1,536 … bytes), so up to a
     * quarter more than {@link #length()}. What the cache's size bound counts.
     */
    int footprint() { return footprint; }

    /** A heap copy of the bytes, or null when the block was freed (the entry was evicted while it was being read). */
    byte[] read() {
        if (!retain()) return null;
        try {
            byte[] out = new byte[length];
            POOL.read(block, out, length);
            return out;
        } finally {
            release();
        }
    }

    /** Drops the owner's reference: the block returns to the pool now, or when the last reader is done. Idempotent. */
    void free() {
        if (FREED.compareAndSet(this, false, true)) release();
    }

    /** Whether the block went back to the pool (tests). */
    boolean released() { return (int) REFS.getVolatile(this) == 0; }

    private boolean retain() {
        for (int r = (int) REFS.getVolatile(this); r > 0; r = (int) REFS.getVolatile(this)) {
            if (REFS.compareAndSet(this, r, r + 1)) return true;
        }
        return false;
    }

    private void release() {
        if ((int) REFS.getAndAdd(this, -1) == 1) POOL.free(block);
    }
}
