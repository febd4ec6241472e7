package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The request log's table on PostgreSQL (the {@code services} profile), each test in a schema of its own. */
@Tag("services")
class PostgresRequestLogTest extends RequestLogStoreContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database open() { return Database.open(url, null); }

    @Override
    String indexDefinitionQuery() { return "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?"; }

    @Override
    String plan(java.sql.Connection c, String sql, String param) throws java.sql.SQLException {
        StringBuilder b = new StringBuilder();
        try (var st = c.createStatement()) {
            st.execute("SET enable_seqscan = off"); // a two-row table: make the planner show whether the index can serve
        }
        try (var ps = c.prepareStatement("EXPLAIN " + sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) b.append(rs.getString(1)).append('\n');
            }
        }
        try (var st = c.createStatement()) {
            st.execute("RESET enable_seqscan");
        }
        return b.toString();
    }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    /** PostgreSQL enforces the columns' widths (SQLite does not): a log value it refuses must not keep the money out. */
    @org.junit.jupiter.api.Test
    void aLogPartTheDatabaseRefusesIsDroppedAndItsLedgerRowWritten() {
        try (Database db = open()) {
            var ledger = new dev.switchboard.account.SpendLedger(db, 60_000);
            RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, 60_000, System::currentTimeMillis);
            ledger.record(ledgerRow("fine", 0, 13_000, "key_w", 5)).join(part(null, "ok"));
            // a trace id longer than the column's 32 characters: the batch fails, then the row alone without its part
            ledger.record(ledgerRow("too_wide", 0, 13_001, "key_w", 7)).join(part("x".repeat(40), "lost"));
            assertThat(ledger.flush()).isTrue();
            assertThat(spent(db, "key_w")).isEqualTo(12);
            assertThat(ledger.dropped()).isZero();
            assertThat(ledger.logPartsDropped()).isEqualTo(1);
            assertThat(ledger.logPartsWritten()).isEqualTo(1);
            assertThat(log.store().get("fine").prompt()).isEqualTo("ok");
            assertThat(log.store().get("too_wide")).isNull();
            log.close();
            ledger.close();
        }
    }
}
