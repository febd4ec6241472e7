package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V31's and V32's indexes serve the queries they were made for (SQLite's plan): a key's period spend reads each key's
 * own range of an index only (KeyStore.spentThisPeriod: each row was read from the table, 190-370 ms for 272,000 rows of
 * one key; then the whole of spend_logs_key and every key's spend_daily rows for each key), and the
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
            // KeyStore.spentThisPeriod's statement, for two keys (the same text, the parameters as literals): every part
            // loops over the keys first and reads each key's own range of an index (V31's spend_logs_key, V32's
            // spend_daily_key). With a plain JOIN SQLite (no ANALYZE) put spend_logs outer and walked the whole of
            // spend_logs_key with only the ended_at >= bound, and read every key's spend_daily rows of the days
            // (its primary key starts with day): 62-75 ms for one key of 3,000, a scan per key at the gateway's start.
            // Since the thirty-eighth session two parts: the start's partial day from the rows, the days from its first
            // midnight on (today included) from the rollup
            String row = "(CAST('k' AS VARCHAR(64)), CAST(0 AS BIGINT), CAST(1 AS BIGINT), CAST(0 AS BIGINT))";
            String periodSpend = plan(db, "WITH p AS (VALUES " + row + ", " + row.replace("'k'", "'j'") + ") SELECT k, SUM(v) FROM ("
                    + "SELECT s.key_id AS k, s.cost_nanos AS v FROM p CROSS JOIN spend_logs s WHERE s.key_id = p.column1"
                    + " AND s.ended_at >= p.column2 AND s.ended_at < p.column3 AND s.in_ledger = TRUE"
                    + " UNION ALL SELECT d.key_id, d.cost_nanos FROM p CROSS JOIN spend_daily d WHERE d.key_id = p.column1"
                    + " AND d.day >= p.column4 AND d.day >= 0"
                    + ") x GROUP BY k");
            assertThat(periodSpend).contains("SEARCH s USING COVERING INDEX spend_logs_key (key_id=? AND ended_at>? AND ended_at<?)",
                            "SEARCH d USING COVERING INDEX spend_daily_key (key_id=? AND day>?)")
                    .doesNotContain("SCAN s", "SCAN d", "AUTOMATIC");
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
