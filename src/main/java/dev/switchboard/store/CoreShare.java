package dev.switchboard.store;

import java.util.function.BooleanSupplier;

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
 *       rows kept from a failed round) — a writer behind keeps its whole turn, as before the yields, and
 *   <li>after at least {@link #SLICE_NANOS} of its work since its last offer (wall time, which is never less than its
 *       CPU time), so it gives up its turn at most ~1,000 times a second.
 * </ul>
 * Not thread-safe: one per writer thread.
 */
public final class CoreShare {
    /** The least wall time between two offers of the core. */
    static final long SLICE_NANOS = 1_000_000L;

    /** Never offers the core (PostgreSQL, tests, a caller with no queue). */
    public static final CoreShare NEVER = new CoreShare(false, () -> true, SLICE_NANOS);

    private final boolean share;
    private final BooleanSupplier behind;
    private final long sliceNanos;
    private long since = System.nanoTime();
    private long offers;

    private CoreShare(boolean share, BooleanSupplier behind, long sliceNanos) {
        this.share = share;
        this.behind = behind;
        this.sliceNanos = sliceNanos;
    }

    /** A sharing pace with another least time between offers (tests: 0 offers at every check when not behind). */
    static CoreShare sharing(long sliceNanos, BooleanSupplier behind) {
        return new CoreShare(true, behind, sliceNanos);
    }

    /**
     * @param share  the database runs in the gateway's process (SQLite)
     * @param behind whether the writer is behind (then it keeps the core)
     */
    public static CoreShare of(boolean share, BooleanSupplier behind) {
        return share ? new CoreShare(true, behind, SLICE_NANOS) : NEVER;
    }

    /** Whether this writer ever offers its core (it may then split a batch into pieces). */
    public boolean shares() { return share; }

    /** Starts the time of the writer's work afresh (at the start of a round: it was parked before). */
    public void start() {
        if (share) since = System.nanoTime();
    }

    /** Whether an offer is due now (see {@link #due(boolean, boolean, long)}); does not offer. */
    public boolean due() {
        return share && due(true, behind.getAsBoolean(), System.nanoTime() - since, sliceNanos);
    }

    /** Offers the core if it is due. @return whether it did */
    public boolean offer() {
        if (!due()) return false;
        Thread.yield();
        offers++;
        since = System.nanoTime();
        return true;
    }

    /** Offers the core when the caller has checked {@link #due()} itself (and run its piece in between). */
    public void offerNow() {
        Thread.yield();
        offers++;
        since = System.nanoTime();
    }

    /** Offers made so far (tests, diagnostics). */
    public long offers() { return offers; }

    /**
     * The decision itself: offer the core only when sharing it, not behind, and after at least {@link #SLICE_NANOS} of
     * work since the last offer.
     */
    static boolean due(boolean share, boolean behind, long workedNanos) {
        return due(share, behind, workedNanos, SLICE_NANOS);
    }

    private static boolean due(boolean share, boolean behind, long workedNanos, long sliceNanos) {
        return share && !behind && workedNanos >= sliceNanos;
    }
}
