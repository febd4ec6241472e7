package dev.switchboard.cache;

import io.netty.util.internal.CleanableDirectBuffer;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The exact cache's off-heap memory: blocks addressed by a {@code long}, carved from 1 MiB chunks of native memory (one
 * size class a chunk, quarter steps between powers of two: 640, 768, 896, 1,024 … bytes, 64 bytes the smallest), with a
 * stack of free addresses per size class. Why not Netty's pool (what {@link OffHeapBytes} used first): each of its blocks
 * is a recycled {@code ByteBuf} object, and every allocation and free wrote references into long-lived objects (the
 * buffer's fields, the thread cache's queue and its recycled entries): one more object per entry for the collector to
 * trace and more dirty cards for each young collection to scan (issue #9's (x) row, docs/architecture.md
 * "2026-12-01 22:40"). Here an allocation pops a {@code long} and a free pushes one: no object, no reference written.
 *
 * <p>Chunks are direct buffers (so {@code -XX:MaxDirectMemorySize} bounds them, as it bounded Netty's pool). A chunk whose
 * blocks are all free goes back at once (its buffer freed, not left to the collector) when its class has another chunk's
 * worth of free blocks besides it, so memory follows the entries and a class does not flap. Blocks larger than
 * {@link #MAX_SLOT} get a buffer of their own. Thread-safe: a lock per size class (event loops rarely meet on one),
 * and one for the chunk table. Reading or writing a block is the caller's business: it must own the block (the cache's
 * handle counts its readers, {@link OffHeapBytes}); a block that was freed may be handed out again at once.
 */
final class BlockPool {
    static final int CHUNK = 1 << 20;
    static final int MAX_SLOT = 64 << 10;
    private static final int MIN_SLOT = 64;
    /** Bits of an address that hold the offset in its chunk; the rest is the chunk's index. */
    private static final int OFFSET_BITS = 32;
    /** Addresses of blocks larger than {@link #MAX_SLOT}: the index of their own buffer in the chunk table, flagged. */
    private static final long BIG = 1L << 62;

    /** The process's pool: entries of every cache (a reload makes a new one) share it. */
    static final BlockPool SHARED = new BlockPool();

    private static final class Chunk {
        final CleanableDirectBuffer owner;
        final ByteBuffer memory;
        final int sizeClass; // -1: one big block
        final int slots;
        int live; // under the class's lock

        Chunk(int bytes, int sizeClass, int slots) {
            this.owner = PlatformDependent.allocateDirect(bytes); // Netty's: a buffer it can free at once, on any JDK
            this.memory = owner.buffer();
            this.sizeClass = sizeClass;
            this.slots = slots;
        }
    }

    private static final class SizeClass {
        final int index, size;
        long[] free = new long[64];
        int top; // free[0, top) are free addresses

        SizeClass(int index, int size) {
            this.index = index;
            this.size = size;
        }

        void push(long a) {
            if (top == free.length) free = java.util.Arrays.copyOf(free, top * 2);
            free[top++] = a;
        }
    }

    private final SizeClass[] classes = new SizeClass[classOf(MAX_SLOT) + 1];
    /** Chunks by index; replaced (grown) and written only under {@code table}'s lock. */
    private volatile Chunk[] chunks = new Chunk[64];
    private final ArrayDeque<Integer> freeIndexes = new ArrayDeque<>(); // under table's lock
    private int nextIndex; // under table's lock
    private final Object table = new Object();

    BlockPool() {
        for (int i = 0; i < classes.length; i++) classes[i] = new SizeClass(i, sizeOfClass(i));
    }

    /** The size a block of {@code n} bytes takes: n rounded up to its class (quarter steps between powers of two). */
    static int footprint(int n) {
        if (n <= MIN_SLOT) return MIN_SLOT;
        int k = 31 - Integer.numberOfLeadingZeros(n - 1); // 2^k < n <= 2^(k+1)
        int step = 1 << (k - 2);
        return ((n - 1) / step + 1) * step;
    }

    /** The size class of a block of {@code n <= MAX_SLOT} bytes. */
    static int classOf(int n) {
        if (n <= MIN_SLOT) return 0;
        int k = 31 - Integer.numberOfLeadingZeros(n - 1);
        return 1 + (k - 6) * 4 + ((n - 1) / (1 << (k - 2)) - 4);
    }

    private static int sizeOfClass(int c) {
        if (c == 0) return MIN_SLOT;
        int k = 6 + (c - 1) / 4;
        return (1 << k) + ((c - 1) % 4 + 1) * (1 << (k - 2));
    }

    /**
     * A block of at least {@code n} bytes ({@link #footprint(int)} of them), its contents undefined.
     *
     * @throws OutOfMemoryError when the operating system has no memory for a new chunk
     */
    long allocate(int n) {
        if (n > MAX_SLOT) return BIG | (long) register(new Chunk(footprint(n), -1, 1)) << OFFSET_BITS;
        SizeClass c = classes[classOf(n)];
        synchronized (c) {
            if (c.top == 0) grow(c);
            long a = c.free[--c.top];
            chunk(a).live++;
            return a;
        }
    }

    /** Gives a block back; it may be handed out again at once. Each block exactly once. */
    void free(long address) {
        Chunk k = chunk(address);
        if ((address & BIG) != 0) {
            unregister(index(address));
            k.owner.clean();
            return;
        }
        SizeClass c = classes[k.sizeClass];
        synchronized (c) {
            c.push(address);
            if (--k.live == 0 && c.top - k.slots >= k.slots) release(c, k, index(address));
        }
    }

    /** Copies {@code src[off, off + len)} into the block at {@code pos}. */
    void write(long address, int pos, byte[] src, int off, int len) {
        chunk(address).memory.put(offset(address) + pos, src, off, len); // absolute: no buffer state, safe beside other blocks' use
    }

    /** Copies {@code len} bytes of the block into {@code dst[0, len)}. */
    void read(long address, byte[] dst, int len) {
        chunk(address).memory.get(offset(address), dst, 0, len);
    }

    /** Native memory held now, free blocks included (tests, {@code describe}). */
    long reserved() {
        long sum = 0;
        for (Chunk k : chunks) if (k != null) sum += k.memory.capacity();
        return sum;
    }

    private static int index(long address) { return (int) ((address & ~BIG) >>> OFFSET_BITS); }

    private static int offset(long address) { return (int) address; }

    private Chunk chunk(long address) { return chunks[index(address)]; }

    /** A new chunk for the class, its blocks on the class's stack; under the class's lock. */
    private void grow(SizeClass c) {
        int slots = CHUNK / c.size;
        int index = register(new Chunk(slots * c.size, c.index, slots));
        for (int s = slots - 1; s >= 0; s--) c.push(((long) index << OFFSET_BITS) | (long) s * c.size);
    }

    /** A chunk whose blocks are all free: off the class's stack, out of the table, its memory back; under the class's lock. */
    private void release(SizeClass c, Chunk k, int index) {
        int w = 0;
        for (int r = 0; r < c.top; r++) if (index(c.free[r]) != index) c.free[w++] = c.free[r];
        c.top = w;
        unregister(index);
        k.owner.clean();
    }

    private int register(Chunk k) {
        synchronized (table) {
            Integer reused = freeIndexes.poll();
            int i = reused != null ? reused : nextIndex++;
            if (i >= chunks.length) chunks = java.util.Arrays.copyOf(chunks, Math.max(i + 1, chunks.length * 2));
            chunks[i] = k;
            return i;
        }
    }

    private void unregister(int i) {
        synchronized (table) {
            chunks[i] = null;
            freeIndexes.push(i);
        }
    }
}
