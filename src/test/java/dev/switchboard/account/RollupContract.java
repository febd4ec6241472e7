package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The daily rollups on each database: kept by the ledger's writer equal to the ledger rows they sum (a row written twice
 * counted once), and the V4 and V19 migrations' backfills build the same rollups from existing rows.
 */
abstract class RollupContract {
    abstract Database open();

    private static final long DAY = 86_400_000L;
    private static final long NOW = 20_000 * DAY + 50_000_000L;

    /**
     * Rows over 5 days, 4 keys (one without an alias), 3 deployments, fallbacks, hits, failed attempts, null latencies;
     * two teams (every call of key 0, half of key 1's), the rest of no team. Most served calls that reached a provider
     * say their upstream call's own time apart from the request's (V21), shorter; the rest (rows of before V21) do not.
     */
    static List<SpendRecord> rows(int n, long seed) {
        List<SpendRecord> out = new ArrayList<>();
        Random r = new Random(~seed);
        for (SpendRecord x : rowsBeforeV21(n, seed)) {
            boolean upstream = x.latencyMs() != null && (x.cacheStatus() == null || x.cacheStatus().equals("miss")) && r.nextInt(4) != 0;
            out.add(!upstream ? x : new SpendRecord(x.requestId(), x.attempt(), x.startedAt(), x.endedAt(), x.keyId(), x.keyAlias(),
                    x.endUser(), x.callType(), x.requestedModel(), x.deployment(), x.route(), x.tier(), x.cacheStatus(),
                    x.promptTokens(), x.completionTokens(), x.cacheReadTokens(), x.cacheWriteTokens(), x.reasoningTokens(),
                    x.usageEstimated(), x.costNanos(), x.savedNanos(), x.priced(), x.latencyMs(), x.ttftMs(), x.status(),
                    x.errorType(), x.tags(), x.team(), x.attempt() > 0 ? x.latencyMs() : x.latencyMs() - r.nextInt((int) (x.latencyMs() + 1))));
        }
        return out;
    }

