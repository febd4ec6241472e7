package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.QueryPlan;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overview's refused count reads V31's partial index of refused rows, not the whole log: SQLite's plan of the
 * statement {@link RequestLogStore#refusedByKey} runs ({@link RequestLogStore#REFUSED_BY_KEY}), not of a copy, so a
 * change of its WHERE that no longer matches the index's fails here.
 */
class RefusedByKeyPlanTest {
    @TempDir
    Path dir;

    @Test
    void theRefusedCountReadsThePartialIndexOfRefusedRows() {
        try (Database db = Database.open(null, dir.resolve("plan.db").toString())) {
            assertThat(QueryPlan.of(db, RequestLogStore.REFUSED_BY_KEY)).contains("spend_logs_log_refused")
                    .doesNotContain("SCAN spend_logs\n");
        }
    }
}
