package dev.switchboard.govern;

import dev.switchboard.model.GatewayException;
import dev.switchboard.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets that hold across several gateways on one database, while every call is still checked in memory. Each
 * gateway spends a budget only out of its <em>grant</em> (a row of {@code budget_grants} per budget, period and
 * gateway), and a grant is only ever given out of what no one else holds:
 *
 * <pre>
 *   committed = the ledger's spend this period + Σ over live grants (granted − the part of it already in the ledger)
 *   a gateway gets at most  max − committed
 * </pre>
 *
 * Each live gateway's grant covers its spend still queued for the ledger, its calls in flight and its headroom, so
 * committed is never less than what was spent plus what may still be spent, and the grants of one period never add up
 * to more than the budget. The ledger's writer tells this class what each batch added ({@link #credit}), after it
 * commits: until then that spend counts twice, which errs on the safe side.
 *
 * <p>Grants are handed out on demand: the first call of a period waits for one (a short transaction, off the event
 * loop), a gateway alone on a budget takes all of what is left, and with others it takes its share ({@code free /
 * live gateways}) or at least what the call needs. A gateway that needs more than is free while others hold unused
 * grant says so ({@code wanted_nanos}); every gateway's heartbeat (every {@link Governance#KEY_SYNC_MILLIS}) gives its
 * unused grant back when another waits, and the waiting call tries again for up to {@link #WAIT_ROUNDS} seconds. A
 * row whose heartbeat is older than {@link #LEASE_MILLIS} belongs to a gateway that is gone: its grant stops counting
 * (its spend is in the ledger, as far as it was written) and the row is deleted; so is, after two missed heartbeats,
 * the row of a process of this host that runs no more ({@link ProcessIdentity}). A gateway stops admitting on a grant
 * half a lease after its row was last written, so that no live gateway's grant is ever taken for a dead one's. On
 * PostgreSQL a quiet row whose gateway's session lock nobody holds is deleted the same way ({@link SessionLock}): the
 * gateway's connection closed with its process, wherever it ran. A live gateway's lock also goes when its connection
 * is cut (a network drop, a pooler restart), so on PostgreSQL a gateway admits calls on its grants only within
 * {@link #FENCE_MILLIS} of a heartbeat that wrote all its rows with its lock held throughout, and not while its link to
 * the store is cut ({@link GrantFence}): it stops before any other gateway may take it for gone, and once it learns its lock was
 * lost it gives up its grants' unused part and takes them again before admitting more.
 *
 * <p>A gone gateway's row whose last write said it had spent or reserved more than the ledger was credited with
 * ({@code used_nanos > flushed_nanos}: a {@code kill -9} lost its queued ledger rows and its calls in flight) is not
 * deleted but kept as <em>gone</em> ({@code gone_at}, nothing granted): that difference stays committed for the rest of
 * its period, so what the ledger never got is not spent a second time (QA: a killed gateway's last second of calls made
 * a $0.003 budget serve $0.0052). Credits still land on it should its gateway only have paused, and a gateway that finds
 * its own row gone takes it back as a lost row (claiming what it spent and has in flight), so nothing counts twice.
 */
final class SharedBudgets {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    /** After this long without a heartbeat a gateway's grants no longer count: it is gone. */
    static final long LEASE_MILLIS = 60_000;
    /** How often a call that waits for other gateways to give back their unused grant asks again, and how many times. */
    static final long RETRY_MILLIS = 1_000;
    static final int WAIT_ROUNDS = waitRounds(Governance.LOCK_SILENCE_MILLIS);

    /** Three fifths of the lock's silence bound ({@link SessionLock#SILENT_MILLIS}), in rounds: 6 (3 in the suite). */
    static int waitRounds(long lockSilenceMillis) {
        return (int) (lockSilenceMillis * 3 / 5 / RETRY_MILLIS);
    }
    /**
     * The longest a call waits for one attempt at a grant before it is answered 503 {@code budget_store_unavailable}
     * ({@code retry-after: 1}): a store that hangs must not hold the call as long as it does (QA F2). The pool's wait for
     * a connection is as long, so a pool emptied by hung work ends in the same time.
     */
    static final long STORE_ANSWER_MILLIS = 5_000;
    /**
     * Each statement of a grant's transaction (PostgreSQL's statement_timeout, lock waits included): normally a few
     * milliseconds, so a statement held this long is held by a lock or a hung store, and the worker is freed.
     */
    static final long GRANT_STATEMENT_MILLIS = 2_000;
    /**
     * Each statement of the heartbeat, the credits and the retirements: off the request path and batches of many rows,
     * so looser; still bounded, since they hold this object's lock, which every acquisition waits for.
     */
    static final long BACKGROUND_STATEMENT_MILLIS = 10_000;
    /** After the store said a budget has no more, refusals are decided in memory for this long. */
    static final long MEMO_MILLIS = 1_000;
    /**
     * A process of this host that no longer runs holds nothing once its heartbeat is this old (two missed beats): a
     * gateway restarted after a crash takes its predecessor's grants back within seconds, not a lease. The wait keeps
     * a live gateway elsewhere whose host has the same name (and a pid that means nothing here) safe: it beats.
     */
    static final long GONE_QUIET_MILLIS = 2 * Governance.KEY_SYNC_MILLIS + 500;
    /**
     * On PostgreSQL, how long after the start of its last heartbeat a gateway may still admit calls on its grants
     * ({@link GrantFence}): a sync and a half (3 s; 750 ms in the test suite), so a beat may come half a sync late
     * without a pause (a later one makes calls that need their grant wait for it, never refuses them), and below {@link #GONE_QUIET_MILLIS} by half a sync and half a second (1.5 s; 750 ms), the margin
     * for the others' clocks and for the row's write: a gateway cut off from the store stops before any other may take
     * it for gone. On this process's monotonic clock.
     */
    static final long FENCE_MILLIS = Governance.KEY_SYNC_MILLIS + Governance.KEY_SYNC_MILLIS / 2;
    /** Heartbeats an acquisition runs at most to renew a fence that ran out, before it answers 503. */
    private static final int MAX_FENCE_BEATS = 2;
    private static final long CLEANUP_LOCK = "switchboard.budget_grants.cleanup".hashCode() * 0x9E3779B97F4A7C15L;
    /** The scope of the global budget ({@code litellm_settings.max_budget}); keys' scopes are their ids. */
    static final String GLOBAL = "*";

    private final Database db;
    private final Vertx vertx;
    private final KeyRegistry keys;
    private final EndUsers endUsers;
    private final Teams teams;
    private final Users users;
    private final Budget global;
    private final LongSupplier clockMillis;
    private final long leaseMillis;
    final String gatewayId = UUID.randomUUID().toString().replace("-", "");
    /** On SQLite: this gateway's lock beside the store, and whether another's is still held (a crashed one's is not) */
    private final GatewayLocks locks;
    /** On PostgreSQL: this gateway's session lock, which PostgreSQL drops when the gateway's process ends */
    private final SessionLock sessionLock;
    /** The session lock's key while it is held (written into this gateway's rows), else null. */
    private volatile Long heldSessionLock;
    private volatile boolean everHeld;
    private long lastSweep;
    /** On PostgreSQL with session locks: admissions on this gateway's grants only while its claim is provably held. */
    private final boolean fenced;
    final GrantFence fence;
    private final LongSupplier nanoClock = System::nanoTime;
    /** The lock's hold ({@link SessionLock#hold}) the fence was last armed under, -1 before. */
    private volatile long fenceHold = -1;
    /** The thread that raises claims ahead of need ({@link #raiseClaims}), null until the fence is first armed. */
    private volatile Thread raiser;
    /** The least time between two raises of claims ahead of need (100 ms; 25 ms in the suite). */
    static final long RAISE_GAP_MILLIS = Math.max(20, Governance.KEY_SYNC_MILLIS / 20);
    /**
     * The longest the raiser sleeps after passes that failed in a row (half a sync: 1 s; 250 ms in the suite): the
     * sleep doubles from {@link #RAISE_GAP_MILLIS} with each, and is the gap again after a pass that committed.
     */
    static final long RAISE_BACKOFF_MILLIS = Math.max(RAISE_GAP_MILLIS, Governance.KEY_SYNC_MILLIS / 2);
    /** One fence renewal at a time: calls that find the fence down meanwhile wait for it and see it renewed. */
    private final Object renewal = new Object();
    /** Whether this gateway's rows ever named its session lock: from then on a lost lock gives the grants' unused part up. */
    private boolean everNamed;
    /** Set by {@link #release}: no heartbeat or acquisition writes a row after it. */
    private volatile boolean closed;

    /** @param global the global budget when it is limited and shared, else null */
    SharedBudgets(Database db, Vertx vertx, KeyRegistry keys, Budget global, LongSupplier clockMillis, long leaseMillis) {
        this(db, vertx, keys, EndUsers.NONE, global, clockMillis, leaseMillis);
    }

    SharedBudgets(Database db, Vertx vertx, KeyRegistry keys, EndUsers endUsers, Budget global, LongSupplier clockMillis,
                  long leaseMillis) {
        this(db, vertx, keys, endUsers, new Teams(Map.of()), global, clockMillis, leaseMillis);
    }

    SharedBudgets(Database db, Vertx vertx, KeyRegistry keys, EndUsers endUsers, Teams teams, Budget global,
                  LongSupplier clockMillis, long leaseMillis) {
        this(db, vertx, keys, endUsers, teams, new Users(Map.of()), global, clockMillis, leaseMillis);
    }

    SharedBudgets(Database db, Vertx vertx, KeyRegistry keys, EndUsers endUsers, Teams teams, Users users, Budget global,
                  LongSupplier clockMillis, long leaseMillis) {
        this.teams = teams;
        this.users = users;
        this.db = db;
        this.vertx = vertx;
        this.keys = keys;
        this.endUsers = endUsers;
        this.global = global;
        this.clockMillis = clockMillis;
        this.leaseMillis = leaseMillis;
        this.locks = db.sqliteFile() == null ? GatewayLocks.NONE : GatewayLocks.hold(db.sqliteFile(), gatewayId);
        this.sessionLock = SessionLock.of(db, gatewayId);
        this.fenced = sessionLock != SessionLock.NONE;
        this.fence = new GrantFence(nanoClock, db::cutOff, this::claimsWanted);
    }

    /** Wakes the raiser (on the request path, once per budget asking: an unpark, no allocation). */
    private void claimsWanted() {
        Thread t = raiser;
        if (t != null) java.util.concurrent.locks.LockSupport.unpark(t);
    }

    /** Started with the first armed fence: a thread that sleeps until a budget asks for a raise. */
    private void startRaiser() {
        if (raiser != null) return;
        Thread t = new Thread(this::raiseClaims, "switchboard-budget-claims");
        t.setDaemon(true);
        raiser = t;
        t.start();
    }

    /**
     * The raiser's loop: parked until a budget's use passed half its claim's margin ({@code Budget.Grant.admitted}),
     * then one renewal ({@link SessionLock#renew}: one round trip on the lock's connection) of the claims of the
     * budgets that asked, so that steady traffic never finds its claim short and waits for a renewal itself. At most
     * one renewal every {@link #RAISE_GAP_MILLIS}: a store 300 ms away is not asked more often than it answers, and a
     * burst that outruns that is what the call's own renewal ({@link #acquireRetrying}) is for.
     */
    private void raiseClaims() {
        int failedInARow = 0;
        while (!closed) {
            boolean failed = true; // a pass that threw counts as failed
            try {
                // asked first, parked only when nothing is: an ask (its unpark) before this thread started, or while it
                // raised, is not lost (review: parked first, a budget that asked before the start waited for the beat)
                Budget head = fence.takeAsked();
                if (head == null) {
                    java.util.concurrent.locks.LockSupport.park(this);
                    continue;
                }
                raisePasses++;
                failed = !raise(head);
            } catch (RuntimeException e) {
                log.debug("budget grants: a raise of the claims failed ({}); its asks are tried again after the gap", e.toString());
            } catch (Throwable e) {
                // an Error ended the thread silently before (review): calls then waited for renewals themselves
                if (!raiserErred) {
                    raiserErred = true;
                    log.error("budget grants: the thread raising claims ahead of need failed; it keeps running", e);
                }
                if (Thread.currentThread().isInterrupted()) return;
            }
            // after a failed pass too (review: the sleep was skipped when the pass threw, so a store that kept failing
            // was asked again at once, as fast as it failed, instead of once every RAISE_GAP_MILLIS). Since a failed
            // raise puts its asks back (thirtieth session), the sleep is also what keeps a refusing store from a spin:
            // at most one pass, and one renewal of each budget, every RAISE_GAP_MILLIS. And longer after each pass that
            // failed in a row (review, thirtieth session): each try against a slow or locked store holds `renewal` and
            // the session lock's monitor up to 2 s (about 10 s on a blackholed link), which the heartbeat, a call's own
            // raise and the keeper's touch wait for; retried every gap, they were held almost always. The sleep doubles
            // from the gap up to RAISE_BACKOFF_MILLIS, and is the gap again once a raise commits
            failedInARow = failed ? Math.min(failedInARow + 1, 30) : 0;
            long sleep = failedInARow <= 1 ? RAISE_GAP_MILLIS
                    : Math.min(RAISE_BACKOFF_MILLIS, RAISE_GAP_MILLIS << (failedInARow - 1));
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return; // stop()
            }
        }
    }

    /**
     * One pass of the raiser over the budgets that asked ({@code head}, the stack {@link GrantFence#takeAsked} took): only
     * those are looked at (before, every held budget was, O(N) a pass), and those still asking are renewed in one
     * statement. An ask the renewal did not meet goes back on the stack (in {@code finally}: a throw too), for the next
     * pass after the gap. The revoke count and the fence's arming are {@link #renewFence}'s, unchanged.
     *
     * @return false when the renewal did not commit (the raiser then backs off), true when it did or none was needed
     */
    private boolean raise(Budget head) {
        List<Budget> asked = new ArrayList<>();
        Budget b = head; // the first not yet taken off the stack
        Budget taking = null; // taken off (or being), not yet in `asked`
        boolean walked = false;
        try {
            while (b != null) {
                Budget next = b.nextAsked; // before unqueue: once off the stack, a call may push it again, relinking it
                raiseExamined++;
                taking = b;
                boolean asks = b.unqueue();
                b = next;
                if (asks) asked.add(taking);
                taking = null;
            }
            walked = true;
        } finally {
            if (!walked) {
                // a throw part-way (an Error: an OutOfMemoryError in add) left the rest of the list off the stack with
                // `queued` set, so no later ask could push them again (review, thirtieth session): every budget of the
                // list is taken off and, if it still asks, put back for the next pass
                for (Budget a : asked) a.askAgainIfUnmet();
                if (taking != null) taking.askAgainIfUnmet();
                while (b != null) {
                    Budget next = b.nextAsked;
                    b.unqueue();
                    b.askAgainIfUnmet();
                    b = next;
                }
            }
        }
        if (asked.isEmpty()) return true;
        try {
            if (renewFence(true, asked, null, 0)) {
                log.debug("budget grants: the claims of {} budget(s) raised ahead of need", asked.size());
                return true;
            }
            return false;
        } finally {
            for (Budget a : asked) a.askAgainIfUnmet();
        }
    }

    /** Budgets the raiser looked at, and its passes: written by its thread only, read by tests. */
    private volatile long raiseExamined, raisePasses;

    long raiseExamined() { return raiseExamined; }

    long raisePasses() { return raisePasses; }

    /** The raiser's loop caught an Error: said once. */
    private volatile boolean raiserErred;

    /**
     * More grant for {@code budget}, enough for a call of {@code nanos} if the store has it; calls that need a grant
     * while one is being taken for the same budget wait for that one. The future completes (on no particular thread)
     * once the grant is larger, or the store said there is no more; it fails with a 503 when the store cannot be
     * reached.
     */
    Future<Void> acquire(Budget budget, long nanos) {
        Budget.Grant g = budget.grant();
        Promise<Void> p;
        synchronized (g) {
            if (g.pending != null) return g.pending;
            p = Promise.promise();
            g.pending = p.future();
        }
        attempt(budget, nanos, p, 1, false);
        return p.future();
    }

    /** @param creditsWaited this call already waited a round for credits ({@link Outcome#WAIT_CREDITS}): not again */
    private void attempt(Budget budget, long nanos, Promise<Void> p, int round, boolean creditsWaited) {
        // The call waits at most STORE_ANSWER_MILLIS for an attempt (QA: a locked budget_grants held calls 15-50 s, as
        // long as the lock). The work goes on on its worker until its statement timeout ends it; meanwhile the budget's
        // pending future stays, failed, so the calls that come in get the same 503 at once instead of queueing more
        // workers behind this object's lock.
        long deadline = vertx.setTimer(STORE_ANSWER_MILLIS, t -> {
            if (p.tryFail(GrantStoreFailure.TIMED_OUT.answer())) {
                log.warn("budget {}: the store did not answer a grant within {} ms; its calls are answered 503 "
                        + "budget_store_unavailable until it does", budget.grant().scope, STORE_ANSWER_MILLIS);
            }
        });
        boolean lastRound = round >= WAIT_ROUNDS;
        vertx.executeBlocking(() -> acquireRetrying(budget, nanos, lastRound, !lastRound && !creditsWaited), false).onComplete(ar -> {
            vertx.cancelTimer(deadline);
            if (ar.succeeded() && (ar.result() == Outcome.WAIT || ar.result() == Outcome.WAIT_CREDITS) && !p.future().isComplete()) {
                boolean waited = creditsWaited || ar.result() == Outcome.WAIT_CREDITS;
                vertx.setTimer(RETRY_MILLIS, t -> attempt(budget, nanos, p, round + 1, waited));
                return;
            }
            Budget.Grant g = budget.grant();
            synchronized (g) {
                g.pending = null;
            }
            if (ar.failed()) {
                GrantStoreFailure why = GrantStoreFailure.of(ar.cause());
                if (!p.future().isComplete()) {
                    log.warn("budget {}: could not take a grant from the store ({}): {}", g.scope, why, ar.cause().toString());
                }
                p.tryFail(ar.cause() instanceof GatewayException answer ? answer : why.answer());
            } else if (ar.result() == Outcome.CONTENDED) {
                p.tryFail(BudgetPending.contended());
            } else {
                p.tryComplete();
            }
        });
    }

    /**
     * {@link #acquireOnce}, tried once more on another connection when the first failed for a reason that passes (QA
     * F4: a pooled connection the server had ended, while PostgreSQL answered, gave the call a 503). Safe to repeat:
     * the transaction either committed nothing, or committed a row that the second writes whole again. Blocks.
     */
    private Outcome acquireRetrying(Budget budget, long nanos, boolean lastRound, boolean mayWaitForCredits) {
        if (fenced && !fence.current()) {
            // outside this object's lock, which a heartbeat holds for its whole transaction (seconds on a slow store):
            // one round trip renews the fence, and a grant that was only fenced off admits again without the store
            renewFence(false);
            if (fence.admits() && budget.covers(nanos, clockMillis.getAsLong())) {
                budget.fence(fence);
                return Outcome.GRANTED;
            }
        }
        if (fenced && fence.admits() && budget.coversButClaim(nanos, clockMillis.getAsLong())) {
            // the grant covers the call, its claim does not: raised in one round trip (the claims' renewal), not in a
            // transaction that waits for the heartbeat's (seconds on a slow store)
            // (that budget's claim only: one upsert, not every held budget's; the periodic renewal writes them all)
            log.debug("budget {}: a call waits for its claim to be raised", budget.grant().scope);
            renewFence(true, List.of(budget), budget, nanos);
            if (fence.admits() && budget.covers(nanos, clockMillis.getAsLong())) return Outcome.GRANTED;
        }
        try {
            return acquireOnce(budget, nanos, lastRound, mayWaitForCredits);
        } catch (RuntimeException e) {
            if (!GrantStoreFailure.worthRetrying(e)) throw e;
            log.debug("budget {}: a grant's connection failed ({}); taking it again on another", budget.grant().scope, e.toString());
            return acquireOnce(budget, nanos, lastRound, mayWaitForCredits);
        }
    }

    enum Outcome {
        GRANTED,
        /** Not enough is free, and no other gateway holds unused grant that could make it so: the call is refused. */
        EXHAUSTED,
        /** Other gateways hold unused grant: they are asked for it (wanted_nanos); ask again in a second. */
        WAIT,
        /** Still waiting after the last round: others hold grant they do not give back (gone, or using it): a 503. */
        CONTENDED,
        /**
         * Not enough is free, but only because spend the ledger may already hold is also counted in its gateway's row,
         * whose credit (written after the ledger's batch commits) has not committed yet: ask again in a second, once.
         */
        WAIT_CREDITS
    }

    /** What one acquisition decided, applied to the budget once its transaction committed. */
    private record Decision(Outcome outcome, long granted, long free, Budget.Seen seen) {}

    /**
     * One transaction: how much is free of the budget this period, and this gateway's grant raised from it. Blocks.
     * Reads the grants before the ledger: on PostgreSQL each statement sees what was committed when it began, and a
     * batch's credit commits after its rows, so rows whose credit was seen are seen too (the other order could miss
     * spend that was neither in the sum nor in a grant).
     */
    private synchronized Outcome acquireOnce(Budget budget, long nanos, boolean lastRound, boolean mayWaitForCredits) {
        if (closed) throw GrantStoreFailure.UNREACHABLE.answer();
        if (fenced) {
            // the fence ran out (a heartbeat late, or the lock lost): the call waits for a heartbeat, which renews it when
            // this gateway's claim is provably held, and otherwise gives up the grants' unused part and takes the lock
            // again. A late beat is no reason to refuse: only a store that does not answer is (the beat throws). Twice at
            // most: a beat that itself took longer than the fence (a busy store) arms a deadline already past
            if (!fence.current()) renewFence(false);
            for (int beats = 0; beats < MAX_FENCE_BEATS && !fence.current(); beats++) beat(true);
            if (!fence.current()) { // its lock lost during each beat, or each beat took longer than the fence itself
                throw GrantStoreFailure.TIMED_OUT.answer();
            }
            // the fence was all it lacked (a late heartbeat makes every budget ask at once): no transaction per budget
            if (fence.admits() && budget.covers(nanos, clockMillis.getAsLong())) {
                budget.fence(fence);
                return Outcome.GRANTED;
            }
            budget.fence(fence);
        }
        long now = clockMillis.getAsLong();
        Budget.GrantAsk ask = budget.ask(nanos, now);
        String scope = budget.grant().scope;
        Decision d = db.transaction(GRANT_STATEMENT_MILLIS, c -> {
            lock(c, scope);
            upsertOwnRow(c, scope, ask, now);
            if (ask.rowPeriod() != Budget.Grant.NONE && ask.rowPeriod() < ask.periodStart()) {
                // a new period: this gateway's row of the one before goes (its calls in flight are in ask.used())
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE scope = ? AND gateway_id = ? "
                        + "AND period_start < ?")) {
                    ps.setString(1, scope);
                    ps.setString(2, gatewayId);
                    ps.setLong(3, ask.periodStart());
                    ps.executeUpdate();
                }
            }
            // gone gateways' rows count only in their own period: once the budget's next one began they go
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE scope = ? AND period_start < ? "
                    + "AND gone_at IS NOT NULL")) {
                ps.setString(1, scope);
                ps.setLong(2, ask.periodStart());
                ps.executeUpdate();
            }
            Rows rows = rows(c, scope, ask.periodStart(), now);
            long ledgerSpent = budget.grant().ledgerSpent(c, ask.periodStart());
            // This gateway's row as it should stand: its grant, unless the store lost it (other gateways took this one
            // for gone and deleted its row, which the upsert then made anew with nothing granted): then only what is
            // spent and in flight is claimed, and the rest is no longer this gateway's to spend.
            long own = rows.ownGranted >= ask.granted() ? ask.granted() : Math.min(ask.granted(), Math.max(rows.ownGranted, ask.used()));
            long committed = ledgerSpent + rows.goneUnflushed + rows.othersOutstanding + Math.max(0, own - rows.ownFlushed);
            long free = Math.max(0, ask.maxNanos() - committed);
            long need = ask.need() + (ask.granted() - own); // a lost row: the grant to top up is own, not ours
            // a refusal's "Current cost" counts a crashed gateway's spend that never reached the ledger, as the grant does
            Budget.Seen seen = new Budget.Seen(ledgerSpent + rows.goneUnflushed, rows.others, now);
            Decision decision;
            if (need <= 0) {
                decision = new Decision(Outcome.GRANTED, own, free, seen); // the lease only: renewed by the upsert
            } else if (free >= need) {
                decision = new Decision(Outcome.GRANTED, own + Math.min(free, Math.max(need, free / rows.live)), free, seen);
            } else if (free + rows.othersUnused >= need) {
                decision = new Decision(lastRound ? Outcome.CONTENDED : Outcome.WAIT, own, free, seen);
            } else if (mayWaitForCredits && free + rows.uncredited + Math.max(0, ask.used() - rows.ownFlushed) >= need) {
                // Spend a live gateway's row holds beyond its credits may be in the ledger already (its batch committed,
                // its credit, a transaction of its own after that, not yet): then it counts twice, in the sum and in the
                // row, for a moment, and a call that fits would be refused 400 for it (a flaky test found it: B's call
                // counted twice as A asked in a new period). Asked again a second later, once: by then the credit is
                // written; a refusal that stands comes a second later
                decision = new Decision(Outcome.WAIT_CREDITS, own, free, seen);
            } else {
                decision = new Decision(Outcome.EXHAUSTED, own, free, seen);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE budget_grants SET granted_nanos = ?, wanted_nanos = ?, "
                    + "claim_nanos = ? WHERE scope = ? AND period_start = ? AND gateway_id = ?")) {
                ps.setLong(1, decision.granted());
                ps.setLong(2, decision.outcome() == Outcome.WAIT ? need : 0);
                ps.setLong(3, ask.claimAt(decision.granted()));
                ps.setString(4, scope);
                ps.setLong(5, ask.periodStart());
                ps.setString(6, gatewayId);
                ps.executeUpdate();
            }
            return decision;
        });
        // only once committed: a grant the store does not show would let this gateway spend what others may take
        everHeld = true;
        long validUntil = now + leaseMillis / 2;
        if (d.outcome() == Outcome.EXHAUSTED) {
            budget.exhausted(ask.periodStart(), d.granted(), d.free(), now + MEMO_MILLIS, validUntil, d.seen(),
                    ask.claimAt(d.granted()), now);
        } else {
            budget.granted(ask.periodStart(), d.granted(), ask.maxNanos(), validUntil, d.seen(), ask.claimAt(d.granted()), now);
        }
        return d.outcome();
    }

    /**
     * The grant rows of a budget as an acquisition counts them: every live gateway's row of this period (granted less
     * what of it the ledger holds); and, for a live gateway that has no row of this period yet but one of an earlier
     * period, the calls it had in flight there, which will settle into this period (it writes its row for this period,
     * claiming them, at its next heartbeat).
     */
    private static final class Rows {
        long othersOutstanding;
        long othersUnused;
        long ownGranted;
        long ownFlushed;
        /**
         * What gone gateways' rows of this period said they had spent or reserved beyond what the ledger was credited
         * with: spend no ledger row may ever hold (a kill -9 lost it), counted as spent.
         */
        long goneUnflushed;
        /**
         * What live gateways' rows of this period hold spent or in flight beyond their credits ({@code used_nanos -
         * flushed_nanos}, as last written): the part of it the ledger already holds counts twice until credited.
         */
        long uncredited;
        int live = 1; // this gateway
        /** Other live gateways with a row of this budget, of this period or (not yet moved on) of an earlier one. */
        int others;
    }

    private Rows rows(Connection c, String scope, long periodStart, long now) throws SQLException {
        Rows out = new Rows();
        Map<String, Long> earlierInFlight = new HashMap<>();
        Set<String> current = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT gateway_id, period_start, granted_nanos, flushed_nanos, "
                + "used_nanos, reserved_nanos, heartbeat_at, host, pid, process_start, gone_at, claim_nanos, (" + RENEWED_CLAIM
                + ") FROM budget_grants WHERE scope = ? AND period_start <= ? ORDER BY period_start")) {
            ps.setString(1, scope);
            ps.setLong(2, periodStart);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String gateway = rs.getString(1);
                    boolean mine = gatewayId.equals(gateway);
                    rs.getLong(11);
                    boolean markedGone = !rs.wasNull(); // never this gateway's here: its upsert above took its row back
                    if (markedGone && rs.getLong(2) < periodStart) continue; // a period gone by
                    if (rs.getLong(2) < periodStart) {
                        // ordered by period: the latest earlier row of each gateway wins. Its reserved_nanos is as old as
                        // its last write, and it may have admitted more since, within its grant: all of what it could
                        // still spend counts, until it writes its row of this period (at its next heartbeat)
                        if (!mine && !gone(gateway, rs.getLong(7), rs.getString(8), rs.getLong(9), rs.getLong(10), now)) {
                            earlierInFlight.put(gateway, Math.max(0, Math.max(rs.getLong(3), rs.getLong(5)) - rs.getLong(4)));
                        }
                        continue;
                    }
                    long granted = rs.getLong(3);
                    long flushed = rs.getLong(4);
                    if (mine) {
                        out.ownGranted = granted;
                        out.ownFlushed = flushed;
                        continue;
                    }
                    // a gateway that is gone: its spend is in the ledger as far as it was written, and what its last write
                    // said it had spent or in flight beyond that stays spent (marked gone or about to be: deleteGone)
                    // (its claim: what it may have admitted after that write, up to which a fenced gateway admits)
                    if (markedGone || gone(gateway, rs.getLong(7), rs.getString(8), rs.getLong(9), rs.getLong(10), now)) {
                        long claimed = Math.max(rs.getLong(5), Math.max(rs.getLong(12), rs.getLong(13)));
                        out.goneUnflushed += Math.max(0, claimed - flushed);
                        continue;
                    }
                    current.add(gateway);
                    out.live++;
                    // a live gateway admits only within its grant: its renewal's claim (grant_claims) may be older than
                    // the grant it gave back since (written at its beat's start, capped at the grant before), so it is
                    // not counted here; it counts only once the gateway is gone (QA: a waiting gateway refused 400)
                    long claimed = Math.max(rs.getLong(5), rs.getLong(12));
                    out.othersOutstanding += Math.max(0, Math.max(granted, claimed) - flushed);
                    out.othersUnused += Math.max(0, granted - rs.getLong(5));
                    out.uncredited += Math.max(0, rs.getLong(5) - flushed);
                }
            }
        }
        out.others = out.live - 1;
        for (Map.Entry<String, Long> e : earlierInFlight.entrySet()) {
            if (current.contains(e.getKey())) continue;
            out.others++;
            out.othersOutstanding += e.getValue();
            out.othersUnused += e.getValue(); // worth waiting for: it claims only what it uses at its next heartbeat
        }
        return out;
    }

    /**
     * Whether a row's gateway is gone: no heartbeat for a lease, or, after two missed heartbeats, a process of this
     * host that runs no more or (SQLite) a gateway whose lock beside the store no process holds.
     */
    private boolean gone(String gateway, long heartbeatAt, String host, long pid, long processStart, long now) {
        if (heartbeatAt < now - leaseMillis) return true;
        return heartbeatAt < now - GONE_QUIET_MILLIS
                && (ProcessIdentity.SELF.knowsGone(host, pid, processStart) || lockSaysGone(gateway, host));
    }

    /** Only one gateway at a time works out a budget's grants: PostgreSQL's advisory lock, SQLite's write lock. */
    private void lock(Connection c, String scope) throws SQLException {
        if (db.kind() != Database.Kind.POSTGRESQL) return; // SQLite: the upsert below takes the database's write lock first
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, ("switchboard.budget:" + scope).hashCode() * 0x9E3779B97F4A7C15L);
            ps.executeQuery().close();
        }
    }

    private static final String INSERT_ROW = "INSERT INTO budget_grants (scope, period_start, gateway_id, granted_nanos, "
            + "flushed_nanos, used_nanos, reserved_nanos, wanted_nanos, heartbeat_at, host, pid, process_start, session_lock, "
            + "session_server, claim_nanos) VALUES (?, ?, ?, ?, 0, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, period_start, gateway_id) DO UPDATE SET ";
    /** A new row with nothing granted, or the existing one's use and heartbeat (an acquisition's first write). */
    private static final String UPSERT_USE = INSERT_ROW + "used_nanos = excluded.used_nanos, "
            + "reserved_nanos = excluded.reserved_nanos, heartbeat_at = excluded.heartbeat_at, session_lock = excluded.session_lock, "
            + "session_server = excluded.session_server, gone_at = NULL";
    /**
     * The first write of a period whose row this gateway does not hold in memory: any row of it the store still has is
     * stale (an idle end user's row whose delete failed), its grant and credits already given up, so both start at 0.
     */
    private static final String UPSERT_FRESH = UPSERT_USE + ", granted_nanos = 0, flushed_nanos = 0, wanted_nanos = 0";
    /**
     * The row as this gateway holds it, grant included (the heartbeat's write: made anew if it was lost); its
     * {@code wanted_nanos} is kept only while an acquisition for the budget is running (the 14th parameter, 1 or 0).
     */
    private static final String UPSERT_ALL = UPSERT_USE + ", granted_nanos = excluded.granted_nanos, claim_nanos = excluded.claim_nanos, "
            + "wanted_nanos = CASE WHEN ? = 1 THEN budget_grants.wanted_nanos ELSE 0 END";

    private void bindRow(PreparedStatement ps, String scope, long periodStart, long granted, long used, long reserved,
                         long now, long claim) throws SQLException {
        ps.setLong(13, Math.max(0, claim));
        ps.setString(1, scope);
        ps.setLong(2, periodStart);
        ps.setString(3, gatewayId);
        ps.setLong(4, granted);
        ps.setLong(5, Math.max(0, used));
        ps.setLong(6, Math.max(0, reserved));
        ps.setLong(7, now);
        ps.setString(8, ProcessIdentity.SELF.host());
        ps.setLong(9, ProcessIdentity.SELF.pid());
        ps.setLong(10, ProcessIdentity.SELF.startMillis());
        Long lock = heldSessionLock;
        Long server = lock == null ? null : sessionLock.serverStart();
        if (lock == null || server == null) {
            ps.setNull(11, java.sql.Types.BIGINT);
            ps.setNull(12, java.sql.Types.BIGINT);
        } else {
            ps.setLong(11, lock);
            ps.setLong(12, server);
        }
    }

    private void upsertOwnRow(Connection c, String scope, Budget.GrantAsk ask, long now) throws SQLException {
        // this gateway's first row names the lock from the start; with the fence a beat has run first and named it, and
        // a lock taken here instead (after a beat found none) would name it in a row while the fence is open, unguarded
        if (heldSessionLock == null && !fenced) heldSessionLock = sessionLock.key();
        try (PreparedStatement ps = c.prepareStatement(ask.rowPeriod() == ask.periodStart() ? UPSERT_USE : UPSERT_FRESH)) {
            bindRow(ps, scope, ask.periodStart(), 0, ask.used(), ask.reserved(), now, ask.used()); // the claim: below
            ps.executeUpdate();
        }
    }

    /**
     * Every {@link Governance#KEY_SYNC_MILLIS}, on a worker: renews this gateway's rows (so the others keep counting its
     * grants) with what it uses of each and its grant as it holds it (giving back the unused part where another
     * gateway waits or the limit changed; a row the store lost is made anew with only what is spent and in flight),
     * moves its rows to a new period (claiming the calls still in flight there), and deletes the rows of gateways that
     * are gone. Each row is written whole, so a beat that failed is made good by the next. Blocks.
     */
    synchronized void heartbeat() {
        if (closed) return;
        retireIdle(endUsers, "end user");
        retireIdle(teams, "team");
        retireIdle(users, "user");
        retireIdle(teams.members(), "team member");
        beat(false);
    }

    /**
     * The heartbeat's work; {@code forAcquisition}: run before an acquisition whose fence ran out, even with no grant
     * held (it then only takes the lock, deletes this gateway's stale rows and arms the fence). Under this object's lock.
     */
    private void beat(boolean forAcquisition) {
        List<Budget> held = held();
        if (held.isEmpty() && !forAcquisition) {
            sessionLock.touch(); // an idle gateway keeps its lock: the server ends a session silent for a few seconds
            return;
        }
        if (fenced) renewFence(true); // one round trip first: the fence does not wait for the beat's longer transaction
        // a beat under way at a stop (it read `closed` before) ends here, before key() could open a new lock connection
        // that nobody then closes (review, thirtieth session): its rows are ones a stop leaves anyway
        if (closed) return;
        long startNanos = nanoClock.getAsLong(); // before the rows' heartbeat_at is read: the fence counts from no later
        Long key = sessionLock.key(); // taken again first if its connection was lost: the rows then name it
        long hold = sessionLock.hold();
        boolean continuous = key != null && hold == fenceHold;
        if (fenced && !continuous && everNamed) {
            // the lock went with its connection (or cannot be had): other gateways may take this one for gone once its
            // rows are quiet, so no call is admitted on its grants from now, and their unused part is given up (this
            // beat writes the rows claiming only what is spent and in flight); a call that needs more takes a grant again
            boolean wasArmed = fence.armed();
            fence.revoke();
            revokeGrants(held);
            if (wasArmed) { // once per loss, not every beat of an outage
                log.warn("budget grants: this gateway's session lock was lost ({}); no call is admitted on its grants until "
                        + "they are taken again from the store, their unused part given up", key == null
                        ? "it cannot be taken again now" : "taken again on a new connection");
            }
        }
        heldSessionLock = key;
        long now = clockMillis.getAsLong();
        List<Budget> beaten = new ArrayList<>();
        List<Budget.Grant.Beat> beats = new ArrayList<>();
        Set<String> goneIds = db.transaction(BACKGROUND_STATEMENT_MILLIS, c -> {
            // a write first: SQLite then holds its write lock for the whole beat (a read first could not upgrade); it
            // deletes this gateway's rows of budgets it no longer holds (a key deleted). Half a lease: a held row is
            // written every beat, and one not written for that long is no longer admitted on (Grant.validUntil), so a
            // late beat never deletes a row it still holds
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE gateway_id = ? AND heartbeat_at < ?")) {
                ps.setString(1, gatewayId);
                ps.setLong(2, now - leaseMillis / 2);
                ps.executeUpdate();
            }
            Set<String> present = new HashSet<>();
            Set<String> contested = new HashSet<>();
            // a row of this gateway's marked gone (it was taken for crashed: paused for a lease) is lost as a deleted one is
            try (PreparedStatement ps = c.prepareStatement("SELECT scope, period_start, gateway_id, wanted_nanos, heartbeat_at "
                    + "FROM budget_grants WHERE gone_at IS NULL AND (gateway_id = ? OR (wanted_nanos > 0 AND heartbeat_at >= ?))")) {
                ps.setString(1, gatewayId);
                ps.setLong(2, now - leaseMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (gatewayId.equals(rs.getString(3))) present.add(rs.getString(1) + "@" + rs.getLong(2));
                        else contested.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement write = c.prepareStatement(UPSERT_ALL);
                 PreparedStatement drop = c.prepareStatement("DELETE FROM budget_grants WHERE scope = ? AND period_start = ? "
                    + "AND gateway_id = ?");
                 // a lost row is made again by the upsert with nothing flushed: what of its spend the ledger already holds
                 // (credited) is flushed, or it would count twice, in the ledger's sum and in the row, for the period
                 PreparedStatement flushed = c.prepareStatement("UPDATE budget_grants SET flushed_nanos = ? WHERE scope = ? "
                    + "AND period_start = ? AND gateway_id = ?")) {
                for (Budget b : held) {
                    String scope = b.grant().scope;
                    boolean lost = !present.contains(scope + "@" + b.rowPeriod());
                    if (lost) log.warn("budget {}: this gateway's grant row was gone from the store (taken for a gateway "
                            + "that is gone); it now claims only what it spent and has in flight", scope);
                    Budget.Grant.Beat beat = b.beat(contested.contains(scope), lost, now);
                    if (beat == null) continue;
                    if (beat.dropPeriod() != Budget.Grant.NONE) {
                        drop.setString(1, scope);
                        drop.setLong(2, beat.dropPeriod());
                        drop.setString(3, gatewayId);
                        drop.addBatch();
                    }
                    if (!beat.writes()) continue;
                    bindRow(write, scope, beat.periodStart(), beat.granted(), beat.used(), beat.reserved(), now, beat.claim());
                    boolean waiting;
                    synchronized (b.grant()) {
                        waiting = b.grant().pending != null;
                    }
                    write.setInt(14, waiting ? 1 : 0);
                    write.addBatch();
                    if (lost && beat.credited() > 0 && beat.dropPeriod() == Budget.Grant.NONE) {
                        flushed.setLong(1, beat.credited());
                        flushed.setString(2, scope);
                        flushed.setLong(3, beat.periodStart());
                        flushed.setString(4, gatewayId);
                        flushed.addBatch();
                    }
                    beaten.add(b);
                    beats.add(beat);
                }
                drop.executeBatch();
                write.executeBatch();
                flushed.executeBatch();
            }
            if (fenced) {
                // every row of this gateway is now this beat's (a row it no longer holds would be quiet, and a quiet row
                // with a free lock has the others take all of this gateway's rows for gone): the fence counts from here
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE gateway_id = ? "
                        + "AND gone_at IS NULL AND heartbeat_at < ?")) {
                    ps.setString(1, gatewayId);
                    ps.setLong(2, now);
                    ps.executeUpdate();
                }
            }
            return deleteGone(c, now);
        });
        if (fenced) settleFence(held, key, hold, startNanos);
        // after the commit: a gone gateway's lock file goes only once its rows have
        for (String id : goneIds) locks.forget(id);
        if (now - lastSweep >= leaseMillis) {
            lastSweep = now;
            locks.sweep(gatewaysWithRows());
        }
        for (int i = 0; i < beaten.size(); i++) {
            beaten.get(i).renewed(beats.get(i).periodStart(), now + leaseMillis / 2, beats.get(i).claim(), now);
        }
        if (!forAcquisition) {
            writeCredits(); // the spend of a period whose row this beat wrote, or that a failed credit left
            return;
        }
        try {
            writeCredits();
        } catch (RuntimeException e) {
            // the call waits for its grant, not for the credits: they stay queued for the next batch or heartbeat
            log.debug("budget grants: credits not written before an acquisition ({}); written at the next heartbeat", e.toString());
        }
    }

    /**
     * Renews the fence in one round trip ({@link SessionLock#renew}: this gateway's {@code gateway_beats} row, written
     * by a statement that also proves the lock held) when it was armed under the lock's current hold. Nothing when the
     * fence is open (no lock named) or was never armed, or, unless {@code evenIfCurrent} (a heartbeat's start), when
     * another call renewed it meanwhile; a failed renewal changes nothing (the beat decides). Runs beside a heartbeat
     * (not under this object's lock): its row is one the heartbeat never locks.
     */
    private void renewFence(boolean evenIfCurrent) {
        renewFence(evenIfCurrent, null, null, 0);
    }

    /**
     * As above, and the claims of the budgets {@code which} (null: every budget this gateway holds) are renewed in the
     * same statement ({@code grant_claims}); {@code stopped}, when not null, is a budget whose claim's bound stopped a
     * call of {@code nanos} its grant covered: its margin grows first ({@link Budget#renewalClaim}).
     *
     * @return whether the renewal committed
     */
    private boolean renewFence(boolean evenIfCurrent, List<Budget> which, Budget stopped, long nanos) {
        synchronized (renewal) {
            long hold = fenceHold;
            if (hold < 0 || heldSessionLock == null || closed || (!evenIfCurrent && fence.current())) return false;
            long now = clockMillis.getAsLong();
            List<Budget> claimed = new ArrayList<>();
            List<String> scopes = new ArrayList<>();
            List<Long> periods = new ArrayList<>();
            List<Long> claims = new ArrayList<>();
            for (Budget b : which == null ? held() : which) {
                long period = b.rowPeriod();
                long claim = b.renewalClaim(b == stopped ? nanos : 0, now);
                if (claim < 0 || period == Budget.Grant.NONE) continue;
                claimed.add(b);
                scopes.add(b.grant().scope);
                periods.add(period);
                claims.add(claim);
            }
            long startNanos = nanoClock.getAsLong(); // before beat_at is read: the fence counts from no later
            // read before the write: a beat that finds the lock lost (after this write committed) revokes outside
            // `renewal`; neither the fence nor the claims are then restored by this renewal (review)
            long revokes = fence.revokes();
            if (!sessionLock.renew(hold, gatewayId, now, scopes.toArray(String[]::new), periods.toArray(Long[]::new),
                    claims.toArray(Long[]::new))) return false;
            if (!fence.armSince(revokes, startNanos + FENCE_MILLIS * 1_000_000)) return false;
            long at = clockMillis.getAsLong();
            for (int i = 0; i < claimed.size(); i++) claimed.get(i).renewalClaimed(periods.get(i), claims.get(i), at, revokes);
            return true;
        }
    }

    /**
     * After a heartbeat committed: the fence is armed until the beat's start plus {@link #FENCE_MILLIS} when the lock
     * was held without a break from before the beat to after its commit (a round trip on its connection). No other
     * gateway can have taken this one for gone meanwhile, however long the beat took: that needs its lock free. (The
     * first fence also refused when a beat committed late, and a heartbeat delayed by load then answered calls 503 while
     * the store answered; now such calls wait for the next beat.) A lock lost during the beat gives the grants' unused
     * part up and leaves the fence down. When the lock cannot be had at all, the rows this beat wrote name none (and it
     * deleted its older ones), so only the lease can take this gateway for gone, as without locks: the fence opens.
     */
    private void settleFence(List<Budget> held, Long key, long hold, long startNanos) {
        if (key == null) {
            fence.openUp();
            fenceHold = -1;
            return;
        }
        everNamed = true;
        if (sessionLock.stillHeld(hold)) {
            fence.arm(startNanos + FENCE_MILLIS * 1_000_000);
            fenceHold = hold;
            startRaiser();
            return;
        }
        fence.revoke();
        revokeGrants(held);
        log.warn("budget grants: this gateway's session lock was lost during its heartbeat; no call is admitted on its "
                + "grants until they are taken again from the store, their unused part given up");
    }

    private void revokeGrants(List<Budget> held) {
        long now = clockMillis.getAsLong();
        for (Budget b : held) b.revokeGrant(now);
    }

    /**
     * End users' and teams' budgets without a call for {@link RowBudgets#IDLE_MILLIS} are let go (made again by their
     * next call, which takes a grant from the store), and their grant rows deleted: a gateway that has served a hundred
     * thousand end users does not renew a hundred thousand rows every beat. Under this object's lock, so no credit runs
     * meanwhile. Blocks.
     */
    private void retireIdle(RowBudgets<?> rows, String what) {
        Map<Budget, Long> dropped = rows.retireIdle(clockMillis.getAsLong());
        if (dropped.isEmpty()) return;
        uncredited.keySet().removeIf(k -> dropped.containsKey(k.budget()));
        try {
            deleteRows(dropped);
        } catch (RuntimeException e) {
            // the rows stay unrenewed: this gateway's next beats delete them after half a lease, and a budget made anew
            // meanwhile starts its row from 0 (UPSERT_FRESH); until then they are counted as committed (the safe side)
            log.warn("could not delete the grant rows of {} idle {} budget(s) (they lapse within {} s): {}", dropped.size(), what,
                    leaseMillis / 2000, e.toString());
        }
    }

    private void deleteRows(Map<Budget, Long> dropped) {
        db.transaction(BACKGROUND_STATEMENT_MILLIS, c -> {
            for (String table : new String[] {"budget_grants", "grant_claims"}) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE scope = ? AND gateway_id = ?")) {
                    for (Budget b : dropped.keySet()) {
                        if (dropped.get(b) == Budget.Grant.NONE) continue;
                        ps.setString(1, b.grant().scope);
                        ps.setString(2, gatewayId);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    /** The ids of the gateways that hold rows (a lock file no row names is swept). Blocks. */
    private Set<String> gatewaysWithRows() {
        return db.transaction(BACKGROUND_STATEMENT_MILLIS, c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT gateway_id FROM budget_grants");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
            return ids;
        });
    }

    /**
     * A gone gateway's row keeps what it claimed ({@code claim_nanos}: its use plus the margin up to which it may have
     * admitted after its last write) as its use, so its marked row counts it as spent (portable: no GREATEST in SQLite).
     */
    /** A row's claim as its gateway's last renewal wrote it ({@code grant_claims}, the same period), 0 for none. */
    private static final String RENEWED_CLAIM = "COALESCE((SELECT c.claim_nanos FROM grant_claims c WHERE c.gateway_id = "
            + "budget_grants.gateway_id AND c.scope = budget_grants.scope AND c.period_start = budget_grants.period_start), 0)";
    /** The higher of the row's claim and its renewal's. */
    private static final String CLAIMED = "(CASE WHEN claim_nanos > " + RENEWED_CLAIM + " THEN claim_nanos ELSE "
            + RENEWED_CLAIM + " END)";
    private static final String CLAIM_INTO_USED = "used_nanos = CASE WHEN " + CLAIMED + " > used_nanos THEN " + CLAIMED
            + " ELSE used_nanos END";
    private static final String CLAIMS_UNFLUSHED = "(used_nanos > flushed_nanos OR " + CLAIMED + " > flushed_nanos)";

    /**
     * Reclaims the rows of gateways that are gone (see {@link #gone}): those that still claim spend the ledger was never
     * credited with are kept, marked gone, with nothing granted; the others are deleted. Returns the gateways found gone
     * by their pid or lock.
     */
    private Set<String> deleteGone(Connection c, long now) throws SQLException {
        if (!db.tryTransactionLock(c, CLEANUP_LOCK)) return Set.of(); // another gateway cleans up now
        try (PreparedStatement keep = c.prepareStatement("UPDATE budget_grants SET gone_at = ?, granted_nanos = 0, "
                + "wanted_nanos = 0, " + CLAIM_INTO_USED + " WHERE heartbeat_at < ? AND gone_at IS NULL AND " + CLAIMS_UNFLUSHED);
             PreparedStatement drop = c.prepareStatement("DELETE FROM budget_grants WHERE heartbeat_at < ? AND gone_at IS NULL")) {
            keep.setLong(1, now);
            keep.setLong(2, now - leaseMillis);
            keep.executeUpdate();
            drop.setLong(1, now - leaseMillis);
            drop.executeUpdate();
        }
        try (PreparedStatement beats = c.prepareStatement("DELETE FROM gateway_beats WHERE beat_at < ?")) {
            beats.setLong(1, now - leaseMillis);
            beats.executeUpdate();
        }
        // renewed claims outlive no gateway: once none of its rows is live (its claims folded into its gone rows above)
        try (PreparedStatement claims = c.prepareStatement("DELETE FROM grant_claims WHERE NOT EXISTS (SELECT 1 FROM "
                + "budget_grants b WHERE b.gateway_id = grant_claims.gateway_id AND b.gone_at IS NULL)")) {
            claims.executeUpdate();
        }
        Set<String> gone = new HashSet<>();
        Map<String, Long> sessionLocks = new HashMap<>();
        // a lock is trusted only on the server that granted it: after a restart or a failover every lock is free
        Long server = db.kind() == Database.Kind.POSTGRESQL && sessionLock != SessionLock.NONE ? SessionLock.serverStart(c) : null;
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT gateway_id, host, pid, process_start, session_lock, "
                + "session_server FROM budget_grants WHERE heartbeat_at < ? AND gateway_id <> ? AND gone_at IS NULL")) {
            ps.setLong(1, now - GONE_QUIET_MILLIS);
            ps.setString(2, gatewayId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long lock = rs.getLong(5);
                    boolean named = !rs.wasNull();
                    long lockServer = rs.getLong(6);
                    if (named && !rs.wasNull() && server != null && lockServer == server) sessionLocks.put(id, lock);
                    if (ProcessIdentity.SELF.knowsGone(rs.getString(2), rs.getLong(3), rs.getLong(4))
                            || lockSaysGone(id, rs.getString(2))) gone.add(id);
                }
            }
        }
        // PostgreSQL: a quiet gateway whose session lock nobody holds ended, wherever it ran (its connection closed)
        for (Map.Entry<String, Long> e : sessionLocks.entrySet()) {
            if (!gone.contains(e.getKey()) && SessionLock.knowsGone(c, e.getValue())) {
                gone.add(e.getKey());
            }
        }
        if (gone.isEmpty()) return gone;
        // A gateway that wrote a row since it was read as quiet is alive: a late heartbeat that committed, with its lock
        // held, after the quiet rows were read and before the lock was found free (lost just after that beat; its fence
        // counts from the beat). This statement sees every commit made before the lock was taken here, and no later
        // beat of that gateway can be one that arms its fence (this transaction holds its lock's key); the rows are
        // judged by their own quiet time below too, so a row written after this check (naming no lock) stays.
        // its fence's renewals write gateway_beats, not its grant rows: a fresh beat there says the same
        try (PreparedStatement fresh = c.prepareStatement("SELECT 1 FROM budget_grants WHERE gateway_id = ? AND gone_at IS NULL "
                + "AND heartbeat_at >= ? UNION ALL SELECT 1 FROM gateway_beats WHERE gateway_id = ? AND beat_at >= ?")) {
            for (var it = gone.iterator(); it.hasNext(); ) {
                String id = it.next();
                fresh.setString(1, id);
                fresh.setLong(2, now - GONE_QUIET_MILLIS);
                fresh.setString(3, id);
                fresh.setLong(4, now - GONE_QUIET_MILLIS);
                try (ResultSet rs = fresh.executeQuery()) {
                    if (rs.next()) it.remove();
                }
            }
        }
        if (gone.isEmpty()) return gone;
        try (PreparedStatement keep = c.prepareStatement("UPDATE budget_grants SET gone_at = ?, granted_nanos = 0, "
                + "wanted_nanos = 0, " + CLAIM_INTO_USED + " WHERE gateway_id = ? AND gone_at IS NULL AND heartbeat_at < ? AND "
                + CLAIMS_UNFLUSHED);
             PreparedStatement drop = c.prepareStatement("DELETE FROM budget_grants WHERE gateway_id = ? AND gone_at IS NULL "
                + "AND heartbeat_at < ?")) {
            for (String id : gone) {
                keep.setLong(1, now);
                keep.setString(2, id);
                keep.setLong(3, now - GONE_QUIET_MILLIS);
                keep.addBatch();
                drop.setString(1, id);
                drop.setLong(2, now - GONE_QUIET_MILLIS);
                drop.addBatch();
            }
            int kept = 0;
            for (int n : keep.executeBatch()) kept += Math.max(0, n);
            drop.executeBatch();
            try (PreparedStatement beats = c.prepareStatement("DELETE FROM gateway_beats WHERE gateway_id = ? AND beat_at < ?")) {
                for (String id : gone) {
                    beats.setString(1, id);
                    beats.setLong(2, now - GONE_QUIET_MILLIS);
                    beats.addBatch();
                }
                beats.executeBatch();
            }
            // its renewed claims are folded into its gone rows (keep, above): they go, unless a live row of it is left
            try (PreparedStatement claims = c.prepareStatement("DELETE FROM grant_claims WHERE gateway_id = ? AND NOT EXISTS "
                    + "(SELECT 1 FROM budget_grants b WHERE b.gateway_id = grant_claims.gateway_id AND b.gone_at IS NULL)")) {
                for (String id : gone) {
                    claims.setString(1, id);
                    claims.addBatch();
                }
                claims.executeBatch();
            }
            if (kept > 0) {
                log.warn("gateway(s) {} stopped without a clean stop: {} of their budget grant rows claimed spend or calls "
                        + "in flight that the ledger never got; it stays spent for the rest of those budgets' periods", gone, kept);
            }
        }
        return gone;
    }

    /**
     * Whether a gateway's lock beside the store says it is gone: only for a row of this kernel (the same boot id: the
     * containers of one machine share it), since a lock taken on another machine may not be seen here at all (a
     * network filesystem whose locks are local), and a live gateway taken for gone would have its grant handed out again.
     */
    private boolean lockSaysGone(String gateway, String host) {
        return ProcessIdentity.SELF.sameKernel(host) && locks.knowsGone(gateway);
    }

    /** Whether this gateway ever took a grant: only then do the ledger's batches need crediting. */
    boolean holdsAny() { return everHeld; }

    /** Spend the ledger holds, not yet credited to a grant row: by budget and by the period it ended in. */
    private record CreditKey(Budget budget, long periodStart) {}

    private final Map<CreditKey, Long> uncredited = new HashMap<>();

    /**
     * After the ledger committed {@code rows} (on its writer's thread): each grant row's {@code flushed_nanos} grows by
     * what the rows of its period added to the ledger, so that it stops counting twice. A row of a period whose grant
     * row this gateway has not written yet (the first seconds of a period), and a credit the store refused, wait for
     * the next credit or heartbeat; credits of a period gone by are dropped. Blocks.
     */
    synchronized void credit(List<FlushedSpend> rows) {
        for (FlushedSpend r : rows) {
            if (r.costNanos() <= 0) continue;
            if (r.keyId() != null) {
                KeyState k = keys.byId(r.keyId());
                if (k != null && k.budget.grant() != null) add(k.budget, r);
            }
            String endUser = EndUsers.id(r.endUser()); // the id as the budget has it (the row's is not cut yet)
            if (endUser != null) {
                Budget b = endUsers.budgetIfHeld(endUser);
                if (b != null && b.grant() != null) addSettled(b, r);
            }
            if (r.team() != null) {
                Budget b = teams.budgetIfHeld(r.team());
                if (b != null && b.grant() != null) addSettled(b, r);
            }
            if (r.user() != null) {
                Budget b = users.budgetIfHeld(r.user());
                if (b != null && b.grant() != null) addSettled(b, r);
            }
            if (r.member() != null) {
                Budget b = teams.members().budgetIfHeld(r.member());
                if (b != null && b.grant() != null) addSettled(b, r);
            }
            if (global != null) add(global, r);
        }
        writeCredits();
    }

    /**
     * An end user's, a team's or a user's row: only as much as its budget has settled and not yet had credited. Calls settle into
     * the budget only while it is limited, so a call made while it was not (or that began before its limit was set) is in
     * the ledger but not in the grant's spend: crediting it would make the row claim less than is still outstanding.
     */
    private void addSettled(Budget b, FlushedSpend r) {
        long period = b.periodOf(r.endedAt());
        CreditKey key = new CreditKey(b, period);
        long room = b.uncreditedSpend(period) - uncredited.getOrDefault(key, 0L);
        long cost = Math.min(r.costNanos(), room);
        if (cost > 0) uncredited.merge(key, cost, Long::sum);
    }

    /** Under this object's lock: a row's spend, waiting for its grant row. */
    private void add(Budget b, FlushedSpend r) {
        // a call belongs to the period in which it ended (its budget settled at that same instant: MeteredCall)
        uncredited.merge(new CreditKey(b, b.periodOf(r.endedAt())), r.costNanos(), Long::sum);
    }

    /** Under this object's lock: the credits whose grant row exists, in one transaction. */
    private void writeCredits() {
        if (uncredited.isEmpty()) return;
        Map<CreditKey, Long> now = new HashMap<>();
        for (var it = uncredited.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            long row = e.getKey().budget().rowPeriod();
            if (row == e.getKey().periodStart()) {
                now.put(e.getKey(), e.getValue());
                it.remove();
            } else if (e.getKey().periodStart() < e.getKey().budget().currentPeriodStart(clockMillis.getAsLong())) {
                it.remove(); // a period gone by: no acquisition counts it any more
            }
        }
        if (now.isEmpty()) return;
        Map<CreditKey, Long> claims = new HashMap<>();
        try {
            db.transaction(BACKGROUND_STATEMENT_MILLIS, c -> {
                // used_nanos too, as the heartbeat writes it: were this gateway killed now, what it admitted up to here
                // (spent, or in flight at worst case) stays committed (deleteGone), not only what its last beat said
                // and the claim beside it (with a fence: what it may admit before its next write, up to which it does)
                try (PreparedStatement ps = c.prepareStatement("UPDATE budget_grants SET flushed_nanos = flushed_nanos + ?, "
                        + "used_nanos = CASE WHEN ? < 0 THEN used_nanos ELSE ? END, "
                        + "claim_nanos = CASE WHEN ? < 0 THEN claim_nanos ELSE ? END "
                        + "WHERE scope = ? AND period_start = ? AND gateway_id = ?")) {
                    List<CreditKey> order = new ArrayList<>();
                    for (Map.Entry<CreditKey, Long> e : now.entrySet()) {
                        long[] use = e.getKey().budget().useAndClaim(e.getKey().periodStart());
                        long used = use == null ? -1 : use[0];
                        long claim = use == null ? -1 : use[1];
                        if (use != null) claims.put(e.getKey(), claim);
                        order.add(e.getKey());
                        ps.setLong(1, e.getValue());
                        ps.setLong(2, used);
                        ps.setLong(3, used);
                        ps.setLong(4, claim);
                        ps.setLong(5, claim);
                        ps.setString(6, e.getKey().budget().grant().scope);
                        ps.setLong(7, e.getKey().periodStart());
                        ps.setString(8, gatewayId);
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    // a claim counts only once a row shows it (a row the store lost shows none: its next beat makes it)
                    for (int i = 0; i < counts.length && i < order.size(); i++) if (counts[i] == 0) claims.remove(order.get(i));
                }
                return null;
            });
        } catch (RuntimeException e) {
            now.forEach((k, v) -> uncredited.merge(k, v, Long::sum)); // tried again with the next batch or heartbeat
            throw e;
        }
        long at = clockMillis.getAsLong();
        now.forEach((k, v) -> k.budget().credited(k.periodStart(), v));
        claims.forEach((k, v) -> k.budget().claimed(k.periodStart(), v, at));
    }

    /** At shutdown, after the ledger's last rows are written: this gateway's grants stop counting at once. Blocks. */
    synchronized void release() {
        stop();
        // a renewal under way (the raiser's, a call's) commits before the DELETEs below, and none starts after: each reads
        // `closed` under `renewal`, so once this takes it (after `closed` was set) the one running is done (review: stop()
        // took `renewal` itself, and so a shutdown, rows given back or not, waited for a renewal on an unhealthy store)
        synchronized (renewal) {
            assert closed;
        }
        for (Budget b : held()) {
            if (b.reservedNow() > 0) {
                log.warn("budget grants not given back at shutdown: calls still in flight hold them (they lapse with the "
                        + "lease, in {} s)", leaseMillis / 1000);
                return;
            }
        }
        db.transaction(c -> {
            try (PreparedStatement beats = c.prepareStatement("DELETE FROM gateway_beats WHERE gateway_id = ?")) {
                beats.setString(1, gatewayId);
                beats.executeUpdate();
            }
            try (PreparedStatement claims = c.prepareStatement("DELETE FROM grant_claims WHERE gateway_id = ?")) {
                claims.setString(1, gatewayId);
                claims.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE gateway_id = ?")) {
                ps.setString(1, gatewayId);
                ps.executeUpdate();
            }
            return null;
        });
        // only now: while rows of this gateway exist its lock must stand (the process's end releases it otherwise)
        locks.close();
        sessionLock.close();
    }

    /**
     * At shutdown, whether or not the rows are then given back ({@link #release}): no renewal or acquisition writes a row
     * after it, the raiser's thread ends, and so does the session lock's keeper. The lock's connection (and the lock)
     * stays: this gateway's rows stand until the process ends, or the server ends the silent session
     * ({@link SessionLock#SILENT_MILLIS}) and the others take them over. Before (review), a shutdown with ledger rows
     * still pending skipped {@link #release} whole, and the two threads (daemons) stayed parked, holding this object, in
     * an embedded gateway or an in-JVM test. Idempotent.
     */
    void stop() {
        // not under `renewal` (review, thirtieth session): a renewal under way holds it for up to 2 s (about 10 s on a
        // blackholed link), and a shutdown on an unhealthy store waited for it. No renewal starts after this (each reads
        // `closed`, volatile, under `renewal`); one under way may still commit its gateway_beats and grant_claims rows,
        // rows a stop leaves anyway, and release() takes `renewal` before its DELETEs, so that they come after it
        closed = true;
        // Not under this object's lock (thirtieth session, decided): it would make a shutdown with ledger rows pending,
        // i.e. on an unhealthy store, wait for a heartbeat under way (statements of up to 10 s each). What may still run
        // after `closed` is set: no renewal starts (the raiser's, a call's raise, an acquisition's: all read `closed` under
        // `renewal`); a heartbeat or an acquisition that read `closed` before (under this object's lock) runs to
        // its end. Its rows are ones a stop leaves anyway (release, which deletes them, holds this object's lock, so it
        // waits for it); what it must not leave is a thread: its SessionLock.key may make the lock's connection again,
        // and so a keeper, after stopKeeper below (SessionLock.stopped: none then), and its settleFence may start the
        // raiser, whose loop reads `closed` (volatile, set above) first and ends at once
        Thread t = raiser;
        if (t != null) t.interrupt(); // parked or between raises: it ends
        sessionLock.stopKeeper();
    }

    private List<Budget> budgets() {
        List<Budget> out = new ArrayList<>();
        for (KeyState k : keys.states()) if (k.budget.grant() != null) out.add(k.budget); // no sort every heartbeat
        endUsers.addBudgets(out);
        teams.addBudgets(out);
        users.addBudgets(out);
        teams.members().addBudgets(out);
        if (global != null) out.add(global);
        return out;
    }

    private List<Budget> held() {
        List<Budget> out = new ArrayList<>();
        for (Budget b : budgets()) if (b.rowPeriod() != Budget.Grant.NONE) out.add(b);
        return out;
    }

}
