package dev.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes SQLite's WAL checkpoints on a thread of its own, on a timer, instead of inside a writer's {@code COMMIT}.
 *
 * <p>Why: by default SQLite checkpoints in the commit that pushes the WAL past 1,000 pages, so one commit of the
 * request log's or the ledger's writer in a few carries the checkpoint's copy back into the database file and its two
 * fsyncs (measured: the p99 at 1,000 req/s followed those commits, docs/architecture.md "Performance notes"). With
 * {@code PRAGMA wal_autocheckpoint=0} on every pooled connection ({@link Database}) no commit checkpoints, and this
 * thread runs {@code PRAGMA wal_checkpoint(PASSIVE)} every {@code periodMillis}: it never waits for readers or writers
 * (a busy checkpoint does what it can and the next one finishes the job), and the WAL stays about one period of writes
 * long instead of 4 MB.
 *
 * <p>Durability: with {@code synchronous=NORMAL} in WAL mode a commit is written to the OS but not fsynced; the
 * checkpoint's fsync of the WAL is what makes it survive a power cut. A timer bounds that window to one period (plus
 * the writer's flush interval) however little traffic there is, where SQLite's page-count trigger left it open until
 * 4 MB of writes had piled up. A killed process loses nothing that was committed either way.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

    private final DataSource pool;
    private final java.util.function.BooleanSupplier eachPeriod;
    private final long periodNanos;
    private final Thread thread;
    private final int nice;
    private volatile boolean closed;
    private volatile long checkpoints;
    private long failingSince;

    WalCheckpointer(DataSource pool, long periodMillis) {
        this(pool, periodMillis, () -> true);
    }

    /** @param eachPeriod also run each period, after the checkpoint (the store file's watch): a timer of its own saved */
    WalCheckpointer(DataSource pool, long periodMillis, java.util.function.BooleanSupplier eachPeriod) {
        this(pool, periodMillis, eachPeriod, BackgroundNice.OFF);
    }

    /** @param nice the nice value the thread lowers itself to as it starts ({@link BackgroundNice}; 0: left as it is) */
    WalCheckpointer(DataSource pool, long periodMillis, java.util.function.BooleanSupplier eachPeriod, int nice) {
        if (periodMillis < 1) throw new IllegalArgumentException("checkpoint period must be at least 1 ms: " + periodMillis);
        this.pool = pool;
        this.eachPeriod = eachPeriod;
        this.periodNanos = periodMillis * 1_000_000L;
        this.nice = nice;
        this.thread = Thread.ofPlatform().daemon().name("switchboard-checkpoint").unstarted(this::run);
        thread.start();
    }

    /** Checkpoints run so far (tests). */
    long checkpoints() { return checkpoints; }

    /**
     * One passive checkpoint now. Blocks.
     *
     * @return the WAL frames left uncopied (0: all of it is in the database file), or -1 when the store failed
     */
    long checkpoint() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            checkpoints++;
            if (failingSince != 0) {
                log.info("store: WAL checkpoints work again");
                failingSince = 0;
            }
            // (busy, frames in the WAL, frames copied back): -1/-1 when the database is not in WAL mode
            return r.next() ? Math.max(0, r.getLong(2) - r.getLong(3)) : 0;
        } catch (SQLException | RuntimeException e) {
            if (failingSince == 0) {
                failingSince = System.currentTimeMillis();
                log.error("store: a WAL checkpoint failed (the WAL grows until one succeeds; tried again every period): {}",
                        e.getMessage());
            }
            return -1;
        }
    }

    private void run() {
        if (nice != BackgroundNice.OFF) BackgroundNice.lowerCurrentThread(nice);
        while (!closed) {
            LockSupport.parkNanos(periodNanos);
            if (closed) break;
            checkpoint();
            eachPeriod.getAsBoolean();
        }
    }

    /** Stops the timer; SQLite checkpoints the rest itself when the last connection closes. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
