package dev.switchboard.store;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * When a store writer offers its core ({@link Thread#yield}) between pieces of a batch. SQLite runs on the writer's own
 * thread, and a pinned gateway's writers share the event loop's core: a 512-row ledger batch held it for 1-5 ms in one
 * go, and an event loop woken meanwhile waited for the writer's slice to end (docs/architecture.md, "The ledger
 * writer's batches and the 10,000 req/s p99").
 *
 * <p>A yield on a busy core gives up most of the writer's turn (measured: a yielding worker got 19 % of a pinned core
 * against 51 % without), so offering it every few rows made the writer fall behind the event loop at saturation: its
 * queue, and the heap with it, grew ~16 MB/s until a Full GC. So the writer offers the core only
 * <ul>
 *   <li>on SQLite (PostgreSQL runs in its own process; one batch, one round trip, as before),
 *   <li>when it is not behind ({@code behind}: its queue holds more than it writes in a normal round, or it is writing
 *       rows kept from a failed round, or the other writer waits for the spend rows' lock it holds,
 *       {@link Database#spendRowsWaitedFor()}) — a writer behind keeps its whole turn, as before the yields, and
 *   <li>after at least {@link #SLICE_NANOS} of wall time ({@link System#nanoTime}) since its last offer or the start
 *       of its round — wall time, not work: time the writer spent preempted counts too, and wall time is never less
 *       than its CPU time — so it gives up its turn at most ~1,000 times a second.
 * </ul>
 * Not thread-safe: one per writer thread.
 */
public final class CoreShare {
    /** The least wall time between two offers of the core. */
    static final long SLICE_NANOS = 1_000_000L;

    /** Never offers the core (PostgreSQL, tests, a caller with no queue). */
    public static final CoreShare NEVER = new CoreShare(false, () -> true, SLICE_NANOS, System::nanoTime);

    private final boolean share;
    private final BooleanSupplier behind;
    private final long sliceNanos;
    /** The wall clock the slice is measured on ({@link System#nanoTime}; tests give their own). */
    private final LongSupplier nanoTime;
    private long since;
    private long offers;

    /** Tests: a pace on a clock of their own, so no preemption between two calls can change what it decides. */
    CoreShare(boolean share, BooleanSupplier behind, long sliceNanos, LongSupplier nanoTime) {
        this.share = share;
        this.behind = behind;
        this.sliceNanos = sliceNanos;
        this.nanoTime = nanoTime;
        this.since = nanoTime.getAsLong();
    }

    /** A sharing pace with another least time between offers (tests: 0 offers at every check when not behind). */
    static CoreShare sharing(long sliceNanos, BooleanSupplier behind) {
        return new CoreShare(true, behind, sliceNanos, System::nanoTime);
    }

    /**
     * @param share  the database runs in the gateway's process (SQLite)
     * @param behind whether the writer is behind (then it keeps the core)
     */
    public static CoreShare of(boolean share, BooleanSupplier behind) {
        return share ? new CoreShare(true, behind, SLICE_NANOS, System::nanoTime) : NEVER;
    }

    /** Whether this writer ever offers its core (it may then split a batch into pieces). */
    public boolean shares() { return share; }

    /** Starts the slice's wall time afresh (at the start of a round: the writer was parked before). */
    public void start() {
        if (share) since = nanoTime.getAsLong();
    }

    /** Whether an offer is due now (see {@link #due(boolean, boolean, long)}); does not offer. */
    public boolean due() {
        return share && due(true, behind.getAsBoolean(), nanoTime.getAsLong() - since, sliceNanos);
    }

    /** Offers the core if it is due. @return whether it did */
    public boolean offer() {
        if (!due()) return false;
        Thread.yield();
        offers++;
        since = nanoTime.getAsLong();
        return true;
    }

    /**
     * Offers the core when the caller has checked {@link #due()} itself (and run its piece in between). A pace that
     * does not share the core ({@link #NEVER}, shared by every PostgreSQL writer) neither yields nor counts.
     */
    public void offerNow() {
        if (!share) return;
        Thread.yield();
        offers++;
        since = nanoTime.getAsLong();
    }

    /** Offers made so far (tests, diagnostics). */
    public long offers() { return offers; }

    /**
     * The decision itself: offer the core only when sharing it, not behind, and after at least {@link #SLICE_NANOS} of
     * wall time since the last offer (or the round's start).
     */
    static boolean due(boolean share, boolean behind, long elapsedNanos) {
        return due(share, behind, elapsedNanos, SLICE_NANOS);
    }

    private static boolean due(boolean share, boolean behind, long elapsedNanos, long sliceNanos) {
        return share && !behind && elapsedNanos >= sliceNanos;
    }
}
