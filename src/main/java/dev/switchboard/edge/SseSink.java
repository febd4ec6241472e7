package dev.switchboard.edge;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Cancellation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
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
public final class SseSink implements ChunkSink, io.vertx.core.Handler<Void> {
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

    /** The call's cancellation and the drain, once {@link #endsAtDrain} made this stream one the drain ends. */
    private Cancellation cancellation;
    private Drain drain;

    /**
     * Makes the shutdown drain end this stream with the dialect's error event rather than a bare close, if it is still
     * open shortly before the drain runs out: the sink becomes its connection's shutdown handler ({@link #handle}).
     * HTTP/1.1 carries one stream at a time, so a later stream on the connection takes its place; no object is made
     * for it (the sink is the handler).
     */
    public SseSink endsAtDrain(HttpConnection conn, Cancellation cancellation, Drain drain) {
        this.cancellation = cancellation;
        this.drain = drain;
        if (drain.began()) {
            // the stop began while this call waited for its answer: Vert.x has called the connection's shutdown handler
            // already and never calls one set later, so the cut is timed here (review finding 1)
            handle(null);
            return this;
        }
        conn.shutdownHandler(this);
        return this;
    }

    /** The server's stop began (the connection's shutdown): a stream still open then is cut before the drain's end. */
    @Override
    public void handle(Void shutdownBegins) {
        if (ended || drain == null) return;
        ContextInternal context = ContextInternal.current();
        if (context == null) cutForShutdown();
        else context.owner().setTimer(drain.millisToCut(), id -> cutForShutdown());
    }

    /**
     * The drain is about to run out with this stream open: the call is stopped as the gateway's cut
     * ({@link Cancellation#stop}), which resets the upstream request with the stop's 503 as its cause, so the stream
     * fails with it on its way here: the ledger and the request log record the 503 (not a client leaving, not an
     * upstream break), and this sink writes it as the dialect's error event ("the gateway is shutting down", which the
     * SDKs raise as an API error and may retry). A stream with no upstream request to reset gets the event from the
     * {@code fail} below. Stopped first: a stopping server closes the connection as the event's write ends the
     * response, and that close must find the call stopped already, not take it for the client leaving.
     */
    private void cutForShutdown() {
        if (ended || resp.closed()) return;
        GatewayException why = Drain.shuttingDown(drain.length());
        cancellation.stop(why);
        fail(why);
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
