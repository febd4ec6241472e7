package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import dev.switchboard.store.Database;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway taken for gone with spend the ledger never got (QA: a {@code kill -9} made it spendable again) keeps that
 * spend committed; and when it was only paused past the lease and comes back, its late ledger rows and its own row take
 * over from the kept one, so nothing counts twice. Several gateways of one process on one SQLite store, on one clock:
 * only the lease can tell them gone here (their pid and lock are this process's), so the clock jumps past it.
 */
class GoneGatewaySpendTest {
    private static final long BUDGET = 1_000;
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final List<Gateway> gateways = new ArrayList<>();
    private Database db;
    private Vertx vertx;

    /** One gateway: an end user's budget of {@link #BUDGET} nanos spent out of its grant. */
    private final class Gateway {
        final EndUsers endUsers = new EndUsers(BUDGET);
        final SharedBudgets shared;
        final Governor governor;

        Gateway() {
            KeyRegistry keys = new KeyRegistry(true);
            shared = new SharedBudgets(db, vertx, keys, endUsers, null, millis::get, SharedBudgets.LEASE_MILLIS);
            governor = new Governor(keys, new LocalRateLimiter(), null, millis::get, shared, null, endUsers);
            gateways.add(this);
        }

        /** A call of alice's that costs its worst case, 100, settled (not yet in the ledger). */
        void call() throws Exception {
            for (int i = 0; ; i++) {
                try {
                    governor.admit(Caller.MASTER, "alice", List.of("m"), HUNDRED, () -> 0).settle(100, 0, millis.get());
                    return;
                } catch (BudgetPending p) {
                    if (i == 3) throw p;
                    p.ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
            }
        }

        /** Its ledger writer wrote {@code calls} of its calls: the rows, then the credit. */
        void ledgerWrites(int calls) {
            List<FlushedSpend> flushed = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                ledgerRow(100);
                flushed.add(new FlushedSpend(null, "alice", millis.get(), 100));
            }
            shared.credit(flushed);
        }

        long grantedInStore() {
            return db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT granted_nanos FROM budget_grants WHERE gateway_id = ?")) {
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

    private int goneRows() {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM budget_grants WHERE gone_at IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @BeforeEach
    void open() throws Exception {
        db = Database.open(null, Files.createTempDirectory("gone-gateway-").resolve("g.db").toString());
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        db.close();
    }

    @Test
    void aGoneGatewaysUnwrittenSpendStaysSpentAndCountsOnceWhenItComesBack() throws Exception {
        Gateway a = new Gateway();
        for (int i = 0; i < 5; i++) a.call();
        a.shared.heartbeat(); // its row: 500 used, none of it in the ledger

        millis.addAndGet(SharedBudgets.LEASE_MILLIS + 1); // A is silent for a lease: killed, or paused
        Gateway b = new Gateway();
        b.call();
        assertThat(b.grantedInStore()).as("A's 500 stay spent: B is granted the other half, not the whole budget")
                .isEqualTo(BUDGET - 500);
        b.shared.heartbeat();
        assertThat(goneRows()).as("A's row, kept and marked gone").isEqualTo(1);
        b.call();
        for (int i = 0; i < 3; i++) b.call();
        assertThatThrownBy(b::call).as("500 on A, 500 on B: the budget is spent").isInstanceOf(GatewayException.class);
        b.ledgerWrites(5);
        b.shared.release();

        // A was only paused: it comes back, writes its ledger rows late and renews its row
        a.ledgerWrites(5);
        a.shared.heartbeat();
        assertThat(goneRows()).as("A took its row back").isZero();
        assertThat(a.grantedInStore()).as("claiming only what it spent: its unused grant may have gone to others").isEqualTo(500);
    }

    @Test
    void aGatewayBackFromAPauseIsNotCountedTwice() throws Exception {
        Gateway a = new Gateway();
        for (int i = 0; i < 5; i++) a.call();
        a.shared.heartbeat();

        millis.addAndGet(SharedBudgets.LEASE_MILLIS + 1);
        Gateway b = new Gateway();
        b.call();
        b.call();
        b.shared.heartbeat(); // marks A's row gone, holding its 500
        b.ledgerWrites(2);
        b.shared.release(); // B's 200 in the ledger, its row gone

        a.ledgerWrites(5); // credited to its row marked gone: the ledger's 500 and the row's no longer both count
        a.shared.heartbeat(); // takes its row back, claiming what it spent (all in the ledger now), not its old grant
        assertThat(goneRows()).isZero();

        Gateway c = new Gateway();
        for (int i = 0; i < 3; i++) c.call(); // 1,000 less the ledger's 700, A's row claiming nothing more: three calls
        assertThatThrownBy(c::call).isInstanceOf(GatewayException.class);
    }
}
