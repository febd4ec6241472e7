package dev.switchboard.account;

import dev.switchboard.store.Database;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Writes ledger rows in batches, one transaction per batch (a batch is in the ledger whole or not at all), or one row
 * at a time when a batch fails, so that one row the database refuses cannot hold back the others. The daily rollups
 * ({@link RollupWriter}) are updated in the same transaction, so they always equal the rows they sum.
 */
final class LedgerStore {
    private static final String INSERT = "INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, key_id, key_alias, "
            + "end_user, call_type, requested_model, deployment, route, tier, cache_status, prompt_tokens, completion_tokens, "
            + "cache_read_tokens, cache_write_tokens, reasoning_tokens, usage_estimated, cost_nanos, saved_nanos, priced, latency_ms, "
            + "ttft_ms, status, error_type) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";
    // ON CONFLICT DO NOTHING (SQLite 3.24+ and PostgreSQL alike): a batch retried after a commit whose answer was lost
    // writes nothing twice.
    private static final String INSERT_TAG = "INSERT INTO spend_tags (request_id, attempt, tag, ended_at) VALUES (?,?,?,?) "
            + "ON CONFLICT DO NOTHING";

    private final Database db;

    LedgerStore(Database db) { this.db = db; }

    void insert(List<SpendRecord> rows) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT); PreparedStatement tags = c.prepareStatement(INSERT_TAG)) {
                for (SpendRecord r : rows) {
                    bind(ps, r);
                    ps.addBatch();
                    if (r.tags().isEmpty()) continue; // most rows: no set per row on the writer
                    for (String tag : new LinkedHashSet<>(r.tags())) {
                        tags.setString(1, r.requestId());
                        tags.setInt(2, r.attempt());
                        tags.setString(3, cut(tag, 255));
                        tags.setLong(4, r.endedAt());
                        tags.addBatch();
                    }
                }
                int[] added = ps.executeBatch();
                tags.executeBatch();
                RollupWriter.add(c, inserted(rows, added));
            }
            return null;
        });
    }

    /**
     * The rows an insert added: ON CONFLICT DO NOTHING reports 0 for a row already there (a batch written again), which
     * the rollups must not count twice. A driver that reports no count ({@code SUCCESS_NO_INFO}, PostgreSQL with
     * {@code reWriteBatchedInserts}) is taken at its word that the row went in.
     */
    private static List<SpendRecord> inserted(List<SpendRecord> rows, int[] added) {
        if (added.length != rows.size()) return rows;
        List<SpendRecord> out = new java.util.ArrayList<>(rows.size());
        for (int i = 0; i < added.length; i++) if (added[i] != 0) out.add(rows.get(i));
        return out;
    }

    /**
     * Each row in its own transaction, after a batch failed.
     *
     * @return the rows the database refused (empty when all went in)
     * @throws RuntimeException when not one row could be written (the store itself is failing)
     */
    List<SpendRecord> insertEach(List<SpendRecord> rows) {
        List<SpendRecord> refused = new java.util.ArrayList<>();
        RuntimeException last = null;
        for (SpendRecord r : rows) {
            try {
                insert(List.of(r));
            } catch (RuntimeException e) {
                refused.add(r);
                last = e;
            }
        }
        if (refused.size() == rows.size() && last != null) throw last;
        return refused;
    }

    private static void bind(PreparedStatement ps, SpendRecord r) throws SQLException {
        ps.setString(1, r.requestId());
        ps.setInt(2, r.attempt());
        ps.setLong(3, r.startedAt());
        ps.setLong(4, r.endedAt());
        ps.setString(5, r.keyId());
        ps.setString(6, cut(r.keyAlias(), 255));
        ps.setString(7, cut(r.endUser(), 255));
        ps.setString(8, r.callType());
        ps.setString(9, cut(r.requestedModel(), 255));
        ps.setString(10, cut(r.deployment(), 255));
        ps.setString(11, cut(r.route(), 64));
        ps.setString(12, cut(r.tier(), 128));
        ps.setString(13, r.cacheStatus());
        ps.setLong(14, r.promptTokens());
        ps.setLong(15, r.completionTokens());
        ps.setLong(16, r.cacheReadTokens());
        ps.setLong(17, r.cacheWriteTokens());
        ps.setLong(18, r.reasoningTokens());
        ps.setBoolean(19, r.usageEstimated());
        ps.setLong(20, r.costNanos());
        ps.setLong(21, r.savedNanos());
        ps.setBoolean(22, r.priced());
        setLong(ps, 23, r.latencyMs());
        setLong(ps, 24, r.ttftMs());
        ps.setInt(25, r.status());
        ps.setString(26, cut(r.errorType(), 64));
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }

    /**
     * Client text made storable everywhere: column widths are limits on PostgreSQL (SQLite ignores them), and
     * PostgreSQL refuses a NUL character in text, so a client's {@code "user": "a\u0000b"} would otherwise keep its
     * call out of the ledger (and out of its budget after a restart).
     */
    static String cut(String s, int max) {
        if (s == null) return null;
        String clean = s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
