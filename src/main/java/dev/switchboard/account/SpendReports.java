package dev.switchboard.account;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's read side: the rows ({@code /spend/logs}) and totals grouped by key, tag, model, alias, day or end user (the
 * spend report, {@code switchboard spend}). Every read first writes what the ledger still queues, so a report shows
 * every call answered before it was asked. Blocking: run on a worker thread.
 */
public final class SpendReports {
    /** What totals can be grouped by. */
    public enum GroupBy { KEY, TAG, MODEL, ALIAS, DAY, END_USER, TEAM }

    /**
     * One group of the report. {@code requests} counts served calls, {@code failedAttempts} attempts that failed (not
     * those a client left: {@link FailedAttempts}). {@code modelId}: by entry ({@link #totalsByEntry}), the deployment
     * entry's {@code model_info.id} ("" for an entry without one, a cache hit of none, and rows before migration V23);
     * null for every other grouping.
     */
    public record Total(String group, String keyAlias, long costNanos, long requests, long failedAttempts, long promptTokens,
                        long completionTokens, long cacheReadTokens, long unpricedRequests, String modelId) {
        public Total(String group, String keyAlias, long costNanos, long requests, long failedAttempts, long promptTokens,
                     long completionTokens, long cacheReadTokens, long unpricedRequests) {
            this(group, keyAlias, costNanos, requests, failedAttempts, promptTokens, completionTokens, cacheReadTokens,
                    unpricedRequests, null);
        }
    }

    /** One page of rows, newest first. */
    public record Page(List<SpendRecord> rows, long total, int page, int pageSize) {}

    private final Database db;
    private final SpendLedger ledger;

    /** The ledger's columns only: since V11 a row also holds the request log's prompt and completion, read by the log. */
    private static final String LEDGER_COLUMNS = "s." + String.join(", s.", LedgerStore.COLUMNS);

    public SpendReports(Database db, SpendLedger ledger) {
        this.db = db;
        this.ledger = ledger;
    }

    /**
     * What the ledger holds by deployment id for calls that ended in {@code [fromMillis, toMillis)} (served rows: every
     * gateway's written spend), for budget routing's periods. Does not flush the ledger first: the caller counts its own
     * queued spend.
     */
    public java.util.Map<String, Long> spentByDeploymentBetween(long fromMillis, long toMillis) {
        return db.transaction(c -> {
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT deployment, COALESCE(SUM(cost_nanos), 0) FROM spend_logs "
                    + "WHERE ended_at >= ? AND ended_at < ? AND in_ledger = TRUE AND deployment IS NOT NULL GROUP BY deployment")) {
                ps.setLong(1, fromMillis);
                ps.setLong(2, toMillis);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    public Page logs(SpendQuery q, int page, int pageSize) {
        ledger.flush();
        return db.transaction(c -> {
            Where w = where(q, "s");
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM spend_logs s" + w.sql)) {
                w.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<SpendRecord> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LEDGER_COLUMNS + " FROM spend_logs s" + w.sql
                    + " ORDER BY s.ended_at DESC, s.request_id DESC, s.attempt DESC LIMIT ? OFFSET ?")) {
                int i = w.bind(ps, 1);
                ps.setInt(i, pageSize);
                ps.setLong(i + 1, (long) (page - 1) * pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(read(rs));
                }
            }
            for (int r = 0; r < rows.size(); r++) rows.set(r, withTags(c, rows.get(r)));
            return new Page(rows, total, page, pageSize);
        });
    }

    /** Rows one page of {@link #export} reads, in a short transaction of its own (a ledger row is ~0.5-1 KB). */
    static final int EXPORT_PAGE = 500;

    /**
     * The rows {@link #logs} would page through, newest first, at most {@code limit} of them, handed to {@code row}
     * (the dashboard's CSV download, whose {@code row} waits while a slow client reads): the ledger flushed once, then
     * read in keyset pages of {@value #EXPORT_PAGE} rows, each page one short transaction, resuming after the last row's
     * key (ended_at, request_id, attempt), and handed on only once its transaction has ended. So no read is held while
     * the client is slow (on SQLite a snapshot pins the WAL, the checkpointer cannot pass it; on PostgreSQL a pooled
     * connection and an open transaction), and no row repeats and no newer call pushes rows out (OFFSET paging over a
     * growing range did both). What the file holds: every row that matched when the download started, once each,
     * newest first, up to {@code limit}; a row written during it is in it only if its key sorts after the rows already
     * read (a call that ended earlier but whose row came late), so a newer call never is, and such a late row takes a
     * place under {@code limit}, so at the limit the oldest row that matched at the start may be left out; a row
     * deleted meanwhile (retention) may be missing. No count and no tags (the file has no tags column). Returns whether
     * more rows match than {@code limit}.
     */
    public boolean export(SpendQuery q, int limit, java.util.function.Consumer<SpendRecord> row) {
        ledger.flush();
        return dev.switchboard.store.KeysetExport.export(EXPORT_PAGE, limit, (after, n) -> exportPage(q, after, n), row);
    }

