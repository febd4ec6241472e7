package dev.switchboard.account;

import dev.switchboard.store.CoreShare;
import dev.switchboard.store.Database;
import dev.switchboard.store.LogColumns;
import dev.switchboard.store.SparseInsert;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Writes ledger rows in batches, one transaction per batch (a batch is in the ledger whole or not at all), or one row
 * at a time when a batch fails, so that one row the database refuses cannot hold back the others. The daily rollups
 * ({@link RollupWriter}) are updated in the same transaction, so they always equal the rows they sum.
 *
 * <p>A served call's row carries the request log's columns when its part joined it ({@link SpendLedger.Entry}); a
 * request-log row the log wrote first (its part came too late to join, migration V11) is taken over: the ledger's
 * columns replace its own and it becomes money ({@code in_ledger}). A row already in the ledger (a batch retried after
 * a lost commit) is left alone and not counted again.
 */
final class LedgerStore {
    /** The ledger's own columns of {@code spend_logs} (its readers select these, not the request log's prompts). */
    static final String[] COLUMNS = {"request_id", "attempt", "started_at", "ended_at", "key_id", "key_alias",
        "end_user", "call_type", "requested_model", "deployment", "route", "tier", "cache_status", "prompt_tokens",
        "completion_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "usage_estimated", "cost_nanos",
        "saved_nanos", "priced", "latency_ms", "ttft_ms", "status", "error_type", "team_id", "upstream_ms", "model_id"};
    private static final String[] ALL_COLUMNS = all();
    /**
     * Insert, or take over a log-only row of the same request and attempt; a ledger row already there stays as it is.
     * A takeover sets ended_at to the ledger's (the metered attempt's end), not the log row's: the rollups written in the
     * same transaction count the ledger's by day, as do the day totals, budget windows and spentByDeploymentBetween. So
     * the row moves in ended_at's order, and the request log's CSV download (RequestLogStore.export) may read it twice
     * or not at all if it is taken over mid-download: documented there, not avoided.
     */
    private static final String UPSERT = upsert();

    private static String[] all() {
        String[] all = java.util.Arrays.copyOf(COLUMNS, COLUMNS.length + 1 + LogColumns.NAMES.length);
        all[COLUMNS.length] = "in_log";
        System.arraycopy(LogColumns.NAMES, 0, all, COLUMNS.length + 1, LogColumns.NAMES.length);
        return all;
    }

    private static String upsert() {
        StringBuilder sb = new StringBuilder("ON CONFLICT (request_id, attempt) DO UPDATE SET ");
        for (int i = 2; i < COLUMNS.length; i++) sb.append(COLUMNS[i]).append(" = excluded.").append(COLUMNS[i]).append(", ");
        return sb.append("in_ledger = TRUE WHERE spend_logs.in_ledger = FALSE").toString();
    }
    // ON CONFLICT DO NOTHING (SQLite 3.24+ and PostgreSQL alike): a batch retried after a commit whose answer was lost
    // writes nothing twice.
    private static final String INSERT_TAG = "INSERT INTO spend_tags (request_id, attempt, tag, ended_at) VALUES (?,?,?,?) "
            + "ON CONFLICT DO NOTHING";

    private final Database db;

    LedgerStore(Database db) { this.db = db; }

    /** @return the rows the batch added (a row written before, by a batch retried after a lost commit, is not) */
    List<SpendRecord> insert(List<SpendLedger.Entry> entries) {
        return insert(entries, CoreShare.NEVER);
    }

    /** Whether the writers share the gateway's process, and so its core, with the database (SQLite). */
    boolean sharesTheCore() { return db.kind() == Database.Kind.SQLITE; }

    /**
     * @param pace when the writer offers its core between pieces of the batch ({@link CoreShare}; never on PostgreSQL)
     * @return the rows the batch added (a row written before, by a batch retried after a lost commit, is not)
     */
    List<SpendRecord> insert(List<SpendLedger.Entry> entries, CoreShare pace) {
        if (!sharesTheCore()) pace = CoreShare.NEVER; // PostgreSQL keeps one batch, and no yield in its transaction
        db.spendRowsLock().lock(); // the request log's writer upserts these rows too (Database.spendRowsLock)
        try {
            return insertLocked(entries, pace);
        } finally {
            db.spendRowsLock().unlock();
        }
    }

