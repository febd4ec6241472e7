package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.QueryPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV download's ledger pages ({@link SpendReports#exportStatement}, the very text {@link SpendReports#export}
 * runs) are read in their order, not sorted whole each page: with one key id by {@code spend_logs_key} (key_id,
 * ended_at), with several (an app filter, AppFilter.narrow) by {@code spend_logs_ended}. Before, several key ids were
 * read by {@code spend_logs_key} and every matching row sorted for each page (USE TEMP B-TREE FOR ORDER BY).
 */
class SpendExportPlanTest {
    @TempDir
    Path dir;

    private static final SpendRecord AFTER = new SpendRecord("req_1", 0, 1_000, 2_000, "key_a", "app", null, "chat", "gpt",
            "openai/gpt-4o-mini", "primary", null, "miss", 10, 5, 0, 0, 0, false, 1, 0, true, 12L, null, 200, null, List.of());

    private static SpendQuery keys(Set<String> ids) {
        return new SpendQuery(null, null, null, null, null, null, null, null, null, null, null, null, ids);
    }

    @Test
    void severalKeyIdsArePagedOnEndedAtNotSortedEachPage() {
        try (Database db = Database.open(null, dir.resolve("plan.db").toString())) {
            for (SpendRecord after : new SpendRecord[] {null, AFTER}) {
                String plan = QueryPlan.of(db, SpendReports.exportStatement(keys(Set.of("key_a", "key_b", "key_c")), after, true).sql());
                assertThat(plan).as("after %s", after == null ? "none" : "a row").contains("spend_logs_ended")
                        .doesNotContain("spend_logs_key").doesNotContain("USE TEMP B-TREE FOR ORDER BY");
                if (after != null) assertThat(plan).contains("SEARCH");
            }
        }
    }

    @Test
    void oneKeyIdIsReadByTheKeyIndexInOrder() {
        try (Database db = Database.open(null, dir.resolve("plan.db").toString())) {
            for (SpendRecord after : new SpendRecord[] {null, AFTER}) {
                String plan = QueryPlan.of(db, SpendReports.exportStatement(keys(Set.of("key_a")), after, true).sql());
                assertThat(plan).as("after %s", after == null ? "none" : "a row").contains("SEARCH").contains("spend_logs_key")
                        .doesNotContain("USE TEMP B-TREE FOR ORDER BY");
            }
        }
    }
}
