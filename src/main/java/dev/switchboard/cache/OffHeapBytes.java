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

    // Not final: a handle an eviction gave back is reused for a later entry ({@link #recycle}). They change only while
    // no map and no reader holds the handle (the count at zero), and a hold reads them after taking its reference.
    private long block;
    private int length;
    private int footprint;
    private String namespace;
    private long expiresAtMillis;
    private String deployment;
    /** The deployment entry's {@code model_info.id}, or null: a relay entry's (a codec entry has it in its bytes). */
    private String modelId;
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
        return handle(key, b, len, namespace, expiresAtMillis, deployment, null);
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
        return handle(key, b, len + tailLen, namespace, expiresAtMillis, deployment, modelId);
    }

    /** A handle for a new block: one this thread's evictions gave back ({@link #recycle}), or a new one. */
    private static OffHeapBytes handle(EntryKey key, long block, int length, String namespace, long expiresAtMillis,
                                       String deployment, String modelId) {
        Spares spares = SPARES.get();
        if (spares.n == 0) return new OffHeapBytes(key, block, length, namespace, expiresAtMillis, deployment, modelId);
        OffHeapBytes h = spares.take();
        h.rekey(key);
        h.block = block;
        h.length = length;
        h.footprint = BlockPool.footprint(length);
        h.expiresAtMillis = expiresAtMillis;
        // the references are written only when they change (a namespace, a deployment's id: the same few objects), so a
        // reused handle in the old generation usually gets no reference written, and no card dirtied
        if (h.namespace != namespace) h.namespace = namespace;
        if (h.deployment != deployment) h.deployment = deployment;
        if (h.modelId != modelId) h.modelId = modelId;
        FREED.setOpaque(h, false);
        REFS.setVolatile(h, 1); // last: a reader whose hold succeeds from now on sees the fields above
        return h;
    }

    /**
     * Keeps a handle whose block went back to the pool for this thread's next entry, if it has room (a few a thread).
     * Why: once the cache is full every store evicts an entry, and each entry's handle lived (and was copied by every
     * young collection, up to the tenuring age) as long as the entry; a handle reused from an evicted one is already
     * old, so a miss makes one object fewer that survives (issue #9's (x) row). The caller guarantees no map holds it
     * any more ({@link LocalExactCache}'s removal listener: an eviction, the handle being the node's key); a reader
     * may still have it, but its hold fails while the count is zero and, once reused, checks the key ({@link #hold}).
     *
     * @param h a handle whose {@link #free()} answered true (its count reached zero there)
     */
    static void recycle(OffHeapBytes h) {
        if (!h.released()) throw new IllegalStateException("a handle with a holder is never reused");
        SPARES.get().offer(h);
    }

    /** The handles this thread's evictions gave back, for its next stores. */
    private static final class Spares {
        static final int MAX = 8;
        final OffHeapBytes[] h = new OffHeapBytes[MAX];
        int n;

        OffHeapBytes take() {
            OffHeapBytes x = h[--n];
            h[n] = null;
            return x;
        }

        void offer(OffHeapBytes x) { if (n < MAX) h[n++] = x; }
    }

    private static final ThreadLocal<Spares> SPARES = ThreadLocal.withInitial(Spares::new);

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
            return copy();
        } finally {
            release();
        }
    }

    /**
     * Takes a reader's reference if the handle is still {@code key}'s entry: false when its block was freed, or when
     * the handle was reused for another entry since the caller found it ({@link #recycle}). While held, the block and
     * the fields are the entry's and stay so (a handle is reused only once its count reached zero); the caller reads
     * them, {@link #copy()}, then {@link #release()}s.
     */
    boolean hold(EntryKey key) {
        if (!retain()) return false;
        if (equals(key)) return true; // read after the reference: the fields of the incarnation that was counted
        release();
        return false;
    }

    /** A heap copy of the bytes; only under a reference ({@link #hold}). */
    byte[] copy() {
        byte[] out = new byte[length];
        POOL.read(block, out, length);
        return out;
    }

    /**
     * Drops the owner's reference: the block returns to the pool now, or when the last reader is done. Idempotent.
     *
     * @return whether the block went back to the pool in this call (no reader held it): only then may the handle be
     *         {@link #recycle}d
     */
    boolean free() {
        return FREED.compareAndSet(this, false, true) && release();
    }

    /** Whether the block went back to the pool (tests). */
    boolean released() { return (int) REFS.getVolatile(this) == 0; }

    private boolean retain() {
        for (int r = (int) REFS.getVolatile(this); r > 0; r = (int) REFS.getVolatile(this)) {
            if (REFS.compareAndSet(this, r, r + 1)) return true;
        }
        return false;
    }

    /** Drops a reference; the last one gives the block back (and answers true). */
    boolean release() {
        if ((int) REFS.getAndAdd(this, -1) != 1) return false;
        POOL.free(block);
        return true;
    }
}
