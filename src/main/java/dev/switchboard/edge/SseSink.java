package dev.switchboard.edge;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The one SSE writer every dialect uses: encodes each chunk with the dialect's encoder and writes each batch
 * the producer flushes (one upstream read's worth, never the whole answer), exposes the response's write queue as backpressure, and ends a broken stream
 * with the dialect's error event instead of its clean terminator.
 */
public final class SseSink implements ChunkSink {
    private final HttpServerResponse resp;
    private final StreamEncoder encoder;
    private Buffer pending;
    private boolean ended;

    public SseSink(HttpServerResponse resp, StreamEncoder encoder) {
        this.resp = resp;
        this.encoder = encoder;
    }

    @Override
    public void chunk(ChatChunk chunk) {
        if (ended || resp.closed()) return;
        Buffer b = encoder.chunk(chunk);
        if (b == null) return;
        if (pending == null) pending = b;
        else pending.appendBuffer(b);
    }

    @Override
    public boolean takesRelayed(String dialect) { return encoder.relays(dialect); }

    /** The upstream's event bytes, copied once, straight into this read's batch (the encoder frames them). */
    @Override
    public void relayed(dev.switchboard.model.RelayedEvent e) {
        if (ended || resp.closed()) return;
        if (pending == null) pending = Buffer.buffer(Math.max(1024, 2 * (e.length() + 8)));
        encoder.appendRelayed(pending, e);
    }

    @Override
    public void flush() {
        if (pending == null || resp.closed()) return;
        Buffer out = pending;
        pending = null;
        resp.write(out);
    }

    @Override
    public void end() {
        if (ended || resp.closed()) return;
        ended = true;
        endWith(encoder.end());
    }

    @Override
    public void fail(GatewayException error) {
        if (ended || resp.closed()) return;
        ended = true;
        endWith(encoder.error(error));
    }

    /** What is pending, the closing event and the end of the body go out in one write (one syscall, not three). */
    private void endWith(Buffer closing) {
        Buffer out = pending;
        pending = null;
        if (out == null) out = closing;
        else if (closing != null) out.appendBuffer(closing);
        if (out == null) resp.end();
        else resp.end(out);
    }

    @Override
    public boolean writeQueueFull() { return !resp.closed() && resp.writeQueueFull(); }

    @Override
    public void drainHandler(Runnable onDrain) { resp.drainHandler(v -> onDrain.run()); }
}
