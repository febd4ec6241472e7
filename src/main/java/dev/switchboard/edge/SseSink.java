package dev.switchboard.edge;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;

/**
 * The one SSE writer every dialect uses: encodes each chunk with the dialect's encoder, writes what the producer
 * flushed once the event loop's current round of reads is over (see {@link #flush}), exposes the response's write
 * queue as backpressure, and ends a broken stream with the dialect's error event instead of its clean terminator.
 *
 * <p>What a round of reads brought is gathered in a pooled direct buffer ({@link PooledBatch}), not a heap one: the
 * socket write needs direct memory, so a heap batch was copied once more by the transport and left as garbage (a
 * fifth of a relayed stream's allocation). Vert.x writes a buffer it did not allocate as an unreleasable view, so the
 * batch is released here, once the write is done or dropped.
 */
public final class SseSink implements ChunkSink {
    /**
     * Flushed bytes past this go out at once rather than at the end of the loop's round: one round's reads of a fast
     * upstream are not held back in one buffer, and the response's write queue (the backpressure) sees them soon.
     */
    static final int WRITE_AT_ONCE = 16 * 1024;

    private final HttpServerResponse resp;
    private final StreamEncoder encoder;
    private final Runnable writeFlushed = this::writeFlushed;
    /** What was appended since the last write; pooled, so every path that drops it releases it. */
    private PooledBatch pending;
    private boolean ended;
    /** A write of what was flushed is queued on the event loop and has not run yet. */
    private boolean writeQueued;

    /** Makes the batch of one round of reads, given the bytes it must hold at least (a test counts them). */
    private final java.util.function.IntFunction<PooledBatch> batches;

    public SseSink(HttpServerResponse resp, StreamEncoder encoder) {
        this(resp, encoder, PooledBatch::of);
    }

    SseSink(HttpServerResponse resp, StreamEncoder encoder, java.util.function.IntFunction<PooledBatch> batches) {
        this.resp = resp;
        this.encoder = encoder;
        this.batches = batches;
    }

    @Override
    public void chunk(ChatChunk chunk) {
        if (ended || pending == null && gone()) return; // see relayed
        Buffer b = encoder.chunk(chunk);
        if (b == null) return;
        if (pending == null) pending = batches.apply(b.length());
        pending.buffer().appendBuffer(b);
    }

    @Override
    public boolean takesRelayed(String dialect) { return encoder.relays(dialect); }

    /** The upstream's event bytes, copied once, straight into this read's batch (the encoder frames them). */
    @Override
    public void relayed(dev.switchboard.model.RelayedEvent e) {
        // Whether the client is gone is asked when a batch begins, not for every event (Vert.x answers under the
        // connection's lock): a batch begun is written or released by the flush, end or failure that follows it.
        if (ended || pending == null && gone()) return;
        if (pending == null) pending = batches.apply(e.length() + 16);
        encoder.appendRelayed(pending.buffer(), e);
    }

    /**
     * Every event handed to the producer by one read of the upstream's HTTP chunks would otherwise be one write, one
     * trip down the server's pipeline and one syscall: Netty hands over each HTTP chunk in its own call, and an
     * upstream writes each event as a chunk of its own. The write is instead queued on the event loop, behind the
     * reads it is processing now (Netty runs queued tasks once the ready channels are read), so all the events this
     * round of reads brought go out together. No event waits for a later read: the task runs in the same turn of
     * the loop, before it waits for I/O again. Off an event loop (no round of reads to wait for) it writes at once.
     */
    @Override
    public void flush() {
        if (pending == null || gone()) return;
        if (writeQueued) {
            if (pending.length() >= WRITE_AT_ONCE) writeFlushed();
            return;
        }
        ContextInternal context = ContextInternal.current();
        if (pending.length() >= WRITE_AT_ONCE || context == null || !context.isEventLoopContext()
                || !context.nettyEventLoop().inEventLoop()) {
            writeFlushed();
            return;
        }
        writeQueued = true;
        context.nettyEventLoop().execute(writeFlushed);
    }

    /** Writes what is pending; the stream's end or failure may have taken it already (it goes out with the end). */
    private void writeFlushed() {
        writeQueued = false;
        PooledBatch out = pending;
        if (out == null || ended || gone()) return;
        pending = null;
        out.releaseWhenDone(() -> resp.write(out.buffer()));
    }

    /** Whether the client is gone; what is pending then is released (its bytes can go nowhere). */
    private boolean gone() {
        if (!resp.closed()) return false;
        if (pending != null) {
            pending.release();
            pending = null;
        }
        return true;
    }

    @Override
    public void end() {
        if (ended || gone()) return;
        ended = true;
        endWith(encoder.end());
    }

    @Override
    public void fail(GatewayException error) {
        if (ended || gone()) return;
        ended = true;
        endWith(encoder.error(error));
    }

    /** What is pending, the closing event and the end of the body go out in one write (one syscall, not three). */
    private void endWith(Buffer closing) {
        PooledBatch out = pending;
        pending = null;
        if (out == null) {
            if (closing == null) resp.end();
            else resp.end(closing);
            return;
        }
        if (closing != null) out.buffer().appendBuffer(closing);
        out.releaseWhenDone(() -> resp.end(out.buffer()));
    }

    @Override
    public boolean writeQueueFull() { return !resp.closed() && resp.writeQueueFull(); }

    @Override
    public void drainHandler(Runnable onDrain) { resp.drainHandler(v -> onDrain.run()); }
}
