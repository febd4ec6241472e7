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
    /**
     * The request log's writer keeps its core while the ledger's writer waits for the spend rows' lock it holds: a
     * yield inside its transaction would leave the ledger's writer blocked for the whole slice (second review).
     */
    @org.junit.jupiter.api.Test
    void theWriterKeepsItsCoreWhileTheLedgersWaitsForTheSpendRowsLock() throws InterruptedException {
        try (Database db = open()) {
            RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, 60_000, System::currentTimeMillis);
            try {
                Thread.sleep(3); // more than a slice of wall time since the pace began, and nothing queued
                org.assertj.core.api.Assertions.assertThat(log.coreOfferDueForTest()).as("not behind").isTrue();
                db.spendRowsLock().lock(); // as this writer's insert holds it
                Thread ledger = Thread.ofPlatform().start(() -> {
                    db.spendRowsLock().lock(); // as the ledger's writer would
                    db.spendRowsLock().unlock();
                });
                try {
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!db.spendRowsWaitedFor() && System.nanoTime() < deadline) Thread.sleep(1);
                    org.assertj.core.api.Assertions.assertThat(log.coreOfferDueForTest()).as("ledger waits").isFalse();
                } finally {
                    db.spendRowsLock().unlock();
                }
                ledger.join();
                org.assertj.core.api.Assertions.assertThat(log.coreOfferDueForTest()).as("no one waits").isTrue();
            } finally {
                log.close();
            }
        }
    }

    /**
     * An OutOfMemoryError while a round builds its rows (QA hardening F1: the heap full of 8 MB request bodies) used to
     * end the writer thread, and every later row waited in memory until shutdown. The writer logs it, backs off, and
     * builds the row again on the next round.
     */
    @org.junit.jupiter.api.Test
    void anOutOfMemoryErrorInOneRoundNeitherEndsTheWriterNorLosesTheRow() throws InterruptedException {
        try (Database db = open()) {
            RequestLog log = new RequestLog(db, RequestLogSettings.DEFAULT, 100, System::currentTimeMillis);
            try {
                java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();
                log.record(() -> {
                    if (builds.getAndIncrement() == 0) throw new OutOfMemoryError("Java heap space (test)");
                    return row("req_oom", 10_000, "key_a", null, null, 200, "primary", "p");
                });
                log.record(row("req_next", 10_001, "key_a", null, null, 200, "primary", "p"));
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (log.written() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
                org.assertj.core.api.Assertions.assertThat(log.written()).isEqualTo(2);
                log.record(row("req_later", 10_002, "key_a", null, null, 200, "primary", "p")); // still running on its timer
                deadline = System.nanoTime() + 15_000_000_000L;
                while (log.written() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
                org.assertj.core.api.Assertions.assertThat(log.written()).isEqualTo(3);
            } finally {
                log.close();
            }
        }
    }
}
