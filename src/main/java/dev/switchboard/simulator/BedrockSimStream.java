package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a ConverseStream answer's binary frames with the behaviour's delay and cut (as {@link SimStream} does for SSE),
 * optionally ending with an exception frame after the first events, as Bedrock reports a failure inside a stream.
 */
final class BedrockSimStream {
    private final Vertx vertx;
    private final HttpServerResponse resp;
    private final List<Buffer> frames;
    private final SimBehaviour behaviour;
    private final String exception;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;
    private int sent;
    private boolean done;

    /** @param exception an exception type ({@code throttlingException}, …) to end with after two events; null for none */
    BedrockSimStream(Vertx vertx, HttpServerResponse resp, List<Buffer> frames, SimBehaviour behaviour, String exception,
                     AtomicInteger cancelled, AtomicInteger completed) {
        this.vertx = vertx;
        this.resp = resp;
        this.frames = frames;
        this.behaviour = behaviour;
        this.exception = exception;
        this.cancelled = cancelled;
        this.completed = completed;
    }

    void start() {
        resp.setChunked(true).putHeader("content-type", "application/vnd.amazon.eventstream")
                .putHeader("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        resp.closeHandler(v -> {
            if (!done) {
                done = true;
                cancelled.incrementAndGet();
            }
        });
        pump();
    }

    private void pump() {
        while (!done && sent < frames.size()) {
            if (behaviour.cutAfterChunks() > 0 && sent >= Math.min(behaviour.cutAfterChunks(), frames.size() - 1)) { // at or past the end: before the last event
                done = true;
                resp.reset();
                return;
            }
            if (exception != null && sent == 2) {
                done = true;
                resp.end(BedrockSim.exceptionFrame(exception, switch (exception) {
                    case "throttlingException" -> "Too many tokens, please wait before trying again.";
                    case "validationException" -> "Input is too long for requested model.";
                    case "serviceUnavailableException" -> "Bedrock is unable to process your request.";
                    default -> "The model encountered an error while streaming its answer.";
                }));
                return;
            }
            resp.write(frames.get(sent++));
            if (behaviour.chunkDelayMs() > 0 && sent < frames.size()) {
                vertx.setTimer(behaviour.chunkDelayMs(), t -> pump());
                return;
            }
        }
        if (!done) {
            done = true;
            completed.incrementAndGet();
            resp.end();
        }
    }
}
