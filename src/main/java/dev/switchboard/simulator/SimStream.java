package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes prepared SSE events with the behaviour's delay and optional cut, noting a client that hung up. */
final class SimStream {
    /** Wraps each payload as an unnamed event ({@code data: …}), OpenAI's and Gemini's format. */
    static List<String> dataFrames(List<String> payloads) {
        return payloads.stream().map(d -> "data: " + d + "\n\n").toList();
    }

    /** A named event, Anthropic's format. */
    static String namedFrame(String event, String json) {
        return "event: " + event + "\ndata: " + json + "\n\n";
    }

    private final Vertx vertx;
    private final HttpServerResponse resp;
    private final List<String> events;
    private final SimBehaviour behaviour;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;
    private int sent;
    private boolean done;
    private Runnable onEnd;
    /** How long the response stays open after its last event before it ends (0: at once). */
    private long endAfterMs;

    SimStream(Vertx vertx, HttpServerResponse resp, List<String> events, SimBehaviour behaviour,
              AtomicInteger cancelled, AtomicInteger completed) {
        this.vertx = vertx;
        this.resp = resp;
        this.events = events;
        this.behaviour = behaviour;
        this.cancelled = cancelled;
        this.completed = completed;
    }

    /** Runs {@code r} when the last event was written and the response ended (not when it was cut or cancelled). */
    SimStream onEnd(Runnable r) {
        onEnd = r;
        return this;
    }

    /** Holds the response open {@code ms} after its last event before ending it: an upstream slow to close. */
    SimStream endAfter(long ms) {
        endAfterMs = ms;
        return this;
    }

    void start() {
        resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8").putHeader("cache-control", "no-cache");
        resp.closeHandler(v -> {
            if (!done) {
                done = true;
                cancelled.incrementAndGet();
            }
        });
        pump();
    }

    private void pump() {
        while (!done && sent < events.size()) {
            if (behaviour.cutAfterChunks() > 0 && sent >= Math.min(behaviour.cutAfterChunks(), events.size() - 1)) { // at or past the end: before the last event
                done = true;
                resp.reset(); // drop the connection mid-stream, no terminating chunk
                return;
            }
            resp.write(Buffer.buffer(events.get(sent++))); // whole SSE frames, written as they are
            if (behaviour.chunkDelayMs() > 0 && sent < events.size()) {
                vertx.setTimer(behaviour.chunkDelayMs(), t -> pump());
                return;
            }
        }
        if (!done && endAfterMs > 0) {
            long hold = endAfterMs;
            endAfterMs = 0;
            vertx.setTimer(hold, t -> pump());
            return;
        }
        if (!done) {
            done = true;
            completed.incrementAndGet();
            resp.end();
            if (onEnd != null) onEnd.run();
        }
    }
}
