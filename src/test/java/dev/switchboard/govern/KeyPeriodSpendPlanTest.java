package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.QueryPlan;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V31's and V32's indexes serve a key's period spend (SQLite's plan of the statement {@link KeyStore#spentThisPeriod}
 * runs, {@link KeyStore#periodSpendSql}, not a copy of it, so a change of the query is planned here): each key's own
 * range of an index only. Each row was read from the table (190-370 ms for 272,000 rows of one key); then the whole of
 * spend_logs_key and every key's spend_daily rows for each key. (Was DashboardIndexPlanTest, which planned a copied text.)
 */
class KeyPeriodSpendPlanTest {
    @TempDir
    Path dir;

    @Test
    void aKeysPeriodSpendReadsEachKeysRangeOfItsIndexesOnly() {
        try (Database db = Database.open(null, dir.resolve("plan.db").toString())) {
            // for two keys: every part loops over the keys first and reads each key's own range of an index (V31's
            // spend_logs_key, V32's spend_daily_key). With a plain JOIN SQLite (no ANALYZE) put spend_logs outer and
            // walked the whole of spend_logs_key with only the ended_at >= bound, and read every key's spend_daily rows of
            // the days (its primary key starts with day): 62-75 ms for one key of 3,000, a scan per key at the gateway's
            // start. Since the thirty-eighth session two parts: the start's partial day from the rows, the days from its
            // first midnight on (today included) from the rollup
            for (int keys : new int[] {1, 2, KeyStore.KEYS_PER_SUM}) {
                assertThat(QueryPlan.of(db, KeyStore.periodSpendSql(keys))).as("%d keys", keys)
                        .contains("SEARCH s USING COVERING INDEX spend_logs_key (key_id=? AND ended_at>? AND ended_at<?)",
                                "SEARCH d USING COVERING INDEX spend_daily_key (key_id=? AND day>?)")
                        .doesNotContain("SCAN s", "SCAN d", "AUTOMATIC");
            }
        }
    }
}
