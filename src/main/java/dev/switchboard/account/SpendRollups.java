package dev.switchboard.account;

import dev.switchboard.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read side of the daily rollups (V4 migration, kept by {@link RollupWriter}): what the dashboard's charts read
 * instead of scanning the ledger. A read covers whole UTC days and first writes what the ledger still queues, like
 * {@link SpendReports}. Blocking: run on a worker thread.
 */
public final class SpendRollups {
    /**
     * One rollup row: the sums of the ledger rows of one UTC day (days since the epoch) with these values. Text fields
     * are "" where the ledger has none.
     *
     * @param deployment the deployment, {@code provider/model} (its entries together: see {@link EntryDaily})
     * @param failed true for failed attempts before a served call (attempt > 0), false for served calls (attempt 0)
     */
    public record Daily(long day, String keyId, String keyAlias, String model, String deployment,
                        boolean failed, String route, String cacheStatus, int status, long requests, long costNanos, long savedNanos,
                        long promptTokens, long completionTokens, long cacheReadTokens, long cacheWriteTokens,
                        long latencyMsSum) {
        /** Whether these are failed attempts to count (not a client's leaving: {@link FailedAttempts}). */
        public boolean failedAttempt() { return FailedAttempts.counts(failed, status); }
    }

    /**
     * One row of {@code entry_daily} (V23): the calls and attempts of one deployment entry with one status on one UTC
     * day; {@code modelId} is the entry's {@code model_info.id}, "" without one (and for the rows before V23).
     */
    public record EntryDaily(long day, String deployment, String modelId, int status, long requests) {}

    /** One row of {@code team_daily}: a team's served calls, cost and tokens on one UTC day. */
    public record TeamDaily(long day, String teamId, long requests, long costNanos, long promptTokens, long completionTokens) {}

    private final Database db;
    private final SpendLedger ledger;

    public SpendRollups(Database db, SpendLedger ledger) {
        this.db = db;
        this.ledger = ledger;
    }

    /** The UTC day (days since the epoch) of an epoch-millisecond time. */
    public static long dayOf(long epochMillis) { return Math.floorDiv(epochMillis, RollupWriter.DAY_MILLIS); }

