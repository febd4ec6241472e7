package dev.switchboard.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a batch of ledger rows to the daily rollups ({@code spend_daily}, {@code latency_daily}), inside the
 * transaction that inserts them (see {@link LedgerStore}): the batch is summed in memory first, so a batch of 5,000 rows
 * is a few dozen upserts. Only rows the insert really added are summed, so a batch written again after a commit whose
 * answer was lost does not count twice.
 */
final class RollupWriter {
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
    static final long DAY_MILLIS = 86_400_000L;

    private record DailyKey(long day, String keyId, String keyAlias, String model, String deployment, int failed,
                            String route, String cacheStatus, int status) {}

    private record LatencyKey(long day, String deployment, int bucket) {}

    private RollupWriter() {}

    /** @param rows the rows the batch inserted (each already cut to its column's width) */
    static void add(Connection c, List<SpendRecord> rows) throws SQLException {
        Map<DailyKey, long[]> daily = new LinkedHashMap<>();
        Map<LatencyKey, long[]> latency = new LinkedHashMap<>();
        for (SpendRecord r : rows) {
            long day = Math.floorDiv(r.endedAt(), DAY_MILLIS);
            String deployment = text(LedgerStore.cut(r.deployment(), 255));
            DailyKey k = new DailyKey(day, text(r.keyId()), text(LedgerStore.cut(r.keyAlias(), 255)),
                    text(LedgerStore.cut(r.requestedModel(), 255)), deployment, r.attempt() > 0 ? 1 : 0,
                    text(LedgerStore.cut(r.route(), 64)), text(r.cacheStatus()), r.status());
            long[] s = daily.computeIfAbsent(k, x -> new long[8]);
            s[0]++;
            s[1] += r.costNanos();
            s[2] += r.savedNanos();
            s[3] += r.promptTokens();
            s[4] += r.completionTokens();
            s[5] += r.cacheReadTokens();
            s[6] += r.cacheWriteTokens();
            s[7] += r.latencyMs() == null ? 0 : r.latencyMs();
            if (countsForLatency(r)) {
                latency.computeIfAbsent(new LatencyKey(day, deployment, LatencyBuckets.bucketOf(r.latencyMs())), x -> new long[1])[0]++;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_DAILY)) {
            for (Map.Entry<DailyKey, long[]> e : daily.entrySet()) {
                DailyKey k = e.getKey();
                ps.setLong(1, k.day());
                ps.setString(2, k.keyId());
                ps.setString(3, k.keyAlias());
                ps.setString(4, k.model());
                ps.setString(5, k.deployment());
                ps.setInt(6, k.failed());
                ps.setString(7, k.route());
                ps.setString(8, k.cacheStatus());
                ps.setInt(9, k.status());
                long[] s = e.getValue();
                for (int i = 0; i < s.length; i++) ps.setLong(10 + i, s[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (latency.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(UPSERT_LATENCY)) {
            for (Map.Entry<LatencyKey, long[]> e : latency.entrySet()) {
                ps.setLong(1, e.getKey().day());
                ps.setString(2, e.getKey().deployment());
                ps.setInt(3, e.getKey().bucket());
                ps.setLong(4, e.getValue()[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The latency of a model: calls the provider answered (attempt 0, 200, not a cache hit); the migration's WHERE. */
    static boolean countsForLatency(SpendRecord r) {
        return r.attempt() == 0 && r.status() == 200 && r.latencyMs() != null
                && (r.cacheStatus() == null || r.cacheStatus().equals("miss"));
    }

    private static String text(String s) { return s == null ? "" : s; }
}
