package dev.switchboard.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Migration V31 (registered by {@link Database#flyway}): two indexes of {@code spend_logs} for the dashboard.
 *
 * <p>A key's spend of its budget period (KeyStore.spentThisPeriod: /key/info, /key/list, the dashboard's overview) is
 * SUM(cost_nanos) of the key's rows from its period's start with in_ledger = TRUE. With (key_id, ended_at) the index
 * found the rows but each was then read from the table for in_ledger and cost_nanos: 272,000 rows of one key cost the
 * overview 190-370 ms (thirty-fifth session's QA). With both columns in the index SQLite's plan reads the index only
 * ("USING COVERING INDEX", KeyPeriodSpendPlanTest); PostgreSQL can do an index-only scan when the visibility map
 * allows (not measured). One index a row as before, so the ledger's writer keeps its count of index inserts. Trailing
 * columns rather than INCLUDE: SQLite has no INCLUDE.
 *
 * <p>The requests that did not succeed, which the overview counts per key and status (RequestLogStore.refusedByKey)
 * and the Requests view lists, get a partial covering index; its condition is RequestLogStore.REFUSED's, term for
 * term (both databases use a partial index only for a query whose WHERE implies it).
 *
 * <p>Why Java and not SQL: on PostgreSQL a plain DROP INDEX takes ACCESS EXCLUSIVE on spend_logs, held in Flyway's
 * transaction until both new indexes were built (minutes on a large table): the old gateways of a rolling upgrade
 * stalled their ledger writer meanwhile. There the indexes are built CONCURRENTLY (writers go on), under a new name
 * first, then the old one dropped CONCURRENTLY and the new renamed; CONCURRENTLY cannot run in a transaction, so this
 * migration runs outside one on PostgreSQL. Each step is safe to repeat, so a run cut short (which leaves an INVALID
 * index behind) is finished by the next. SQLite keeps a plain drop-then-create in Flyway's transaction (its writers
 * wait for any schema change anyway, and a file of one gateway has no rolling upgrade).
 */
final class SpendLogsKeyCovering extends IndexMigration {
    static final String KEY_COLUMNS = "spend_logs (key_id, ended_at, in_ledger, cost_nanos)";
    static final String REFUSED_COLUMNS = "spend_logs (ended_at, key_id, key_alias, log_status, status, attempt, in_log)"
            + " WHERE attempt = 0 AND in_log = TRUE AND COALESCE(log_status, status) <> 200";

    /** @param concurrently see {@link IndexMigration#IndexMigration(int, String, boolean)} */
    SpendLogsKeyCovering(boolean concurrently) { super(31, "spend logs key covering", concurrently); }

    @Override
    void inTransaction(Statement st) throws SQLException {
        st.execute("DROP INDEX IF EXISTS spend_logs_key_v31"); // a concurrent run's leftover, if the mode changed
        st.execute("DROP INDEX IF EXISTS spend_logs_key");
        st.execute("CREATE INDEX spend_logs_key ON " + KEY_COLUMNS);
        st.execute("DROP INDEX IF EXISTS spend_logs_log_refused");
        st.execute("CREATE INDEX spend_logs_log_refused ON " + REFUSED_COLUMNS);
    }

    @Override
    void concurrently(Statement st) throws SQLException {
        // a leftover of a run cut short may be INVALID (a concurrent build that failed): drop it and build again
        st.execute("DROP INDEX CONCURRENTLY IF EXISTS spend_logs_key_v31");
        st.execute("CREATE INDEX CONCURRENTLY spend_logs_key_v31 ON " + KEY_COLUMNS);
        st.execute("DROP INDEX CONCURRENTLY IF EXISTS spend_logs_key");
        st.execute("ALTER INDEX spend_logs_key_v31 RENAME TO spend_logs_key");
        st.execute("DROP INDEX CONCURRENTLY IF EXISTS spend_logs_log_refused");
        st.execute("CREATE INDEX CONCURRENTLY spend_logs_log_refused ON " + REFUSED_COLUMNS);
    }
}