    /** Every rollup row of the days {@code [fromDay, toDay)}. */
    public List<Daily> daily(long fromDay, long toDay) {
        ledger.flush();
        return db.transaction(c -> {
            List<Daily> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(DAILY + " WHERE day >= ? AND day < ?")) {
                ps.setLong(1, fromDay);
                ps.setLong(2, toDay);
                readDaily(ps, out);
            }
            return out;
        });
    }

    /** The rows of these key ids only, {@value #KEYS_A_QUERY} ids a query, in one transaction. */
    public List<Daily> daily(long fromDay, long toDay, java.util.Collection<String> keyIds) {
        ledger.flush();
        List<String> ids = new ArrayList<>(keyIds);
        return db.transaction(c -> {
            List<Daily> out = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += KEYS_A_QUERY) {
                List<String> part = ids.subList(from, Math.min(ids.size(), from + KEYS_A_QUERY));
                try (PreparedStatement ps = c.prepareStatement(DAILY + " WHERE day >= ? AND day < ? AND key_id IN ("
                        + String.join(",", java.util.Collections.nCopies(part.size(), "?")) + ")")) {
                    ps.setLong(1, fromDay);
                    ps.setLong(2, toDay);
                    for (int i = 0; i < part.size(); i++) ps.setString(3 + i, part.get(i));
                    readDaily(ps, out);
                }
            }
            return out;
        });
    }

    private static final int KEYS_A_QUERY = 500;
    private static final String DAILY = "SELECT day, key_id, key_alias, model, deployment, failed, route, "
            + "cache_status, status, requests, cost_nanos, saved_nanos, prompt_tokens, completion_tokens, "
            + "cache_read_tokens, cache_write_tokens, latency_ms_sum FROM spend_daily";

    private static void readDaily(PreparedStatement ps, List<Daily> out) throws java.sql.SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Daily(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6) != 0, rs.getString(7), rs.getString(8), rs.getInt(9), rs.getLong(10), rs.getLong(11),
                        rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17)));
            }
        }
    }

    /** What {@code activity_daily} (V26) sums a call under: its team, each of its tags, its end user (LiteLLM's customer). */
    public enum ActivityKind {
        TEAM(RollupWriter.TEAM), TAG(RollupWriter.TAG), END_USER(RollupWriter.END_USER);

        private final String column;

        ActivityKind(String column) { this.column = column; }
    }

    /**
     * One row of {@code activity_daily}: the sums of one team's, tag's or end user's ledger rows of one UTC day, key,
     * model asked for, deployment, kind of row (served or failed attempt) and status, as a {@link Daily} (its route and
     * cache status "", its savings 0: the table does not keep them).
     */
    public record Activity(String entity, Daily daily) {}

    /**
     * The {@code kind} rows of the days {@code [fromDay, toDay)}, of every entity ({@code entities} null) or of these.
     * The primary key leads with the kind and day, so a range reads its days' rows only.
     */
    public List<Activity> activity(ActivityKind kind, long fromDay, long toDay, java.util.Collection<String> entities) {
        return activity(kind, fromDay, toDay, entities, null, null);
    }

    /**
     * The {@code kind} rows of the days {@code [fromDay, toDay)} narrowed in the query itself, never after it: of these
     * entities ({@code entities}; null for every one), but none of {@code excluded} (null or empty for none), and of these
     * callers' calls only ({@code keyIds}, the ledger's {@code key_id}: a key's id, {@code user:<id>}, …; null for every
     * caller's). An empty {@code entities} or {@code keyIds} reads nothing. A caller that may see only some keys' calls
     * (the tag route for a key that is not the master key) gets only those rows from the store, by V28's index on
     * {@code (kind, key_id, day)}: other keys' rows are neither read nor held, so no later step can let one through.
     * {@value #KEYS_A_QUERY} entities and {@value #KEYS_A_QUERY} keys a query, in one transaction (the parts are disjoint).
     */
    public List<Activity> activity(ActivityKind kind, long fromDay, long toDay, java.util.Collection<String> entities,
                                   java.util.Collection<String> excluded, java.util.Collection<String> keyIds) {
        if (entities != null && entities.isEmpty() || keyIds != null && keyIds.isEmpty()) return List.of();
        ledger.flush();
        List<List<String>> entityParts = parts(entities);
        List<List<String>> keyParts = parts(keyIds);
        List<String> without = excluded == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(excluded));
        return db.transaction(c -> {
            List<Activity> out = new ArrayList<>();
            for (List<String> ents : entityParts) {
                for (List<String> keys : keyParts) {
                    StringBuilder sql = new StringBuilder(ACTIVITY);
                    if (ents != null) sql.append(" AND entity IN (").append(marks(ents.size())).append(')');
                    if (keys != null) sql.append(" AND key_id IN (").append(marks(keys.size())).append(')');
                    if (!without.isEmpty()) sql.append(" AND entity NOT IN (").append(marks(without.size())).append(')');
                    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                        int i = 1;
                        ps.setString(i++, kind.column);
                        ps.setLong(i++, fromDay);
                        ps.setLong(i++, toDay);
                        for (String e : ents == null ? List.<String>of() : ents) ps.setString(i++, e);
                        for (String k : keys == null ? List.<String>of() : keys) ps.setString(i++, k);
                        for (String e : without) ps.setString(i++, e);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(new Activity(rs.getString(1), new Daily(rs.getLong(2), rs.getString(3), rs.getString(4),
                                        rs.getString(5), rs.getString(6), rs.getInt(7) != 0, "", "", rs.getInt(8), rs.getLong(9),
                                        rs.getLong(10), 0, rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15))));
                            }
                        }
                    }
                }
            }
            return out;
        });
    }

    /** {@code values} in parts of {@value #KEYS_A_QUERY} (distinct, so the parts' rows are too); one null part for null. */
    private static List<List<String>> parts(java.util.Collection<String> values) {
        if (values == null) return java.util.Collections.singletonList(null);
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(values));
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += KEYS_A_QUERY) out.add(all.subList(from, Math.min(all.size(), from + KEYS_A_QUERY)));
        return out;
    }

    private static String marks(int n) { return String.join(",", java.util.Collections.nCopies(n, "?")); }

    private static final String ACTIVITY = "SELECT entity, day, key_id, key_alias, model, deployment, failed, status, requests, "
            + "cost_nanos, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, latency_ms_sum "
            + "FROM activity_daily WHERE kind = ? AND day >= ? AND day < ?";

    /** Every per-entry row of the days {@code [fromDay, toDay)} (V23's {@code entry_daily}). */
    public List<EntryDaily> entryDaily(long fromDay, long toDay) {
        ledger.flush();
        return db.transaction(c -> {
            List<EntryDaily> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT day, deployment, model_id, status, requests FROM entry_daily "
                    + "WHERE day >= ? AND day < ?")) {
                ps.setLong(1, fromDay);
                ps.setLong(2, toDay);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new EntryDaily(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5)));
                    }
                }
            }
            return out;
        });
    }

    /** Every team rollup row of the days {@code [fromDay, toDay)}. */
    public List<TeamDaily> teamDaily(long fromDay, long toDay) {
        ledger.flush();
        return db.transaction(c -> {
            List<TeamDaily> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT day, team_id, requests, cost_nanos, prompt_tokens, "
                    + "completion_tokens FROM team_daily WHERE day >= ? AND day < ?")) {
                ps.setLong(1, fromDay);
                ps.setLong(2, toDay);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TeamDaily(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                rs.getLong(6)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * A deployment entry: its {@code provider/model} and its {@code model_info.id} ("" without one), which tells apart
     * two entries of one {@code provider/model}.
     */
    public record Entry(String deployment, String modelId) {}

    /**
     * The latency histogram of each deployment entry over the days {@code [fromDay, toDay)}: counts per
     * {@link LatencyBuckets} bucket, entries in the order of their deployment's name, then their id.
     */
    public Map<Entry, long[]> latency(long fromDay, long toDay) {
        ledger.flush();
        return db.transaction(c -> {
            Map<Entry, long[]> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT deployment, model_id, bucket, SUM(requests) FROM entry_latency_daily "
                    + "WHERE day >= ? AND day < ? GROUP BY deployment, model_id, bucket ORDER BY deployment, model_id, bucket")) {
                ps.setLong(1, fromDay);
                ps.setLong(2, toDay);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int bucket = Math.min(rs.getInt(3), LatencyBuckets.OVERFLOW);
                        out.computeIfAbsent(new Entry(rs.getString(1), rs.getString(2)),
                                d -> new long[LatencyBuckets.count()])[bucket] += rs.getLong(4);
                    }
                }
            }
            return out;
        });
    }
}
