package dev.switchboard.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.store.CoreShare;
import dev.switchboard.store.Database;
import dev.switchboard.store.LogColumns;
import dev.switchboard.store.SparseInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The request log, which is the {@code spend_logs} rows marked {@code in_log} (migration V11: one row a request, the
 * ledger's row of a served call carries the log's columns, written by the ledger's writer). What is written here are
 * the rows whose part did not join a ledger row: requests with no ledger row of their own (refused before they were
 * metered, or every attempt failed), and the rare part that came after the ledger's writer took its row. Each is an
 * upsert: it adds the log's columns to the request's ledger row when that is there, else it is a row of its own, not
 * money ({@code in_ledger} false), which a ledger row written later takes over. Batches are one transaction each; a batch
 * retried after a lost commit writes the same values again. Reads by id and by filter, and the retention purge. Blocking.
 */
public final class RequestLogStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "request_id, started_at, ended_at, key_id, key_alias, call_type, requested_model, "
            + "deployment, route, tier, cache_status, " + Status.STATUS + ", " + Status.ERROR_TYPE + ", error_message, prompt_tokens, "
            + "completion_tokens, cache_read_tokens, cost_nanos, latency_ms, ttft_ms, trace_id, span_id, session_id, generation_name, tags, log_policy, "
            + "prompt, completion, model_id";
    /**
     * {@link #COLUMNS} as the CSV download reads them: no prompt, completion or tags (the file has no such column), so a
     * page of {@value #EXPORT_PAGE} rows under {@code log_policy: full} holds no prompts (0.5-1 MB each) while it waits.
     */
    static final String EXPORT_COLUMNS = COLUMNS.replace("tags, log_policy, prompt, completion,",
            "NULL AS tags, log_policy, NULL AS prompt, NULL AS completion,");
    /** A log-only row: the ledger's NOT NULL columns it has no value for are 0 / false, and it is not money. */
    private static final String[] INSERT_COLUMNS = ("request_id, attempt, started_at, ended_at, key_id, key_alias, call_type, "
            + "requested_model, deployment, route, tier, cache_status, status, error_type, prompt_tokens, completion_tokens, "
            + "cache_read_tokens, cache_write_tokens, reasoning_tokens, usage_estimated, cost_nanos, saved_nanos, priced, "
            + "latency_ms, ttft_ms, model_id, in_ledger, in_log, " + String.join(", ", LogColumns.NAMES)).split(", ");
    private static final String UPSERT = "ON CONFLICT (request_id, attempt) DO UPDATE SET " + LogColumns.updateFromExcluded();
    /** The rows that are the request log (a request's row is its attempt 0). */
    private static final String LOGGED = "attempt = 0 AND in_log = TRUE";

    /** How a request ended for its client: the log's own status when it differs from the ledger row's ({@link LogColumns}). */
    private static final class Status {
        static final String STATUS = "COALESCE(log_status, status)";
        static final String ERROR_TYPE = "CASE WHEN log_status IS NULL THEN error_type ELSE log_error_type END";
    }

    private final Database db;

    public RequestLogStore(Database db) { this.db = db; }

    void insert(List<RequestLogEntry> rows) {
        insert(rows, CoreShare.NEVER);
    }

    /** Whether the writer shares the gateway's process, and so its core, with the database (SQLite). */
    boolean sharesTheCore() { return db.kind() == Database.Kind.SQLITE; }

    /** @param pace when the writer offers its core between pieces of the batch ({@link CoreShare}; never on PostgreSQL) */
    void insert(List<RequestLogEntry> rows, CoreShare pace) {
        if (!sharesTheCore()) pace = CoreShare.NEVER;
        db.spendRowsLock().lock(); // the ledger's writer upserts these rows too (Database.spendRowsLock)
        try {
            insertLocked(rows, pace);
        } finally {
            db.spendRowsLock().unlock();
        }
    }

    private void insertLocked(List<RequestLogEntry> rows, CoreShare pace) {
        db.transaction(c -> {
            try (SparseInsert ps = SparseInsert.sharingTheCore(pace, c, "spend_logs", INSERT_COLUMNS, UPSERT)) {
                for (RequestLogEntry r : rows) bind(ps, r);
                ps.execute();
            }
            return null;
        });
    }

    /**
     * Takes the rows that ended before {@code cutoffMillis} out of the log: a row that is only a log row is deleted, a
     * ledger row loses the log's columns (its money stays). @return how many
     */
    int purge(long cutoffMillis) {
        db.spendRowsLock().lock();
        try {
            return purgeLocked(cutoffMillis);
        } finally {
            db.spendRowsLock().unlock();
        }
    }

    private int purgeLocked(long cutoffMillis) {
        return db.transaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM spend_logs WHERE ended_at < ? AND in_log = TRUE "
                    + "AND in_ledger = FALSE")) {
                ps.setLong(1, cutoffMillis);
                n = ps.executeUpdate();
            }
            StringBuilder clear = new StringBuilder("UPDATE spend_logs SET in_log = FALSE");
            for (String col : LogColumns.NAMES) clear.append(", ").append(col).append(" = NULL");
            try (PreparedStatement ps = c.prepareStatement(clear + " WHERE ended_at < ? AND in_log = TRUE")) {
                ps.setLong(1, cutoffMillis);
                n += ps.executeUpdate();
            }
            return n;
        });
    }

    /** The row of one request, or null. */
    public RequestLogEntry get(String requestId) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM spend_logs WHERE request_id = ? AND " + LOGGED)) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? read(rs) : null;
                }
            }
        });
    }

    /**
     * One page of rows, newest first, and how many match.
     *
     * @param totalCapped whether more rows than {@code total} match (the count stopped at its cap)
     */
    public record Page(List<RequestLogEntry> rows, long total, int page, int pageSize, boolean totalCapped) {
        public Page(List<RequestLogEntry> rows, long total, int page, int pageSize) { this(rows, total, page, pageSize, false); }
    }

    public Page find(RequestLogQuery q, int page, int pageSize) {
        return find(q, page, pageSize, Long.MAX_VALUE);
    }

    /**
     * {@link #find(RequestLogQuery, int, int)} counting no more than {@code countCap} rows: a filter no index serves
     * (status {@code error}) over a long log would otherwise read every row of it for the count alone.
     */
    public Page find(RequestLogQuery q, int page, int pageSize, long countCap) {
        return db.transaction(c -> {
            List<String> parts = new ArrayList<>();
            parts.add(LOGGED);
            List<Object> params = new ArrayList<>();
            where(q, parts, params);
            String where = " WHERE " + String.join(" AND ", parts);
            long total;
            boolean capped = countCap < Long.MAX_VALUE;
            String count = capped ? "SELECT COUNT(*) FROM (SELECT 1 FROM spend_logs" + where + " LIMIT ?) t"
                    : "SELECT COUNT(*) FROM spend_logs" + where;
            try (PreparedStatement ps = c.prepareStatement(count)) {
                int i = bind(ps, params);
                if (capped) ps.setLong(i, countCap + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            boolean more = total > countCap;
            if (more) total = countCap;
            List<RequestLogEntry> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM spend_logs" + where
                    + " ORDER BY ended_at DESC, request_id DESC LIMIT ? OFFSET ?")) {
                int i = bind(ps, params);
                ps.setInt(i, pageSize);
                ps.setLong(i + 1, (long) (page - 1) * pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(read(rs));
                }
            }
            return new Page(rows, total, page, pageSize, more);
        });
    }

    /** Rows one page of {@link #export} reads, in a short transaction of its own (a row may carry a long prompt). */
    static final int EXPORT_PAGE = 200;

    /**
     * The rows {@link #find} would page through, newest first, at most {@code limit}, handed to {@code row} (the
     * dashboard's CSV download, whose {@code row} waits while a slow client reads): read in keyset pages of
     * {@value #EXPORT_PAGE} rows, each page one short transaction, resuming after the last row's key (ended_at,
     * request_id; one row a request here), and handed on only once its transaction has ended, so no read (a SQLite
     * snapshot, a PostgreSQL connection) is held while the client is slow. The file holds every row that matched when
     * the download started, once each, newest first, up to {@code limit}; a row written during it only if its key
     * sorts after the rows already read (never a newer call), taking a place under {@code limit} (at the limit the
     * oldest row that matched at the start may be left out); one deleted meanwhile may be missing; one the ledger takes
     * over meanwhile (LedgerStore: its ended_at becomes the metered attempt's) moves in the order, so it may be read
     * twice or not at all. No count, no prompt, completion or tags ({@link #EXPORT_COLUMNS}). Returns whether more match.
     */
    public boolean export(RequestLogQuery q, int limit, java.util.function.Consumer<RequestLogEntry> row) {
        return dev.switchboard.store.KeysetExport.export(EXPORT_PAGE, limit, (after, n) -> exportPage(q, after, n), row);
    }

    /** Up to {@code n} rows of {@link #export}'s order after {@code after}'s key (from the newest without it). */
    private List<RequestLogEntry> exportPage(RequestLogQuery q, RequestLogEntry after, int n) {
        Statement st = exportStatement(q, after, db.kind() == Database.Kind.SQLITE);
        return db.transaction(c -> {
            List<RequestLogEntry> out = new ArrayList<>(n);
            try (PreparedStatement ps = c.prepareStatement(st.sql())) {
                ps.setInt(bind(ps, st.params()), n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(read(rs));
                }
            }
            return out;
        });
    }

    /** A statement's text and its parameters (the last one, the page's size, bound by the caller). */
    record Statement(String sql, List<Object> params) {}

    /**
     * One page of {@link #export}: package-visible so that ExportPlanTest plans this very text. Several key ids (an app
     * filter, AppFilter.narrow) are {@code +key_id IN (…)} on SQLite: otherwise SQLite reads them by {@code spend_logs_key}
     * and sorts every matching row for each page (a temp B-tree, ~470 ms a page at 400k rows); so it walks
     * {@code spend_logs_ended} newest first and stops at the page's end. One key id keeps {@code spend_logs_key}
     * (key_id, ended_at), already in order.
     */
    static Statement exportStatement(RequestLogQuery q, RequestLogEntry after, boolean sqlite) {
        List<String> parts = new ArrayList<>();
        parts.add(LOGGED);
        List<Object> params = new ArrayList<>();
        where(q, parts, params, sqlite);
        if (after != null) { // the keyset as ORs, with ended_at <= ? first: an index range on ended_at
            parts.add("ended_at <= ? AND (ended_at < ? OR (ended_at = ? AND request_id < ?))");
            params.add(after.endedAt());
            params.add(after.endedAt());
            params.add(after.endedAt());
            params.add(after.requestId());
        }
        return new Statement("SELECT " + EXPORT_COLUMNS + " FROM spend_logs WHERE " + String.join(" AND ", parts)
                + " ORDER BY ended_at DESC, request_id DESC LIMIT ?", params);
    }

    /** Requests of one key (and alias) that did not succeed, with one status, in a time range ({@link #refusedByKey}). */
    public record Refused(String keyId, String keyAlias, int status, long requests) {}

    /**
     * The requests that did not succeed between {@code fromMillis} (inclusive) and {@code toMillis}, counted by key id,
     * alias and status (a refusal by a key's budget, rate limit, allowlist or expiry, or a call failed on every attempt):
     * the dashboard's overview. The partial index {@code spend_logs_log_refused} (V31) holds exactly these rows with every
     * column read, so the count reads the refused rows only, not the whole log: its WHERE is the index's, term for term.
     */
    public List<Refused> refusedByKey(long fromMillis, long toMillis) {
        return db.transaction(c -> {
            List<Refused> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(REFUSED_BY_KEY)) {
                ps.setLong(1, fromMillis);
                ps.setLong(2, toMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Refused(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
                }
            }
            return out;
        });
    }

    /** The condition of the partial index {@code spend_logs_log_refused} (V31), as its migration spells it. */
    private static final String REFUSED = "attempt = 0 AND in_log = TRUE AND " + Status.STATUS + " <> 200";

    /**
     * {@link #refusedByKey}'s statement (from, to): package-visible so that RefusedByKeyPlanTest plans this very text
     * (it must read the partial index {@code spend_logs_log_refused}), not a copy of it.
     */
    static final String REFUSED_BY_KEY = "SELECT key_id, key_alias, " + Status.STATUS + ", COUNT(*) FROM spend_logs"
            + " WHERE " + REFUSED + " AND ended_at >= ? AND ended_at < ? GROUP BY key_id, key_alias, " + Status.STATUS;

    private static void where(RequestLogQuery q, List<String> parts, List<Object> params) {
        where(q, parts, params, false);
    }

    /** @param notByKeys several key ids read in ended_at's order, not by the key index ({@link #exportStatement}; SQLite) */
    private static void where(RequestLogQuery q, List<String> parts, List<Object> params, boolean notByKeys) {
        eq(parts, params, "key_id", q.keyId());
        eq(parts, params, "key_alias", q.keyAlias());
        if (q.app() != null) { // as SpendReports reads SpendQuery.app: the alias, else (none or empty) the key id
            parts.add("(key_alias = ? OR (COALESCE(key_alias, '') = '' AND key_id = ?))");
            params.add(q.app());
            params.add(q.app());
        }
        if (q.keyIds() != null) { // as SpendReports.where: any of these keys, and none when there are none
            if (q.keyIds().isEmpty()) parts.add("1 = 0");
            else {
                java.util.Set<String> ids = new java.util.TreeSet<>(q.keyIds());
                parts.add((notByKeys && ids.size() > 1 ? "+" : "") + "key_id IN ("
                        + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")");
                params.addAll(ids);
            }
        }
        eq(parts, params, "trace_id", q.traceId() == null ? null : q.traceId().toLowerCase(java.util.Locale.ROOT));
        eq(parts, params, "session_id", q.sessionId());
        eq(parts, params, "cache_status", q.cacheStatus());
        if (q.model() != null) {
            parts.add("(requested_model = ? OR deployment = ?)");
            params.add(q.model());
            params.add(q.model());
        }
        if (q.status() != null) {
            switch (q.status()) {
                case "ok" -> parts.add(Status.STATUS + " = 200");
                case "error" -> parts.add(Status.STATUS + " <> 200");
                default -> { parts.add(Status.STATUS + " = ?"); params.add((long) Integer.parseInt(q.status())); }
            }
        }
        if (q.route() != null) {
            if (q.route().equals("fallback")) parts.add("route LIKE 'fallback:%'");
            else eq(parts, params, "route", q.route());
        }
        if (q.tag() != null) {
            // tags are a JSON list of strings: match the quoted element, its % and _ taken as themselves (team_a)
            parts.add("tags LIKE ? ESCAPE '\\'");
            params.add("%" + likeLiteral(jsonString(q.tag())) + "%");
        }
        if (q.fromMillis() != null) { parts.add("ended_at >= ?"); params.add(q.fromMillis()); }
        if (q.toMillis() != null) { parts.add("ended_at < ?"); params.add(q.toMillis()); }
    }

    /** {@code s} in a LIKE pattern with {@code ESCAPE '\'}: its {@code %}, {@code _} and {@code \} match themselves. */
    static String likeLiteral(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static void eq(List<String> parts, List<Object> params, String col, String v) {
        if (v == null) return;
        parts.add(col + " = ?");
        params.add(v);
    }

    private static int bind(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object p : params) {
            if (p instanceof Long l) ps.setLong(i++, l);
            else ps.setString(i++, (String) p);
        }
        return i;
    }

    private static void bind(SparseInsert ps, RequestLogEntry r) throws SQLException {
        ps.text(r.requestId()).integer(0).number(r.startedAt()).number(r.endedAt()).text(cut(r.keyId(), 40))
                .text(cut(r.keyAlias(), 255)).text(cut(r.callType(), 16)).text(cut(r.requestedModel(), 255))
                .text(cut(r.deployment(), 255)).text(cut(r.route(), 64)).text(cut(r.tier(), 128)).text(cut(r.cacheStatus(), 16))
                .integer(r.status()).text(cut(r.errorType(), 64)).number(r.promptTokens()).number(r.completionTokens())
                .number(r.cachedTokens()).number(0).number(0).flag(false).number(r.costNanos()).number(0).flag(false)
                .number(r.latencyMs()).number(r.ttftMs()).text(r.modelId().isEmpty() ? null : cut(r.modelId(), 255))
                .flag(false).flag(true);
        // a part on its own carries its status: it may land on a ledger row whose status is not how the call ended
        columns(r, true).bind(ps);
        ps.add();
    }

    /**
     * The row's own columns (those a ledger row does not have).
     *
     * @param withStatus whether they carry the row's status and error type (when the ledger row's differ, or may)
     */
    static LogColumns columns(RequestLogEntry r, boolean withStatus) {
        return columns(r, r.prompt(), r.completion(), withStatus);
    }

    /** {@link #columns(RequestLogEntry, boolean)} of {@code r} with this prompt and completion in place of its own. */
    static LogColumns columns(RequestLogEntry r, String prompt, String completion, boolean withStatus) {
        return new LogColumns(r.errorMessage(), r.traceId(), r.spanId(), r.sessionId(), r.generationName(), tagsJson(r.tags()),
                r.logPolicy(), prompt, completion, withStatus ? Integer.valueOf(r.status()) : null,
                withStatus ? r.errorType() : null);
    }

    private static RequestLogEntry read(ResultSet rs) throws SQLException {
        return new RequestLogEntry(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getInt(12), rs.getString(13), rs.getString(14), rs.getLong(15), rs.getLong(16), rs.getLong(17),
                rs.getLong(18), nullableLong(rs, 19), nullableLong(rs, 20), rs.getString(21), rs.getString(22),
                rs.getString(23), rs.getString(24), tags(rs.getString(25)), rs.getString(26), rs.getString(27),
                rs.getString(28), rs.getString(29));
    }

    private static Long nullableLong(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    /** The tags as a JSON list; null when there are none (read back as none). */
    static String tagsJson(List<String> tags) {
        if (tags.isEmpty()) return null; // most rows: no Jackson generator per row on the writer, and no bind
        try {
            return JSON.writeValueAsString(tags);
        } catch (Exception e) {
            return "[]";
        }
    }

    private static String jsonString(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            return s;
        }
    }

    private static List<String> tags(String json) {
        if (json == null || json.isEmpty()) return List.of();
        try {
            return List.of(JSON.readValue(json, String[].class));
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Storable on both databases: within the column's width, and no NUL (PostgreSQL refuses it in text). */
    static String cut(String s, int max) { return LogColumns.cut(s, max); }

}
