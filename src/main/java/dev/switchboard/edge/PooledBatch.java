package dev.switchboard.edge;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import java.util.function.Supplier;

/**
 * Bytes gathered for one socket write in pooled direct memory, seen as a Vert.x {@link Buffer} so the encoders append
 * to it as to any buffer. Direct, because the socket write needs direct memory (a heap buffer is copied into a direct
 * one by the transport); pooled, because a batch lives for one write. Vert.x writes a buffer it did not allocate as an
 * unreleasable view, so the batch is released by its owner: through {@link #releaseWhenDone} once the write is done
 * (or failed), or {@link #release} when its bytes are dropped.
 */
final class PooledBatch {
    /** Large enough for the events one read usually brings: the pooled buffer grows (a copy) only past it. */
    static final int INITIAL = 4096;

    private final ByteBuf bytes;
    private final Buffer buffer;
    private boolean released;

    private PooledBatch(ByteBuf bytes) {
        this.bytes = bytes;
        this.buffer = BufferInternal.buffer(bytes);
    }

    /** A batch with room for at least {@code hint} bytes before it grows. */
    static PooledBatch of(int hint) {
        // Vert.x's choice of pooled allocator: Netty's default, or an adaptive pool when Netty's default is unpooled
        return new PooledBatch(VertxByteBufAllocator.POOLED_ALLOCATOR.directBuffer(Math.max(INITIAL, hint)));
    }

    /** A batch of about {@code size} bytes (a whole answer), without the stream's minimum. */
    static PooledBatch sized(int size) {
        return new PooledBatch(VertxByteBufAllocator.POOLED_ALLOCATOR.directBuffer(size));
    }

    /** The batch as a Vert.x buffer, to append to and to write; not to be kept past the write. */
    Buffer buffer() { return buffer; }

    int length() { return bytes.readableBytes(); }

    /** Runs the write of {@link #buffer()} and releases the batch once it is done, failed, or did not start. */
    void releaseWhenDone(Supplier<Future<Void>> write) {
        Future<Void> done;
        try {
            done = write.get();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        done.onComplete(ar -> release());
    }

    /** Gives the memory back to the pool; once only, however many paths call it. */
    void release() {
        if (released) return;
        released = true;
        bytes.release();
    }

    boolean released() { return released; }
}
