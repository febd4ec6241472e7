package dev.switchboard.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.store.ResponseRows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StoredResponses}' writes to the table, and those the store refused: each write is tried on the responses worker
 * ({@link #write}); one the store refuses is kept ({@link UnwrittenResponses}) and tried again in rounds with back-off
 * ({@link #rewrite}) until the store takes it, while every read on this gateway answers the kept copy. Everything here
 * runs on the one worker (the timers only submit to it). Moved as it was out of {@code StoredResponses} (thirty-fourth
 * session); its lines log under that class's name, as before.
 */
final class ResponseWrites {
    private static final Logger log = LoggerFactory.getLogger(StoredResponses.class);

    private final ResponseRows rows;
    private final Vertx vertx;
    private final LongSupplier clock;
    /** {@link StoredResponses}' memory copies, kept in step with what is written, kept or given up. */
    private final Cache<String, StoredResponse> recent;
    /** Submits work to the responses worker, after everything submitted before ({@code StoredResponses.inOrder}). */
    private final Function<Callable<Void>, Future<Void>> onWorker;
    /** Whether the store is known unreachable now ({@code StoredResponses.unreachable}): nothing is tried then. */
    private final BooleanSupplier unreachable;
    /** Told of a write that failed for want of a connection ({@code StoredResponses.foundUnreachable}). */
    private final Consumer<Throwable> foundUnreachable;
    /** Set at shutdown: no timer queues work on the closing worker. */
    private final BooleanSupplier draining;

    /** The writes the store refused, kept until it takes them ({@link #write}); on the worker only. */
    private final UnwrittenResponses unwritten = new UnwrittenResponses();
    /**
     * The first wait before refused writes are tried again, doubled while the store stays away. System property
     * {@code switchboard.responses.rewrite_ms} (tests); default 1 s.
     */
    private final long rewriteFirstMillis = Long.getLong("switchboard.responses.rewrite_ms", 1_000L);
    /** The longest wait between tries. */
    static final long REWRITE_MAX_MILLIS = 30_000;
    /**
     * The longest a write kept untried while the store is away ({@link #storeAway}) waits for the round that tries it:
     * the round's back-off may have doubled to {@link #REWRITE_MAX_MILLIS}, and until the round other gateways answer the
     * new answer 404 and memory's bound fills. Each round during an outage costs one try (up to the pool's connection
     * timeout, 5 s, on the one worker), so with answers coming all the time the worker tries the store at most once every
     * this much plus a try — at least 2 s in 7 free for reads when each try waits the whole timeout, against all of it
     * when every new answer was tried. System property {@code switchboard.responses.rewrite_new_ms} (tests); default 2 s.
     */
    private final long rewriteNewMillis = Long.getLong("switchboard.responses.rewrite_new_ms", 2_000L);
    /** The next wait (on the worker). */
    private long rewriteDelay = rewriteFirstMillis;
    /** A try is due: its timer is set (on the worker). */
    private boolean rewriteDue;
    /** The due try's timer, and when it fires ({@link System#nanoTime}) (on the worker). */
    private long rewriteTimer;
    private long rewriteAtNanos;
    /** A write passed outside the rounds since the last round began (on the worker): the store takes writes. */
    private boolean writtenSinceRound;
    /**
     * The last write the store failed failed for a reason that may pass ({@link ResponseRows#storeAway}: a lost
     * connection, a pool timeout, busy, a full disk), and none has been written since (on the worker). While so, new
     * writes are kept without being tried: each try could wait out the pool's connection timeout (5 s) on the one worker,
     * with every read queued behind it; the rewrite round tries the store.
     */
    private boolean storeAway;

    ResponseWrites(ResponseRows rows, Vertx vertx, LongSupplier clock, Cache<String, StoredResponse> recent,
                   Function<Callable<Void>, Future<Void>> onWorker, BooleanSupplier unreachable,
                   Consumer<Throwable> foundUnreachable, BooleanSupplier draining) {
        this.rows = rows;
        this.vertx = vertx;
        this.clock = clock;
        this.recent = recent;
        this.onWorker = onWorker;
        this.unreachable = unreachable;
        this.foundUnreachable = foundUnreachable;
        this.draining = draining;
    }

    /** The writes kept because the store refused them (on the worker only, but for their counts). */
    UnwrittenResponses kept() { return unwritten; }

    /** Tries the kept writes now, when there are any (on the worker): the store was found answering again. */
    void tryKeptNow() {
        if (!unwritten.isEmpty()) rewrite();
    }

    /** At shutdown (on the worker): one last round, and what the store still refuses is given up, logged and counted. */
    void lastTry() {
        if (unwritten.isEmpty()) return;
        rewrite(); // a last try
        logDropped("-");
        if (!unwritten.isEmpty()) {
            java.util.List<String> lost = unwritten.giveUpAll(); // counted in switchboard_responses_lost_total
            log.error("stored responses: {} answers the store refused are lost at shutdown: {}{}", lost.size(),
                    String.join(", ", lost.subList(0, Math.min(100, lost.size()))), lost.size() > 100 ? ", ..." : "");
        }
    }

    /**
     * Writes {@code r} to the table (on the worker). When the store refuses it (down, or failing), it is kept in
     * {@link #unwritten} and written again with back-off ({@link #rewrite}) until the store takes it: meanwhile every
     * read of it on this gateway answers the kept copy, so an answer the client was told is stored is not a 404 while the
     * store is briefly away. A newer state of an id still kept (a background response's end) joins the kept one, written
     * in its place.
     */
    void write(StoredResponse r, UnwrittenResponses.Write how) {
        if (unwritten.get(r.id()) != null || unreachable.getAsBoolean() || storeAway && !unwritten.isEmpty()) {
            keep(r, how, null); // after its kept state; or the store is away: the rewrite round tries it
            return;
        }
        try {
            apply(r, how);
            storeAway = false;
            writtenSinceRound = true;
        } catch (RuntimeException e) {
            storeAway = rows.storeAway(e);
            if (rows.unreachable(e)) foundUnreachable.accept(e);
            keep(r, how, e);
        }
    }

    /** One write as {@code how} says (on the worker); throws what the store threw. */
    private void apply(StoredResponse r, UnwrittenResponses.Write how) {
        switch (how) {
            case INSERT -> rows.insert(r);
            case INSERT_RUNNING -> rows.insertRunning(r, clock.getAsLong());
            case SETTLE -> {
                if (rows.settle(r)) recent.put(r.id(), r);
                else adoptStored(r.id(), r.owner());
            }
        }
    }

    /** Keeps a refused write (on the worker), gives up the oldest beyond the bounds (logged), and has it tried again. */
    private void keep(StoredResponse r, UnwrittenResponses.Write how, RuntimeException cause) {
        boolean first = unwritten.isEmpty();
        java.util.List<StoredResponse> dropped = unwritten.keep(r, how, cause != null);
        if (dropped.size() == 1 && dropped.get(0) == r) { // an earlier state was given up (and counted): so is this one
            log.debug("response {} is lost: an earlier state of it was given up, its write refused", r.id());
            recent.invalidate(r.id());
            return;
        }
        recent.put(r.id(), r); // a read on the worker just before may have put the table's older row over it
        for (StoredResponse gone : dropped) {
            log.debug("response {} is lost: its write was refused, and more unwritten responses came than memory keeps", gone.id());
            recent.invalidate(gone.id());
        }
        if (!dropped.isEmpty()) {
            droppedUnlogged += dropped.size();
            long nowNanos = System.nanoTime();
            if (droppedLoggedAt == 0 || nowNanos - droppedLoggedAt >= TimeUnit.MILLISECONDS.toNanos(DROPPED_LOG_EVERY_MILLIS)) {
                logDropped(dropped.get(0).id());
                droppedLoggedAt = nowNanos == 0 ? 1 : nowNanos;
            }
        }
        if (cause != null && first) {
            log.warn("response {} could not be stored ({}); kept in memory and written again when the store answers "
                    + "(until then it is read from memory here)", r.id(), cause.getMessage());
        } else if (cause != null) {
            log.debug("response {} could not be stored either ({}); kept, {} waiting", r.id(), cause.getMessage(), unwritten.size());
        }
        // kept untried while the store is away: the round that tries it comes soon, whatever the back-off has grown to
        scheduleRewrite(cause == null && storeAway ? Math.min(rewriteDelay, rewriteNewMillis) : rewriteDelay);
    }

    /** Answers given up at memory's bound and not yet in an ERROR line (on the worker). */
    private long droppedUnlogged;
    /** When the last such line was logged ({@link System#nanoTime}), or 0: one a minute in a long outage, not one an answer. */
    private long droppedLoggedAt;
    static final long DROPPED_LOG_EVERY_MILLIS = 60_000;

    private void logDropped(String newest) {
        if (droppedUnlogged == 0) return;
        log.error("stored responses: {} answers lost (the newest {}): their writes were refused, and more unwritten responses "
                + "came than memory keeps ({} or {} chars); ids at DEBUG", droppedUnlogged, newest,
                UnwrittenResponses.MAX_RESPONSES, UnwrittenResponses.MAX_CHARS);
        droppedUnlogged = 0;
    }

    /**
     * Tries the kept writes again in {@code delay} ms, unless a try is already due by then (on the worker): one due later
     * is brought forward.
     */
    private void scheduleRewrite(long delay) {
        if (draining.getAsBoolean() || unwritten.isEmpty()) return;
        long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        if (rewriteDue && (at - rewriteAtNanos >= 0 || !vertx.cancelTimer(rewriteTimer))) return; // sooner, or firing now
        rewriteDue = true;
        rewriteAtNanos = at;
        rewriteTimer = vertx.setTimer(Math.max(1, delay), t -> {
            if (draining.getAsBoolean()) return;
            onWorker.apply(() -> {
                rewriteDue = false;
                if (!unreachable.getAsBoolean()) rewrite(); // else the probe tries them once the store answers, not this worker now
                return null;
            }).onFailure(e -> log.warn("stored responses: unwritten answers not tried again now: {}", e.getMessage()));
        });
    }

    /**
     * Writes the kept responses again (on the worker): those kept untried first (kept while the store was away), then
     * the others oldest first. A write that fails for a reason that may pass (the store away: {@link ResponseRows#storeAway})
     * goes last and ends the round, whatever was written before it: a store that fails over again after forty writes is
     * not asked three thousand more times, each a pool timeout on the one worker. When the store took others since the
     * last round began (in this round, or new writes between), that failure is the row's own (a row too large for a disk
     * the smaller ones still fit on): a slip, and {@link #storeAway} stays unset, so new answers are still tried at once;
     * given up at {@link UnwrittenResponses#MAX_SLIPS}. A write that has slipped before and fails first in a round does not
     * set {@link #storeAway} either (the next new answer's try judges the store). A refusal that is not transient ends the
     * round when the store took nothing since the last round (it refuses all: read-only, say); else it is refused for
     * itself, struck, and given up at {@link UnwrittenResponses#MAX_STRIKES}. A row already there (an earlier try that
     * failed after its commit) counts as written. The back-off doubles while the store takes nothing, from
     * {@link #rewriteFirstMillis} to {@link #REWRITE_MAX_MILLIS}, and starts over once a write passes.
     */
    private void rewrite() {
        boolean any = false;
        boolean takenBefore = writtenSinceRound;
        writtenSinceRound = false;
        int before = unwritten.size();
        for (UnwrittenResponses.Kept k : unwritten.inOrder()) {
            StoredResponse r = k.response();
            if (unwritten.get(r.id()) != k) continue; // changed (deleted, or a newer state) since the copy was taken
            try {
                apply(r, k.how());
                unwritten.written(r.id());
                storeAway = false;
                any = true;
            } catch (RuntimeException refused) {
                RuntimeException e = refused;
                if (k.how() != UnwrittenResponses.Write.SETTLE && dev.switchboard.store.Database.uniqueViolation(e) != null) {
                    // written by an earlier try whose answer was lost. An INSERT may be a running row and its end kept as
                    // one: the row there may be the running one, so it is settled (an answer's row, never running, is
                    // left as it is, and read back)
                    e = k.how() == UnwrittenResponses.Write.INSERT ? settleInstead(r) : null;
                }
                boolean takesOthers = any || takenBefore;
                if (e == null) {
                    unwritten.written(r.id());
                    storeAway = false;
                    any = true;
                } else if (rows.storeAway(e)) {
                    if (rows.unreachable(e)) foundUnreachable.accept(e);
                    // the store takes others: this row fails for itself (or the store went away just now: one slip)
                    storeAway = !takesOthers && k.slips() == 0;
                    if (takesOthers && unwritten.slipped(r.id())) {
                        log.error("response {} is lost: its write failed {} rounds while the store took others ({})", r.id(),
                                UnwrittenResponses.MAX_SLIPS, e.getMessage());
                        recent.invalidate(r.id());
                    }
                    unwritten.toTail(r.id()); // the round ends: a store away again is not asked once a kept answer
                    break;
                } else if (!takesOthers) {
                    storeAway = false; // it answered, refusing
                    unwritten.toTail(r.id()); // next round begins with another: one the store refuses for itself holds none up
                    break;
                } else if (unwritten.struck(r.id())) {
                    log.error("response {} is lost: the store refused its write {} times while it took others ({})", r.id(),
                            UnwrittenResponses.MAX_STRIKES, e.getMessage());
                    recent.invalidate(r.id());
                }
            }
        }
        if (unwritten.isEmpty()) {
            logDropped("-"); // the rest of the outage's losses, not logged yet
            rewriteDelay = rewriteFirstMillis;
            log.info("stored responses: the {} answers kept while the store refused them are written", before);
            return;
        }
        rewriteDelay = any || takenBefore ? rewriteFirstMillis : Math.min(REWRITE_MAX_MILLIS, rewriteDelay * 2);
        scheduleRewrite(rewriteDelay);
    }

    /**
     * Settles the row an INSERT found already there (on the worker): null when done, else the failure, the write then kept
     * as a settle ({@link UnwrittenResponses#writeAs}).
     */
    private RuntimeException settleInstead(StoredResponse r) {
        try {
            apply(r, UnwrittenResponses.Write.SETTLE);
            return null;
        } catch (RuntimeException e) {
            unwritten.writeAs(r.id(), UnwrittenResponses.Write.SETTLE);
            return e;
        }
    }

    /** The table's copy replaces the memory one (on the worker): it holds the end that was written first. */
    private void adoptStored(String id, String owner) {
        StoredResponse stored = rows.find(id, owner, clock.getAsLong());
        if (stored != null) recent.put(id, stored);
        else recent.invalidate(id); // no row (deleted elsewhere, or expired): the copy here is stale
    }
}
