package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's spend of its budget period ({@code /key/info}, {@code /key/list}, the dashboard's overview, a gateway's start)
 * reads the UTC days from the period's first midnight on (today included, since the thirty-eighth session) from the
 * daily rollup {@code spend_daily}, and only the start's partial day from the ledger's rows: it summed every row of the
 * period, and grew with a key's calls (50-60 ms per 100,000 rows of one key on SQLite, each overview and key page). The
 * figure is the rows' sum, to the nano-dollar, across day boundaries and for periods that start mid-day (a key created at
 * 15:00, a budget that resets at New York's midnight, 05:00 UTC). A gateway's start reads every key's figure in one
 * grouped sum per 500 keys, not one read a key. On SQLite here; on PostgreSQL in {@link KeyPeriodSpendPostgresTest}.
 */
class KeyPeriodSpendTest {
    private static final long DAY = 86_400_000L, HOUR = 3_600_000L;
    /** 2027-01-15T00:00Z: today; now is its noon. */
    private static final long TODAY = Math.floorDiv(1_800_000_000_000L, DAY) * DAY;
    private static final long NOW = TODAY + 12 * HOUR;

    @TempDir
    Path dir;
    private Database db;
    private KeyStore store;
    private final List<SpendRecord> rows = new ArrayList<>();

    /** The store under test: a SQLite file here. */
    Database openDatabase() { return Database.open(null, dir.resolve("k.db").toString()); }

    @BeforeEach
    void open() {
        db = openDatabase();
        store = new KeyStore(db);
        BudgetPeriod.useZone(ZoneId.of("America/New_York"));
    }

    @AfterEach
    void close() {
        BudgetPeriod.useZone(null);
        db.close();
    }

    private static VirtualKey key(String id, String duration, long anchor) {
        return new VirtualKey(id, "tok-" + id, "sk-sb-..." + id, id, List.of(), 100.0, null,
                duration == null ? null : DurationSpec.parse(duration), anchor, null, null, null, null, null,
                null, null, List.of(), false, anchor, anchor, null, null, null, null);
    }

    /** A ledger row of {@code keyId} ending at {@code endedAt}; a failed attempt's when {@code attempt} > 0. */
    private void row(String keyId, long endedAt, int attempt, long cost) {
        rows.add(new SpendRecord("r" + rows.size(), attempt, endedAt - 5, endedAt, keyId, keyId, null, "chat", "gpt",
                "openai/gpt-4o-mini", "primary", null, "miss", 10, 5, 0, 0, 0, false, cost, 0, true, 5L, null,
                attempt > 0 ? 500 : 200, attempt > 0 ? "api_error" : null, List.of()));
    }

    /** Rows around each midnight and around the start, through the ledger's writer (which keeps the rollups). */
    private void spend(String keyId, long start) {
        long cost = 1_000 + keyId.hashCode() % 100;
        row(keyId, start - 1, 0, cost * 1_000); // the previous period's last row: not counted
        row(keyId, start, 0, cost);
        row(keyId, start + 1, 1, cost + 1);
        for (long day = Math.floorDiv(start, DAY) + 1; day * DAY <= NOW; day++) {
            row(keyId, day * DAY - 1, 0, cost + 2);
            row(keyId, day * DAY, 0, cost + 3);
            row(keyId, day * DAY + HOUR, 2, cost + 4);
            row(keyId, day * DAY + 11 * HOUR, 0, cost + 5);
        }
        row(keyId, NOW - 1, 0, cost + 6);
        row(keyId, NOW + DAY, 0, cost + 7); // stamped tomorrow (another gateway's clock ahead): counted, as the rows count it
    }

    private void write() {
        try (SpendLedger ledger = new SpendLedger(db, 10)) {
            for (SpendRecord r : rows) ledger.record(r);
            assertThat(ledger.flush()).isTrue();
        }
    }

    private long rowSum(String keyId, long start) {
        return rows.stream().filter(r -> r.keyId().equals(keyId) && r.endedAt() >= start).mapToLong(SpendRecord::costNanos).sum();
    }

