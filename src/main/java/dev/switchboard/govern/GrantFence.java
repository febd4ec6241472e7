package dev.switchboard.govern;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How long a gateway on PostgreSQL may still admit calls on its budget grants: only while its own claim on them is
 * provably held. The other gateways take it for gone, and hand its grants out again, once its rows are
 * {@link SharedBudgets#GONE_QUIET_MILLIS} quiet and its session lock is free ({@link SessionLock}); a live gateway whose
 * connection to the store was cut loses its lock with it (QA: cut off for 5 s, a gateway went on spending a $0.60
 * budget that the others had handed out again: $1.19 spent). So each heartbeat that wrote every row of this gateway,
 * with its lock held without a break from before the write to after the commit, sets a deadline on this process's
 * monotonic clock: the beat's start plus {@link SharedBudgets#FENCE_MILLIS}, which is below the quiet time the others
 * wait by half a sync and half a second. Past it, or while the link to the store is cut ({@link dev.switchboard.store.Database#cutOff}: a
 * transaction lost its connection or could not get one made; the cut is then known within the ledger's flush, well
 * before the deadline; a busy pool is not a cut), no call is admitted
 * on a grant: the call asks for one, and the acquisition renews the fence first (it waits for a heartbeat: a late beat, under
 * load, delays calls and refuses none), or is answered 503 {@code budget_store_unavailable} when the store does not
 * answer (or each of two beats took longer than the fence itself), as for a gateway with no grant.
 *
 * <p>Not used on SQLite, or with {@code SWITCHBOARD_PG_SESSION_LOCKS=false}: there a live gateway is taken for gone only
 * by the lease (its lock file, or its pid, goes only with its process), and half a lease still bounds its grants
 * ({@link Budget.Grant#validUntil}).
 */
final class GrantFence {
    private final LongSupplier nanos;
    private final BooleanSupplier storeCutOff;
    /** The deadline on {@link #nanos}, valid only while {@link #armed}. */
    private volatile long untilNanos;
    private volatile boolean armed;
    /**
     * No fence needed: the last heartbeat could not take this gateway's session lock, so its rows name none (it deleted
     * its older ones) and no other gateway can take it for gone by the lock; the lease decides, as without locks.
     */
    private volatile boolean open;

    /**
     * How many times the fence was revoked ({@link #revoke}): a renewal reads it before its write and arms the fence,
     * and restores its claims, only if no revoke came meanwhile ({@link #armSince}). A renewal whose write committed
     * just before the lock was lost, and that armed after the beat revoked, re-armed the fence and restored a claim the
     * others may already have folded into a row taken for gone (twenty-ninth session's review).
     */
    private volatile long revokes;

    /** Wakes the thread that raises claims ahead of need ({@link #wantClaims}); allocation-free. */
    private final Runnable claimsWanted;
    /**
     * The budgets that asked for a raise and the raiser has not taken yet ({@link #takeAsked}): a stack linked through
     * {@link Budget#nextAsked}, so an ask allocates no node. Each budget is on it at most once ({@link Budget#queued}),
     * so it holds at most as many budgets as this gateway has. The raiser takes it whole ({@code getAndSet(null)}) and
     * never pops one budget, so a budget pushed again after it was taken (the ABA case of a lock-free stack) is harmless.
     * Before (thirtieth session) a flag said only that some budget asked, and the raiser scanned every held budget
     * for the ones that did: O(N) per pass on its thread.
     */
    private final java.util.concurrent.atomic.AtomicReference<Budget> asked = new java.util.concurrent.atomic.AtomicReference<>();

    GrantFence(LongSupplier nanos, BooleanSupplier storeCutOff) {
        this(nanos, storeCutOff, () -> {});
    }

    GrantFence(LongSupplier nanos, BooleanSupplier storeCutOff, Runnable claimsWanted) {
        this.nanos = nanos;
        this.storeCutOff = storeCutOff;
        this.claimsWanted = claimsWanted;
    }

    /**
     * {@code b}'s use passed half its claim's margin ({@code Budget.Grant.admitted}): the raiser renews the claims asked
     * for, off the request path. Called under {@code b}'s lock (which guards {@link Budget#queued}), at most once per ask
     * of the budget ({@code renewAsked}, cleared when a renewal of its claim commits): a field read and write, one CAS
     * (two if another budget pushed meanwhile) and an unpark; no allocation, no I/O; nothing while the fence is open
     * (nothing renews). Also the raiser's, under the budget's lock too, to put back an ask a failed raise did not meet.
     */
    void wantClaims(Budget b) {
        if (open) return;
        if (!b.queued) {
            // on the stack once: a budget still on it (not yet taken) is raised by the pass that takes it, and the raiser
            // clears `queued` only after it read the link, so the link is never rewritten while the raiser walks it
            b.queued = true;
            Budget head;
            do {
                head = asked.get();
                b.nextAsked = head; // published by the CAS below (a volatile write), read after the raiser's getAndSet
            } while (!asked.compareAndSet(head, b));
        }
        claimsWanted.run();
    }

    /**
     * The budgets that asked since the raiser last took them, as a list linked through {@link Budget#nextAsked} (read
     * each link before {@link Budget#unqueue}), or null for none. The raiser's, off the request path.
     */
    Budget takeAsked() {
        return asked.get() == null ? null : asked.getAndSet(null);
    }

    /**
     * No fence needed now ({@link #open}): the claim's bound does not apply either (nothing renews it: a renewal returns
     * at once without the lock). One volatile read: on the request path.
     */
    boolean isOpen() { return open; }

    /** Whether calls may be admitted on this gateway's grants now. No I/O: on the request path. */
    boolean admits() {
        return open || (armed && nanos.getAsLong() - untilNanos < 0 && !storeCutOff.getAsBoolean());
    }

    /** Whether the deadline still runs (the store's state aside): an acquisition needs no heartbeat first. */
    boolean current() {
        return open || (armed && nanos.getAsLong() - untilNanos < 0);
    }

    /** Admissions until {@code untilNanos} (a heartbeat committed with the lock held throughout). */
    synchronized void arm(long untilNanos) {
        // a renewal and a heartbeat may arm at once (the renewal runs beside the beat): the later deadline stands
        if (armed && !open && untilNanos - this.untilNanos < 0) return;
        this.untilNanos = untilNanos;
        this.armed = true;
        this.open = false;
    }

    /** The revokes so far: read by a renewal before its write ({@link #armSince}). */
    long revokes() { return revokes; }

    /**
     * {@link #arm} for a renewal that read {@code revokes} ({@link #revokes()}) before its write: only if no revoke
     * came since (else the revoke stands: the lock may have been lost after the write). Whether it did.
     */
    synchronized boolean armSince(long revokes, long untilNanos) {
        if (this.revokes != revokes) return false;
        arm(untilNanos);
        return true;
    }

    /** No fence needed (see {@link #open}). */
    synchronized void openUp() {
        this.armed = false;
        this.open = true;
    }

    /** Whether a heartbeat armed the fence and nothing revoked it since (its deadline may have passed). */
    boolean armed() { return armed; }

    /** No admission on any grant from now on, until a heartbeat arms the fence again. */
    synchronized void revoke() {
        revokes++;
        armed = false;
        open = false;
    }
}
