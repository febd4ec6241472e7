package dev.switchboard.pipeline;

import dev.switchboard.model.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded wait of a {@link StoredResponses} miss for a response another gateway on the same database has just
 * answered (its row may still be queued there): looks at the table again for a while, on a thread of its own, within
 * bounds of waiters overall and per key. Moved out of {@link StoredResponses} as it was (review, thirty-third session).
 */
final class RecentMissWaits {
    private static final Logger log = LoggerFactory.getLogger(StoredResponses.class); // its lines as before

    /** Reads a row as a reader finds it (blocking). */
    interface TableLook {
        StoredResponse find(String id, String owner, long now);
    }

    private final Vertx vertx;
    private final LongSupplier clock;
    private final TableLook table;
    private final BooleanSupplier draining;

    /** The misses waiting now. */
    private final java.util.concurrent.atomic.AtomicInteger waiters = new java.util.concurrent.atomic.AtomicInteger();
    /** The misses waiting now, by key (the owner); a key with none has no entry. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> waitersByKey = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The looks queued on or running on {@link #lookout}. More than {@link StoredResponses#MAX_WAITERS} means the database is slow or
     * stuck: a waiter then looks no more and answers as missing.
     */
    private final java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * The waiting misses' looks, on one thread of their own: they never queue behind (or hold up) this gateway's writes
     * on the responses worker, and never take more than one pooled connection.
     */
    private final WorkerExecutor lookout;

    RecentMissWaits(Vertx vertx, LongSupplier clock, TableLook table, BooleanSupplier draining) {
        this.vertx = vertx;
        this.clock = clock;
        this.table = table;
        this.draining = draining;
        this.lookout = vertx.createSharedWorkerExecutor("switchboard-responses-lookout", 1);
    }

    /**
     * A response this gateway holds neither in memory nor in the table: when its id says it was just made (another
     * gateway on the same database answered it, and its row may still be queued there), the table is looked at again
     * every {@link StoredResponses#LOOK_EVERY_MILLIS} for up to {@link StoredResponses#WAIT_MILLIS}; else, or when {@link StoredResponses#MAX_WAITERS} misses (or
     * {@link StoredResponses#MAX_WAITERS_PER_KEY} of this key's) already wait, or the table cannot be read, null at once — but
     * a look that fails with {@link StoredResponses#STORE_UNAVAILABLE} (the store became unreachable meanwhile) fails the
     * wait with that 503: an id that could not be looked up is not missing. The wait is
     * bounded by its own timer, not by the looks: a slow or stuck database (the looks run one at a time) cannot stretch
     * it. Off the event loop: timers, and the looks on {@link #lookout}.
     */
    Future<StoredResponse> waitFor(String id, String owner) {
        if (draining.getAsBoolean() || !ResponseIds.recent(id, System.currentTimeMillis(), StoredResponses.RECENT_ID_MILLIS)) return Future.succeededFuture(null);
        if (!takeWaiterSlot(owner)) {
            log.debug("response {}: {} misses (or {} of its key's) already wait for another gateway's write; answered as missing",
                    dev.switchboard.model.LogSafe.text(id), StoredResponses.MAX_WAITERS, StoredResponses.MAX_WAITERS_PER_KEY);
            return Future.succeededFuture(null);
        }
        io.vertx.core.Promise<StoredResponse> found = io.vertx.core.Promise.promise();
        long deadline = vertx.setTimer(StoredResponses.WAIT_MILLIS, t -> found.tryComplete(null));
        look(id, owner, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(StoredResponses.WAIT_MILLIS), found);
        return found.future().andThen(ar -> {
            vertx.cancelTimer(deadline);
            releaseWaiterSlot(owner);
        });
    }

    /** A waiter's slot, within both bounds ({@link StoredResponses#MAX_WAITERS}, {@link StoredResponses#MAX_WAITERS_PER_KEY}); false when none is free. */
    private boolean takeWaiterSlot(String owner) {
        if (waiters.incrementAndGet() > StoredResponses.MAX_WAITERS) {
            waiters.decrementAndGet();
            return false;
        }
        boolean[] taken = {false};
        waitersByKey.compute(owner, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= StoredResponses.MAX_WAITERS_PER_KEY) return n;
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) waiters.decrementAndGet();
        return taken[0];
    }

    private void releaseWaiterSlot(String owner) {
        waitersByKey.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
        waiters.decrementAndGet();
    }

    private void look(String id, String owner, long deadlineNanos, io.vertx.core.Promise<StoredResponse> found) {
        vertx.setTimer(StoredResponses.LOOK_EVERY_MILLIS, t -> {
            if (found.future().isComplete()) return; // the wait's own timer ended it
            // the deadline before the look, not only after one: a waiter past it does not query
            if (draining.getAsBoolean() || System.nanoTime() >= deadlineNanos) {
                found.tryComplete(null);
                return;
            }
            if (looks.incrementAndGet() > StoredResponses.MAX_WAITERS) { // the lookout is behind: the database is slow or stuck
                looks.decrementAndGet();
                found.tryComplete(null);
                return;
            }
            long now = clock.getAsLong();
            lookout.executeBlocking(() -> {
                // queued behind other waiters' looks: one whose wait is over by the time it runs does not query
                if (found.future().isComplete() || System.nanoTime() >= deadlineNanos) return null;
                return table.find(id, owner, now);
            }, false).onComplete(ar -> {
                looks.decrementAndGet();
                if (ar.succeeded() && ar.result() != null) found.tryComplete(ar.result());
                // the store became unreachable while it waited: not "missing" (review: a 404), the 503 the read answers
                else if (ar.failed() && StoredResponses.isStoreUnavailable(ar.cause())) found.tryFail(ar.cause());
                else if (ar.failed() || System.nanoTime() >= deadlineNanos) found.tryComplete(null);
                else if (!found.future().isComplete()) look(id, owner, deadlineNanos, found);
            });
        });
    }

    /** Closes the lookout's thread (shutdown). */
    void close() { lookout.close(); }
}
