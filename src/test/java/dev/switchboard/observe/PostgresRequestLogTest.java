package dev.switchboard.observe;

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
}
