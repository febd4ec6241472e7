package dev.switchboard.provider;

import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.HttpClientRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The upstream requests of one event loop still waiting for their answer's head, each reset when its deployment's
 * timeout passes first: what Vert.x's per-request idle timeout did (in Vert.x 5 it covers the wait for the response
 * head only), without its timer per request. That timer cost a scheduled task, a priority-queue insert and removal and
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

    /** A request waiting for its answer's head; {@link #done()} once the head arrived or the request failed. */
    static final class Entry {
        private final HttpClientRequest request;
        private final long deadlineNanos;
        private Waiting list;
        private Entry prev, next;
        private boolean timedOut;

        private Entry(HttpClientRequest request, long deadlineNanos) {
            this.request = request;
            this.deadlineNanos = deadlineNanos;
        }

        /** The answer's head arrived, or the request failed: no timeout for it any more. */
        void done() {
            if (list != null) list.unlink(this);
        }

        /** Whether this request was reset for its timeout: its failure is then the timeout, whatever Vert.x reports. */
        boolean timedOut() { return timedOut; }
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
        list.append(e);
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
                due.request.reset(0, new TimeoutException("no answer head within " + timeoutMillis + " ms"));
            }
            if (head != null) arm(head.deadlineNanos - now);
        }
    }
}
