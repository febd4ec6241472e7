package dev.switchboard.account;

import dev.switchboard.model.LogSafe;
import dev.switchboard.store.WriterNice;
import dev.switchboard.store.CoreShare;
import dev.switchboard.store.Database;
import dev.switchboard.store.JoinableRow;
import dev.switchboard.store.LogColumns;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spend ledger's writer, behind the request path: {@link #record} only queues a row (lock-free, no I/O); one
 * background thread writes what is queued in batches, at least every {@code flushMillis} (1 s by default) and at once
 * when many rows are waiting; {@link #close} writes the rest. A {@code kill -9} loses at most the rows of the last
 * flush interval plus the batch being written. A failed write keeps its rows and is tried again (every failure
 * logged), so a database hiccup delays rows but loses none; only a store unreachable for so long that more than
 * {@value #MAX_PENDING} rows pile up drops rows, each one counted and logged.
 *
 * <p>A served call's row may carry the request log's part of the same request ({@link JoinableRow}): one
 * {@code spend_logs} row a request instead of a ledger row and a log row (migration V11). At most
 * {@value #MAX_LOG_PARTS} rows waiting for the store take a part (a prompt can be large); past that the request log
 * writes its row itself, under its own bound.
 */
public final class SpendLedger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("switchboard.ledger");
    static final int MAX_PENDING = 1_000_000;
    /** Rows one transaction takes at most (a writer catching up writes several). */
    private static final int BATCH = 5_000;
    /**
     * Queued rows that wake the writer before its timer. Small on purpose: every queued row keeps its request's
     * objects (the request, the answer, the log part not yet rendered) alive, and a Serial young collection copies
     * whatever is alive, so the rows waiting at a collection are most of its pause. Woken at 5,000 rows, the writer
     * left 2-7 MB alive at each collection at 10,000 req/s and the pauses were 9-38 ms (mean 14.5); at 512, 0.1-2.6 MB
     * and 1.7-18 ms (mean 4.2) on the same loaded VM (docs/architecture.md, "2026-12-06: the ledger wakes at 512 rows").
     * The price is more transactions: ~5 % more of the writer's time per row (a statement prepared and a commit per
     * batch), about 1 % of a request's CPU.
     */
    static final int WAKE_AT = 512;
    static final int MAX_LOG_PARTS = 50_000;
    /**
     * Rows taken between two checks of whether the writer should offer its core ({@link CoreShare}; a power of two).
     * A pinned gateway's writer shares the event loop's core on SQLite, and a 512-row take held it for 1-3 ms in one go
     * (docs/architecture.md, "The ledger writer's batches and the 10,000 req/s p99").
     */
    static final int YIELD_ROWS = 32;
    /**
     * Queued rows past which the writer is behind and keeps its core ({@link CoreShare}): twice what wakes it. At
     * saturation a writer offering its core gets a fraction of its turn and its queue (the requests' objects it keeps
     * alive) grew ~16 MB/s until a Full GC (docs/architecture.md, the thirty-second session's ledger writer section).
     */
    static final int BEHIND_AT = 2 * WAKE_AT;

    private final LedgerStore store;
    private final long flushMillis;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Writes that found the store failing (each followed by a back-off pause): a metric, and what a test counts. */
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong logPartsWritten = new AtomicLong();
    private final AtomicLong logPartsDropped = new AtomicLong();
    private final ReentrantLock writing = new ReentrantLock();
    private final List<Entry> retry = new ArrayList<>();
    private final Thread writer;
    private volatile boolean closed;
    private long failingSince;
    /** The batch being written is a catch-up batch (a second one in a round, rows kept from a failed one, or a long queue). */
    private boolean catchingUp;
    /** Some batch since {@link #writeAll} was last called was behind; under {@link #writing}. */
    private boolean roundBehind;
    /** The writer's last round had a behind batch (a catch-up one, or a long queue); the writer's thread only. */
    private boolean lastRoundBehind;
    /** When the writer offers its core (SQLite only; not while behind); used under {@link #writing}. */
    private final CoreShare pace;
    /** Told of each batch's new rows once committed, on the writer's thread (the shared budgets' grants); or null. */
    private volatile java.util.function.Consumer<List<SpendRecord>> onWritten;
    /**
     * The writer's nice value: lowered as it starts, back at the process's own while behind where the OS allows it
     * ({@link WriterNice}; {@code background_thread_nice} 0: left as it is). Used on the writer's thread only.
     */
    private final WriterNice nice;

    public SpendLedger(Database db, long flushMillis) {
        this(db, flushMillis, WriterNice.of(db.backgroundNice(), "switchboard-ledger"));
    }

    /** With the writer's nice given (tests: a renice that blocks or fails). */
    SpendLedger(Database db, long flushMillis, WriterNice nice) {
        this.store = new LedgerStore(db);
        // behind also while the request log's writer waits for the spend rows' lock this one holds (no yield then)
        this.pace = CoreShare.of(store.sharesTheCore(),
                () -> behind(catchingUp, queued.get()) || db.spendRowsWaitedFor());
        this.flushMillis = flushMillis;
        this.nice = nice;
        this.writer = Thread.ofPlatform().daemon().name("switchboard-ledger").unstarted(this::run);
        writer.start();
    }

    /**
     * Queues a row; never blocks and never fails.
     *
     * @return the queued row, which the request log's part of the same request may join; or a row that takes no part
     *         when this one was not queued
     */
    public JoinableRow record(SpendRecord r) {
        // --detailed_debug (LiteLLM's flag): each attempt in one line, what LiteLLM's debug log says of a call; off, one
        // level check
        if (log.isDebugEnabled()) debug(r);
        if (closed) {
            log.error("ledger closed: row of request {} not written", r.requestId());
            dropped.incrementAndGet();
            return NOT_QUEUED;
        }
        if (queued.get() >= MAX_PENDING) {
            if (dropped.incrementAndGet() % 10_000 == 1) {
                log.error("ledger: {} rows wait for the store, which has failed since {}; dropping rows ({} so far)",
                        queued.get(), java.time.Instant.ofEpochMilli(failingSince), dropped.get());
            }
            return NOT_QUEUED;
        }
        Entry e = new Entry(r);
        queue.add(e);
        // once, as the queue reaches the threshold: not on every row after it, which ended the writer's back-off pause
        // at the request rate while the store was down
        if (queued.incrementAndGet() == WAKE_AT) java.util.concurrent.locks.LockSupport.unpark(writer);
        // A row that raced close()'s final flush would sit in the queue for ever: write it now.
        if (closed) flush();
        return e;
    }

    private static final JoinableRow NOT_QUEUED = part -> false;
    /** An entry's part once the writer took it (a part offered after that is written by the request log itself). */
    private static final Supplier<LogColumns> TAKEN = () -> null;
    private static final VarHandle PART;

    static {
        try {
            PART = MethodHandles.lookup().findVarHandle(Entry.class, "part", Supplier.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A queued row and the request log's part that joined it. */
    final class Entry implements JoinableRow {
        final SpendRecord record;
        /** null: open; a supplier: joined; {@link #TAKEN}: the writer took the row without a part. */
        @SuppressWarnings("unused") private volatile Supplier<LogColumns> part;
        /** The part as rendered by the writer (kept for a retried batch), or null. */
        LogColumns columns;

        Entry(SpendRecord record) { this.record = record; }

        @Override
        public boolean join(Supplier<LogColumns> p) {
            return record.attempt() == 0 && queued.get() < MAX_LOG_PARTS && PART.compareAndSet(this, (Supplier<LogColumns>) null, p);
        }

        /** On the writer, once: closes the row to parts and renders the one that joined (a failure loses only the part). */
        void take() {
            @SuppressWarnings("unchecked") Supplier<LogColumns> p = (Supplier<LogColumns>) PART.getAndSet(this, TAKEN);
            if (p == null || p == TAKEN) return;
            try {
                columns = p.get();
            } catch (RuntimeException e) {
                logPartsDropped.incrementAndGet();
                log.error("request log: the row of request {} could not be built; its ledger row is written without it",
                        record.requestId(), e);
            }
        }
    }

    /** Writes every row queued before this call; blocks (worker threads, shutdown, tests). @return false if the store failed */
    public boolean flush() {
        writing.lock();
        try {
            return writeAll(0);
        } finally {
            writing.unlock();
        }
    }

    /**
     * The writer's own round: what is queued, then more batches only while at least {@link #WAKE_AT} rows wait. Rows
     * arriving during a write are left for the next wake-up (threshold or timer) rather than written as a trickle of
     * small transactions, each paying its prepare and commit.
     */
    private boolean writeRound() {
        boolean continuing = false, raiseTried = false;
        lastRoundBehind = false;
        while (true) {
            int r;
            writing.lock();
            try {
                roundBehind = false;
                r = writeAll(WAKE_AT, continuing, !raiseTried);
                if (roundBehind) lastRoundBehind = true;
            } finally {
                writing.unlock();
            }
            if (r != RAISE_FIRST) return r == DONE;
            // behind: back at the process's own priority where the OS allows it (WriterNice), outside the lock, so a
            // flush() from a worker does not wait on the renice child (milliseconds, up to its 5 s time-out); at most
            // one stop a round
            raiseTried = true;
            nice.behind();
            continuing = true;
        }
    }

    /** Each row in one DEBUG line (see {@link #debugLine}). */
    private static void debug(SpendRecord r) {
        log.debug(debugLine(r));
    }

    /**
     * A row as one DEBUG line: {@code request <id> attempt <n>: <model> -> <deployment>: <status> ...} for an
     * attempt, {@code request <id>: <call type> <model> -> ...} for the request's own row. The requested name, the
     * deployment (a wildcard entry's id is the caller's text) and the error type (an upstream's own) are outside text:
     * each is escaped, so a line break in one cannot end this line and forge the next.
     */
    static String debugLine(SpendRecord r) {
        StringBuilder b = new StringBuilder(160).append("request ").append(LogSafe.text(r.requestId()));
        if ("attempt".equals(r.callType())) b.append(" attempt ").append(r.attempt()).append(": ");
        else b.append(": ").append(LogSafe.text(r.callType())).append(' ');
        b.append(LogSafe.text(r.requestedModel())).append(" -> ")
                .append(r.deployment() == null || r.deployment().isEmpty() ? "-" : LogSafe.text(r.deployment()))
                .append(": ").append(r.status());
        if (r.errorType() != null) b.append(' ').append(LogSafe.text(r.errorType()));
        b.append(" in ").append(r.latencyMs() == null ? "-" : r.latencyMs().toString()).append(" ms, ")
                .append(r.promptTokens()).append(" tokens in, ").append(r.completionTokens()).append(" out");
        if (r.cacheReadTokens() > 0) b.append(" (").append(r.cacheReadTokens()).append(" cached)");
        if (r.priced()) {
            dev.switchboard.model.PlainDecimal.appendNanos(b.append(", $"), r.costNanos());
        } else {
            b.append(", unpriced");
        }
        if (r.cacheStatus() != null && !r.cacheStatus().isEmpty()) b.append(", cache ").append(LogSafe.text(r.cacheStatus()));
        return b.toString();
    }

    /**
     * Tells {@code listener} of the rows each batch added, after its commit, on the writer's thread (it may block
     * briefly; what it throws is logged, the rows stay written).
     */
    public void onWritten(java.util.function.Consumer<List<SpendRecord>> listener) { this.onWritten = listener; }

    private void written(List<SpendRecord> rows) {
        java.util.function.Consumer<List<SpendRecord>> l = onWritten;
        if (l == null || rows.isEmpty()) return;
        try {
            l.accept(rows);
        } catch (RuntimeException e) {
            log.warn("ledger: {} rows written; telling the budgets' grants failed (tried again with the next batch; until "
                    + "then the rows count twice, which errs on the safe side): {}", rows.size(), e.toString());
        }
    }

    /**
     * Whether the writer is behind, and so keeps its core: it is writing a catch-up batch (a second batch in one
     * round, or rows kept from a failed one) or more than {@link #BEHIND_AT} rows wait.
     */
    static boolean behind(boolean catchingUp, long queued) {
        return catchingUp || queued > BEHIND_AT;
    }

    /** Runs {@code r} holding the writer out (tests: rows queued with no round started meanwhile). */
    void holdWriterForTest(Runnable r) {
        writing.lock();
        try {
            r.run();
        } finally {
            writing.unlock();
        }
    }

    /** Whether the writer would offer its core now (tests; takes {@link #writing}). */
    boolean coreOfferDueForTest() {
        writing.lock();
        try {
            return pace.due();
        } finally {
            writing.unlock();
        }
    }

    /** How often the writer has offered its core (tests). */
    long coreOffers() {
        writing.lock();
        try {
            return pace.offers();
        } finally {
            writing.unlock();
        }
    }

    /** Whether the writer runs back at the process's own nice now, being behind ({@link WriterNice}; tests). */
    boolean niceRaisedForTest() { return nice.raised(); }

    /** Rows queued and not yet written. */
    public long pending() { return queued.get() + retry.size(); }

    public long written() { return written.get(); }

    public long dropped() { return dropped.get(); }

    /** Writer rounds (and flushes) that found the store failing and kept their rows to try again. */
    public long failedWrites() { return failedWrites.get(); }

    /** Request-log parts written with their ledger rows. */
    public long logPartsWritten() { return logPartsWritten.get(); }

    /** Request-log parts lost because they could not be built. */
    public long logPartsDropped() { return logPartsDropped.get(); }

    /** After a failed write: waits the whole pause (a wake-up by a new row does not end it), or until closed. */
    private void backOff(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0 && !closed; left = until - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    private void run() {
        nice.start(); // never throws: the loop below is reached whatever the lowering met
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(flushMillis * 1_000_000L);
            if (closed) break;
            boolean ok;
            try {
                ok = writeRound();
                // lowered again (at most once every few seconds) only after a round that was not behind at all and
                // left no long queue: a writer that needs a catch-up batch every round stays at the process's priority
                if (ok && !lastRoundBehind && !behind(false, queued.get())) nice.caughtUp();
            } catch (Throwable t) {
                // The ledger's only writer must outlive any one round (an OutOfMemoryError, a bug): a dead writer holds
                // every later spend row until shutdown. The round's rows are kept (writeAll); log, back off, go on.
                survived(t);
                ok = false;
            }
            if (!ok) backOff(Math.min(30_000L, flushMillis * 5L) * 1_000_000L);
        }
    }

    /** Logs what ended a write round; when even the log cannot be written (the heap is full), the loop goes on anyway. */
    private void survived(Throwable t) {
        try {
            log.error("ledger: a write round failed; its rows are kept and written once the writer can again: {}", t.toString());
        } catch (Throwable ignored) { // nothing left to tell it with
        }
    }

    /** {@link #writeAll(int, boolean, boolean)}'s answers: the store failed; done; stopped before a behind batch. */
    private static final int FAILED = 0, DONE = 1, RAISE_FIRST = 2;

    /** {@link #writeAll(int, boolean, boolean)} for a flush: everything, no priority change. */
    private boolean writeAll(int leave) {
        return writeAll(leave, false, false) == DONE;
    }

    /**
     * Under {@link #writing}: the rows of earlier failed writes first, then the queue, batch by batch, until it is
     * empty ({@code leave} 0) or fewer than {@code leave} rows wait after a batch. {@code continuing}: the round wrote
     * before (its next batch is a catch-up one). With {@code mayStop}, returns {@link #RAISE_FIRST} before a behind batch
     * when the writer's nice would go back to the process's ({@link WriterNice#raiseDue}: a clock read), for the
     * writer to do that outside the lock.
     */
    private int writeAll(int leave, boolean continuing, boolean mayStop) {
        boolean started = false;
        for (boolean first = !continuing; ; first = false) {
            if (!first && leave > 0 && retry.isEmpty() && queued.get() < leave) return DONE;
            catchingUp = !first || !retry.isEmpty() || queued.get() > BEHIND_AT;
            if (catchingUp) roundBehind = true;
            if (mayStop && catchingUp && nice.raiseDue()) return RAISE_FIRST;
            if (!started) {
                pace.start();
                started = true;
            }
            List<Entry> batch = new ArrayList<>(retry);
            retry.clear();
            List<SpendRecord> added;
            try {
                Entry r;
                while (batch.size() < BATCH && (r = queue.poll()) != null) {
                    queued.decrementAndGet();
                    batch.add(r); // added before take(): an Error in between must not leave a taken row in no list
                    r.take();
                    // rendering a row's log part is several µs: the core may be offered between pieces of the batch,
                    // as the insert does (SparseInsert), when CoreShare says so (SQLite, not behind, ~1 ms since)
                    if ((batch.size() & (YIELD_ROWS - 1)) == 0) pace.offer();
                }
                if (batch.isEmpty()) return DONE;
                added = store.insert(batch, pace);
            } catch (RuntimeException e) {
                if (!writeOneByOne(batch, e)) return FAILED;
                continue;
            } catch (Error e) {
                // An OutOfMemoryError (the heap full of other requests' bodies) in the middle of a batch: its
                // transaction did not commit, so every row goes back to be written next round. Without this the rows
                // were lost with the batch and the writer thread died with them (QA hardening F1).
                retry.addAll(batch);
                throw e;
            }
            written.addAndGet(batch.size());
            countParts(batch);
            written(added);
            if (failingSince != 0) {
                log.info("ledger: the store answers again; {} rows written", batch.size());
                failingSince = 0;
            }
        }
    }

    /**
     * After a failed batch: row by row. Rows the database refuses while it takes others (a value it cannot store) are
     * logged one by one and dropped, so they cannot block the ledger (a row refused with its request-log part is
     * written without it first); rows that failed for a reason that may pass (busy, deadlock, connection) are kept to
     * try again; when no row goes in, the store is failing and the whole batch is kept to try again.
     */
    private boolean writeOneByOne(List<Entry> batch, RuntimeException batchError) {
        try {
            List<SpendRecord> added = new ArrayList<>();
            List<Entry> kept = new ArrayList<>();
            List<Entry> partsLost = new ArrayList<>();
            List<Entry> refused = store.insertEach(batch, added, kept, partsLost);
            written.addAndGet(batch.size() - refused.size() - kept.size());
            List<Entry> in = new ArrayList<>(batch);
            in.removeAll(refused);
            in.removeAll(kept);
            countParts(in);
            written(added);
            for (Entry e : partsLost) {
                logPartsDropped.incrementAndGet();
                log.error("request log: the store refused the log columns of request {}; its ledger row is written without them: {}",
                        e.record.requestId(), batchError.getMessage());
            }
            for (Entry e : refused) {
                SpendRecord r = e.record;
                dropped.incrementAndGet();
                if (e.columns != null) logPartsDropped.incrementAndGet();
                log.error("ledger: the store refused the row of request {} (attempt {}, key {}, cost {} nano-USD); dropped: {}",
                        r.requestId(), r.attempt(), r.keyId(), r.costNanos(), batchError.getMessage());
            }
            if (!kept.isEmpty()) {
                failedWrites.incrementAndGet();
                retry.addAll(kept);
                log.warn("ledger: {} rows met a busy or failing store; kept to try again: {}", kept.size(), batchError.getMessage());
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            retry.addAll(batch);
            failedWrites.incrementAndGet();
            if (failingSince == 0) failingSince = System.currentTimeMillis();
            log.error("ledger: writing {} rows failed, kept to try again: {}", batch.size(), e.getMessage());
            return false;
        }
    }

    private void countParts(List<Entry> rows) {
        long n = 0;
        for (Entry e : rows) if (e.columns != null) n++;
        if (n > 0) logPartsWritten.addAndGet(n);
    }

    /** Stops the writer and writes what is left. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        java.util.concurrent.locks.LockSupport.unpark(writer);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!flush()) log.error("ledger: {} rows could not be written at shutdown", pending());
    }
}
