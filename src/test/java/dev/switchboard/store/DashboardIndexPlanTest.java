package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V31's indexes serve the queries they were made for (SQLite's plan): a key's period spend reads the index only
 * (KeyStore.spentThisPeriod: each row was read from the table, 190-370 ms for 272,000 rows of one key), and the
 * overview's refused count reads the partial index of refused rows (RequestLogStore.refusedByKey), not the whole log.
 */
class DashboardIndexPlanTest {
    @TempDir
    Path dir;

    private static String plan(Database db, String sql) {
        return db.transaction(c -> {
            StringBuilder out = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.append(rs.getString(4)).append('\n');
            }
            return out.toString();
        });
    }

    @Test
    void aKeysPeriodSpendReadsTheIndexOnlyAndRefusalsTheirOwnIndex() {
        Database db = Database.open(null, dir.resolve("plan.db").toString());
        try {
            // KeyStore.spentThisPeriod's query, for one key
            assertThat(plan(db, "SELECT s.key_id, COALESCE(SUM(s.cost_nanos), 0) FROM spend_logs s JOIN (VALUES (CAST('k' AS VARCHAR(64)), "
                    + "CAST(0 AS BIGINT))) AS p ON s.key_id = p.column1 WHERE s.ended_at >= p.column2 AND s.in_ledger = TRUE GROUP BY s.key_id"))
                    .contains("USING COVERING INDEX spend_logs_key");
            // RequestLogStore.refusedByKey's
            assertThat(plan(db, "SELECT key_id, key_alias, COALESCE(log_status, status), COUNT(*) FROM spend_logs WHERE attempt = 0 "
                    + "AND in_log = TRUE AND COALESCE(log_status, status) <> 200 AND ended_at >= 0 AND ended_at < 1 "
                    + "GROUP BY key_id, key_alias, COALESCE(log_status, status)"))
                    .contains("spend_logs_log_refused");
        } finally {
            db.close();
        }
    }
}
