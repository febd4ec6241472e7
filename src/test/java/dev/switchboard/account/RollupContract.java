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
 * counted once), and the V4 and V19 migrations' backfills build the same rollups from existing rows; V23 adds the
 * deployment entry ({@code model_id}) to a database that has rows already.
 */
abstract class RollupContract {
    abstract Database open();

    /**
     * A new database migrated only up to {@code version}, and a connection to it (the caller closes it); {@link #reopen}
     * then opens that database as the gateway does, every migration run.
     */
    abstract java.sql.Connection openAt(String version) throws java.sql.SQLException;

    /** The database of the last {@link #openAt}, opened with every migration. */
    abstract Database reopen();

    private static final long DAY = 86_400_000L;
    private static final long NOW = 20_000 * DAY + 50_000_000L;

    /**
     * Rows over 5 days, 4 keys (one without an alias), 3 deployments, fallbacks, hits, failed attempts, null latencies;
     * two teams (every call of key 0, half of key 1's), the rest of no team. Most served calls that reached a provider
     * say their upstream call's own time apart from the request's (V21), shorter; the rest (rows of before V21) do not.
     * The rows that reached a provider name its entry (V23): model-0 has two entries ({@code east}, {@code west}),
     * model-1 one ({@code m1}), model-2 none ("").
     */
    static List<SpendRecord> rows(int n, long seed) {
        List<SpendRecord> out = new ArrayList<>();
        Random r = new Random(~seed);
        for (SpendRecord x : rowsBeforeV21(n, seed)) {
            boolean upstream = x.latencyMs() != null && (x.cacheStatus() == null || x.cacheStatus().equals("miss")) && r.nextInt(4) != 0;
            boolean hit = x.cacheStatus() != null && x.cacheStatus().startsWith("hit");
            String entry = hit ? "" : switch (x.deployment()) {
                case "openai/model-0" -> r.nextBoolean() ? "east" : "west";
                case "openai/model-1" -> "m1";
                default -> "";
            };
            out.add(new SpendRecord(x.requestId(), x.attempt(), x.startedAt(), x.endedAt(), x.keyId(), x.keyAlias(),
                    x.endUser(), x.callType(), x.requestedModel(), x.deployment(), x.route(), x.tier(), x.cacheStatus(),
                    x.promptTokens(), x.completionTokens(), x.cacheReadTokens(), x.cacheWriteTokens(), x.reasoningTokens(),
                    x.usageEstimated(), x.costNanos(), x.savedNanos(), x.priced(), x.latencyMs(), x.ttftMs(), x.status(),
                    x.errorType(), x.tags(), x.team(), !upstream ? null
                            : x.attempt() > 0 ? x.latencyMs() : x.latencyMs() - r.nextInt((int) (x.latencyMs() + 1)), entry));
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
    private static final String ENTRY_FROM_LEDGER = "SELECT ended_at / 86400000, COALESCE(deployment, ''), COALESCE(model_id, ''), "
            + "status, COUNT(*) FROM spend_logs GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";
    private static final String ENTRY = "SELECT day, deployment, model_id, status, requests FROM entry_daily ORDER BY 1, 2, 3, 4";
    private static final String ENTRY_LATENCY = "SELECT day, deployment, model_id, bucket, requests FROM entry_latency_daily "
            + "ORDER BY 1, 2, 3, 4";
    private static final String TEAM_FROM_LEDGER = "SELECT ended_at / 86400000, team_id, SUM(CASE WHEN attempt = 0 THEN 1 ELSE 0 END), "
            + "SUM(cost_nanos), SUM(prompt_tokens), SUM(completion_tokens) FROM spend_logs WHERE team_id IS NOT NULL AND in_ledger = TRUE "
            + "GROUP BY 1, 2 ORDER BY 1, 2";
    private static final String TEAM = "SELECT * FROM team_daily ORDER BY 1, 2";

    static List<String> query(Database db, String sql) {
        return db.transaction(c -> rowsOf(c, sql));
    }

    private record LatencyCell(long day, String deployment, String modelId, int bucket) {}

    /** The per-entry latency histogram computed in Java straight from the rows, as "day|deployment|model_id|bucket|count|". */
    static List<String> entryLatencyOf(List<SpendRecord> rows) { return latencyOf(rows, true); }

    /** The per-deployment latency histogram (V4's table), as "day|deployment|bucket|count|". */
    static List<String> latencyOf(List<SpendRecord> rows) { return latencyOf(rows, false); }

    private static List<String> latencyOf(List<SpendRecord> rows, boolean perEntry) {
        java.util.TreeMap<LatencyCell, Long> m = new java.util.TreeMap<>(java.util.Comparator.comparingLong(LatencyCell::day)
                .thenComparing(LatencyCell::deployment).thenComparing(LatencyCell::modelId).thenComparingInt(LatencyCell::bucket));
        for (SpendRecord r : rows) {
            if (!RollupWriter.countsForLatency(r)) continue;
            m.merge(new LatencyCell(r.endedAt() / DAY, r.deployment(), perEntry ? r.modelId() : "",
                    LatencyBuckets.bucketOf(RollupWriter.modelLatencyMs(r))), 1L, Long::sum);
        }
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k.day() + "|" + k.deployment() + "|" + (perEntry ? k.modelId() + "|" : "") + k.bucket() + "|" + v + "|"));
        return out;
    }

