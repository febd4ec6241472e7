package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Caller;
import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import io.vertx.core.Vertx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A raise of one budget's claim on PostgreSQL (a call its grant covered, its claim did not) writes that budget's
 * {@code grant_claims} row only. Before (twenty-ninth session), the raise was a whole renewal: every held budget's
 * claim rewritten, O(N) per raise. One gateway, two end users' budgets, heartbeats run by the test (no timer), so
 * nothing else writes the claims meanwhile (the background raiser writes only budgets that asked, and bob never does).
 */
@Tag("services")
class ClaimRaisePostgresIT {
    private static final long BUDGET = 10_000_000;

    private final String url = Postgres.freshSchemaUrl();
    private Database db;
    private Vertx vertx;

    @AfterEach
    void close() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (db != null) db.close();
        Postgres.drop(url);
    }

    private static WorstCase worst(long nanos) {
        return new WorstCase() {
            @Override public long boundNanos() { return nanos; }
            @Override public long exactNanos() { return nanos; }
        };
    }

    /** A call of {@code user}'s of worst case {@code nanos}, admitted (waiting for its grant or claim if need be), left in flight. */
    private static Admission admit(Governor governor, String user, long nanos) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return governor.admit(Caller.MASTER, user, List.of("m"), worst(nanos), () -> 0);
            } catch (BudgetPending p) {
                if (i == 3) throw p;
                p.ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Each budget's claim row: its transaction id ({@code xmin}: a new one at each write) by scope. */
    private Map<String, Long> claimWrites() {
        return db.transaction(c -> {
            Map<String, Long> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT scope, xmin::text::bigint FROM grant_claims");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    /** One gateway's shared budgets on the test's store and the governor that admits through them. */
    private record Shared(SharedBudgets budgets, Governor governor, EndUsers endUsers) {}

    private Shared start() {
        return start(System::currentTimeMillis);
    }

    private Shared start(java.util.function.LongSupplier clock) {
        db = Database.open(url, null);
        vertx = Vertx.vertx();
        EndUsers endUsers = new EndUsers(BUDGET);
        KeyRegistry keys = new KeyRegistry(true);
        SharedBudgets shared = new SharedBudgets(db, vertx, keys, endUsers, null, clock, SharedBudgets.LEASE_MILLIS);
        return new Shared(shared, new Governor(keys, new LocalRateLimiter(), null, clock, shared, null, endUsers), endUsers);
    }

    /** Ends this gateway's session lock's connection, as an operator or a pooler restart would. */
    private void endLockConnection(SharedBudgets shared) throws Exception {
        long key = SessionLock.keyOf(shared.gatewayId);
        try (java.sql.Connection admin = Postgres.connect(url);
             PreparedStatement ps = admin.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                     + "WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = ? AND objid::bigint = ?")) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("the lock's connection ended").isEqualTo(1);
            }
        }
    }

    /** How many sessions hold this gateway's session lock. */
    private int lockHolders(SharedBudgets shared) throws Exception {
        long key = SessionLock.keyOf(shared.gatewayId);
        try (java.sql.Connection admin = Postgres.connect(url);
             PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                     + "AND granted AND objsubid = 1 AND classid::bigint = ? AND objid::bigint = ?")) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void aRaiseForOneBudgetWritesThatBudgetsClaimOnly() throws Exception {
        Shared started = start();
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        try {
            admit(governor, "alice", 1_000).settle(1_000, 0, System.currentTimeMillis());
            admit(governor, "bob", 1_000).settle(1_000, 0, System.currentTimeMillis());
            shared.heartbeat(); // the periodic renewal: both claims written
            Map<String, Long> before = claimWrites();
            assertThat(before).as("a claim row per budget").hasSize(2);
            assertThat(shared.fence.current()).as("the fence armed by the beat just now (else the raise renews all)").isTrue();

            // far above alice's claim (used + a margin of 2,000), within her grant (alone: the whole budget)
            Admission big = admit(governor, "alice", 1_000_000);
            Map<String, Long> after = claimWrites();
            String alice = Budget.Grant.endUser("alice").scope;
            String bob = Budget.Grant.endUser("bob").scope;
            assertThat(after.get(alice)).as("alice's claim raised").isNotEqualTo(before.get(alice));
            // before: every held budget's claim rewritten by the raise (O(N) per raise)
            assertThat(after.get(bob)).as("bob's claim left as it was").isEqualTo(before.get(bob));
            big.settle(1_000_000, 0, System.currentTimeMillis());
        } finally {
            shared.release();
        }
    }
    /** The live threads of that name not in {@code except}. */
    private static List<Thread> threads(String name, java.util.Set<Thread> except) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive() && !except.contains(t)).toList();
    }

    /**
     * Review (twenty-ninth session): a shutdown with ledger rows still pending skips giving the grants back, and with it
     * stopped nothing: the claims' raiser and the session lock's keeper (daemons) stayed parked, holding the shared
     * budgets, in an embedded gateway or an in-JVM test. {@link SharedBudgets#stop} (run by {@code Gateway.shutdown}
     * always) ends both and leaves the rows.
     */
    @Test
    void aShutdownThatKeepsTheRowsStillEndsTheRaiserAndTheKeeper() throws Exception {
        java.util.Set<Thread> before = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        Shared started = start();
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        try {
            Admission inFlight = admit(governor, "alice", 1_000);
            shared.heartbeat(); // arms the fence: the raiser starts; the lock's keeper started with the lock
            List<Thread> raisers = threads("switchboard-budget-claims", before);
            List<Thread> keepers = threads("switchboard-session-lock", before);
            assertThat(raisers).as("this gateway's raiser").hasSize(1);
            assertThat(keepers).as("this gateway's lock keeper").hasSize(1);

            shared.stop(); // what a shutdown with ledger rows pending runs (release() is skipped)
            for (Thread t : raisers) t.join(5_000);
            for (Thread t : keepers) t.join(5_000);
            assertThat(threads("switchboard-budget-claims", before)).as("the raiser ended").isEmpty();
            assertThat(threads("switchboard-session-lock", before)).as("the keeper ended").isEmpty();
            assertThat(claimWrites()).as("the rows stay (covered until the lease or the lock goes)").isNotEmpty();
            inFlight.settle(1_000, 0, System.currentTimeMillis());
        } finally {
            shared.release();
        }
    }

    /**
     * {@code user}'s budget asks the raiser for a raise: a call admitted within its claim that leaves its use at the
     * claim, past half the margin (the fence must admit: within a fence's window of a beat). Returns the call.
     */
    private static Admission ask(Governor governor, Budget b, String user) throws Exception {
        long room;
        synchronized (b) {
            room = b.grant().claimCap - b.grant().spent - b.reservedNow();
        }
        assertThat(room).as("room left under the claim").isPositive();
        assertThat(b.claimWanted()).as("no ask before").isFalse();
        Admission a = governor.admit(Caller.MASTER, user, List.of("m"), worst(room), () -> 0);
        assertThat(b.claimWanted()).as("the call asked for a raise").isTrue();
        return a;
    }

    /** Waits up to {@code millis} for {@code done}; whether it came. */
    private static boolean within(long millis, java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - until > 0) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Thirtieth session: the raiser found the budgets that asked by scanning every held budget (O(N) a pass on its
     * thread). They are now a stack of the budgets that asked: with 40 other budgets held, alice's ask has the raiser
     * look at alice alone, in one pass.
     */
    @Test
    void theRaiserLooksOnlyAtTheBudgetsThatAsked() throws Exception {
        Shared started = start();
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        try {
            for (int i = 0; i < 40; i++) admit(governor, "u" + i, 1_000).settle(1_000, 0, System.currentTimeMillis());
            admit(governor, "alice", 1_000).settle(1_000, 0, System.currentTimeMillis());
            // settled: whatever the warm-up calls asked is raised, and nothing asks while nothing is admitted
            Thread.sleep(4 * SharedBudgets.RAISE_GAP_MILLIS);
            shared.heartbeat(); // the periodic renewal: every claim written, every ask cleared; the fence armed
            // a warm-up pass may still be running: the counters are read once they hold still over a few gaps
            long examined, passes;
            do {
                examined = shared.raiseExamined();
                passes = shared.raisePasses();
                Thread.sleep(3 * SharedBudgets.RAISE_GAP_MILLIS);
            } while (examined != shared.raiseExamined() || passes != shared.raisePasses());
            Budget alice = started.endUsers().budgetIfHeld("alice");
            String scope = Budget.Grant.endUser("alice").scope;
            long written = claimWrites().get(scope);

            Admission call = ask(governor, alice, "alice");
            assertThat(within(5_000, () -> !alice.claimWanted())).as("alice's raise committed").isTrue();
            assertThat(claimWrites().get(scope)).as("alice's claim row written by the raise").isNotEqualTo(written);
            assertThat(shared.raisePasses() - passes).as("one pass").isEqualTo(1);
            // before: every held budget (41) looked at for its flag
            assertThat(shared.raiseExamined() - examined).as("budgets the raiser looked at").isEqualTo(1);
            call.settle(1_000, 0, System.currentTimeMillis());
        } finally {
            shared.release();
        }
    }

    /**
     * Thirtieth session: a raise the store refused left the budget's flag set and the raiser parked, so no later call
     * asked again and the ask waited for the next beat. It now goes back on the raiser's stack: with the claims' table
     * locked (the renewal's statement times out after 2 s), alice's ask is tried again after the gap, and once the
     * table is free her claim is raised with no beat.
     */
    @Test
    void anAskIsNotLostWhenItsRaiseFails() throws Exception {
        Shared started = start();
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        try {
            admit(governor, "alice", 1_000).settle(1_000, 0, System.currentTimeMillis());
            admit(governor, "bob", 1_000).settle(1_000, 0, System.currentTimeMillis());
            Thread.sleep(4 * SharedBudgets.RAISE_GAP_MILLIS);
            shared.heartbeat();
            Budget alice = started.endUsers().budgetIfHeld("alice");
            String scope = Budget.Grant.endUser("alice").scope;
            long written = claimWrites().get(scope);
            long passes = shared.raisePasses();
            Admission call;
            try (java.sql.Connection blocker = Postgres.connect(url)) {
                blocker.setAutoCommit(false);
                try (var st = blocker.createStatement()) {
                    st.execute("LOCK TABLE grant_claims IN ACCESS EXCLUSIVE MODE");
                }
                call = ask(governor, alice, "alice");
                // the first raise fails (its statement times out on the lock) and a second pass takes the ask again
                assertThat(within(10_000, () -> shared.raisePasses() - passes >= 2)).as("the raise tried again").isTrue();
                assertThat(alice.claimWanted()).as("still asked: nothing committed").isTrue();
                blocker.rollback();
            }
            // no beat: only the raiser writes her claim now (before: never, until the next beat)
            assertThat(within(5_000, () -> !alice.claimWanted())).as("alice's raise committed once the store took it").isTrue();
            assertThat(claimWrites().get(scope)).as("alice's claim row written by the raise").isNotEqualTo(written);
            call.settle(1_000, 0, System.currentTimeMillis());
        } finally {
            shared.release();
        }
    }

    /**
     * Thirtieth session: a pass that fails (here the lock's connection ended by {@code pg_terminate_backend}, so each
     * renewal fails at once) puts its ask back, and the raiser sleeps before the next, not a spin (checked: it fails
     * with the sleep removed). And longer after each failed pass in a row, up to {@link SharedBudgets#RAISE_BACKOFF_MILLIS}
     * (review: a try against a slow store holds the renewal's lock and the session lock's up to 2 s, and retried every
     * gap they were held almost always): over a second, about a pass per backoff (checked: it fails with the sleep
     * the gap alone).
     */
    @Test
    void aRefusingStoreIsAskedOncePerGapNotInASpin() throws Exception {
        Shared started = start();
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        try {
            Budget alice = settledAndRenewed(started, "alice");
            endLockConnection(shared);
            Admission call = ask(governor, alice, "alice");
            Thread.sleep(200); // the first failures
            long passes = shared.raisePasses();
            long window = 1_000;
            Thread.sleep(window);
            long made = shared.raisePasses() - passes;
            assertThat(alice.claimWanted()).as("the raise keeps failing: still asked").isTrue();
            assertThat(made).as("passes in %s ms (gap %s ms)", window, SharedBudgets.RAISE_GAP_MILLIS)
                    .isGreaterThanOrEqualTo(2).isLessThanOrEqualTo(window / SharedBudgets.RAISE_BACKOFF_MILLIS + 2);
            call.settle(1_000, 0, System.currentTimeMillis());
        } finally {
            shared.release();
        }
    }

    /**
     * Thirtieth session: {@link SharedBudgets#stop} does not wait for a heartbeat under way (it takes no lock of the
     * shared budgets': on the unhealthy store that leaves ledger rows pending, a beat's statements take up to 10 s each).
     * Such a beat, its lock's connection lost, made it again after the stop, with a new keeper thread that outlived the
     * stop. Here the beat is held in its first step (an idle end user's row deleted, the table locked by the test)
     * while the stop runs; released, it takes the lock again for the budget still held, and no keeper is left.
     */
    @Test
    void aHeartbeatUnderWayAtAStopLeavesNoKeeperAfterIt() throws Exception {
        java.util.Set<Thread> before = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        java.util.concurrent.atomic.AtomicLong skew = new java.util.concurrent.atomic.AtomicLong();
        Shared started = start(() -> System.currentTimeMillis() + skew.get());
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        Thread beat = null;
        try {
            admit(governor, "idle", 1_000).settle(0, 0, System.currentTimeMillis()); // nothing spent: it may be let go uncredited
            Admission busy = admit(governor, "busy", 1_000); // in flight: held, so the beat goes on to take the lock
            assertThat(threads("switchboard-session-lock", before)).as("the keeper, with the lock's first connection").hasSize(1);
            endLockConnection(shared); // the next beat's key() makes the connection again
            try (java.sql.Connection blocker = Postgres.connect(url)) {
                blocker.setAutoCommit(false);
                try (var st = blocker.createStatement()) {
                    st.execute("LOCK TABLE budget_grants IN ACCESS EXCLUSIVE MODE");
                }
                skew.set(RowBudgets.IDLE_MILLIS + 1_000); // "idle" is let go by the beat, its row deleted first
                java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
                beat = new Thread(() -> {
                    try {
                        shared.heartbeat();
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                }, "test-beat");
                beat.start();
                Thread.sleep(500); // held on the table's lock, past its `closed` check
                assertThat(beat.isAlive()).as("the beat waits for the table").isTrue();
                shared.stop();
                blocker.rollback();
                beat.join(15_000);
                assertThat(beat.isAlive()).as("the beat ended").isFalse();
                assertThat(failed.get()).as("the beat").isNull();
            }
            // before: the beat's key() made a new connection and a new keeper, after stop() had stopped the old one
            Thread.sleep(100);
            assertThat(threads("switchboard-session-lock", before)).as("no keeper after the stop").isEmpty();
            // review: the beat's key() still opened a new connection and took the lock on it, never closed
            assertThat(lockHolders(shared)).as("sessions holding the lock after the stop").isZero();
            busy.settle(1_000, 0, System.currentTimeMillis());
        } finally {
            skew.set(0);
            shared.release();
        }
    }

    /**
     * Review (thirtieth session): {@link SharedBudgets#stop} took the renewal's lock, so a shutdown waited for a raise
     * under way against an unhealthy store (here its statement held 2 s by the claims' table, locked by the test; about
     * 10 s on a blackholed link), and so did the session lock's keeper's stop (the lock's monitor). It now only sets the
     * flag; {@link SharedBudgets#release} still waits for the renewal before its deletes.
     */
    @Test
    void aStopDoesNotWaitForARaiseUnderWay() throws Exception {
        Shared started = start();
        SharedBudgets shared = started.budgets();
        Governor governor = started.governor();
        try {
            Budget alice = settledAndRenewed(started, "alice");
            long passes = shared.raisePasses();
            Admission call;
            try (java.sql.Connection blocker = Postgres.connect(url)) {
                blocker.setAutoCommit(false);
                try (var st = blocker.createStatement()) {
                    st.execute("LOCK TABLE grant_claims IN ACCESS EXCLUSIVE MODE");
                }
                call = ask(governor, alice, "alice");
                assertThat(within(1_000, () -> shared.raisePasses() > passes)).as("the raise under way").isTrue();
                Thread.sleep(100); // in its statement, held by the table's lock for up to 2 s
                long start = System.nanoTime();
                shared.stop();
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                blocker.rollback();
                assertThat(tookMillis).as("the stop's wait (ms) for the raise under way").isLessThan(500);
            }
            call.settle(1_000, 0, System.currentTimeMillis());
        } finally {
            shared.release();
        }
    }

    /**
     * One call of {@code user} admitted and settled, the raiser's warm-up asks let pass and a heartbeat's renewal
     * written: the budget held, every ask cleared and the fence armed.
     */
    private static Budget settledAndRenewed(Shared started, String user) throws Exception {
        admit(started.governor(), user, 1_000).settle(1_000, 0, System.currentTimeMillis());
        Thread.sleep(4 * SharedBudgets.RAISE_GAP_MILLIS);
        started.budgets().heartbeat();
        return started.endUsers().budgetIfHeld(user);
    }
}