    /** Up to {@code n} rows of {@link #export}'s order after {@code after}'s key (from the newest without it). */
    private List<SpendRecord> exportPage(SpendQuery q, SpendRecord after, int n) {
        ExportStatement st = exportStatement(q, after, db.kind() == Database.Kind.SQLITE);
        return db.transaction(c -> {
            List<SpendRecord> out = new ArrayList<>(n);
            try (PreparedStatement ps = c.prepareStatement(st.sql())) {
                int i = st.where().bind(ps, 1);
                if (after != null) {
                    ps.setLong(i++, after.endedAt());
                    ps.setLong(i++, after.endedAt());
                    ps.setLong(i++, after.endedAt());
                    ps.setString(i++, after.requestId());
                    ps.setString(i++, after.requestId());
                    ps.setInt(i++, after.attempt());
                }
                ps.setInt(i, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(read(rs));
                }
            }
            return out;
        });
    }

    /** One page's text and its filter's parameters (then the keyset's, from {@code after}, and the page's size). */
    record ExportStatement(String sql, Where where) {}

    /**
     * One page of {@link #export}: package-visible so that ExportPlanTest plans this very text. Several key ids (an app
     * filter, AppFilter.narrow) are {@code +s.key_id IN (…)} on SQLite: otherwise SQLite reads them by
     * {@code spend_logs_key} and sorts every matching row for each page (a temp B-tree, ~470 ms a page at 400k rows); so
     * it walks {@code spend_logs_ended} newest first and stops at the page's end. One key id keeps {@code spend_logs_key}
     * (key_id, ended_at), already in order.
     */
    static ExportStatement exportStatement(SpendQuery q, SpendRecord after, boolean sqlite) {
        Where w = where(q, "s", sqlite);
        // the keyset as ORs (SQLite and PostgreSQL alike), with ended_at <= ? first: an index range on ended_at
        String sql = "SELECT " + LEDGER_COLUMNS + " FROM spend_logs s" + w.sql + (after == null ? "" : " AND s.ended_at <= ? "
                + "AND (s.ended_at < ? OR (s.ended_at = ? AND (s.request_id < ? OR (s.request_id = ? AND s.attempt < ?))))")
                + " ORDER BY s.ended_at DESC, s.request_id DESC, s.attempt DESC LIMIT ?";
        return new ExportStatement(sql, w);
    }

    /**
     * The key ids whose calls were made under this alias (the dashboard finds a deleted key's calls by the alias they had,
     * without the live key that took that alias since): any row, a metered call's or a request-log row only (a key whose
     * every call was refused has no other).
     */
    public java.util.Set<String> keyIdsCalledAs(String alias) {
        ledger.flush();
        return db.transaction(c -> {
            java.util.Set<String> out = new java.util.TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT key_id FROM spend_logs WHERE key_alias = ? AND key_id IS NOT NULL")) {
                ps.setString(1, alias);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Every ledger row of one request (the served call and the attempts that failed before it), in attempt order. */
    public List<SpendRecord> request(String requestId) {
        ledger.flush();
        return db.transaction(c -> {
            List<SpendRecord> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LEDGER_COLUMNS + " FROM spend_logs s WHERE s.request_id = ? AND s.in_ledger = TRUE ORDER BY s.attempt")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(read(rs));
                }
            }
            for (int r = 0; r < rows.size(); r++) rows.set(r, withTags(c, rows.get(r)));
            return rows;
        });
    }

    /** Totals per group, the most expensive first. */
    public List<Total> totals(SpendQuery q, GroupBy by) { return totals(q, by, false); }

    /**
     * Totals per deployment entry, the most expensive first: {@link GroupBy#MODEL}'s groups (the deployment,
     * {@code provider/model}) split by the entry's {@code model_info.id}, so two entries of one {@code provider/model}
     * (two keys, two regions) are two groups. A gateway whose entries have no ids has one group a deployment, as by model.
     */
    public List<Total> totalsByEntry(SpendQuery q) { return totals(q, GroupBy.MODEL, true); }

