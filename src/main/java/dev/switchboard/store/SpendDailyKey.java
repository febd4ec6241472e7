package dev.switchboard.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Migration V32 (registered by {@link Database#flyway}): {@code spend_daily_key}. A key's period spend
 * (KeyStore.spentThisPeriod) reads the whole UTC days of the period from spend_daily, one key at a time: its primary key
 * starts with day, so without this index each key read every key's rows of those days (3,000 keys: 62-75 ms for one
 * key's figure, a whole scan per key at the gateway's start). This index gives each key its own range; cost_nanos makes
 * it covering (KeyPeriodSpendPlanTest).
 *
 * <p>Why Java and not SQL: spend_daily (a 9-column key) can hold millions of rows, and every ledger batch upserts it in
 * its transaction (RollupWriter); a plain build on PostgreSQL holds a SHARE lock until Flyway's transaction ends, so the
 * old gateways' ledger writers waited for the whole build during a rolling upgrade. See {@link IndexMigration}.
 */
final class SpendDailyKey extends IndexMigration {
    static final String COLUMNS = "spend_daily (key_id, day, cost_nanos)";

    SpendDailyKey(boolean concurrently) { super(32, "spend daily key", concurrently); }

    @Override
    void inTransaction(Statement st) throws SQLException {
        st.execute("DROP INDEX IF EXISTS spend_daily_key"); // a concurrent run's INVALID leftover, if the mode changed
        st.execute("CREATE INDEX spend_daily_key ON " + COLUMNS);
    }

    @Override
    void concurrently(Statement st) throws SQLException {
        dropIfInvalid(st, "spend_daily_key"); // a run cut short leaves an INVALID index that IF NOT EXISTS would keep
        st.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS spend_daily_key ON " + COLUMNS);
    }
}