    /** The rows a writer before V21 wrote: no upstream call's time of their own. */
    static List<SpendRecord> rowsBeforeV21(int n, long seed) {
        Random r = new Random(seed);
        List<SpendRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            int attempt = r.nextInt(10) == 0 ? 1 : 0;
            int status = attempt > 0 ? (r.nextBoolean() ? 429 : 502) : (r.nextInt(20) == 0 ? 503 : 200);
            String cache = attempt > 0 ? null : r.nextInt(8) == 0 ? "hit-exact" : r.nextInt(30) == 0 ? "hit-semantic" : "miss";
            long ended = NOW - r.nextInt(5) * DAY - r.nextInt(80_000_000);
            out.add(new SpendRecord("req_" + seed + "_" + i, attempt, ended - 100, ended, "key_" + k, k == 3 ? null : "app" + k,
                    null, attempt > 0 ? "attempt" : "chat", "alias" + r.nextInt(2), "openai/model-" + r.nextInt(3),
                    attempt > 0 ? null : r.nextInt(6) == 0 ? "fallback:error" : "primary", null, cache, r.nextInt(2000),
                    r.nextInt(500), r.nextInt(3) == 0 ? 1024 : 0, 0, 0, false, cache != null && cache.startsWith("hit") ? 0 : r.nextInt(90_000),
                    cache != null && cache.startsWith("hit") ? r.nextInt(50_000) : 0, true,
                    r.nextInt(15) == 0 ? null : (long) r.nextInt(400_000), null, status, null, List.of(),
                    k == 0 ? "team-a" : k == 1 && i % 2 == 0 ? "team-b" : null));
        }
        return out;
    }

    private static final String DAILY_FROM_LEDGER = "SELECT ended_at / 86400000, COALESCE(key_id, ''), COALESCE(key_alias, ''), "
            + "COALESCE(requested_model, ''), COALESCE(deployment, ''), CASE WHEN attempt > 0 THEN 1 ELSE 0 END, COALESCE(route, ''), "
            + "COALESCE(cache_status, ''), status, COUNT(*), SUM(cost_nanos), SUM(saved_nanos), SUM(prompt_tokens), "
            + "SUM(completion_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(COALESCE(latency_ms, 0)) "
            + "FROM spend_logs GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9";
    private static final String DAILY = "SELECT * FROM spend_daily ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9";
    private static final String LATENCY = "SELECT day, deployment, bucket, requests FROM latency_daily ORDER BY 1, 2, 3";
    private static final String TEAM_FROM_LEDGER = "SELECT ended_at / 86400000, team_id, SUM(CASE WHEN attempt = 0 THEN 1 ELSE 0 END), "
            + "SUM(cost_nanos), SUM(prompt_tokens), SUM(completion_tokens) FROM spend_logs WHERE team_id IS NOT NULL AND in_ledger = TRUE "
            + "GROUP BY 1, 2 ORDER BY 1, 2";
    private static final String TEAM = "SELECT * FROM team_daily ORDER BY 1, 2";

    static List<String> query(Database db, String sql) {
        return db.transaction(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int cols = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= cols; i++) sb.append(rs.getString(i)).append('|');
                    out.add(sb.toString());
                }
            }
            return out;
        });
    }

    /** The latency histogram computed in Java straight from the rows, as "day|deployment|bucket|count|". */
    static List<String> latencyOf(List<SpendRecord> rows) {
        java.util.TreeMap<String, Long> m = new java.util.TreeMap<>();
        for (SpendRecord r : rows) {
            if (!RollupWriter.countsForLatency(r)) continue;
            m.merge(String.format("%012d|%s|%04d", r.endedAt() / DAY, r.deployment(), LatencyBuckets.bucketOf(RollupWriter.modelLatencyMs(r))), 1L, Long::sum);
        }
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> {
            String[] p = k.split("\\|");
            out.add(Long.parseLong(p[0]) + "|" + p[1] + "|" + Integer.parseInt(p[2]) + "|" + v + "|");
        });
        return out;
    }

    @Test
    void theWriterKeepsTheRollupsEqualToTheLedgerRowsAndCountsARewrittenRowOnce() {
        try (Database db = open()) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            List<SpendRecord> rows = rows(12_000, 1);
            rows.forEach(ledger::record);
            assertThat(ledger.flush()).isTrue();
            rows.subList(0, 3_000).forEach(ledger::record); // a batch written again after a lost commit answer
            assertThat(ledger.flush()).isTrue();
            List<String> daily = query(db, DAILY);
            assertThat(daily).hasSizeGreaterThan(100).isEqualTo(query(db, DAILY_FROM_LEDGER));
            assertThat(query(db, LATENCY)).isNotEmpty().isEqualTo(latencyOf(rows));
            assertThat(query(db, TEAM)).hasSizeGreaterThanOrEqualTo(10).isEqualTo(query(db, TEAM_FROM_LEDGER));
            SpendRollups rollups = new SpendRollups(db, ledger);
            long cost = rollups.daily(0, Long.MAX_VALUE).stream().mapToLong(SpendRollups.Daily::costNanos).sum();
            assertThat(cost).isEqualTo(rows.stream().mapToLong(SpendRecord::costNanos).sum());
            assertThat(rollups.latency(0, Long.MAX_VALUE).values().stream().flatMapToLong(java.util.Arrays::stream).sum())
                    .isEqualTo(rows.stream().filter(RollupWriter::countsForLatency).count());
            assertThat(rollups.teamDaily(0, Long.MAX_VALUE).stream().mapToLong(SpendRollups.TeamDaily::costNanos).sum())
                    .isEqualTo(rows.stream().filter(x -> x.team() != null).mapToLong(SpendRecord::costNanos).sum());
            assertThat(rollups.teamDaily(0, Long.MAX_VALUE).stream().mapToLong(SpendRollups.TeamDaily::requests).sum())
                    .isEqualTo(rows.stream().filter(x -> x.team() != null && x.attempt() == 0).count());
            ledger.close();
        }
    }

    @Test
    void rowsThatShareTheirStringsInRunsAreSummedByTheirOwnDayAndGroup() {
        // the writer adds a row to the previous row's sums when its fields are the same objects: rows of one key in runs
        // (interned strings, as a gateway's rows carry), crossing days, statuses and attempts inside a run
        List<SpendRecord> rows = new ArrayList<>();
        for (SpendRecord r : rows(6_000, 3)) {
            rows.add(new SpendRecord(r.requestId(), r.attempt(), r.startedAt(), r.endedAt(), intern(r.keyId()), intern(r.keyAlias()),
                    null, r.callType(), intern(r.requestedModel()), intern(r.deployment()), intern(r.route()), null,
                    intern(r.cacheStatus()), r.promptTokens(), r.completionTokens(), r.cacheReadTokens(), 0, 0, false,
                    r.costNanos(), r.savedNanos(), true, r.latencyMs(), null, r.status(), null, List.of(), intern(r.team()),
                    r.upstreamMs()));
        }
        rows.sort(java.util.Comparator.comparing(SpendRecord::keyId).thenComparing(SpendRecord::deployment));
        try (Database db = open()) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            rows.forEach(ledger::record);
            assertThat(ledger.flush()).isTrue();
            assertThat(query(db, DAILY)).hasSizeGreaterThan(100).isEqualTo(query(db, DAILY_FROM_LEDGER));
            assertThat(query(db, LATENCY)).isNotEmpty().isEqualTo(latencyOf(rows));
            assertThat(query(db, TEAM)).isNotEmpty().isEqualTo(query(db, TEAM_FROM_LEDGER));
            ledger.close();
        }
    }

    private static String intern(String s) { return s == null ? null : s.intern(); }

    @Test
    void theMigrationsBackfillBuildsTheSameRollupsAsTheWriter() throws Exception {
        try (Database db = open()) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            rowsBeforeV21(5_000, 2).forEach(ledger::record); // V4 summed the rows of its time, which had no upstream_ms
            assertThat(ledger.flush()).isTrue();
            List<String> daily = query(db, DAILY);
            List<String> latency = query(db, LATENCY);
            List<String> team = query(db, TEAM);
            String v4 = new String(RollupContract.class.getResourceAsStream("/db/migration/V4__spend_rollups.sql").readAllBytes(),
                    StandardCharsets.UTF_8);
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM spend_daily");
                    s.execute("DELETE FROM latency_daily");
                    for (String stmt : v4.replaceAll("(?m)^--.*$", "").split(";")) {
                        if (stmt.strip().startsWith("INSERT")) s.execute(stmt);
                    }
                }
                return null;
            });
            assertThat(query(db, DAILY)).hasSizeGreaterThan(50).isEqualTo(daily);
            assertThat(query(db, LATENCY)).isNotEmpty().isEqualTo(latency);
            String v19 = new String(RollupContract.class.getResourceAsStream("/db/migration/V19__team_daily.sql").readAllBytes(),
                    StandardCharsets.UTF_8);
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM team_daily");
                    for (String stmt : v19.replaceAll("(?m)^--.*$", "").split(";")) {
                        if (stmt.strip().startsWith("INSERT")) s.execute(stmt);
                    }
                }
                return null;
            });
            assertThat(query(db, TEAM)).isNotEmpty().isEqualTo(team);
            ledger.close();
        }
    }

}