    private List<SpendRecord> insertLocked(List<SpendLedger.Entry> entries, CoreShare pace) {
        return db.transaction(c -> {
            try (SparseInsert ps = SparseInsert.sharingTheCore(pace, c, "spend_logs", ALL_COLUMNS, UPSERT);
                 PreparedStatement tags = c.prepareStatement(INSERT_TAG)) {
                boolean tagged = false;
                List<SpendRecord> rows = new java.util.ArrayList<>(entries.size());
                for (SpendLedger.Entry e : entries) {
                    SpendRecord r = e.record;
                    rows.add(r);
                    bind(ps, r, e.columns);
                    if (r.tags().isEmpty()) continue; // most rows: no set per row on the writer
                    tagged = true;
                    for (String tag : new LinkedHashSet<>(r.tags())) {
                        tags.setString(1, r.requestId());
                        tags.setInt(2, r.attempt());
                        tags.setString(3, cut(tag, 255));
                        tags.setLong(4, r.endedAt());
                        tags.addBatch();
                    }
                }
                int[] added = ps.execute();
                if (tagged) tags.executeBatch();
                List<SpendRecord> inserted = inserted(rows, added);
                pace.offer(); // the rollups and the commit are the batch's last long pieces (CoreShare says when)
                RollupWriter.add(c, inserted);
                pace.offer(); // and then the commit
                return inserted;
            }
        });
    }

    /**
     * The rows an insert added to the ledger: the upsert reports 0 for a ledger row already there (a batch written
     * again after a lost commit; its WHERE leaves the row alone), which the rollups must not count twice, and 1 for a
     * new row or a log-only row it took over. A driver that reports no count ({@code SUCCESS_NO_INFO}, PostgreSQL with
     * {@code reWriteBatchedInserts}) is taken at its word that the row went in.
     */
    private static List<SpendRecord> inserted(List<SpendRecord> rows, int[] added) {
        if (added.length != rows.size()) return rows;
        List<SpendRecord> out = new java.util.ArrayList<>(rows.size());
        for (int i = 0; i < added.length; i++) if (added[i] != 0) out.add(rows.get(i));
        return out;
    }

    /**
     * Each row in its own transaction, after a batch failed. A row that fails for a reason that may pass (the store
     * busy or locked, a deadlock, a lost connection: {@link Database#isTransient}) is kept to try again, never taken as
     * refused; a row that fails with its request-log part is tried once more without it (the money matters, the part
     * is lost and counted), since a value in the log's columns must not keep a call out of the ledger.
     *
     * @param added gets the rows that went in
     * @param kept  gets the rows to try again later
     * @param partsLost gets the rows written without the part they carried
     * @return the rows the database refused (empty when all went in)
     * @throws RuntimeException when not one row could be written (the store itself is failing)
     */
    List<SpendLedger.Entry> insertEach(List<SpendLedger.Entry> rows, List<SpendRecord> added, List<SpendLedger.Entry> kept,
                                       List<SpendLedger.Entry> partsLost) {
        List<SpendLedger.Entry> refused = new java.util.ArrayList<>();
        RuntimeException last = null;
        boolean anyIn = false;
        for (SpendLedger.Entry r : rows) {
            RuntimeException e = tryInsert(r, added);
            if (e != null && !Database.isTransient(e) && r.columns != null) { // once more without the log's part
                LogColumns part = r.columns;
                r.columns = null;
                e = tryInsert(r, added);
                if (e == null) partsLost.add(r);
                else r.columns = part;
            }
            if (e == null) {
                anyIn = true;
                continue;
            }
            last = e;
            (Database.isTransient(e) ? kept : refused).add(r);
        }
        if (!anyIn && last != null) throw last;
        return refused;
    }

    /** One row in its own transaction. @return null when it went in, else why not */
    private RuntimeException tryInsert(SpendLedger.Entry r, List<SpendRecord> added) {
        try {
            added.addAll(insert(List.of(r)));
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void bind(SparseInsert ps, SpendRecord r, LogColumns log) throws SQLException {
        ps.text(r.requestId()).integer(r.attempt()).number(r.startedAt()).number(r.endedAt()).text(r.keyId())
                .text(cut(r.keyAlias(), 255)).text(cut(r.endUser(), 255)).text(r.callType()).text(cut(r.requestedModel(), 255))
                .text(cut(r.deployment(), 255)).text(cut(r.route(), 64)).text(cut(r.tier(), 128)).text(r.cacheStatus())
                .number(r.promptTokens()).number(r.completionTokens()).number(r.cacheReadTokens()).number(r.cacheWriteTokens())
                .number(r.reasoningTokens()).flag(r.usageEstimated()).number(r.costNanos()).number(r.savedNanos())
                .flag(r.priced()).number(r.latencyMs()).number(r.ttftMs()).integer(r.status()).text(cut(r.errorType(), 64))
                .text(cut(r.team(), 250)).number(r.upstreamMs())
                // "" (an entry without model_info.id) is left NULL: the sparse insert then binds nothing more (V23)
                .text(r.modelId().isEmpty() ? null : cut(r.modelId(), 255));
        ps.flagIfTrue(log != null);
        if (log != null) log.bind(ps);
        else for (int i = 0; i < LogColumns.NAMES.length; i++) ps.text(null);
        ps.add();
    }

    /**
     * Client text made storable everywhere: column widths are limits on PostgreSQL (SQLite ignores them), and
     * PostgreSQL refuses a NUL character in text, so a client's {@code "user": "a\u0000b"} would otherwise keep its
     * call out of the ledger (and out of its budget after a restart).
     */
    static String cut(String s, int max) { return LogColumns.cut(s, max); }
}
