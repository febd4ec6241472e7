package dev.switchboard.observe;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The request log's table on the embedded SQLite file. */
class SqliteRequestLogTest extends RequestLogStoreContract {
    @TempDir
    Path dir;

    @Override
    Database open() { return Database.open(null, dir.resolve("log.db").toString()); }

    @Override
    String indexDefinitionQuery() { return "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?"; }

    @Override
    String plan(java.sql.Connection c, String sql, String param) throws java.sql.SQLException {
        StringBuilder b = new StringBuilder();
        try (var ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) b.append(rs.getString("detail")).append('\n');
            }
        }
        return b.toString();
    }

    /** The log's reads and purge walk the log's own partial index, not the ledger's whole history (SQLite's plans). */
    @org.junit.jupiter.api.Test
    void theLogsPagesAndPurgeReadTheLogsOwnIndex() throws Exception {
        try (Database db = open(); java.sql.Connection c = db.connection()) {
            org.assertj.core.api.Assertions.assertThat(plan(c, "SELECT COUNT(*) FROM spend_logs WHERE attempt = 0 AND in_log = TRUE "
                    + "AND ended_at >= CAST(? AS INTEGER)", "5")).contains("spend_logs_log_ended");
            org.assertj.core.api.Assertions.assertThat(plan(c, "DELETE FROM spend_logs WHERE ended_at < CAST(? AS INTEGER) "
                    + "AND in_log = TRUE AND in_ledger = FALSE", "5")).contains("spend_logs_log_ended");
        }
    }
}
