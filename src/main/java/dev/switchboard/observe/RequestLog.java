package dev.switchboard.observe;

import dev.switchboard.store.BackgroundNice;
import dev.switchboard.store.CoreShare;
import dev.switchboard.store.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request log's writer, behind the request path like the spend ledger: {@link #record} only queues (lock-free, no
 * I/O); the {@code switchboard-request-log} thread writes batches at least every {@code flushMillis} and runs the
 * retention purge every {@link RequestLogSettings#purgeIntervalMillis()}. The log is a debugging aid, not money: when
 * the store is down, at most {@value #MAX_PENDING} rows wait (a prompt can be large) and the rest are dropped and
 * counted ({@link #dropped()}, {@code switchboard_request_log_dropped_total}).
 */
public final class RequestLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("switchboard.requestlog");
    static final int MAX_PENDING = 50_000;
    private static final int BATCH = 1_000;

    private final RequestLogStore store;
    private final RequestLogSettings settings;
    private final long flushMillis;
    private final LongSupplier clock;
    private final ConcurrentLinkedQueue<Supplier<RequestLogEntry>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private final ReentrantLock writing = new ReentrantLock();
    private final List<RequestLogEntry> retry = new ArrayList<>();
    private final Thread writer;
    private volatile boolean closed;
    private long lastPurge;
    /** The batch being written is a catch-up batch (a second one in a flush, or rows kept from a failed one). */
    private boolean catchingUp;
    /** When the writer offers its core between pieces of a batch (SQLite only; not while behind); under {@link #writing}. */
    private final CoreShare pace;
    /** The nice value the writer lowers its thread to as it starts ({@link BackgroundNice}; 0: left as it is). */
    private final int nice;

    public RequestLog(Database db, RequestLogSettings settings, long flushMillis, LongSupplier clock) {
        this.store = new RequestLogStore(db);
        // behind: a catch-up batch, a long queue, or the ledger's writer waiting for the spend rows' lock it holds
        this.pace = CoreShare.of(store.sharesTheCore(),
                () -> catchingUp || queued.get() > 2L * BATCH || db.spendRowsWaitedFor());
        this.settings = settings;
        this.flushMillis = flushMillis;
        this.clock = clock;
        this.lastPurge = Long.MIN_VALUE;
        this.nice = db.backgroundNice();
        this.writer = Thread.ofPlatform().daemon().name("switchboard-request-log").unstarted(this::run);
        writer.start();
    }

    public RequestLogSettings settings() { return settings; }

    /** The table's read side (blocking: call from a worker). */
    public RequestLogStore store() { return store; }

    /** Queues a row; never blocks and never fails. */
    public void record(RequestLogEntry e) { record(() -> e); }

    /**
     * Queues a row that the writer thread builds: rendering the prompt and applying the policy (truncation, redaction)
     * happen there, off the request path.
     */
    public void record(Supplier<RequestLogEntry> e) {
        if (closed || queued.get() + retry.size() >= MAX_PENDING) {
            if (dropped.incrementAndGet() % 1_000 == 1) log.warn("request log: {} rows dropped (store slow or down)", dropped.get());
            return;
        }
        queue.add(e);
        if (queued.incrementAndGet() >= BATCH) LockSupport.unpark(writer);
    }

    /** Writes every row queued before this call (reads, tests, shutdown). Blocks. @return false if the store failed */
    public boolean flush() {
        writing.lock();
        try {
            pace.start();
            for (boolean first = true; ; first = false) {
                catchingUp = !first || !retry.isEmpty() || queued.get() > 2L * BATCH;
                List<RequestLogEntry> batch = new ArrayList<>(retry);
                retry.clear();
                Supplier<RequestLogEntry> r;
                try {
                    while (batch.size() < BATCH && (r = queue.poll()) != null) {
                        queued.decrementAndGet();
                        try {
                            batch.add(r.get());
                        } catch (RuntimeException e) {
                            dropped.incrementAndGet();
                            log.error("request log: a row could not be built, dropped", e);
                        } catch (Error e) { // the heap is full: build it again next round, after the rows built so far
                            queue.add(r);
                            queued.incrementAndGet();
                            throw e;
                        }
                    }
                    if (batch.isEmpty()) return true;
                    store.insert(batch, pace);
                    written.addAndGet(batch.size());
                } catch (RuntimeException e) {
                    retry.addAll(batch);
                    log.error("request log: writing {} rows failed, kept to try again: {}", batch.size(), e.getMessage());
                    return false;
                } catch (Error e) { // an OutOfMemoryError mid-batch: nothing committed, every row is kept (run() goes on)
                    retry.addAll(batch);
                    throw e;
                }
            }
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

    /** Deletes rows past the retention period now. Blocks. @return how many */
    public int purge() {
        int n = store.purge(clock.getAsLong() - settings.retentionMillis());
        purged.addAndGet(n);
        if (n > 0) log.info("request log: {} rows older than {} days deleted", n, settings.retentionDays());
        return n;
    }

    public long written() { return written.get(); }

    public long dropped() { return dropped.get(); }

    public long purged() { return purged.get(); }

    public long pending() { return queued.get(); }

    private void run() {
        if (nice != BackgroundNice.OFF) BackgroundNice.lowerCurrentThread(nice);
        while (!closed) {
            LockSupport.parkNanos(flushMillis * 1_000_000L);
            if (closed) break;
            // The writer must outlive any one round (an OutOfMemoryError while the heap is full of other requests'
            // bodies, a bug): a dead writer leaves every later row in the queue (QA hardening F1). Rows are kept (flush).
            try {
                round();
            } catch (Throwable t) {
                try {
                    log.error("request log: a write round failed; its rows are kept and written once the writer can again: {}", t.toString());
                } catch (Throwable ignored) { // the heap is too full even to log: go on
                }
                LockSupport.parkNanos(Math.min(30_000L, flushMillis * 5L) * 1_000_000L);
            }
        }
    }

    private void round() {
        boolean ok = flush();
        if (!ok) LockSupport.parkNanos(Math.min(30_000L, flushMillis * 5L) * 1_000_000L);
        long now = clock.getAsLong();
        if (ok && (lastPurge == Long.MIN_VALUE || now - lastPurge >= settings.purgeIntervalMillis())) {
            lastPurge = now;
            try {
                purge();
            } catch (RuntimeException e) {
                log.error("request log: the retention purge failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!flush()) log.error("request log: {} rows could not be written at shutdown", pending() + retry.size());
    }
}
