package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes prepared SSE events with the behaviour's delay and optional cut, noting a client that hung up. */
final class SimStream {
    /** An event given as NAMED + name + "\ndata: " + json is written with its event: line (Anthropic's format). */
    static final String NAMED = "\u0000event:";

    private final Vertx vertx;
    private final HttpServerResponse resp;
    private final List<String> events;
    private final SimBehaviour behaviour;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;
    private int sent;
    private boolean done;

    SimStream(Vertx vertx, HttpServerResponse resp, List<String> events, SimBehaviour behaviour,
              AtomicInteger cancelled, AtomicInteger completed) {
        this.vertx = vertx;
        this.resp = resp;
        this.events = events;
        this.behaviour = behaviour;
        this.cancelled = cancelled;
        this.completed = completed;
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
            if (behaviour.cutAfterChunks() > 0 && sent >= behaviour.cutAfterChunks()) {
                done = true;
                resp.reset(); // drop the connection mid-stream, no terminating chunk
                return;
            }
            String e = events.get(sent++);
            resp.write(Buffer.buffer(e.startsWith(NAMED) ? "event: " + e.substring(NAMED.length()) + "\n\n" : "data: " + e + "\n\n"));
            if (behaviour.chunkDelayMs() > 0 && sent < events.size()) {
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
