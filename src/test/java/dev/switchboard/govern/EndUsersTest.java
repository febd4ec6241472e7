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
    void aCallThatTookABudgetBeingLetGoAsksForItAgain() throws Exception {
        admit("bob").settle(0, 0);
        Budget b = endUsers.budgetIfHeld("bob");
        millis.addAndGet(EndUsers.IDLE_MILLIS + 1);
        assertThat(b.retire(millis.get(), EndUsers.IDLE_MILLIS)).isNotNull(); // let go, still in the map: the race
        admit("bob").settle(0, 0);
        assertThat(endUsers.budgetIfHeld("bob")).isNotNull().isNotSameAs(b);
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
