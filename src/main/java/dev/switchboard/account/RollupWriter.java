package dev.switchboard.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a batch of ledger rows to the daily rollups ({@code spend_daily}, {@code latency_daily}, {@code team_daily},
 * V23's per-entry {@code entry_daily} and {@code entry_latency_daily}, and V26's {@code activity_daily} per team, tag and
 * end user), inside the
 * transaction that inserts them (see {@link LedgerStore}): the batch is summed in memory first, so a batch of 5,000 rows
 * is a few dozen upserts. Only rows the insert really added are summed, so a batch written again after a commit whose
 * answer was lost does not count twice.
 */
final class RollupWriter {
    // V4's keys (no model_id): a gateway of an earlier version on the same database upserts these by the same keys
    private static final String UPSERT_DAILY = "INSERT INTO spend_daily (day, key_id, key_alias, model, deployment, failed, "
            + "route, cache_status, status, requests, cost_nanos, saved_nanos, prompt_tokens, completion_tokens, "
            + "cache_read_tokens, cache_write_tokens, latency_ms_sum) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            + "ON CONFLICT (day, key_id, key_alias, model, deployment, failed, route, cache_status, status) DO UPDATE SET "
            + "requests = spend_daily.requests + excluded.requests, cost_nanos = spend_daily.cost_nanos + excluded.cost_nanos, "
            + "saved_nanos = spend_daily.saved_nanos + excluded.saved_nanos, "
            + "prompt_tokens = spend_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = spend_daily.completion_tokens + excluded.completion_tokens, "
            + "cache_read_tokens = spend_daily.cache_read_tokens + excluded.cache_read_tokens, "
            + "cache_write_tokens = spend_daily.cache_write_tokens + excluded.cache_write_tokens, "
            + "latency_ms_sum = spend_daily.latency_ms_sum + excluded.latency_ms_sum";
    private static final String UPSERT_LATENCY = "INSERT INTO latency_daily (day, deployment, bucket, requests) VALUES (?,?,?,?) "
            + "ON CONFLICT (day, deployment, bucket) DO UPDATE SET requests = latency_daily.requests + excluded.requests";
    // V23's per-entry rollups (model_id: the entry's model_info.id, '' without one)
    private static final String UPSERT_ENTRY = "INSERT INTO entry_daily (day, deployment, model_id, status, requests) "
            + "VALUES (?,?,?,?,?) ON CONFLICT (day, deployment, model_id, status) DO UPDATE SET "
            + "requests = entry_daily.requests + excluded.requests";
    private static final String UPSERT_ENTRY_LATENCY = "INSERT INTO entry_latency_daily (day, deployment, model_id, bucket, requests) "
            + "VALUES (?,?,?,?,?) ON CONFLICT (day, deployment, model_id, bucket) DO UPDATE SET "
            + "requests = entry_latency_daily.requests + excluded.requests";
    private static final String UPSERT_TEAM = "INSERT INTO team_daily (day, team_id, requests, cost_nanos, prompt_tokens, "
            + "completion_tokens) VALUES (?,?,?,?,?,?) ON CONFLICT (day, team_id) DO UPDATE SET "
            + "requests = team_daily.requests + excluded.requests, cost_nanos = team_daily.cost_nanos + excluded.cost_nanos, "
            + "prompt_tokens = team_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = team_daily.completion_tokens + excluded.completion_tokens";
    // V26's per team, tag and end user rollup (LiteLLM's team, tag and customer daily activity)
    private static final String UPSERT_ACTIVITY = "INSERT INTO activity_daily (kind, day, entity, key_id, key_alias, model, "
            + "deployment, failed, status, requests, cost_nanos, prompt_tokens, completion_tokens, cache_read_tokens, "
            + "cache_write_tokens, latency_ms_sum) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            + "ON CONFLICT (kind, day, entity, key_id, key_alias, model, deployment, failed, status) DO UPDATE SET "
            + "requests = activity_daily.requests + excluded.requests, "
            + "cost_nanos = activity_daily.cost_nanos + excluded.cost_nanos, "
            + "prompt_tokens = activity_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = activity_daily.completion_tokens + excluded.completion_tokens, "
            + "cache_read_tokens = activity_daily.cache_read_tokens + excluded.cache_read_tokens, "
            + "cache_write_tokens = activity_daily.cache_write_tokens + excluded.cache_write_tokens, "
            + "latency_ms_sum = activity_daily.latency_ms_sum + excluded.latency_ms_sum";
    /** The kinds of {@code activity_daily}'s rows. */
    static final String TEAM = "team", TAG = "tag", END_USER = "end_user";
    static final long DAY_MILLIS = 86_400_000L;

    private record DailyKey(long day, String keyId, String keyAlias, String model, String deployment, String modelId,
                            int failed, String route, String cacheStatus, int status) {}

    private record LatencyKey(long day, String deployment, String modelId) {}

    private record TeamKey(long day, String teamId) {}

    private record EntryKey(long day, String deployment, String modelId, int status) {}

    private record ActivityKey(String kind, long day, String entity, String keyId, String keyAlias, String model,
                               String deployment, int failed, int status) {}

