package dev.switchboard.edge;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;

/**
 * The one SSE writer every dialect uses: encodes each chunk with the dialect's encoder and writes it at once
 * (no buffering of the answer), exposes the response's write queue as backpressure, and ends a broken stream
 * with the dialect's error event instead of its clean terminator.
 */
public final class SseSink implements ChunkSink {
    private final HttpServerResponse resp;
    private final Function<ChatChunk, Buffer> encode;
    private final Function<GatewayException, Buffer> errorEvent;
    private final Buffer terminator;
    private boolean ended;

    /**
     * @param encode     chunk → one or more SSE events, or null to send nothing for this chunk
     * @param terminator written before a clean end ({@code data: [DONE]}), or null when the dialect has none
     */
    public SseSink(HttpServerResponse resp, Function<ChatChunk, Buffer> encode,
                   Function<GatewayException, Buffer> errorEvent, Buffer terminator) {
        this.resp = resp;
        this.encode = encode;
        this.errorEvent = errorEvent;
        this.terminator = terminator;
    }

    @Override
    public void chunk(ChatChunk chunk) {
        if (ended || resp.closed()) return;
        Buffer b = encode.apply(chunk);
        if (b != null) resp.write(b);
    }

    @Override
    public void end() {
        if (ended || resp.closed()) return;
        ended = true;
        if (terminator != null) resp.write(terminator);
        resp.end();
    }

    @Override
    public void fail(GatewayException error) {
        if (ended || resp.closed()) return;
        ended = true;
        resp.write(errorEvent.apply(error));
        resp.end();
    }

    @Override
    public boolean writeQueueFull() { return !resp.closed() && resp.writeQueueFull(); }

    @Override
    public void drainHandler(Runnable onDrain) { resp.drainHandler(v -> onDrain.run()); }
}
