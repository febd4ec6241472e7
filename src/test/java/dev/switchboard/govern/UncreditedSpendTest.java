package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.model.Caller;
import dev.switchboard.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway's ledger batch commits before its credit ({@code flushed_nanos}) does, so for a moment its spend counts twice
 * in another gateway's acquisition: in the ledger's sum and in its row. A call that fits was refused 400 for it
 * (thirty-third session: {@code SharedBudgetsContract.aNewPeriodStartsWithTheWholeBudgetForEveryGateway} failed once, A's
 * call after B's in a new period seeing B's $0.00426 twice). Two gateways of one process on one SQLite store.
 */
class UncreditedSpendTest {
    private static final long BUDGET = 1_000;
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private Database db;
    private Vertx vertx;

    private final class Gateway {
        final EndUsers endUsers = new EndUsers(BUDGET);
        final KeyRegistry keys = new KeyRegistry(true);
        final SharedBudgets shared = new SharedBudgets(db, vertx, keys, endUsers, null, millis::get, SharedBudgets.LEASE_MILLIS);
        final Governor governor = new Governor(keys, new LocalRateLimiter(), null, millis::get, shared, null, endUsers);

        /** Admits a call of alice's (worst case 100): its admission, or the BudgetPending it waits on. */
        Admission admit() {
            return governor.admit(Caller.MASTER, "alice", List.of("m"), HUNDRED, () -> 0);
        }

        long wanted() {
            return db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT wanted_nanos FROM budget_grants WHERE gateway_id = ?")) {
                    ps.setString(1, shared.gatewayId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : -1;
                    }
                }
            });
        }
    }

    private void ledgerRow(long cost) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, "
                    + "end_user, call_type, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
                    + "usage_estimated, cost_nanos, saved_nanos, priced, status) VALUES (?, 0, ?, ?, 'alice', 'chat', 1, 1, 0, 0, 0, "
                    + "FALSE, ?, 0, TRUE, 200)")) {
                ps.setString(1, java.util.UUID.randomUUID().toString());
                ps.setLong(2, millis.get());
                ps.setLong(3, millis.get());
                ps.setLong(4, cost);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @BeforeEach
    void open() throws Exception {
        db = Database.open(null, Files.createTempDirectory("uncredited-").resolve("u.db").toString());
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        db.close();
    }

    @Test
    void spendInTheLedgerWhoseCreditHasNotCommittedYetDoesNotRefuseACallThatFits() throws Exception {
        Gateway a = new Gateway();
        for (int i = 0; i < 5; i++) {
            Admission call;
            try {
                call = a.admit();
            } catch (BudgetPending p) {
                p.ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                call = a.admit();
            }
            call.settle(100, 0, millis.get());
        }
        a.shared.heartbeat(); // A's row: granted the whole 1,000 (alone), 500 used
        for (int i = 0; i < 5; i++) ledgerRow(100); // A's ledger batch committed; its credit not yet

        Gateway b = new Gateway();
        Future<Void> ready;
        try {
            b.admit();
            throw new AssertionError("B holds no grant yet: its first call waits for one");
        } catch (BudgetPending p) {
            ready = p.ready();
        }
        // B's first round: A holds 500 unused, so B asks for it (wanted_nanos) and waits; A's beat gives it back
        await().atMost(Duration.ofSeconds(5)).until(() -> b.wanted() > 0);
        a.shared.heartbeat();
        long secondRound = millis.incrementAndGet();
        // B's second round: 500 in the ledger and A's row's 500 not yet credited. Before the fix: free 0, nothing unused
        // anywhere, so the store said no more (EXHAUSTED) and the call was refused with 500 of the budget left
        Budget alice = b.endUsers.budgetIfHeld("alice");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Long seen = alice.othersSeenAt(millis.get());
            return seen != null && seen == secondRound;
        });
        assertThat(alice.spentKnown(millis.get())).as("the ledger's 500 (A's row's 500 uncredited beside it)").isEqualTo(500);
        a.shared.credit(List.of(new FlushedSpend(null, "alice", millis.get() - 1, 500))); // A's credit commits
        ready.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Admission call = b.admit(); // refused (a GatewayException, the 400) before the fix
        call.settle(100, 0, millis.get());
        assertThat(alice.spentKnown(millis.get())).isEqualTo(600);
    }
}