    private List<Total> totals(SpendQuery q, GroupBy by, boolean byEntry) {
        ledger.flush();
        String group = switch (by) {
            case KEY -> "s.key_id";
            case TAG -> "t.tag";
            case MODEL -> "COALESCE(s.deployment, '(none)')";
            case ALIAS -> "COALESCE(s.requested_model, '(none)')";
            case DAY -> "(s.ended_at / 86400000)";
            case END_USER -> "COALESCE(s.end_user, '(none)')";
            case TEAM -> "COALESCE(s.team_id, '(none)')"; // the one team each call counts for (a key's team_id)
        };
        Where w = where(q, "s");
        String from = by == GroupBy.TAG
                ? " FROM spend_tags t JOIN spend_logs s ON s.request_id = t.request_id AND s.attempt = t.attempt"
                : " FROM spend_logs s";
        // a key's alias is the one of its latest call (a renamed key's newest name; MAX was the greatest name, which a
        // rename to "aaa" did not change); the edge names a live key by its current alias (edge.admin.KeyLabel)
        String alias = by == GroupBy.KEY
                ? "(SELECT x.key_alias FROM spend_logs x WHERE x.key_id = s.key_id AND x.key_alias IS NOT NULL "
                        + "ORDER BY x.ended_at DESC LIMIT 1)"
                : "MAX(s.key_alias)";
        String sql = "SELECT " + group + " AS grp, " + alias + ", SUM(s.cost_nanos), "
                + "SUM(CASE WHEN s.attempt = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN " + FailedAttempts.sql("s") + " THEN 1 ELSE 0 END), "
                + "SUM(s.prompt_tokens), SUM(s.completion_tokens), SUM(s.cache_read_tokens), "
                + "SUM(CASE WHEN s.attempt = 0 AND NOT s.priced THEN 1 ELSE 0 END)"
                + (byEntry ? ", COALESCE(s.model_id, '')" : "")
                + from + w.sql + " GROUP BY " + group + (byEntry ? ", COALESCE(s.model_id, '')" : "") + " ORDER BY 3 DESC, 1"
                + (byEntry ? ", 10" : "");
        return db.transaction(c -> {
            List<Total> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                w.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String g = by == GroupBy.DAY
                                ? java.time.LocalDate.ofEpochDay(rs.getLong(1)).toString() : rs.getString(1);
                        out.add(new Total(g, by == GroupBy.KEY ? rs.getString(2) : null, rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                byEntry ? rs.getString(10) : null));
                    }
                }
            }
            return out;
        });
    }

    /** One day's spend of one key, user and model (LiteLLM's day summaries of {@code /spend/logs}). */
    public record DayShare(String day, String keyId, String user, String model, long costNanos) {}

    /**
     * The spend per UTC day, key, user and deployment, days in order: what LiteLLM's {@code /spend/logs?summarize=true}
     * sums. The user is the call's {@code user:} tag (a key's LiteLLM {@code user_id}), or null.
     */
    public List<DayShare> dailyShares(SpendQuery q) {
        ledger.flush();
        Where w = where(q, "s");
        // a call carries at most one user: tag (its key's user_id), so the join adds no row
        String sql = "SELECT (s.ended_at / 86400000), s.key_id, u.tag, COALESCE(s.deployment, '(none)'), SUM(s.cost_nanos) "
                + "FROM spend_logs s LEFT JOIN spend_tags u ON u.request_id = s.request_id AND u.attempt = s.attempt "
                + "AND u.tag LIKE 'user:%'" + w.sql + " GROUP BY 1, 2, 3, 4 ORDER BY 1";
        return db.transaction(c -> {
            List<DayShare> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                w.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String user = rs.getString(3);
                        out.add(new DayShare(java.time.LocalDate.ofEpochDay(rs.getLong(1)).toString(), rs.getString(2),
                                user == null ? null : user.substring("user:".length()), rs.getString(4), rs.getLong(5)));
                    }
                }
            }
            return out;
        });
    }

    /** A WHERE clause over {@code spend_logs} with its parameters in order. */
    record Where(String sql, List<Object> params) {
        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Object p : params) {
                if (p instanceof Long l) ps.setLong(i++, l);
                else ps.setString(i++, (String) p);
            }
            return i;
        }
    }

    private static Where where(SpendQuery q, String s) { return where(q, s, false); }

    /** @param notByKeys several key ids read in ended_at's order, not by the key index ({@link #exportStatement}; SQLite) */
    private static Where where(SpendQuery q, String s, boolean notByKeys) {
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        parts.add(s + ".in_ledger = TRUE"); // not a request-log row without money (migration V11)
        if (q.keyId() != null) { parts.add(s + ".key_id = ?"); params.add(q.keyId()); }
        if (q.keyAlias() != null) { parts.add(s + ".key_alias = ?"); params.add(q.keyAlias()); }
        if (q.app() != null) { // SpendQuery.appOf in SQL: the alias, else (none or empty) the key id
            parts.add("(" + s + ".key_alias = ? OR (COALESCE(" + s + ".key_alias, '') = '' AND " + s + ".key_id = ?))");
            params.add(q.app());
            params.add(q.app());
        }
        if (q.keyIds() != null) {
            if (q.keyIds().isEmpty()) parts.add("1 = 0");
            else {
                java.util.Set<String> ids = new java.util.TreeSet<>(q.keyIds());
                parts.add((notByKeys && ids.size() > 1 ? "+" : "") + s + ".key_id IN ("
                        + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")");
                params.addAll(ids);
            }
        }
        if (q.model() != null) {
            parts.add("(" + s + ".requested_model = ? OR " + s + ".deployment = ?)");
            params.add(q.model());
            params.add(q.model());
        }
        if (q.tag() != null) {
            parts.add("EXISTS (SELECT 1 FROM spend_tags x WHERE x.request_id = " + s + ".request_id AND x.attempt = " + s
                    + ".attempt AND x.tag = ?)");
            params.add(q.tag());
        }
        for (String t : q.moreTags()) {
            parts.add("EXISTS (SELECT 1 FROM spend_tags x WHERE x.request_id = " + s + ".request_id AND x.attempt = " + s
                    + ".attempt AND x.tag = ?)");
            params.add(t);
        }
        if (q.endUser() != null) { parts.add(s + ".end_user = ?"); params.add(q.endUser()); }
        if (q.minCostNanos() != null) { parts.add(s + ".cost_nanos >= ?"); params.add(q.minCostNanos()); }
        if (q.maxCostNanos() != null) { parts.add(s + ".cost_nanos <= ?"); params.add(q.maxCostNanos()); }
        if (q.fromMillis() != null) { parts.add(s + ".ended_at >= ?"); params.add(q.fromMillis()); }
        if (q.toMillis() != null) { parts.add(s + ".ended_at < ?"); params.add(q.toMillis()); }
        if (q.requestIds() != null) {
            if (q.requestIds().isEmpty()) parts.add("1 = 0");
            else {
                parts.add(s + ".request_id IN (" + String.join(",", java.util.Collections.nCopies(q.requestIds().size(), "?")) + ")");
                params.addAll(new java.util.TreeSet<>(q.requestIds()));
            }
        }
        return new Where(" WHERE " + String.join(" AND ", parts), params);
    }

    private static SpendRecord read(ResultSet rs) throws SQLException {
        return new SpendRecord(rs.getString("request_id"), rs.getInt("attempt"), rs.getLong("started_at"), rs.getLong("ended_at"),
                rs.getString("key_id"), rs.getString("key_alias"), rs.getString("end_user"), rs.getString("call_type"),
                rs.getString("requested_model"), rs.getString("deployment"), rs.getString("route"), rs.getString("tier"),
                rs.getString("cache_status"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
                rs.getLong("cache_read_tokens"), rs.getLong("cache_write_tokens"), rs.getLong("reasoning_tokens"),
                rs.getBoolean("usage_estimated"), rs.getLong("cost_nanos"), rs.getLong("saved_nanos"), rs.getBoolean("priced"),
                nullableLong(rs, "latency_ms"), nullableLong(rs, "ttft_ms"), rs.getInt("status"), rs.getString("error_type"), List.of(),
                rs.getString("team_id"), nullableLong(rs, "upstream_ms"), rs.getString("model_id"));
    }

    private static SpendRecord withTags(Connection c, SpendRecord r) throws SQLException {
        List<String> tags = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tag FROM spend_tags WHERE request_id = ? AND attempt = ? ORDER BY tag")) {
            ps.setString(1, r.requestId());
            ps.setInt(2, r.attempt());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) tags.add(rs.getString(1));
            }
        }
        if (tags.isEmpty()) return r;
        return new SpendRecord(r.requestId(), r.attempt(), r.startedAt(), r.endedAt(), r.keyId(), r.keyAlias(), r.endUser(),
                r.callType(), r.requestedModel(), r.deployment(), r.route(), r.tier(), r.cacheStatus(), r.promptTokens(),
                r.completionTokens(), r.cacheReadTokens(), r.cacheWriteTokens(), r.reasoningTokens(), r.usageEstimated(),
                r.costNanos(), r.savedNanos(), r.priced(), r.latencyMs(), r.ttftMs(), r.status(), r.errorType(), tags, r.team(), r.upstreamMs(),
                r.modelId());
    }

    private static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }
}
