package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.QueryPlan;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV download's request-log pages ({@link RequestLogStore#exportStatement}, the very text the export runs): read in
 * their order, not sorted whole each page, with one key id or several (an app filter, AppFilter.narrow; before, several
 * were read by {@code spend_logs_key} and sorted each page: USE TEMP B-TREE FOR ORDER BY); and they select no prompt,
 * completion or tags, which the file never writes (before, a page of 200 rows under {@code log_policy: full} held
 * every prompt while a slow client read).
 */
class LogExportPlanTest {
    @TempDir
    Path dir;

    private static final RequestLogEntry AFTER = RequestLogStoreContract.row("r1", 2_000, "key_a", null, null, 500, "primary", "p");

    private static RequestLogQuery keys(Set<String> ids, String status) {
        return new RequestLogQuery(null, null, null, null, null, status, null, null, null, null, null, null, ids);
    }

    @Test
    void severalKeyIdsArePagedOnEndedAtNotSortedEachPage() {
        try (Database db = Database.open(null, dir.resolve("plan.db").toString())) {
            for (String status : new String[] {null, "error"}) {
                for (RequestLogEntry after : new RequestLogEntry[] {null, AFTER}) {
                    String plan = QueryPlan.of(db, RequestLogStore.exportStatement(keys(Set.of("key_a", "key_b"), status), after, true).sql());
                    assertThat(plan).as("status %s, after %s", status, after == null ? "none" : "a row")
                            .containsAnyOf("spend_logs_log_ended", "spend_logs_ended", "spend_logs_log_refused") // each in ended_at order
                            .doesNotContain("spend_logs_key").doesNotContain("USE TEMP B-TREE FOR ORDER BY");
                    if (after != null) assertThat(plan).contains("SEARCH");
                }
            }
        }
    }

    @Test
    void oneKeyIdIsReadByTheKeyIndexInOrder() {
        try (Database db = Database.open(null, dir.resolve("plan.db").toString())) {
            for (RequestLogEntry after : new RequestLogEntry[] {null, AFTER}) {
                String plan = QueryPlan.of(db, RequestLogStore.exportStatement(keys(Set.of("key_a"), "error"), after, true).sql());
                assertThat(plan).contains("SEARCH").doesNotContain("USE TEMP B-TREE FOR ORDER BY");
            }
        }
    }

    @Test
    void anExportSelectsNoPromptCompletionOrTags() {
        String sql = RequestLogStore.exportStatement(RequestLogQuery.ALL, AFTER, true).sql();
        String select = sql.substring(0, sql.indexOf(" FROM "));
        assertThat(select).contains("NULL AS prompt", "NULL AS completion", "NULL AS tags")
                .doesNotContainPattern("(?<!AS )\\bprompt\\b").doesNotContainPattern("(?<!AS )\\bcompletion\\b")
                .doesNotContainPattern("(?<!AS )\\btags\\b");
    }
}