    private RollupWriter() {}

    /** @param rows the rows the batch inserted (each already cut to its column's width) */
    static void add(Connection c, List<SpendRecord> rows) throws SQLException {
        Map<DailyKey, long[]> daily = new LinkedHashMap<>();
        Map<LatencyKey, long[]> latency = new LinkedHashMap<>(); // per day and deployment entry, a count per bucket
        Map<TeamKey, long[]> teams = null; // most gateways have no team: no map
        Map<ActivityKey, long[]> activity = null; // nor tags or end users
        long[] t = null;
        String prevTeam = null;
        long prevTeamDay = 0;
        // Consecutive rows mostly share their group (one key, one model): a row whose fields are the very same objects
        // as the previous row's adds to the previous sums without building and hashing a key (the ledger writer's
        // samples had this loop at a third of its Java time)
        SpendRecord prev = null;
        long prevDay = 0;
        long[] s = null;
        long[] buckets = null;
        for (SpendRecord r : rows) {
            long day = Math.floorDiv(r.endedAt(), DAY_MILLIS);
            if (prev == null || !sameDaily(prev, r) || day != prevDay) {
                DailyKey k = new DailyKey(day, text(r.keyId()), text(LedgerStore.cut(r.keyAlias(), 255)),
                        text(LedgerStore.cut(r.requestedModel(), 255)), text(LedgerStore.cut(r.deployment(), 255)),
                        LedgerStore.cut(r.modelId(), 255), r.attempt() > 0 ? 1 : 0, text(LedgerStore.cut(r.route(), 64)), text(r.cacheStatus()), r.status());
                s = daily.computeIfAbsent(k, x -> new long[8]);
                buckets = null;
            }
            s[0]++;
            s[1] += r.costNanos();
            s[2] += r.savedNanos();
            s[3] += r.promptTokens();
            s[4] += r.completionTokens();
            s[5] += r.cacheReadTokens();
            s[6] += r.cacheWriteTokens();
            s[7] += r.latencyMs() == null ? 0 : r.latencyMs();
            if (countsForLatency(r)) {
                if (buckets == null) {
                    buckets = latency.computeIfAbsent(new LatencyKey(day, text(LedgerStore.cut(r.deployment(), 255)),
                            LedgerStore.cut(r.modelId(), 255)), x -> new long[LatencyBuckets.count()]);
                }
                buckets[LatencyBuckets.bucketOf(modelLatencyMs(r))]++;
            }
            if (r.team() != null || r.endUser() != null || !r.tags().isEmpty()) { // most rows: none of the three
                if (activity == null) activity = new LinkedHashMap<>();
                addActivity(activity, day, r);
            }
            if (r.team() != null) {
                if (teams == null) teams = new LinkedHashMap<>();
                // consecutive rows of one team and day (the same String object) add to the previous sums, as above
                if (t == null || r.team() != prevTeam || day != prevTeamDay) {
                    t = teams.computeIfAbsent(new TeamKey(day, LedgerStore.cut(r.team(), 250)), x -> new long[4]);
                    prevTeam = r.team();
                    prevTeamDay = day;
                }
                if (r.attempt() == 0) t[0]++;
                t[1] += r.costNanos();
                t[2] += r.promptTokens();
                t[3] += r.completionTokens();
            }
            prev = r;
            prevDay = day;
        }
        if (teams != null) addTeams(c, teams);
        if (activity != null) writeActivity(c, activity);
        try (PreparedStatement ps = c.prepareStatement(UPSERT_DAILY)) {
            for (Map.Entry<DailyKey, long[]> e : daily.entrySet()) {
                DailyKey k = e.getKey();
                ps.setLong(1, k.day());
                ps.setString(2, k.keyId());
                ps.setString(3, k.keyAlias());
                ps.setString(4, k.model());
                ps.setString(5, k.deployment());
                // the entry is not in V4's key: groups that differ only by it add into one row, upsert after upsert
                ps.setInt(6, k.failed());
                ps.setString(7, k.route());
                ps.setString(8, k.cacheStatus());
                ps.setInt(9, k.status());
                long[] sums = e.getValue();
                for (int i = 0; i < sums.length; i++) ps.setLong(10 + i, sums[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Map<EntryKey, long[]> entries = new LinkedHashMap<>();
        for (Map.Entry<DailyKey, long[]> e : daily.entrySet()) {
            DailyKey k = e.getKey();
            entries.computeIfAbsent(new EntryKey(k.day(), k.deployment(), k.modelId(), k.status()), x -> new long[1])[0] += e.getValue()[0];
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_ENTRY)) {
            for (Map.Entry<EntryKey, long[]> e : entries.entrySet()) {
                ps.setLong(1, e.getKey().day());
                ps.setString(2, e.getKey().deployment());
                ps.setString(3, e.getKey().modelId());
                ps.setInt(4, e.getKey().status());
                ps.setLong(5, e.getValue()[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (latency.isEmpty()) return;
        // each entry's histogram as it is, and summed over the entries of a deployment for V4's table
        writeLatency(c, UPSERT_ENTRY_LATENCY, latency, true);
        writeLatency(c, UPSERT_LATENCY, latency, false);
    }

    private static void writeLatency(Connection c, String sql, Map<LatencyKey, long[]> latency, boolean perEntry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Map.Entry<LatencyKey, long[]> e : latency.entrySet()) {
                long[] counts = e.getValue();
                for (int b = 0; b < counts.length; b++) {
                    if (counts[b] == 0) continue;
                    int i = 1;
                    ps.setLong(i++, e.getKey().day());
                    ps.setString(i++, e.getKey().deployment());
                    if (perEntry) ps.setString(i++, e.getKey().modelId());
                    ps.setInt(i++, b);
                    ps.setLong(i, counts[b]);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void addTeams(Connection c, Map<TeamKey, long[]> teams) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_TEAM)) {
            for (Map.Entry<TeamKey, long[]> e : teams.entrySet()) {
                ps.setLong(1, e.getKey().day());
                ps.setString(2, e.getKey().teamId());
                long[] sums = e.getValue();
                for (int i = 0; i < sums.length; i++) ps.setLong(3 + i, sums[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A row's sums under its team, each of its tags (once each) and its end user. */
    private static void addActivity(Map<ActivityKey, long[]> activity, long day, SpendRecord r) {
        String keyId = text(r.keyId());
        String alias = text(LedgerStore.cut(r.keyAlias(), 255));
        String model = text(LedgerStore.cut(r.requestedModel(), 255));
        String deployment = text(LedgerStore.cut(r.deployment(), 255));
        int failed = r.attempt() > 0 ? 1 : 0;
        if (r.team() != null) addActivity(activity, new ActivityKey(TEAM, day, LedgerStore.cut(r.team(), 250), keyId, alias, model, deployment, failed, r.status()), r);
        if (r.endUser() != null) addActivity(activity, new ActivityKey(END_USER, day, LedgerStore.cut(r.endUser(), 255), keyId, alias, model, deployment, failed, r.status()), r);
        if (r.tags().isEmpty()) return;
        // the tags as spend_tags keeps them: each once, cut to its column (a second one of the same cut is not written)
        java.util.Set<String> tags = new java.util.LinkedHashSet<>();
        for (String tag : r.tags()) tags.add(LedgerStore.cut(tag, 255));
        for (String tag : tags) {
            addActivity(activity, new ActivityKey(TAG, day, tag, keyId, alias, model, deployment, failed, r.status()), r);
        }
    }

    private static void addActivity(Map<ActivityKey, long[]> activity, ActivityKey k, SpendRecord r) {
        long[] s = activity.computeIfAbsent(k, x -> new long[7]);
        s[0]++;
        s[1] += r.costNanos();
        s[2] += r.promptTokens();
        s[3] += r.completionTokens();
        s[4] += r.cacheReadTokens();
        s[5] += r.cacheWriteTokens();
        s[6] += r.latencyMs() == null ? 0 : r.latencyMs();
    }

    private static void writeActivity(Connection c, Map<ActivityKey, long[]> activity) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_ACTIVITY)) {
            for (Map.Entry<ActivityKey, long[]> e : activity.entrySet()) {
                ActivityKey k = e.getKey();
                ps.setString(1, k.kind());
                ps.setLong(2, k.day());
                ps.setString(3, k.entity());
                ps.setString(4, k.keyId());
                ps.setString(5, k.keyAlias());
                ps.setString(6, k.model());
                ps.setString(7, k.deployment());
                ps.setInt(8, k.failed());
                ps.setInt(9, k.status());
                long[] sums = e.getValue();
                for (int i = 0; i < sums.length; i++) ps.setLong(10 + i, sums[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The same daily group as the previous row, judged by identity (the same String objects, as rows of one key and one
     * route carry): a false "no" only costs the key lookup; a "yes" is always right, and the day is compared apart.
     */
    private static boolean sameDaily(SpendRecord a, SpendRecord b) {
        return a.keyId() == b.keyId() && a.keyAlias() == b.keyAlias() && a.requestedModel() == b.requestedModel()
                && a.deployment() == b.deployment() && a.modelId() == b.modelId() && (a.attempt() > 0) == (b.attempt() > 0) && a.route() == b.route()
                && a.cacheStatus() == b.cacheStatus() && a.status() == b.status();
    }

    /** The latency of a model: calls the provider answered (attempt 0, 200, not a cache hit); the migration's WHERE. */
    static boolean countsForLatency(SpendRecord r) {
        return r.attempt() == 0 && r.status() == 200 && (r.upstreamMs() != null || r.latencyMs() != null)
                && (r.cacheStatus() == null || r.cacheStatus().equals("miss"));
    }

    /**
     * The serving deployment's own time (V21's upstream_ms), not the request's: a fallback's row would otherwise charge
     * the failed attempts and retry waits before it to the model that saved the call. A row that does not say it (seeded
     * rows, a writer before V21) counts its latency, as before: {@code COALESCE(upstream_ms, latency_ms)}.
     */
    static long modelLatencyMs(SpendRecord r) {
        return r.upstreamMs() != null ? r.upstreamMs() : r.latencyMs();
    }

    private static String text(String s) { return s == null ? "" : s; }
}