    private void rollupRow(String keyId, long day, long cost) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO spend_daily (day, key_id, key_alias, model, deployment, "
                    + "failed, route, cache_status, status, requests, cost_nanos, saved_nanos, prompt_tokens, completion_tokens, "
                    + "cache_read_tokens, cache_write_tokens, latency_ms_sum) VALUES (?, ?, 'marker', '', '', 0, '', '', 200, 1, ?, 0, 0, 0, 0, 0, 0)")) {
                ps.setLong(1, day);
                ps.setString(2, keyId);
                ps.setLong(3, cost);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** created: 3 days ago at 15:00 UTC, never resets; daily: resets at New York's midnight (today 05:00 UTC); monthly: the 1st, 05:00 UTC. */
    private final VirtualKey created = key("created", null, TODAY - 3 * DAY + 15 * HOUR);
    private final VirtualKey daily = key("daily", "1d", TODAY - 40 * DAY);
    private final VirtualKey monthly = key("monthly", "1mo", TODAY - 40 * DAY);
    private final VirtualKey idle = key("idle", "1mo", TODAY - 40 * DAY);

    @Test
    void theFigureIsTheRowSumAcrossDayBoundariesAndMidDayResets() {
        assertThat(KeyStore.periodStart(daily, NOW)).isEqualTo(TODAY + 5 * HOUR);
        assertThat(KeyStore.periodStart(monthly, NOW)).isEqualTo(TODAY - 14 * DAY + 5 * HOUR);
        for (VirtualKey k : List.of(created, daily, monthly)) spend(k.keyId(), KeyStore.periodStart(k, NOW));
        write();
        Map<String, Long> spent = store.spentThisPeriod(List.of(created, daily, monthly, idle), NOW);
        for (VirtualKey k : List.of(created, daily, monthly)) {
            long start = KeyStore.periodStart(k, NOW);
            assertThat(spent.get(k.keyId())).as(k.keyId()).isEqualTo(rowSum(k.keyId(), start))
                    .isEqualTo(store.spentSince(k.keyId(), start)).isPositive();
            assertThat(store.spentThisPeriod(k, NOW)).as(k.keyId()).isEqualTo(rowSum(k.keyId(), start));
        }
        assertThat(spent).doesNotContainKey("idle");
        assertThat(store.spentThisPeriod(idle, NOW)).isZero();
        // a key's period holding no whole day before today (daily) reads rows only; after midnight, yesterday is a whole day
        long tomorrow = NOW + DAY;
        assertThat(store.spentThisPeriod(List.of(monthly), tomorrow).get("monthly")).isEqualTo(rowSum("monthly", KeyStore.periodStart(monthly, tomorrow)));
    }

    @Test
    void theDaysFromTheFirstMidnightOnAreReadFromTheDailyRollupTodayIncludedAndTheStartsDayFromTheRows() {
        long start = KeyStore.periodStart(monthly, NOW); // the 1st, 05:00 UTC
        spend("monthly", start);
        spend("other", start - 3 * DAY); // another key's rows next to this key's, in the same days: never counted for it
        write();
        long rows = rowSum("monthly", start);
        // marker rollup rows with no ledger row under them: those of the days from the first midnight on are counted
        rollupRow("monthly", Math.floorDiv(start, DAY) - 1, 1); // before the period
        rollupRow("monthly", Math.floorDiv(start, DAY), 10); // the start's day: from the rows (part of it is the last period)
        rollupRow("monthly", Math.floorDiv(start, DAY) + 1, 100); // the first whole day
        rollupRow("monthly", Math.floorDiv(NOW, DAY) - 1, 1_000); // yesterday
        rollupRow("monthly", Math.floorDiv(NOW, DAY), 10_000); // today: its rollup rows, not its ledger rows one by one
        rollupRow("monthly", Math.floorDiv(NOW, DAY) + 1, 100_000); // a day stamped later
        for (long day = Math.floorDiv(start, DAY) - 1; day <= Math.floorDiv(NOW, DAY); day++) rollupRow("other", day, 100_000);
        assertThat(store.spentThisPeriod(monthly, NOW)).isEqualTo(rows + 111_100);
        assertThat(store.spentThisPeriod(List.of(monthly, key("other", "1mo", TODAY - 40 * DAY)), NOW).get("monthly"))
                .isEqualTo(rows + 111_100);
    }

    @Test
    void aPeriodStartingAtUtcMidnightReadsItsFirstDayFromTheRollup() {
        BudgetPeriod.useZone(null); // the default: periods reset at UTC midnight
        long start = KeyStore.periodStart(monthly, NOW);
        assertThat(start).isEqualTo(TODAY - 14 * DAY); // the 1st, 00:00 UTC
        spend("monthly", start);
        spend("other", start - 2 * DAY);
        write();
        long rows = rowSum("monthly", start);
        assertThat(store.spentThisPeriod(monthly, NOW)).isEqualTo(rows).isEqualTo(store.spentSince("monthly", start));
        // the start's day is a whole day of the period: its rollup rows count, the day before's do not
        rollupRow("monthly", Math.floorDiv(start, DAY) - 1, 1);
        rollupRow("monthly", Math.floorDiv(start, DAY), 10);
        rollupRow("monthly", Math.floorDiv(NOW, DAY), 100); // today: its rollup rows
        rollupRow("other", Math.floorDiv(start, DAY), 1_000);
        assertThat(store.spentThisPeriod(monthly, NOW)).isEqualTo(rows + 110);
        assertThat(store.spentThisPeriod(List.of(monthly, key("other", "1mo", TODAY - 40 * DAY)), NOW).get("monthly")).isEqualTo(rows + 110);
    }

    /**
     * A gateway's start takes every stored key in with its period's spend in one grouped sum per 500 keys
     * ({@link Governance#loadKeys}): it made one read (and one transaction, one pooled connection) a key, 1,200 here.
     */
    @Test
    void aStartReadsEveryKeysPeriodSpendInAFewStatementsNotOneAKey() {
        for (VirtualKey k : List.of(created, daily, monthly)) spend(k.keyId(), KeyStore.periodStart(k, NOW));
        write();
        List<VirtualKey> keys = new ArrayList<>(List.of(created, daily, monthly, idle));
        for (int i = 0; i < 1_200; i++) keys.add(key("bulk" + i, "1mo", TODAY - 40 * DAY));
        for (VirtualKey k : keys) store.insert(k);
        java.util.concurrent.atomic.AtomicInteger borrowed = new java.util.concurrent.atomic.AtomicInteger();
        ((com.zaxxer.hikari.HikariDataSource) db.dataSource()).setMetricsTrackerFactory((pool, stats) ->
                new com.zaxxer.hikari.metrics.IMetricsTracker() {
                    @Override public void recordConnectionUsageMillis(long millis) { borrowed.incrementAndGet(); }
                });
        KeyRegistry registry = new KeyRegistry(true);
        Governance.loadKeys(store, registry, NOW);
        // the keys' read and one transaction of three grouped sums (1,204 keys, 500 a statement); was 1,205
        assertThat(borrowed.get()).as("connections borrowed").isLessThan(10); // room for the WAL checkpointer's timer
        assertThat(registry.size()).isEqualTo(keys.size());
        for (VirtualKey k : List.of(created, daily, monthly)) {
            assertThat(registry.byId(k.keyId()).budget.snapshot(NOW).spentNanos()).as(k.keyId())
                    .isEqualTo(rowSum(k.keyId(), KeyStore.periodStart(k, NOW))).isPositive();
        }
        assertThat(registry.byId("idle").budget.snapshot(NOW).spentNanos()).isZero();
        assertThat(registry.byId("bulk7").budget.snapshot(NOW).spentNanos()).isZero();
    }
}
