package dev.switchboard.provider;

import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.HttpClientRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The upstream requests of one event loop still waiting for their answer's head, or for the next bytes of their body,
 * each reset when its deployment's timeout passes first: what Vert.x's per-request idle timeout did for the head (in
 * Vert.x 5 it covers the wait for the response head only), without its timer per request, and what it did not do for
 * the body: the reader of a body ({@link BoundedBody}, {@link SseRelay}) claims the request's entry when the head
 * arrives ({@link #claim}) and {@link Entry#touch touches} it on every read, so {@code timeout} (non-stream) and
 * {@code stream_timeout} (streams) bound every silence of the upstream, as LiteLLM's httpx timeout does. A body that
 * no reader claims is bounded to its head only. That timer cost a scheduled task, a priority-queue insert and removal and
 * a concurrent-map entry on every upstream call (3 % of the event loop's samples in the 2026-12-01 profile).
 *
 * <p>Requests with the same timeout are kept in one list in the order they were sent, which is their deadline order,
 * so each list needs one timer, for its head. A request whose head arrived (or that failed) leaves its list at once (a
 * linked node, O(1)); the timer then fires at the deadline of a request that already left, finds the new head not yet
 * due and sets itself again for it: at most one timer per distinct timeout, whatever the load.
 *
 * <p>One instance per event-loop thread, used only from that thread (its timers fire on the same event loop), so it
 * needs no locking.
 */
final class FirstByteDeadlines {
    /** One list per distinct timeout: deployments have a handful of distinct values, so a scan beats a map's boxing. */
    private final List<Waiting> lists = new ArrayList<>(2);

    /**
     * The entry whose head just arrived, for the body's reader to {@link #claim} while the response future completes
     * (its listeners run at once, on this thread): a slot, not a map, since the reader is made in that same call.
     */
    private static final io.netty.util.concurrent.FastThreadLocal<Entry> OFFERED = new io.netty.util.concurrent.FastThreadLocal<>();

    /** A request waiting for its answer's head or body; {@link #done()} once it was read to the end or failed. */
    static final class Entry {
        private final HttpClientRequest request;
        private long deadlineNanos;
        private Waiting list, home;
        private Entry prev, next;
        private boolean timedOut, headSeen, over;

        private Entry(HttpClientRequest request, long deadlineNanos) {
            this.request = request;
            this.deadlineNanos = deadlineNanos;
        }

        /** Read to the end, failed, or nobody reads the body: no timeout for it any more. */
        void done() {
            over = true;
            if (list != null) list.unlink(this);
        }

        /** Bytes of the body arrived: the upstream has another full timeout before its next ones. */
        void touch() {
            Waiting w = list;
            if (w == null) return; // paused or over
            w.unlink(this);
            deadlineNanos = System.nanoTime() + w.timeoutMillis * 1_000_000L;
            w.append(this);
        }

        /** The reader paused the upstream (the client reads slowly): its silence now is ours, not the upstream's. */
        void pause() {
            if (list != null) list.unlink(this);
        }

        /** The reader resumed the upstream: a full timeout from now. */
        void resume() {
            if (over || list != null || home == null) return;
            deadlineNanos = System.nanoTime() + home.timeoutMillis * 1_000_000L;
            home.append(this);
        }

        /** Whether this request was reset for its timeout: its failure is then the timeout, whatever Vert.x reports. */
        boolean timedOut() { return timedOut; }

        /** {@code t}, or the timeout when this request was reset for it (Vert.x reports the reset as a closed stream). */
        static Throwable failure(Entry e, Throwable t) {
            return e != null && e.timedOut ? new TimeoutException("upstream silent inside its answer") : t;
        }
    }

    /**
     * Watches {@code request}: reset with a {@link TimeoutException} unless its answer's head arrives within the timeout.
     *
     * @param context an event-loop context of this thread: the timer is set on it, so it fires on this thread
     */
    Entry watch(ContextInternal context, HttpClientRequest request, long timeoutMillis) {
        Waiting list = null;
        for (Waiting w : lists) {
            if (w.timeoutMillis == timeoutMillis) {
                list = w;
                break;
            }
        }
        if (list == null) lists.add(list = new Waiting(timeoutMillis));
        Entry e = new Entry(request, System.nanoTime() + timeoutMillis * 1_000_000L);
        list.context = context;
        e.home = list;
        list.append(e);
        return e;
    }

    /**
     * The head of {@code e}'s answer arrived: offers it to the body's reader while {@code complete} runs (completing the
     * response future, whose listeners make the reader), then ends it unless a reader claimed it.
     */
    static void headArrived(Entry e, Runnable complete) {
        e.headSeen = true;
        e.touch(); // the first body bytes get a full timeout from the head
        OFFERED.set(e);
        try {
            complete.run();
        } finally {
            Entry left = OFFERED.get();
            OFFERED.set(null);
            if (left == e) e.done(); // no reader claimed it: bounded to the head, as before
        }
    }

    /** The deadline of {@code resp}'s request, when its head is arriving now on this thread; else null (unbounded). */
    static Entry claim(io.vertx.core.http.HttpClientResponse resp) {
        Entry e = OFFERED.getIfExists();
        if (e == null || e.request != resp.request()) return null;
        OFFERED.set(null);
        return e;
    }

    /** Requests being watched now (tests). */
    int watching() {
        int n = 0;
        for (Waiting w : lists) for (Entry e = w.head; e != null; e = e.next) n++;
        return n;
    }

    private final class Waiting {
        final long timeoutMillis;
        Entry head, tail;
        long timer = -1;
        ContextInternal context;

        Waiting(long timeoutMillis) { this.timeoutMillis = timeoutMillis; }

        void append(Entry e) {
            e.list = this;
            e.prev = tail;
            if (tail == null) head = e; else tail.next = e;
            tail = e;
            if (timer < 0) arm(e.deadlineNanos - System.nanoTime());
        }

        void unlink(Entry e) {
            if (e.prev == null) head = e.next; else e.prev.next = e.next;
            if (e.next == null) tail = e.prev; else e.next.prev = e.prev;
            e.prev = e.next = null;
            e.list = null;
        }

        private void arm(long nanos) {
            timer = context.setTimer(Math.max(1, (nanos + 999_999) / 1_000_000), id -> fire());
        }

        private void fire() {
            timer = -1;
            long now = System.nanoTime();
            while (head != null && head.deadlineNanos - now <= 0) {
                Entry due = head;
                unlink(due);
                due.timedOut = true; // UpstreamHttp reports the send's failure as the upstream's timeout (504)
                due.over = true;
                due.request.reset(0, new TimeoutException(due.headSeen
                        ? "upstream silent for " + timeoutMillis + " ms inside its answer"
                        : "no answer head within " + timeoutMillis + " ms"));
            }
            if (head != null) arm(head.deadlineNanos - now);
        }
    }
}
