package dev.switchboard.edge;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * The deadlines of the request bodies still arriving on one event loop, checked by one timer instead of one timer per
 * request. Every body on a gateway has the same allowance, so the bodies sit in the queue in deadline order: the timer
 * fires at the head's deadline, fails what has expired, and sets itself for the next one still waiting; a body that
 * completed is only marked, and dropped once it is at the head: by the next {@link #add} (bodies mostly complete in the
 * order they started, so the queue holds about the bodies still arriving) or by the timer. No timer runs while no body
 * is waiting.
 *
 * <p>Setting and cancelling a Vert.x timer per request (a map entry, a scheduled task, a priority-queue insert and
 * removal) was 1-2 % of a request's CPU in the profile of docs/architecture.md ("Performance notes"). Used on its
 * event loop only (one instance per thread), so it needs no locking.
 */
final class BodyDeadlines {
    private static final ThreadLocal<BodyDeadlines> PER_LOOP = new ThreadLocal<>();

    /** One body being read: expires at {@code deadlineNanos} unless done first. */
    static final class Entry {
        final long deadlineNanos;
        private Runnable onExpiry;

        private Entry(long deadlineNanos, Runnable onExpiry) {
            this.deadlineNanos = deadlineNanos;
            this.onExpiry = onExpiry;
        }

        /**
         * The body is complete (or failed): its deadline no longer matters. The callback is dropped here, not when the
         * entry leaves the queue: it holds the request's promise and so its whole body, and a done entry stays queued
         * until its deadline (60 s by default). Kept, it made every request's body survive ~15 young collections at
         * 1,000 req/s and then fill the old generation (docs/architecture.md, "Performance notes", 2026-12-01 11:30).
         */
        void done() { onExpiry = null; }

        boolean isDone() { return onExpiry == null; }

        /** Runs the callback unless the entry is done; at most once. */
        void expire() {
            Runnable r = onExpiry;
            onExpiry = null;
            if (r != null) r.run();
        }
    }

    private final Vertx vertx;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long timer = -1;

    private BodyDeadlines(Vertx vertx) { this.vertx = vertx; }

    /** The current event loop's instance. */
    static BodyDeadlines current(Vertx vertx) {
        BodyDeadlines d = PER_LOOP.get();
        if (d == null || d.vertx != vertx) PER_LOOP.set(d = new BodyDeadlines(vertx));
        return d;
    }

    /** Runs {@code onExpiry} (on this event loop) after {@code millis}, unless the entry is marked done first. */
    Entry add(long millis, Runnable onExpiry) {
        // Completed entries at the head go now, not at their deadline. Left for the timer, every request's entry lived
        // the whole allowance (60 s by default): at 10,000 req/s 600,000 of them, each copied by every young collection
        // until promoted, then old-generation garbage (docs/architecture.md, "Performance notes", 2026-12-02 01:30,
        // "the tail at 1,000 and 10,000 req/s").
        Entry head;
        while ((head = queue.peekFirst()) != null && head.isDone()) queue.pollFirst();
        Entry e = new Entry(System.nanoTime() + millis * 1_000_000L, onExpiry);
        Entry last = queue.peekLast();
        if (last != null && e.deadlineNanos < last.deadlineNanos) {
            // a shorter allowance than the bodies queued (two servers with other settings on one event loop): it would
            // wait behind them, so it gets a timer of its own
            vertx.setTimer(Math.max(1, millis), t -> e.expire());
            return e;
        }
        queue.addLast(e);
        if (timer < 0) arm(millis);
        return e;
    }

    /** How many entries are queued, completed ones not yet dropped included (tests). */
    int queued() { return queue.size(); }

    private void arm(long millis) {
        timer = vertx.setTimer(Math.max(1, millis), t -> sweep());
    }

    private void sweep() {
        timer = -1;
        long now = System.nanoTime();
        Entry head;
        while ((head = queue.peekFirst()) != null && (head.isDone() || head.deadlineNanos - now <= 0)) {
            queue.pollFirst();
            head.expire();
        }
        if (head != null) arm((head.deadlineNanos - now + 999_999) / 1_000_000);
    }
}