    /**
     * The ledger's insert offers the writer's core only on SQLite (its rollups and commit, past a slice of work, when not
     * behind); on PostgreSQL it never does, not even inside its transaction (the first version of the yields did).
     */
    @Test
    void theLedgerInsertOffersTheCoreOnlyOnSqlite() throws Exception {
        Database db = open();
        LedgerStore store = new LedgerStore(db);
        dev.switchboard.store.CoreShare pace = dev.switchboard.store.CoreShare.of(true, () -> false);
        pace.start();
        Thread.sleep(3); // a slice of "work" already done: every check is due where offers are allowed
        List<SpendLedger.Entry> entries = new ArrayList<>();
        SpendLedger ledger = new SpendLedger(db, 60_000); // only to make its entries; nothing is queued on it
        for (SpendRecord r : rowsBeforeV21(100, 77)) entries.add(ledger.new Entry(r));
        store.insert(entries, pace);
        ledger.close();
        boolean sqlite = db.kind() == Database.Kind.SQLITE;
        assertThat(store.sharesTheCore()).isEqualTo(sqlite);
        if (sqlite) assertThat(pace.offers()).isGreaterThanOrEqualTo(1);
        else assertThat(pace.offers()).as("PostgreSQL: one batch, no yield").isZero();
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
            assertThat(query(db, ENTRY)).isNotEmpty().isEqualTo(query(db, ENTRY_FROM_LEDGER));
            assertThat(query(db, ENTRY_LATENCY)).isNotEmpty().isEqualTo(entryLatencyOf(rows));
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
                    r.upstreamMs(), intern(r.modelId())));
        }
        rows.sort(java.util.Comparator.comparing(SpendRecord::keyId).thenComparing(SpendRecord::deployment));
        try (Database db = open()) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            rows.forEach(ledger::record);
            assertThat(ledger.flush()).isTrue();
            assertThat(query(db, DAILY)).hasSizeGreaterThan(100).isEqualTo(query(db, DAILY_FROM_LEDGER));
            assertThat(query(db, LATENCY)).isNotEmpty().isEqualTo(latencyOf(rows));
            assertThat(query(db, ENTRY)).isNotEmpty().isEqualTo(query(db, ENTRY_FROM_LEDGER));
            assertThat(query(db, ENTRY_LATENCY)).isNotEmpty().isEqualTo(entryLatencyOf(rows));
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

    private static final String ACTIVITY = "SELECT * FROM activity_daily ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9";

    /**
     * V26's rollup per team, tag and end user: the writer's equals what the migration's backfill builds from the same
     * ledger rows (and spend_tags), for rows of a team, of an end user, of one tag, of two tags (one given twice), and
     * of none; a row written twice is counted once.
     */
    @Test
    void v26sBackfillBuildsTheSameTeamTagAndEndUserRollupAsTheWriter() throws Exception {
        try (Database db = open()) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            List<SpendRecord> rows = new ArrayList<>();
            int i = 0;
            for (SpendRecord x : rows(3_000, 7)) {
                int n = i++;
                List<String> tags = switch (n % 4) {
                    case 0 -> List.of();
                    case 1 -> List.of("proj-" + n % 3);
                    case 2 -> List.of("proj-" + n % 3, "batch", "proj-" + n % 3);
                    default -> List.of("batch");
                };
                rows.add(new SpendRecord(x.requestId(), x.attempt(), x.startedAt(), x.endedAt(), x.keyId(), x.keyAlias(),
                        n % 5 == 0 ? null : "cust-" + n % 7, x.callType(), x.requestedModel(), x.deployment(), x.route(), x.tier(),
                        x.cacheStatus(), x.promptTokens(), x.completionTokens(), x.cacheReadTokens(), x.cacheWriteTokens(),
                        x.reasoningTokens(), x.usageEstimated(), x.costNanos(), x.savedNanos(), x.priced(), x.latencyMs(), x.ttftMs(),
                        x.status(), x.errorType(), tags, x.team(), x.upstreamMs(), x.modelId()));
            }
            rows.forEach(ledger::record);
            assertThat(ledger.flush()).isTrue();
            rows.subList(0, 100).forEach(ledger::record); // written again (a lost commit's answer): not counted twice
            assertThat(ledger.flush()).isTrue();
            List<String> written = query(db, ACTIVITY);
            assertThat(written).anyMatch(r -> r.startsWith("team|")).anyMatch(r -> r.startsWith("tag|"))
                    .anyMatch(r -> r.startsWith("end_user|"));
            String v26 = new String(RollupContract.class.getResourceAsStream("/db/migration/V26__activity_daily.sql").readAllBytes(),
                    StandardCharsets.UTF_8);
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM activity_daily");
                    for (String stmt : v26.replaceAll("(?m)^--.*$", "").split(";")) {
                        if (stmt.strip().startsWith("INSERT")) s.execute(stmt);
                    }
                }
                return null;
            });
            assertThat(query(db, ACTIVITY)).hasSizeGreaterThan(100).isEqualTo(written);
            // and the reader's sums are the ledger's: every tag "batch" row's cost
            long batchCost = 0;
            for (SpendRecord r : rows) if (r.tags().contains("batch")) batchCost += r.costNanos();
            long read = 0;
            for (SpendRollups.Activity a : new SpendRollups(db, ledger).activity(SpendRollups.ActivityKind.TAG, 0, Long.MAX_VALUE / 2,
                    List.of("batch"))) {
                assertThat(a.entity()).isEqualTo("batch");
                read += a.daily().costNanos();
            }
            assertThat(read).isPositive().isEqualTo(batchCost);
            ledger.close();
        }
    }

    /**
     * An activity read narrowed to some keys, entities and exclusions gets only their rows from the store (not every
     * row, to be filtered after): exactly the rows of the unnarrowed read that match, none twice, also past 500 keys and
     * entities a query; an empty set of keys reads nothing. On SQLite the key-scoped query walks V28's index.
     */
    @Test
    void anActivityReadIsNarrowedInTheQueryToItsKeysEntitiesAndExclusions() {
        try (Database db = open()) {
            SpendLedger ledger = new SpendLedger(db, 60_000);
            int i = 0;
            for (SpendRecord x : rows(2_000, 11)) {
                int n = i++;
                List<String> tags = n % 6 == 0 ? List.of() : List.of("proj-" + n % 5, "t-" + n % 40);
                ledger.record(new SpendRecord(x.requestId(), x.attempt(), x.startedAt(), x.endedAt(), x.keyId(), x.keyAlias(),
                        x.endUser(), x.callType(), x.requestedModel(), x.deployment(), x.route(), x.tier(), x.cacheStatus(),
                        x.promptTokens(), x.completionTokens(), x.cacheReadTokens(), x.cacheWriteTokens(), x.reasoningTokens(),
                        x.usageEstimated(), x.costNanos(), x.savedNanos(), x.priced(), x.latencyMs(), x.ttftMs(), x.status(),
                        x.errorType(), tags, x.team(), x.upstreamMs(), x.modelId()));
            }
            assertThat(ledger.flush()).isTrue();
            SpendRollups rollups = new SpendRollups(db, ledger);
            SpendRollups.ActivityKind tag = SpendRollups.ActivityKind.TAG;
            long to = Long.MAX_VALUE / 2;
            List<SpendRollups.Activity> all = rollups.activity(tag, 0, to, null);
            assertThat(all).hasSizeGreaterThan(500);

            List<String> keys = List.of("key_1", "key_3");
            List<SpendRollups.Activity> mine = rollups.activity(tag, 0, to, null, null, keys);
            assertThat(mine).isNotEmpty().allMatch(a -> keys.contains(a.daily().keyId()))
                    .containsExactlyInAnyOrderElementsOf(all.stream().filter(a -> keys.contains(a.daily().keyId())).toList());
            // entities, exclusions and keys together; then the same past 500 keys and 500 entities a query
            List<String> entities = List.of("proj-1", "proj-2", "t-7");
            List<SpendRollups.Activity> expected = all.stream().filter(a -> keys.contains(a.daily().keyId())
                    && entities.contains(a.entity()) && !a.entity().equals("proj-2")).toList();
            assertThat(expected).isNotEmpty();
            assertThat(rollups.activity(tag, 0, to, entities, List.of("proj-2"), keys)).containsExactlyInAnyOrderElementsOf(expected);
            List<String> manyKeys = new ArrayList<>(keys);
            List<String> manyEntities = new ArrayList<>(entities);
            for (int k = 0; k < 1_100; k++) {
                manyKeys.add("key_gone_" + k);
                manyEntities.add("tag-gone-" + k);
            }
            java.util.Collections.shuffle(manyKeys, new Random(3));
            java.util.Collections.shuffle(manyEntities, new Random(4));
            assertThat(rollups.activity(tag, 0, to, manyEntities, List.of("proj-2"), manyKeys)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(rollups.activity(tag, 0, to, null, null, List.of())).isEmpty();
            assertThat(rollups.activity(tag, 0, to, List.of(), null, null)).isEmpty();

            if (db.kind() == Database.Kind.SQLITE) {
                List<String> plan = query(db, "EXPLAIN QUERY PLAN SELECT entity, cost_nanos FROM activity_daily "
                        + "WHERE kind = 'tag' AND day >= 0 AND day < 99999 AND key_id IN ('key_1', 'key_3')");
                assertThat(String.join("\n", plan)).contains("activity_daily_key");
            }
            ledger.close();
        }
    }

    /**
     * V23 on a database that has rows (migrated to V22, its rollups built by V4's backfill from rows of before V21): the
     * ledger's rows are kept with no entry (NULL, read as ""), both rollups are rebuilt with {@code model_id} '' in their
     * primary keys and the same sums, and the writer then adds rows naming their entries beside them.
     */
    @Test
    void v23KeepsTheRowsOfAnOlderDatabaseAndTheWriterNamesEntriesAfterIt() throws Exception {
        List<SpendRecord> old = rowsBeforeV21(3_000, 5);
        List<String> dailyBefore, latencyBefore;
        try (java.sql.Connection c = openAt("22")) {
            c.setAutoCommit(false);
            String[] cols = java.util.Arrays.copyOf(LedgerStore.COLUMNS, 27); // the columns of V22's writer, upstream_ms aside
            assertThat(cols[26]).isEqualTo("team_id");
            try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO spend_logs (" + String.join(", ", cols)
                    + ") VALUES (" + String.join(",", java.util.Collections.nCopies(cols.length, "?")) + ")")) {
                for (SpendRecord r : old) {
                    Object[] v = {r.requestId(), r.attempt(), r.startedAt(), r.endedAt(), r.keyId(), r.keyAlias(), r.endUser(),
                        r.callType(), r.requestedModel(), r.deployment(), r.route(), r.tier(), r.cacheStatus(), r.promptTokens(),
                        r.completionTokens(), r.cacheReadTokens(), r.cacheWriteTokens(), r.reasoningTokens(), r.usageEstimated(),
                        r.costNanos(), r.savedNanos(), r.priced(), r.latencyMs(), r.ttftMs(), r.status(), r.errorType(), r.team()};
                    for (int i = 0; i < v.length; i++) ps.setObject(i + 1, v[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            String v4 = new String(RollupContract.class.getResourceAsStream("/db/migration/V4__spend_rollups.sql").readAllBytes(),
                    StandardCharsets.UTF_8);
            try (Statement st = c.createStatement()) {
                for (String stmt : v4.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (stmt.strip().startsWith("INSERT")) st.execute(stmt);
                }
            }
            c.commit();
            dailyBefore = rowsOf(c, "SELECT * FROM spend_daily ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9");
            latencyBefore = rowsOf(c, "SELECT day, deployment, bucket, requests FROM latency_daily ORDER BY 1, 2, 3");
        }
        assertThat(dailyBefore).hasSizeGreaterThan(50);
        assertThat(latencyBefore).isNotEmpty();
        try (Database db = reopen()) {
            // V4's rollups as they were (their keys too: an earlier gateway still upserts them); the per-entry tables
            // built from them, every row of no entry
            assertThat(query(db, DAILY)).isEqualTo(dailyBefore);
            assertThat(query(db, LATENCY)).isEqualTo(latencyBefore);
            assertThat(query(db, ENTRY)).isEqualTo(query(db, ENTRY_FROM_LEDGER));
            assertThat(query(db, ENTRY_LATENCY)).isEqualTo(latencyBefore.stream().map(l -> insertField(l, 2, "")).toList());
            assertThat(query(db, "SELECT COUNT(*) FROM spend_logs WHERE model_id IS NOT NULL")).containsExactly("0|");
            SpendLedger ledger = new SpendLedger(db, 60_000);
            SpendReports reports = new SpendReports(db, ledger);
            SpendReports.Page page = reports.logs(SpendQuery.ALL, 1, 50);
            assertThat(page.total()).isEqualTo(old.size());
            assertThat(page.rows()).allSatisfy(r -> assertThat(r.modelId()).isEmpty());

            // after it: rows naming their entries, on the same days as the old ones
            List<SpendRecord> fresh = rows(3_000, 6);
            fresh.forEach(ledger::record);
            assertThat(ledger.flush()).isTrue();
            assertThat(query(db, DAILY)).isEqualTo(query(db, DAILY_FROM_LEDGER));
            List<SpendRecord> all = new ArrayList<>(old);
            all.addAll(fresh);
            assertThat(query(db, LATENCY)).isEqualTo(latencyOf(all));
            assertThat(query(db, ENTRY)).isEqualTo(query(db, ENTRY_FROM_LEDGER));
            assertThat(query(db, ENTRY_LATENCY)).isEqualTo(entryLatencyOf(all));
            assertThat(query(db, "SELECT DISTINCT model_id FROM entry_daily ORDER BY 1")).containsExactly("|", "east|", "m1|", "west|");
            SpendRollups rollups = new SpendRollups(db, ledger);
            assertThat(rollups.latency(0, Long.MAX_VALUE).keySet()).contains(new SpendRollups.Entry("openai/model-0", "east"),
                    new SpendRollups.Entry("openai/model-0", "west"), new SpendRollups.Entry("openai/model-0", ""));
            SpendRecord named = fresh.stream().filter(r -> r.modelId().equals("west")).findFirst().orElseThrow();
            assertThat(reports.request(named.requestId())).filteredOn(r -> r.attempt() == named.attempt())
                    .singleElement().satisfies(r -> assertThat(r.modelId()).isEqualTo("west"));

            // a gateway of the version before V23 on the same database: its writer's upserts (V22's SQL, by V4's keys)
            // still work, so its ledger batches are not refused while the fleet is upgraded (review finding 1)
            db.transaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO spend_daily (day, key_id, key_alias, model, deployment, failed, route, cache_status, "
                            + "status, requests, cost_nanos, saved_nanos, prompt_tokens, completion_tokens, cache_read_tokens, "
                            + "cache_write_tokens, latency_ms_sum) VALUES (20000, 'k', 'a', 'm', 'openai/model-0', 0, 'primary', "
                            + "'miss', 200, 1, 1, 0, 1, 1, 0, 0, 1) ON CONFLICT (day, key_id, key_alias, model, deployment, "
                            + "failed, route, cache_status, status) DO UPDATE SET requests = spend_daily.requests + excluded.requests");
                    st.execute("INSERT INTO latency_daily (day, deployment, bucket, requests) VALUES (20000, 'openai/model-0', 3, 1) "
                            + "ON CONFLICT (day, deployment, bucket) DO UPDATE SET requests = latency_daily.requests + excluded.requests");
                    st.execute("INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, call_type, status, "
                            + "prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
                            + "usage_estimated, cost_nanos, saved_nanos, priced) VALUES ('req_old_writer', 0, 1, 2, 'chat', 200, "
                            + "1, 1, 0, 0, 0, FALSE, 1, 0, TRUE)");
                }
                return null;
            });
            ledger.close();
        }
    }

    private static List<String> rowsOf(java.sql.Connection c, String sql) throws java.sql.SQLException {
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
    }

    /** A "a|b|c|" row with {@code value} put in as field {@code at} (0-based). */
    private static String insertField(String row, int at, String value) {
        List<String> fields = new ArrayList<>(List.of(row.split("\\|", -1)));
        fields.add(at, value);
        return String.join("|", fields);
    }

}
