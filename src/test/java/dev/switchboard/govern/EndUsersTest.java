package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import dev.switchboard.store.Database;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End users' budgets in one gateway on a real store: made on a first call and spent out of a grant, let go with their
 * grant row once idle (and only when nothing of them is in flight or uncredited), and made anew — never lost — when a
 * call took one that was let go meanwhile.
 */
class EndUsersTest {
    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private Database db;
    private Vertx vertx;
    private EndUsers endUsers;
    private SharedBudgets shared;
    private Governor governor;

    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };

    /** A worst case whose tokenizer-free bound is three times its exact figure, as a long prompt's is. */
    private static final WorstCase LOOSE = new WorstCase() {
        @Override public long boundNanos() { return 90; }
        @Override public long exactNanos() { return 30; }
    };

    /** A ledger row of {@code cost} for {@code user}, as another gateway (or this one before a restart) wrote it. */
    private void ledgerRow(String user, long cost) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, "
                    + "end_user, call_type, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
                    + "usage_estimated, cost_nanos, saved_nanos, priced, status) VALUES (?, 0, ?, ?, ?, 'chat', 1, 1, 0, 0, 0, FALSE, ?, 0, TRUE, 200)")) {
                ps.setString(1, java.util.UUID.randomUUID().toString());
                ps.setLong(2, millis.get());
                ps.setLong(3, millis.get());
                ps.setString(4, user);
                ps.setLong(5, cost);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("end-users-");
        db = Database.open(null, dir.resolve("eu.db").toString());
        vertx = Vertx.vertx();
        endUsers = new EndUsers(1_000);
        KeyRegistry keys = new KeyRegistry(true);
        shared = new SharedBudgets(db, vertx, keys, endUsers, null, millis::get, SharedBudgets.LEASE_MILLIS);
        governor = new Governor(keys, new LocalRateLimiter(), null, millis::get, shared, null, endUsers);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        db.close();
    }

    /** Admits as the pipeline does: a call that needs a grant first waits for it, then is admitted again. */
    private Admission admit(String user) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return governor.admit(Caller.MASTER, user, List.of("m"), HUNDRED, () -> 0);
            } catch (BudgetPending p) {
                if (i == 3) throw p;
                p.ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private int grantRows() {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM budget_grants WHERE scope LIKE 'eu:%'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void anEndUsersIdAsTheLedgerHoldsIt() {
        assertThat(EndUsers.id(null)).isNull();
        assertThat(EndUsers.id("")).isNull();
        assertThat(EndUsers.id("x".repeat(300))).hasSize(255);
        assertThat(Budget.Grant.endUser("alice").scope).startsWith("eu:").hasSize(43)
                .isEqualTo(Budget.Grant.endUser("alice").scope).isNotEqualTo(Budget.Grant.endUser("bob").scope);
    }

    @Test
    void aBudgetIsLetGoOnlyWhenIdleSettledAndCreditedAndItsRowGoesWithIt() throws Exception {
        Admission a = admit("alice");
        Budget b = endUsers.budgetIfHeld("alice");
        assertThat(b).isNotNull();
        assertThat(grantRows()).as("the row the first call's grant wrote").isEqualTo(1);
        shared.heartbeat();
        assertThat(grantRows()).as("renewed by the heartbeat").isEqualTo(1);

        millis.addAndGet(EndUsers.IDLE_MILLIS + 1);
        shared.heartbeat();
        assertThat(endUsers.budgetIfHeld("alice")).as("a call in flight").isSameAs(b);

        a.settle(40, 0, millis.get());
        millis.addAndGet(EndUsers.IDLE_MILLIS + 1);
        shared.heartbeat();
        assertThat(endUsers.budgetIfHeld("alice")).as("its spend is not in the ledger's credit yet").isSameAs(b);

        shared.credit(List.of(new FlushedSpend(null, "alice", millis.get(), 40)));
        shared.heartbeat();
        assertThat(endUsers.budgetIfHeld("alice")).as("idle, settled and credited: let go").isNull();
        assertThat(grantRows()).isZero();
        assertThat(b.reserve(10, millis.get())).isEqualTo(Budget.Reserve.RETIRED);

        // the next call makes it anew, with a grant from the store
        admit("alice").settle(0, 0);
        assertThat(endUsers.budgetIfHeld("alice")).isNotNull().isNotSameAs(b);
    }

    @Test
    void aGrantRowTheStoreLostIsWrittenAgainWithWhatTheLedgerAlreadyHolds() throws Exception {
        admit("lena").settle(40, 0, millis.get());
        Budget b = endUsers.budgetIfHeld("lena");
        shared.credit(List.of(new FlushedSpend(null, "lena", millis.get(), 40)));
        // other gateways took this one for gone and deleted its row
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE scope = ?")) {
                ps.setString(1, b.grant().scope);
                ps.executeUpdate();
            }
            return null;
        });
        shared.heartbeat();
        long[] row = db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT granted_nanos, flushed_nanos FROM budget_grants WHERE scope = ?")) {
                ps.setString(1, b.grant().scope);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            }
        });
        assertThat(row[0]).as("it claims what it spent").isEqualTo(40);
        assertThat(row[1]).as("of which the ledger holds all: nothing outstanding, nothing counted twice").isEqualTo(40);
    }

    @Test
    void aCallThatTookABudgetBeingLetGoAsksForItAgain() throws Exception {
        admit("bob").settle(0, 0);
        Budget b = endUsers.budgetIfHeld("bob");
        millis.addAndGet(EndUsers.IDLE_MILLIS + 1);
        assertThat(b.retire(millis.get(), EndUsers.IDLE_MILLIS)).isNotNull(); // let go, still in the map: the race
        admit("bob").settle(0, 0);
        assertThat(endUsers.budgetIfHeld("bob")).isNotNull().isNotSameAs(b);
    }

    @Test
    void anIdLongerThanTheLedgerHoldsIsRefusedWhileEndUserBudgetsAreOn() {
        assertThatThrownBy(() -> admit("u".repeat(256))).isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("'user' is longer than 255 characters");
    }

    @Test
    void creditsFindTheBudgetOfAnIdWithANulAndNeverExceedWhatItSettled() throws Exception {
        String longId = "u\u0000" + "u".repeat(200); // the ledger holds it with the NUL replaced
        admit(longId).settle(40, 0, millis.get());
        Budget b = endUsers.budgetIfHeld(EndUsers.id(longId));
        // the ledger's writer reports the row with the id as the request had it; and a row the budget never settled
        // (a call made while the end user had no budget) must not be credited to its grant
        shared.credit(List.of(new FlushedSpend(null, longId, millis.get(), 40), new FlushedSpend(null, longId, millis.get(), 500)));
        assertThat(b.uncreditedSpend(b.currentPeriodStart(millis.get()))).isZero();
        long flushed = db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT flushed_nanos FROM budget_grants WHERE scope = ?")) {
                ps.setString(1, b.grant().scope);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertThat(flushed).as("what the budget settled, not what the ledger's rows came to").isEqualTo(40);
        millis.addAndGet(EndUsers.IDLE_MILLIS + 1);
        shared.heartbeat();
        assertThat(endUsers.budgetIfHeld(EndUsers.id(longId))).as("credited, so let go").isNull();
    }

    @Test
    void aBudgetMadeAnewKnowsTheLedgersSpendFromItsGrantAndTakesTheExactWorstCaseNearTheEnd() throws Exception {
        // 950 of 1,000 spent before this gateway made the budget: 50 left, which the exact worst case (30) fits and the
        // loose bound (90) does not. The first grant tells the budget what the ledger holds; the call is then admitted.
        ledgerRow("gina", 950);
        Admission a = null;
        for (int i = 0; i < BudgetPending.MAX_WAITS && a == null; i++) {
            try {
                a = governor.admit(Caller.MASTER, "gina", List.of("m"), LOOSE, () -> 0);
            } catch (BudgetPending p) {
                p.ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(a).as("admitted on its exact worst case").isNotNull();
        assertThat(a.reservedNanos()).isEqualTo(30);
        a.settle(30, 0, millis.get());
        assertThatThrownBy(() -> admit("gina")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("Budget=0.000001.").hasMessageContaining("has $0.00000002 left");
    }

    @Test
    void aStoredEndUserReadsBackEqualSoTheSyncSeesNoChange() {
        EndUserStore store = new EndUserStore(db);
        com.fasterxml.jackson.databind.node.ObjectNode meta = KeyJson.mapper().createObjectNode().put("plan", "pro").put("seats", 3)
                .put("ratio", 0.25);
        EndUser u = new EndUser("hal", "Hal", 0.1, dev.switchboard.model.DurationSpec.parse("30d"), 123, null, true, meta, 1, 2);
        assertThat(store.insert(u)).isTrue();
        assertThat(store.insert(u)).as("exists").isFalse();
        assertThat(store.all()).containsExactly(u);
        store.upsert(List.of(u.withBlocked(false, 3), EndUser.blank("ida", 4)));
        assertThat(store.all()).containsExactlyInAnyOrder(u.withBlocked(false, 3), EndUser.blank("ida", 4));
    }

    @Test
    void aBlockedEndUserIsRefusedAndAnEndUserOverTheDefaultToo() throws Exception {
        endUsers.put(EndUser.blank("carol", millis.get()).withBlocked(true, millis.get()), millis.get());
        assertThatThrownBy(() -> admit("carol")).isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("User blocked from making LLM API Calls. User=carol");
        Admission first = admit("dave");
        first.settle(950, 0);
        assertThatThrownBy(() -> admit("dave")).isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("ExceededBudget: End User=dave over budget. Spend=0.00000095, Budget=0.000001.");
        assertThat(admit("erin")).as("someone else").isNotNull();
        assertThat(admit(null)).as("no end user named").isNotNull();
    }
}
