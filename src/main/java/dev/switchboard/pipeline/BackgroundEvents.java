package dev.switchboard.pipeline;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The event stream of one streamed background response, every SSE event as it was sent, for the clients that follow
 * it: the one that created it and any that resume it ({@code GET /v1/responses/{id}?stream=true&starting_after=N}),
 * while it runs and for {@link StoredResponses#EVENTS_KEPT_MILLIS} after it ended. Appended by the call's stream,
 * read by followers on other event loops.
 */
public final class BackgroundEvents {
    private final String owner;
    private final List<Buffer> events = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private boolean ended;

    /** What a follower reads: the events from its position on, and whether the stream has ended after them. */
    public record Since(List<Buffer> events, boolean ended) {}

    BackgroundEvents(String owner) { this.owner = owner; }

    /** The caller that created the response; nobody else follows it. */
    public String owner() { return owner; }

    /** Adds one whole SSE event; followers hear of it at the next {@link #publish}. */
    public synchronized void append(Buffer event) {
        if (!ended) events.add(event);
    }

    /** The events from index {@code from} on, and whether there will be no more. */
    public synchronized Since since(int from) {
        List<Buffer> out = from >= events.size() ? List.of() : List.copyOf(events.subList(from, events.size()));
        return new Since(out, ended);
    }

    /** Every event so far (for finding where a resumed stream starts). */
    public synchronized List<Buffer> all() { return List.copyOf(events); }

    /** Tells every follower that there is something new. */
    public void publish() {
        for (Runnable l : listeners) l.run();
    }

    /** No event comes after those appended; followers end once they have written them. */
    public void end() {
        synchronized (this) {
            ended = true;
        }
        publish();
    }

    public synchronized boolean ended() { return ended; }

    public void listen(Runnable follower) { listeners.add(follower); }

    public void unlisten(Runnable follower) { listeners.remove(follower); }
}
