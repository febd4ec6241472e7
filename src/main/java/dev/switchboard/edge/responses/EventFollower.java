package dev.switchboard.edge.responses;

import dev.switchboard.pipeline.BackgroundEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One client following a streamed background response's events ({@link BackgroundEvents}) from a position: what is
 * there is written at once, what comes later as it comes, and the answer ends after the last event. A client that
 * reads slowly is written to as its write queue drains (the events wait in the log, not in its queue); one that leaves
 * is forgotten, and the response goes on. Not thread-safe by itself: it runs on its connection's event loop only.
 */
final class EventFollower {
    private final HttpServerResponse resp;
    private final BackgroundEvents events;
    private int next;
    private boolean done;
    private boolean waitingForDrain;

    private EventFollower(HttpServerResponse resp, BackgroundEvents events, int from) {
        this.resp = resp;
        this.events = events;
        this.next = from;
    }

    /**
     * Starts writing {@code events} from index {@code from} to {@code resp} (whose SSE head is set). Everything the
     * follower does runs on {@code context}, the event loop of the client's connection: the producer's news arrive on
     * the upstream's loop, and a response (its write-queue checks, its drain and end handlers) belongs to its own.
     */
    static void follow(io.vertx.core.Context context, HttpServerResponse resp, BackgroundEvents events, int from) {
        follow(context, resp, events, from, null);
    }

    /**
     * As above, for a response whose close handler was already set by the call that created it ({@code DialectCall}):
     * a response has one close handler and this one replaces it, so {@code alsoOnClose} runs what that one did (cancels
     * the client's side of the call, which releases the call's share of the buffer bound).
     */
    static void follow(io.vertx.core.Context context, HttpServerResponse resp, BackgroundEvents events, int from,
                       Runnable alsoOnClose) {
        EventFollower f = new EventFollower(resp, events, from);
        Runnable onNews = () -> {
            if (io.vertx.core.Vertx.currentContext() == context) f.run();
            else context.runOnContext(v -> f.run());
        };
        f.listener = onNews;
        events.listen(onNews);
        resp.closeHandler(v -> {
            f.stop();
            if (alsoOnClose != null) alsoOnClose.run();
        });
        onNews.run();
    }

    /** What the events call for news (on any thread); unregistered when this follower is done. */
    private Runnable listener;

    /** The index of the first event whose {@code sequence_number} is above {@code startingAfter} (-1: from the start). */
    static int firstAfter(BackgroundEvents events, int startingAfter) {
        java.util.List<Buffer> all = events.all();
        for (int i = 0; i < all.size(); i++) {
            if (sequenceNumber(all.get(i)) > startingAfter) return i;
        }
        return all.size();
    }

    private static long sequenceNumber(Buffer event) {
        String s = event.toString(java.nio.charset.StandardCharsets.UTF_8);
        int at = s.indexOf("\"sequence_number\":");
        if (at < 0) return Long.MAX_VALUE; // an event without one (none of ours) goes with those after it
        int i = at + "\"sequence_number\":".length();
        while (i < s.length() && s.charAt(i) == ' ') i++;
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        return i == start ? Long.MAX_VALUE : Long.parseLong(s.substring(start, i));
    }

    /** Writes what there is; on the connection's event loop only. */
    private void run() {
        if (done || waitingForDrain) return;
        if (resp.closed()) {
            stop();
            return;
        }
        BackgroundEvents.Since since = events.since(next);
        if (!since.events().isEmpty()) {
            Buffer out = Buffer.buffer();
            for (Buffer e : since.events()) out.appendBuffer(e);
            next += since.events().size();
            if (since.ended()) {
                done = true;
                events.unlisten(listener);
                resp.end(out);
                return;
            }
            resp.write(out);
        } else if (since.ended()) {
            done = true;
            events.unlisten(listener);
            resp.end();
            return;
        }
        if (resp.writeQueueFull()) { // the drain handler runs on this same loop, so the news cannot slip between
            waitingForDrain = true;
            resp.drainHandler(v -> {
                waitingForDrain = false;
                run();
            });
        }
    }

    private void stop() {
        done = true;
        events.unlisten(listener);
    }
}
