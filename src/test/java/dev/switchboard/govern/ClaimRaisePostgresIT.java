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
    private record Shared(SharedBudgets budgets, Governor governor) {}

    private Shared start() {
        db = Database.open(url, null);
        vertx = Vertx.vertx();
        EndUsers endUsers = new EndUsers(BUDGET);
        KeyRegistry keys = new KeyRegistry(true);
        SharedBudgets shared = new SharedBudgets(db, vertx, keys, endUsers, null, System::currentTimeMillis, SharedBudgets.LEASE_MILLIS);
        return new Shared(shared, new Governor(keys, new LocalRateLimiter(), null, System::currentTimeMillis, shared, null, endUsers));
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
}
