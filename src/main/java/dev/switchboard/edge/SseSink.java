package dev.switchboard.edge;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The one SSE writer every dialect uses: encodes each chunk with the dialect's encoder and writes it at once
 * (no buffering of the answer), exposes the response's write queue as backpressure, and ends a broken stream
 * with the dialect's error event instead of its clean terminator.
 */
public final class SseSink implements ChunkSink {
    private final HttpServerResponse resp;
    private final StreamEncoder encoder;
    private boolean ended;

    public SseSink(HttpServerResponse resp, StreamEncoder encoder) {
        this.resp = resp;
        this.encoder = encoder;
    }

    @Override
    public void chunk(ChatChunk chunk) {
        if (ended || resp.closed()) return;
        Buffer b = encoder.chunk(chunk);
        if (b != null) resp.write(b);
    }

    @Override
    public void end() {
        if (ended || resp.closed()) return;
        ended = true;
        Buffer closing = encoder.end();
        if (closing != null) resp.write(closing);
        resp.end();
    }

    @Override
    public void fail(GatewayException error) {
        if (ended || resp.closed()) return;
        ended = true;
        resp.write(encoder.error(error));
        resp.end();
    }

    @Override
    public boolean writeQueueFull() { return !resp.closed() && resp.writeQueueFull(); }

    @Override
    public void drainHandler(Runnable onDrain) { resp.drainHandler(v -> onDrain.run()); }
}
