package dev.switchboard.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.store.ResponseRows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses API's stored answers, for {@code previous_response_id} and {@code GET/DELETE /v1/responses/{id}}.
 *
 * <p>Nothing here blocks an event loop: the database is used on one worker thread, in the order the calls came
 * (a save is always written before a later read or delete of the same id reaches the table), and the newest
 * answers are also held in memory, so the usual tool loop (each turn continues the one just answered) reads no
 * row at all. Writes are not awaited by the answer: a save that the store refuses (down, or failing) is kept in memory
 * and written again with back-off until the store takes it ({@link UnwrittenResponses}, bounded), and every read here
 * answers the kept copy meanwhile, so an answer the client was told is stored does not read as missing. While the
 * store cannot be reached at all ({@link #unreachable}), a read of an answer not held in memory fails at once (503) instead
 * of waiting out the pool's timeout, until a probe off the worker finds it answering again.
 *
 * <p>With several gateways on one database, the answering gateway's row may still be queued when the client's next
 * request (a {@code GET}, a {@code previous_response_id}) reaches another gateway. A miss there for an id that says it
 * was made in the last {@link #RECENT_ID_MILLIS} ({@link ResponseIds}) is looked up again every
 * {@link #LOOK_EVERY_MILLIS} for up to {@link #WAIT_MILLIS}, on a thread of its own (one pooled connection at most), before
 * it is answered as missing; any other miss is answered at once, and at most {@link #MAX_WAITERS} misses wait at a time
 * (the others are answered at once too), so ids made up to look recent cost a bounded wait and a bounded load.
 */
public final class StoredResponses {
    private static final Logger log = LoggerFactory.getLogger(StoredResponses.class);
    /** Answers kept in memory besides the table: the recent ones a tool loop continues. */
    private static final int RECENT = 10_000;
    private static final long PURGE_EVERY_MILLIS = 3_600_000;
    /** Reads a stored conversation for an item reference the memory index no longer has (one mapper, made once). */
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    /** The characters of output items kept in memory for item references (16 Mi: about 32 MiB); older ones come from the table. */
    private static final long ITEM_CHARS = 16L << 20;

    private final ResponseRows rows;
    private final Vertx vertx;
    private final WorkerExecutor worker;
    private final long retentionMillis;
    private final LongSupplier clock;
    private final Cache<String, StoredResponse> recent;
    /** Output items of the recent answers by item id, for {@code item_reference} inputs (see {@link #findItems}). */
    private final Cache<String, StoredItem> items;
    private final BackgroundRuns background = new BackgroundRuns();
    /**
     * How long a streamed background response's events stay to be resumed after it ended (OpenAI keeps each event at
     * least ten minutes); a stream still running is never dropped for its age.
     */
    public static final long EVENTS_KEPT_MILLIS = 10 * 60_000;
    /**
     * The most event streams kept (running or recently ended; the oldest go first): a stream holds every event it sent,
     * about twice its answer's size, so a thousand long answers are a few hundred MiB at most.
     */
    static final int EVENT_STREAMS = 1_000;
    /** The event streams of streamed background responses, running or ended less than {@link #EVENTS_KEPT_MILLIS} ago. */
    private final Cache<String, BackgroundEvents> events = Caffeine.newBuilder().maximumSize(EVENT_STREAMS)
            .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, BackgroundEvents>() {
                @Override
                public long expireAfterCreate(String id, BackgroundEvents e, long now) { return keep(e); }

                @Override
                public long expireAfterUpdate(String id, BackgroundEvents e, long now, long current) { return keep(e); }

                @Override
                public long expireAfterRead(String id, BackgroundEvents e, long now, long current) { return current; }

                private long keep(BackgroundEvents e) {
                    return e.ended() ? TimeUnit.MILLISECONDS.toNanos(EVENTS_KEPT_MILLIS) : Long.MAX_VALUE;
                }
            }).executor(Runnable::run).build();

    /**
     * How often this gateway tells the table its background responses still run ({@link ResponseRows#beat}), and looks
     * whether one was ended elsewhere (a cancel through another gateway on the same database). System property
     * {@code switchboard.responses.runner_beat_ms} (tests); default 10 s.
     */
    private final long beatMillis = Long.getLong("switchboard.responses.runner_beat_ms", 10_000L);
    /** A runner silent this long is taken for gone (six beats: a slow store or a long pause is not a death). */
    private final long leaseMillis = 6 * beatMillis;
    /** What a response whose runner is gone ends as (the Responses dialect's failed object); null: left as stored. */
    private volatile java.util.function.UnaryOperator<StoredResponse> lostRun;

    /**
     * Runs {@code work} on {@link #worker} after every task submitted to it before, from whichever thread or event loop:
     * the one thread takes them first come, first served. Not Vert.x's {@code ordered} mode: that orders a context's tasks
     * in one queue with the same context's other ordered blocking work on any pool, so an answer's write queued behind
     * such work on one context let a read or delete arriving on another context (the client's next request on another
     * connection, which may share the event loop thread) run first — a GET right after the answer found no row and answered 404, and a delete was undone
     * by the late write (StoredResponsesOrderTest).
     */
    private <T> Future<T> inOrder(java.util.concurrent.Callable<T> work) {
        return worker.executeBlocking(work, false);
    }

    /**
     * One use of the table (on the worker, or the lookout): while the store is known unreachable ({@link #unreachable})
     * it fails at once with {@link #storeUnavailable}, without asking; a failure for want of a connection sets
     * {@link #unreachable} and is answered so too; another failure that may pass ({@link ResponseRows#storeAway}: a
     * statement timeout, a serialization failure, a full disk, SQLite busy or I/O) is answered 503 as well
     * ({@link #storeFailed}) without setting it (the next use asks again); any other failure is thrown as it came.
     */
    private <T> T fromStore(java.util.function.Supplier<T> use) {
        if (unreachable) throw storeUnavailable();
        try {
            return use.get();
        } catch (RuntimeException e) {
            if (rows.unreachable(e)) {
                foundUnreachable(e);
                throw storeUnavailable();
            }
            if (e instanceof dev.switchboard.store.StoreException && rows.storeAway(e)) {
                // the old code answered a read so 404 (taken for missing), then a 500 with a stack trace (review)
                log.warn("stored responses: the store failed a use ({}); answered 503 {}", e.getMessage(), STORE_UNAVAILABLE);
                throw storeFailed();
            }
            throw e;
        }
    }

    /**
     * What a use of the table (a read; a DELETE, a cancel) answers while the store cannot be reached: 503, retried by
     * OpenAI's SDKs. Not a 404: an id that could not be looked up is not known to be missing (the old code's {@code GET}
     * answered 404 after the pool's timeout, and a client would have taken its conversation for deleted).
     */
    static dev.switchboard.model.GatewayException storeUnavailable() {
        return new dev.switchboard.model.GatewayException(dev.switchboard.model.ErrorKind.UNAVAILABLE, 503,
                "Stored responses cannot be used now: the gateway's store does not answer. Retry shortly.", null,
                STORE_UNAVAILABLE, null, 1L);
    }

    /** The same 503 when the store answered but failed this use for a reason that may pass ({@link #fromStore}). */
    static dev.switchboard.model.GatewayException storeFailed() {
        return new dev.switchboard.model.GatewayException(dev.switchboard.model.ErrorKind.UNAVAILABLE, 503,
                "Stored responses cannot be used now: the gateway's store failed this request. Retry shortly.", null,
                STORE_UNAVAILABLE, null, 1L);
    }

    static boolean isStoreUnavailable(Throwable t) {
        return t instanceof dev.switchboard.model.GatewayException g && STORE_UNAVAILABLE.equals(g.code());
    }

    /**
     * A use of the store failed for want of a connection (any thread): reads here stop asking it until it answers again,
     * and a probe is set to find out when ({@link #probe}).
     */
    void foundUnreachable(Throwable e) {
        failures.incrementAndGet(); // before the flag: a probe that read the count before this failure does not clear it
        boolean was = unreachable;
        unreachable = true;
        if (!was) {
            log.warn("stored responses: the store cannot be reached ({}); until it answers, reads of answers not held in "
                    + "memory here fail at once (503 {}); probed every {} ms", e.getMessage(), STORE_UNAVAILABLE, probeMillis);
        }
        if (probing.compareAndSet(false, true)) armProbe();
    }

    /** Sets the probe's timer ({@link #probing} is held), or lets {@link #probing} go at shutdown. */
    private void armProbe() {
        if (draining) {
            probing.set(false);
            return;
        }
        probeTimer = vertx.setTimer(probeMillis, t -> probe());
    }

    /**
     * Asks the store whether it answers (one trivial query on {@link #prober}: it may wait the pool's timeout, so with
     * PostgreSQL down a probe ends every {@link #probeMillis} plus that timeout), again until it does; then reads go to
     * the table again, and the kept writes are tried at once (their rounds wait for this while the store is
     * unreachable). The flag is cleared only when no use failed for want of a connection while the probe asked
     * ({@link #failures}): a read that failed so after the probe's query passed (a blip) is newer evidence, and the store
     * is probed again instead of being taken as back (review: the next read then waited the pool's timeout again).
     */
    private void probe() {
        if (draining) return;
        long seen = failures.get();
        java.util.function.Consumer<String> hook = probeHook;
        if (hook != null) hook.accept("query");
        Future<Boolean> asked;
        try {
            asked = prober.executeBlocking(() -> {
                boolean ok = rows.answers();
                java.util.function.Consumer<String> h = probeHook;
                if (ok && h != null) h.accept("answered");
                return ok;
            }, false);
        } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException closed) {
            probing.set(false); // drain closed the probe's thread after this timer fired (review: it threw from the timer)
            if (hook != null) hook.accept("closed");
            return;
        }
        asked.onComplete(ar -> {
            if (draining) return;
            if (ar.failed() || !ar.result()) {
                armProbe(); // still down: ask again
                return;
            }
            java.util.function.Consumer<String> h = probeHook;
            if (failures.get() != seen) { // a use failed for want of a connection while it asked: the newer word
                if (h != null) h.accept("again");
                armProbe();
                return;
            }
            unreachable = false;
            probing.set(false);
            if (failures.get() != seen) { // one failed just now: its flag may have been set before the clear above
                unreachable = true;
                if (probing.compareAndSet(false, true)) armProbe();
                if (h != null) h.accept("again");
                return;
            }
            if (h != null) h.accept("cleared");
            log.info("stored responses: the store answers again; reads go to the table");
            inOrder(() -> {
                if (!draining && !unreachable) writes.tryKeptNow();
                return null;
            }).onFailure(e -> log.warn("stored responses: unwritten answers not tried again now: {}", e.getMessage()));
        });
    }

    /** Whether the store is taken for unreachable now (tests). */
    boolean unreachableNow() { return unreachable; }

    /**
     * The store cannot be reached now: a use of it here failed for want of a connection ({@link ResponseRows#unreachable}:
     * the pool's timeout, a connection refused or lost; not a full disk), and the probe ({@link #probe}) has not found it
     * answering since, with no such failure while it asked. Only the probe clears it: no write is tried while it is set
     * (new answers are kept, the rounds wait). While so, nothing here waits on the table: a read of an answer not held in memory fails at once with
     * {@link #storeUnavailable} (it waited out the pool's timeout, 5 s, on the one worker, each read queued behind the
     * last), the rewrite rounds wait for the probe, and the beat, the look for deletions and the purge skip the table.
     * Reads of answers in memory (kept or recent: {@code GET}, {@code previous_response_id}, item references) answer
     * from memory as they did when the table failed; what must change the table answers 503 too — a {@code DELETE} of
     * an answer already written (or tried), a cancel that must write its end ({@link #settleElsewhere}, {@link #overwrite}).
     * Volatile: the lookout and
     * the probe read it off the worker.
     */
    private volatile boolean unreachable;
    /**
     * How long after the store was found unreachable, and between its failed probes, it is probed again (one trivial
     * query at a time, on a thread of its own, never on a request's path). System property
     * {@code switchboard.responses.store_probe_ms} (tests); default 1 s.
     */
    private final long probeMillis = Long.getLong("switchboard.responses.store_probe_ms", 1_000L);
    /** A probe is set or running ({@link #probe}). */
    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * How many uses have failed for want of a connection ({@link #foundUnreachable}): a probe clears {@link #unreachable}
     * only when this did not move while it asked.
     */
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    /** The probe's timer, cancelled at shutdown with the others ({@link #drain}). */
    private volatile long probeTimer = -1;
    /**
     * Tests only: told "query" as a probe is about to ask (on its timer), "answered" when the store answered it (on the
     * probe's thread, before the answer is acted on), "closed" when shutdown closed the probe's thread first.
     */
    volatile java.util.function.Consumer<String> probeHook;
    /** The probe's thread: its query waits up to the pool's timeout, and must hold up neither the worker nor the lookout. */
    private final WorkerExecutor prober;
    /** The code of the 503 a read answers while the store cannot be reached ({@link #storeUnavailable}). */
    public static final String STORE_UNAVAILABLE = "response_store_unavailable";

    /** The table's writes, and those the store refused, kept and tried again ({@link ResponseWrites}). */
    private final ResponseWrites writes;
    /** The writes the store refused ({@link ResponseWrites#kept}): a kept copy is what reads here answer; on the worker only. */
    private final UnwrittenResponses unwritten;

    /** The periodic purge, beat and look for deletions: cancelled at shutdown, before the worker they run on closes. */
    private final long[] timers = new long[3];
    /** Set at shutdown: a timer already firing queues nothing more on the closing worker. */
    private volatile boolean draining;

    /** One output item as it was answered (its JSON), whose it is, the response it came in and until when. */
    private record StoredItem(String owner, String responseId, long expiresAt, String json) {}

    /**
     * How often this gateway reads what other gateways on the same database deleted ({@link ResponseRows#deletedSince}),
     * to forget it here too. System property {@code switchboard.responses.deletions_poll_ms} (tests); default 2 s.
     */
    private final long deletionsPollMillis = Long.getLong("switchboard.responses.deletions_poll_ms", 2_000L);
    /** Each look re-reads this much before the last one: a deletion stamped before its transaction committed is not missed. */
    static final long DELETIONS_OVERLAP_MILLIS = 10_000;
    /** How long deletions stay in the table; a gateway that could not read them for longer forgets everything it holds. */
    static final long DELETIONS_KEPT_MILLIS = 3_600_000;
    /** From when the next look reads deletions (the deletions' clock), or Long.MIN_VALUE before the first look. */
    private long deletionsFrom = Long.MIN_VALUE;
    /** When the deletions were last read (this host's clock). */
    private long deletionsReadAt;
    /** The ids the last look found: the overlap brings them again, and they are forgotten once. */
    private java.util.Set<String> deletionsSeen = java.util.Set.of();

    /** A miss for an id made less than this before (by the time in it) is waited for: another gateway's write may be queued. */
    static final long RECENT_ID_MILLIS = 2_000;
    /** How long such a miss waits at most for the row to appear. */
    static final long WAIT_MILLIS = 500;
    /** How often it looks. */
    static final long LOOK_EVERY_MILLIS = 10;
    /** The most misses waiting at once; a miss beyond is answered at once, as any other. */
    static final int MAX_WAITERS = 32;
    /**
     * The most misses of one key waiting at once, within {@link #MAX_WAITERS}: a key's made-up recent ids (a GET costs no
     * budget) cannot take every slot and so switch the wait off for every other key's real misses.
     */
    static final int MAX_WAITERS_PER_KEY = 4;
    /** A miss of a recent id waits here for another gateway's row ({@link #writtenElsewhere}). */
    private final RecentMissWaits elsewhere;

    public StoredResponses(Vertx vertx, ResponseRows rows, long retentionMillis, LongSupplier clock) {
        this.rows = rows;
        this.retentionMillis = retentionMillis;
        this.clock = clock;
        this.vertx = vertx;
        this.worker = vertx.createSharedWorkerExecutor("switchboard-responses", 1);
        this.prober = vertx.createSharedWorkerExecutor("switchboard-responses-probe", 1);
        this.elsewhere = new RecentMissWaits(vertx, clock, this::fromTable, () -> draining);
        this.recent = Caffeine.newBuilder().maximumSize(RECENT).executor(Runnable::run).build();
        this.writes = new ResponseWrites(rows, vertx, clock, recent, this::inOrder, () -> unreachable, this::foundUnreachable,
                () -> draining);
        this.unwritten = writes.kept();
        // bounded by their text (about 2 bytes a char), not their count: one answer's message can be long
        this.items = Caffeine.newBuilder().maximumWeight(ITEM_CHARS).weigher((String k, StoredItem v) -> v.json().length() + k.length())
                .executor(Runnable::run).build();
        timers[0] = vertx.setPeriodic(1_000, PURGE_EVERY_MILLIS, id -> purge());
        timers[1] = vertx.setPeriodic(beatMillis, id -> beat());
        this.deletionsReadAt = clock.getAsLong();
        timers[2] = vertx.setPeriodic(deletionsPollMillis, id -> lookForDeletions());
    }

    /**
     * Forgets here what was deleted through another gateway on the same database (its memory copy, its output items, its
     * event stream), so that a conversation deleted there cannot be continued here. On the worker, after the writes queued
     * before it.
     */
    private void lookForDeletions() {
        if (draining) return;
        long local = clock.getAsLong();
        inOrder(() -> {
            if (unreachable) return null; // read once it answers (deletionsReadAt says how long they went unread)
            boolean first = deletionsFrom == Long.MIN_VALUE;
            if (!first && local - deletionsReadAt > DELETIONS_KEPT_MILLIS - DELETIONS_OVERLAP_MILLIS) {
                // the table was out of reach for longer than it keeps deletions: some may be gone unseen
                log.warn("stored responses: deletions unread for {} s; forgetting the {} answers held in memory (the table has them)",
                        (local - deletionsReadAt) / 1000, recent.estimatedSize());
                recent.invalidateAll();
                items.invalidateAll();
                first = true;
            }
            long since = first ? Long.MIN_VALUE : deletionsFrom;
            ResponseRows.Deletions d = fromStore(() -> rows.deletedSince(since, local));
            java.util.Set<String> fresh = new java.util.HashSet<>(d.ids());
            fresh.removeAll(deletionsSeen);
            forget(fresh);
            deletionsSeen = d.ids();
            deletionsFrom = d.readAt() - DELETIONS_OVERLAP_MILLIS;
            deletionsReadAt = local;
            return null;
        }).onFailure(e -> log.debug("stored responses: deletions not read now: {}", e.getMessage()));
    }

    /**
     * Drops these responses from memory: their output items and event streams, then their copies (last: once a response
     * reads as gone, nothing of it is left to be referenced).
     */
    private void forget(java.util.Set<String> ids) {
        if (ids.isEmpty()) return;
        items.asMap().values().removeIf(i -> ids.contains(i.responseId()));
        events.invalidateAll(ids);
        for (String id : ids) unwritten.remove(id); // a kept write of it would bring it back (callers are on the worker)
        recent.invalidateAll(ids);
    }

    /**
     * How a background response whose runner is gone (silent for six beats: a gateway that crashed, or lost the store)
     * ends when a gateway reads it: {@code failed} maps the stored running response to its failed end. Set by the
     * Responses API, which knows the object's shape; until then such a response reads as stored.
     */
    public void endLostRunsAs(java.util.function.UnaryOperator<StoredResponse> failed) { this.lostRun = failed; }

    /** How long an answer is kept (the retention setting), in milliseconds. */
    public long retentionMillis() { return retentionMillis; }

    /** The time a response created now expires at. */
    public long expiresAt(long createdMillis) { return createdMillis + retentionMillis; }

    /** A new event stream for a streamed background response. */
    public BackgroundEvents openEvents(String id, String owner) {
        BackgroundEvents e = new BackgroundEvents(owner);
        events.put(id, e);
        return e;
    }

    /** Ends a background response's event stream; it is kept {@link #EVENTS_KEPT_MILLIS} from now. */
    public void endEvents(String id, BackgroundEvents e) {
        e.end();
        if (events.getIfPresent(id) == e) {
            events.policy().expireVariably().ifPresent(p -> p.setExpiresAfter(id, java.time.Duration.ofMillis(EVENTS_KEPT_MILLIS)));
        }
    }

    /** The owner's background event stream with this id, when this gateway still has it; else null. */
    public BackgroundEvents findEvents(String id, String owner) {
        BackgroundEvents e = events.getIfPresent(id);
        return e != null && e.owner().equals(owner) ? e : null;
    }

    /** The background responses this gateway is answering now. */
    public BackgroundRuns background() { return background; }

    /**
     * Writes a background response's end, unless another end was written first (a cancel through another gateway, or a
     * reader that found this gateway silent): in memory at once, in the table on the worker, after the save it follows
     * (one worker, in order); when the table holds another end, the memory copy becomes that one. Once written, the end
     * is put in memory again: a {@link #read} already on the worker when the end came may have read the running row and
     * put it over the end, and a {@code previous_response_id} would then be refused as still running.
     */
    public void replace(StoredResponse r) {
        recent.put(r.id(), r);
        inOrder(() -> {
            writes.write(r, UnwrittenResponses.Write.SETTLE);
            return null;
        }).onFailure(e -> log.warn("response {} could not be updated: {}", r.id(), e.getMessage()));
    }

    /**
     * Writes the end of a background response this gateway does not run (a cancel of one running on another gateway, or
     * left by a crashed one): the record written, or, when another end came first, that end as stored.
     */
    public Future<StoredResponse> settleElsewhere(StoredResponse r) {
        return inOrder(() -> fromStore(() -> {
            if (rows.settle(r)) {
                recent.put(r.id(), r);
                return r;
            }
            StoredResponse now = rows.find(r.id(), r.owner(), clock.getAsLong());
            if (now != null) recent.put(now.id(), now);
            return now == null ? r : now;
        }));
    }

    /** Keeps a background response as it starts: in memory at once, in the table on the worker, running ({@link #beat}). */
    public void saveRunning(StoredResponse r) {
        recent.put(r.id(), r);
        inOrder(() -> {
            writes.write(r, UnwrittenResponses.Write.INSERT_RUNNING);
            return null;
        }).onFailure(e -> log.warn("response {} could not be stored: {}", r.id(), e.getMessage()));
    }

    /**
     * Tells the table this gateway's background responses still run, then stops those that were ended elsewhere (a
     * cancel through another gateway, or a reader that took this gateway for gone): their calls are cancelled and their
     * stored end is theirs. On the worker, after the writes queued before it.
     */
    private void beat() {
        if (draining) return;
        java.util.Map<String, BackgroundRuns.Run> running = background.snapshot();
        if (running.isEmpty()) return;
        long now = clock.getAsLong();
        inOrder(() -> {
            if (unreachable) return null; // the probe finds when it answers; a beat would only wait the pool's timeout
            ResponseRows.Ends ends = fromStore(() -> {
                rows.beat(running.keySet(), now);
                return rows.ends(running.keySet());
            });
            for (String gone : ends.missing()) {
                if (unwritten.get(gone) != null) continue; // its row is not written yet: the store refused it
                // deleted (through another gateway: this one refuses while it runs), or never stored: no end can be kept
                BackgroundRuns.Run run = running.get(gone);
                if (!run.settle(run.stopped().get())) continue;
                log.info("background response {} is no longer stored; stopping its call here", gone);
                recent.invalidate(gone);
                vertx.runOnContext(v -> run.cancellation().cancel()); // on an event loop, as a cancel request's is
            }
            for (StoredResponse ended : ends.ended()) {
                BackgroundRuns.Run run = running.get(ended.id());
                // a cancel ends its stream as cancelled; an end by a reader that took this gateway for gone, as failed
                boolean cancelled = ended.body().contains("\"status\":\"cancelled\"");
                if (run == null || !run.owner().equals(ended.owner()) || !(cancelled ? run.cancel(ended) : run.settle(ended))) {
                    continue; // it ended here first
                }
                log.info("background response {} was ended elsewhere ({}); stopping its call here", ended.id(),
                        cancelled ? "cancelled" : "taken for lost");
                recent.put(ended.id(), ended);
                vertx.runOnContext(v -> run.cancellation().cancel()); // on an event loop, as a cancel request's is
            }
            return null;
        }).onFailure(e -> log.warn("background responses: beat not written: {}", e.getMessage()));
    }

    /**
     * Keeps an answer: in memory at once, in the table on the worker (a write the store refuses is kept and tried again:
     * {@link ResponseWrites#write}).
     */
    public void save(StoredResponse r) {
        recent.put(r.id(), r);
        inOrder(() -> {
            writes.write(r, UnwrittenResponses.Write.INSERT);
            return null;
        }).onFailure(e -> log.warn("response {} could not be stored: {}", r.id(), e.getMessage()));
    }

    /** Answers kept in memory because the store refused their write, waiting to be written (any thread: a gauge). */
    public int unwrittenCount() { return unwritten.size(); }

    /** Answers given up since start: memory's bound reached while the store refused writes, or refused for good. */
    public long lostCount() { return unwritten.lost(); }

    /** The strikes of the kept write of this id, or -1 when none is kept (tests; after the work queued before). */
    Future<Integer> strikesOf(String id) {
        return inOrder(() -> {
            UnwrittenResponses.Kept k = unwritten.get(id);
            return k == null ? -1 : k.strikes();
        });
    }

    /** The kept (unwritten) state of the owner's unexpired response, or null (on the worker). */
    private StoredResponse unwrittenOf(String id, String owner, long now) {
        UnwrittenResponses.Kept k = unwritten.get(id);
        return k != null && k.response().owner().equals(owner) && k.response().expiresAt() > now ? k.response() : null;
    }

    /**
     * Keeps an answer's output items by their ids, for a later request that names them by {@code item_reference}
     * (the Vercel AI SDK's default with {@code store: true}): in memory; older ones are found in the table.
     * Two stored responses may hold one item id: a response-cache hit through the OpenAI pass-through keeps OpenAI's own
     * item ids (a client sends them back to OpenAI, which looks them up). That is harmless: such items are the same
     * cached item byte for byte, so a reference resolves to the same JSON whichever response holds it (the index keeps the
     * newest, the table the newest unexpired one: deleting either response leaves it found in the other), and
     * {@code input_items} reads a response's own row, never by item id.
     */
    public void indexItems(String owner, String responseId, long expiresAt, com.fasterxml.jackson.databind.node.ArrayNode output) {
        for (com.fasterxml.jackson.databind.JsonNode item : output) {
            String id = item.path("id").asText(null);
            if (id != null && !id.isEmpty()) items.put(id, new StoredItem(owner, responseId, expiresAt, item.toString()));
        }
    }

    /**
     * The owner's unexpired items with these ids (id → item JSON); an id no stored answer of the owner holds is missing
     * from the map. Memory first; the rest from the table, on the worker.
     */
    public Future<java.util.Map<String, String>> findItems(java.util.Collection<String> ids, String owner) {
        long now = clock.getAsLong();
        java.util.Map<String, String> found = new java.util.HashMap<>();
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (String id : ids) {
            StoredItem i = items.getIfPresent(id);
            if (i != null && i.owner().equals(owner) && i.expiresAt() > now) found.put(id, i.json());
            else missing.add(id);
        }
        if (missing.isEmpty()) return Future.succeededFuture(found);
        return inOrder(() -> {
            for (String id : missing) {
                String conversation = fromStore(() -> rows.conversationWithItem(id, owner, now));
                if (conversation == null) continue;
                for (com.fasterxml.jackson.databind.JsonNode item : MAPPER.readTree(conversation)) {
                    if (id.equals(item.path("id").asText(null))) found.put(id, item.toString());
                }
            }
            return found;
        });
    }

    /** The owner's answer as this gateway holds it in memory now (the newest state of a background response), or null. */
    public StoredResponse inMemory(String id, String owner) {
        StoredResponse r = recent.getIfPresent(id);
        return r != null && r.owner().equals(owner) ? r : null;
    }

    /**
     * The owner's unexpired answer, or null: memory first (the tool loop's {@code previous_response_id} reads no row),
     * else the table ({@link #fromTable}).
     */
    public Future<StoredResponse> find(String id, String owner) {
        long now = clock.getAsLong();
        StoredResponse r = recent.getIfPresent(id);
        if (r != null) return Future.succeededFuture(r.owner().equals(owner) && r.expiresAt() > now ? r : null);
        return inOrder(() -> {
                    StoredResponse kept = unwrittenOf(id, owner, now); // the store refused it: this is its only copy
                    return kept != null ? kept : fromTable(id, owner, now);
                })
                .compose(found -> found != null ? Future.succeededFuture(found) : writtenElsewhere(id, owner));
    }

    /** A miss here: waited for when its id is recent, since another gateway's write may be queued ({@link RecentMissWaits}). */
    private Future<StoredResponse> writtenElsewhere(String id, String owner) { return elsewhere.waitFor(id, owner); }

    /**
     * The owner's unexpired answer as the table has it now, or null — for {@code GET}, cancel and input items, so that
     * what another gateway on the same database did to it (a cancel, a delete, its end) shows here; the memory copy is
     * brought up to date (or dropped) with it. Memory alone when the table cannot be read; an id not held in memory then
     * fails (503 {@link #STORE_UNAVAILABLE} when the store cannot be reached, at once once that is known: {@link #unreachable}),
     * never a 404. After the writes queued before it (one worker, in order), so this gateway's own latest state is there.
     */
    public Future<StoredResponse> read(String id, String owner) {
        long now = clock.getAsLong();
        return inOrder(() -> {
            StoredResponse kept = unwrittenOf(id, owner, now);
            if (kept != null) { // the store refused its (latest) write: the table has nothing or an older state
                recent.put(id, kept);
                return new Read(kept, true);
            }
            StoredResponse r;
            try {
                r = fromTable(id, owner, now);
            } catch (RuntimeException e) {
                StoredResponse m = recent.getIfPresent(id);
                // not held here: it could not be looked up, which is not "not found" (503 while the store is unreachable)
                if (m == null) throw e;
                if (!isStoreUnavailable(e)) log.warn("response {}: the table could not be read ({}); answering from memory", id, e.getMessage());
                return new Read(m.owner().equals(owner) && m.expiresAt() > now ? m : null, true);
            }
            StoredResponse m = recent.getIfPresent(id);
            boolean known = m != null && m.owner().equals(owner);
            if (known) {
                if (r == null) recent.invalidate(id); // deleted, through this gateway or another
                else recent.put(id, r);
            }
            return new Read(r, known);
        }).compose(read -> read.row() != null || read.settled() ? Future.succeededFuture(read.row()) : writtenElsewhere(id, owner));
    }

    /** What {@link #read} found, and whether a miss is final (the memory copy said it was deleted; the table was unreadable). */
    private record Read(StoredResponse row, boolean settled) {}

    /**
     * A row as the table has it (on the worker). A background response the table says runs, whose runner (another
     * gateway, or this one before a crash) has been silent for the lease, is ended here as failed
     * ({@link #endLostRunsAs}) and read so.
     */
    private StoredResponse fromTable(String id, String owner, long now) {
        return fromStore(() -> fromTableNow(id, owner, now));
    }

    private StoredResponse fromTableNow(String id, String owner, long now) {
        ResponseRows.Found read = rows.findForReader(id, owner, now, leaseMillis);
        if (read == null) return null;
        java.util.function.UnaryOperator<StoredResponse> failed = lostRun;
        if (!read.runnerSilent() || failed == null || background.find(id, owner) != null) return read.row();
        StoredResponse end = failed.apply(read.row());
        if (rows.settleIfSilent(end, leaseMillis, now)) {
            log.warn("background response {}: its gateway has not said it runs for {} s; ended as failed", id, leaseMillis / 1000);
            return end;
        }
        return rows.find(id, owner, now); // its runner beat or ended meanwhile
    }

    /**
     * Deletes the owner's answer; true when there was one. A background response another gateway is running (its runner
     * beat within the lease) is not deleted: a 400, as for one running here (its call would run on, its end lost).
     */
    public Future<Boolean> delete(String id, String owner) {
        // a response another gateway has just answered may not be in the table yet: deleting nothing now, its row would
        // be written after the 404 and live on
        return deleteNow(id, owner).compose(deleted -> deleted ? Future.succeededFuture(true)
                : writtenElsewhere(id, owner).compose(r -> r == null ? Future.succeededFuture(false) : deleteNow(id, owner)));
    }

    private Future<Boolean> deleteNow(String id, String owner) {
        long now = clock.getAsLong();
        return inOrder(() -> {
            // a kept (unwritten) running row runs here; a kept end is the end of the running row in the table
            UnwrittenResponses.Kept kept = unwrittenOf(id, owner, now) == null ? null : unwritten.get(id);
            if (kept != null ? kept.how() == UnwrittenResponses.Write.INSERT_RUNNING
                    : fromStore(() -> rows.runningNow(id, owner, now, leaseMillis))) {
                throw new dev.switchboard.model.GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400,
                        IN_FLIGHT, "response_id", null, null, null);
            }
            StoredResponse r = recent.getIfPresent(id);
            boolean inMemory = r != null && r.owner().equals(owner) && r.expiresAt() > now || kept != null;
            boolean deleted;
            try {
                deleted = fromStore(() -> rows.delete(id, owner, now));
            } catch (RuntimeException e) {
                // a kept write that was tried may have committed (its answer lost: see rewrite's unique violation), and its
                // row would outlive a delete answered now: the store's failure is the answer, the copy kept (as for a kept
                // end); only one never tried (kept while the store was away) is surely not in the table
                if (kept == null || kept.how() != UnwrittenResponses.Write.INSERT || kept.tried()) throw e;
                deleted = false; // never tried: dropping the kept copy deletes it
            }
            if (kept != null) unwritten.remove(id); // the owner's only: another key's DELETE leaves it kept
            // its output items go too: an item_reference to them is no longer answered from memory
            if (deleted || inMemory) forget(java.util.Set.of(id));
            return deleted || inMemory;
        });
    }

    /** OpenAI's answer to a DELETE of a background response still running. */
    public static final String IN_FLIGHT = "Cannot delete an in-flight response.";

    /**
     * Writes a cancel of a response whose row says it runs without a runner (an earlier version's background response,
     * which never beat): the record, as stored.
     */
    public Future<StoredResponse> overwrite(StoredResponse r) {
        recent.put(r.id(), r);
        return inOrder(() -> fromStore(() -> {
            rows.overwrite(r);
            return r;
        }));
    }

    private void purge() {
        if (draining) return;
        long now = clock.getAsLong();
        recent.asMap().values().removeIf(r -> r.expiresAt() <= now);
        inOrder(() -> {
                    unwritten.purge(now);
                    if (unreachable) return 0; // the next hour's purge takes them
                    return fromStore(() -> {
                        rows.purgeDeletions(DELETIONS_KEPT_MILLIS, now);
                        return rows.purgeExpired(now);
                    });
                })
                .onSuccess(n -> { if (n > 0) log.info("purged {} expired stored responses", n); })
                .onFailure(e -> log.warn("purging expired stored responses failed: {}", e.getMessage()));
    }

    /**
     * Ends the background responses still running as failed (the record says the gateway stopped) and cancels their
     * calls, then waits (blocking, at most two seconds) for those calls to end, so that their streams' followers get
     * their last event and every record is queued before the worker drains. For shutdown; may run more than once.
     */
    public void stopBackground() {
        background.stopAll(this::replace);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (background.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits (blocking) until every queued write is done: for shutdown. */
    void drain() {
        draining = true;
        for (long t : timers) vertx.cancelTimer(t); // none of them may queue work on the worker once it is closed
        vertx.cancelTimer(probeTimer); // nor the probe on its thread (one already firing gives up: see probe)
        stopBackground();
        // awaited by a latch the worker counts down, not the future: the future completes on the caller's context, and
        // a drain called on an event loop (a timer's) waited out the ten seconds, that event loop blocked
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try {
            inOrder(() -> {
                try {
                    writes.lastTry();
                } finally {
                    done.countDown();
                }
                return null;
            });
            if (!done.await(10, TimeUnit.SECONDS)) log.warn("stored responses: queued writes not finished at shutdown");
        } catch (Exception e) {
            log.warn("stored responses: queued writes not finished at shutdown: {}", e.getMessage());
        }
        worker.close();
        prober.close();
        elsewhere.close();
    }
}
