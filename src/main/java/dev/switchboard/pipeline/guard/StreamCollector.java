package dev.switchboard.pipeline.guard;

import dev.switchboard.cache.StreamRecorder;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Reads a whole stream into one answer before anything is sent, as LiteLLM's post_call guardrails do with a stream
 * (collect every chunk, build the response, check it, then replay it). The stream's own timeouts still bound it; a
 * stream that breaks fails the future with its error, which the client then gets as a clean error (nothing was sent yet).
 */
final class StreamCollector implements ChunkSink {
    private final Promise<ChatResponse> done = Promise.promise();
    private final StreamRecorder recorder = new StreamRecorder(this, done::tryComplete);

    private StreamCollector() {}

    static Future<ChatResponse> collect(ChatStream stream) {
        StreamCollector c = new StreamCollector();
        stream.start(c.recorder);
        return c.done.future();
    }

    @Override public void chunk(ChatChunk chunk) { }

    @Override public void flush() { }

    @Override public void end() { done.tryFail(new IllegalStateException("the stream ended without an answer")); }

    @Override public void fail(GatewayException error) { done.tryFail(error); }

    @Override public boolean writeQueueFull() { return false; }

    @Override public void drainHandler(Runnable onDrain) { }
}
