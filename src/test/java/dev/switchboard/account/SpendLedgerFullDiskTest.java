package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger over a full disk and back (QA, twenty-seventh session: once space was back every write still failed, and
 * the shutdown said 333 rows were lost that were all in spend_logs). {@code PRAGMA max_page_count} on each pooled
 * connection caps the file as a full disk would.
 */
class SpendLedgerFullDiskTest {
    @TempDir
    Path dir;

    private static SpendRecord row(String id) {
        // a long tag list makes each row take room, so the cap is met within a few hundred rows
        return new SpendRecord(id, 0, 1_000, 2_000, "key_a", "app", null, "chat", "gpt", "openai/gpt-4o-mini", "primary",
                null, "miss", 10, 5, 0, 0, 0, false, 3, 0, true, 12L, null, 200, null, List.of("t".repeat(200), id));
    }

    private static void capEveryConnection(Database db, long pages) throws Exception {
        dev.switchboard.store.SqliteFullDiskTest.capEveryConnection(db, pages);
    }

    private static long count(Database db, String sql) {
        return db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void rowsKeptWhileTheDiskIsFullAreWrittenOnceWhenSpaceIsBackAndTheCountsAgree() throws Exception {
        try (Database db = Database.open(null, dir.resolve("l.db").toString())) {
            SpendLedger ledger = new SpendLedger(db, 60_000); // only explicit flushes
            long pages = count(db, "PRAGMA page_count");
            capEveryConnection(db, pages + 30);
            int recorded = 0;
            boolean full = false;
            for (int round = 0; round < 200 && !full; round++) {
                for (int i = 0; i < 20; i++) ledger.record(row("req_" + recorded++));
                full = !ledger.flush();
            }
            assertThat(full).as("the cap filled the file").isTrue();
            // more calls (a connection the pool opens in place of an evicted one has no cap: some may go in)
            for (int i = 0; i < 50; i++) ledger.record(row("req_" + recorded++));
            ledger.flush();
            assertThat(ledger.dropped()).as("a full disk refuses no row for good").isZero();
            long inStore = count(db, "SELECT count(*) FROM spend_logs");
            // what the ledger says is unwritten is exactly what the store lacks (before: the "failed" batches had been
            // committed statement by statement, and the shutdown counted them as lost)
            assertThat(inStore + ledger.pending()).isEqualTo(recorded);

            capEveryConnection(db, 1_000_000); // space is back
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.pending()).isZero();
            assertThat(count(db, "SELECT count(*) FROM spend_logs")).isEqualTo(recorded);
            assertThat(count(db, "SELECT count(DISTINCT request_id) FROM spend_logs")).isEqualTo(recorded);
            assertThat(count(db, "SELECT coalesce(sum(requests), 0) FROM spend_daily")).as("the rollups agree with the ledger")
                    .isEqualTo(recorded);
            assertThat(db.ready()).isTrue();
            ledger.close();
        }
    }
}
