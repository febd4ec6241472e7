package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The store contract on PostgreSQL (the {@code services} profile), each test in a schema of its own. */
@Tag("services")
class PostgresStoreTest extends StoreContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database open() { return track(Database.open(url, null)); }

    @Override
    Database.Kind kind() { return Database.Kind.POSTGRESQL; }

    @AfterEach
    void dropSchema() {
        closeAll();
        Postgres.drop(url);
    }

    @Test
    void aServerThatDoesNotAnswerIsAClearErrorWithoutThePassword() {
        assertThatThrownBy(() -> Database.open("postgresql://app:s3cret-pw@127.0.0.1:1/switchboard", null))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot open the store (PostgreSQL at 127.0.0.1:1/switchboard)")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void liteLlmsUrlFormIsReadWithItsCredentials() {
        DatabaseLocation l = DatabaseLocation.postgres("postgresql://user%40x:p%3Ass@db.example:6543/ledger?sslmode=require");
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/ledger?sslmode=require");
        assertThat(l.properties().getProperty("user")).isEqualTo("user@x");
        assertThat(l.properties().getProperty("password")).isEqualTo("p:ss");
        assertThat(l.description()).isEqualTo("PostgreSQL at db.example:6543/ledger").doesNotContain("p:ss");
    }

    /**
     * PostgreSQL ending the ledger's connections under traffic (57P01 admin_shutdown: a restart, a failover, an
     * administrator terminating backends) loses no row and no row's request-log part: the writer keeps the rows to try
     * again on a new connection. It dropped answered and billed calls before, taking 57P01 as the row's refusal (QA of
     * the twentieth session, finding F1).
     */
    @Test
    void terminatedConnectionsLoseNoLedgerRow() throws Exception {
        String app = "sbfault" + Long.toHexString(System.nanoTime());
        Database db = track(Database.open(url + "&ApplicationName=" + app, null));
        var ledger = new dev.switchboard.account.SpendLedger(db, 5);
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var terminated = new java.util.concurrent.atomic.AtomicInteger();
        Thread killer = new Thread(() -> {
            try (java.sql.Connection admin = Postgres.connect(url)) {
                while (!stop.get()) {
                    try (var st = admin.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE application_name = ? AND pid <> pg_backend_pid()")) {
                        st.setString(1, app);
                        try (var rs = st.executeQuery()) {
                            if (rs.next()) terminated.addAndGet(rs.getInt(1));
                        }
                    }
                    Thread.sleep(15);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        killer.start();
        int rows = 3_000;
        try {
            for (int i = 0; i < rows; i++) {
                ledger.record(new dev.switchboard.account.SpendRecord("req_fault_" + i, 0, 1, 2, "key_a", "app", null, "chat", "gpt",
                        "openai/gpt-4o-mini", "primary", null, "miss", 1, 1, 0, 0, 0, false, 7, 0, true, 1L, null, 200, null,
                        java.util.List.of()));
                if (i % 50 == 0) Thread.sleep(2);
            }
        } finally {
            stop.set(true);
            killer.join();
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (ledger.pending() > 0 && System.currentTimeMillis() < deadline) {
            ledger.flush();
            Thread.sleep(50);
        }
        assertThat(terminated.get()).as("the store's connections were terminated meanwhile").isPositive();
        assertThat(ledger.dropped()).isZero();
        assertThat(ledger.pending()).isZero();
        try (java.sql.Connection c = Postgres.connect(url); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*), sum(cost_nanos) FROM spend_logs")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rows);
            assertThat(rs.getLong(2)).isEqualTo(7L * rows);
        }
        ledger.close();
    }

    @Test
    void aNulInClientTextDoesNotKeepACallOutOfTheLedger() {
        Database db = open();
        var ledger = new dev.switchboard.account.SpendLedger(db, 60_000);
        ledger.record(new dev.switchboard.account.SpendRecord("req_nul", 0, 1, 2, "key_a", "app", "a\u0000b", "chat", "gpt",
                "openai/gpt-4o-mini", "primary", null, "miss", 1, 1, 0, 0, 0, false, 42, 0, true, 1L, null, 200, null,
                java.util.List.of("t\u0000ag")));
        assertThat(ledger.flush()).isTrue();
        assertThat(ledger.dropped()).isZero();
        var rows = new dev.switchboard.account.SpendReports(db, ledger).logs(dev.switchboard.account.SpendQuery.ALL, 1, 10).rows();
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.endUser()).isEqualTo("a\uFFFDb");
            assertThat(r.costNanos()).isEqualTo(42);
            assertThat(r.tags()).containsExactly("t\uFFFDag");
        });
        ledger.close();
    }
}
