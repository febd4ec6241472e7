package dev.switchboard.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * A whole (non-streamed) answer written from pooled direct memory ({@link PooledBatch}) instead of a heap buffer: no
 * heap array per answer, and the transport sends the bytes as they are instead of copying them into direct memory
 * first. The memory goes back to the pool once the write is done or failed.
 */
public final class PooledAnswer {
    private PooledAnswer() {}

    /**
     * Ends {@code resp} with the bytes {@code fill} appends.
     *
     * @param size about the answer's size: the buffer grows (a copy) only past it
     */
    public static void end(HttpServerResponse resp, int size, Consumer<Buffer> fill) {
        PooledBatch batch = PooledBatch.sized(size);
        try {
            fill.accept(batch.buffer());
        } catch (RuntimeException e) {
            batch.release();
            throw e;
        }
        batch.releaseWhenDone(() -> resp.end(batch.buffer()));
    }
}
