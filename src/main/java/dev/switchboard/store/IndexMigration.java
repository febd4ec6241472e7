package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A Java migration that builds indexes of a table the ledger writes (V31 SpendLogsKeyCovering, V32 SpendDailyKey).
 * On PostgreSQL with Flyway's session lock it runs outside a transaction and builds CONCURRENTLY: a plain build takes
 * a SHARE lock (and DROP INDEX an ACCESS EXCLUSIVE one), held in Flyway's transaction until the build ends, so the old
 * gateways' ledger writers stalled for the whole of it during a rolling upgrade. No statement or lock timeout of the
 * role may cut the build short either way. Its steps are safe to repeat: a run that failed outside a transaction is
 * finished by the next start (SchemaMigrations deletes its failed history row first). SQLite, and PostgreSQL behind
 * transaction pooling, keep the plain steps in Flyway's transaction.
 */
abstract class IndexMigration implements JavaMigration {
    private final int version;
    private final String description;
    private final boolean concurrently;

    /**
     * @param concurrently build CONCURRENTLY, outside a transaction: PostgreSQL with Flyway's session lock. False on
     *                     SQLite, and on PostgreSQL behind transaction pooling (SWITCHBOARD_PG_SESSION_LOCKS=false), where
     *                     Flyway keeps its transactional lock: there the plain steps stall the table's writers meanwhile
     */
    IndexMigration(int version, String description, boolean concurrently) {
        this.version = version;
        this.description = description;
        this.concurrently = concurrently;
    }

    /** The steps in Flyway's transaction (SQLite; PostgreSQL behind transaction pooling). */
    abstract void inTransaction(Statement st) throws SQLException;

    /** The steps on PostgreSQL outside a transaction, each safe to repeat after a run cut short. */
    abstract void concurrently(Statement st) throws SQLException;

    @Override
    public final MigrationVersion getVersion() { return MigrationVersion.fromVersion(Integer.toString(version)); }

    @Override
    public final String getDescription() { return description; }

    @Override
    public final Integer getChecksum() { return version; } // the steps' text may change; what they make may not

    @Override
    public final boolean canExecuteInTransaction() { return !concurrently; }

    @Override
    public final void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            if (!concurrently) {
                // PostgreSQL in Flyway's transaction: SET LOCAL ends with the transaction
                if (c.getMetaData().getDatabaseProductName().startsWith("PostgreSQL")) {
                    st.execute("SET LOCAL statement_timeout = 0");
                    st.execute("SET LOCAL lock_timeout = 0");
                }
                inTransaction(st);
                return;
            }
            // a managed service's role-level statement_timeout would cancel a build of minutes (and Flyway then records
            // the migration as failed: SchemaMigrations clears that at the next start); the session's values come back
            st.execute("SET statement_timeout = 0");
            st.execute("SET lock_timeout = 0");
            try {
                concurrently(st);
            } finally {
                try {
                    st.execute("RESET statement_timeout");
                    st.execute("RESET lock_timeout");
                } catch (SQLException e) {
                    // the connection is likely gone; the migration's own failure, if any, is the one to tell
                }
            }
        }
    }

    /** Drops {@code index} when a concurrent build that failed left it INVALID (found through the search path). */
    static void dropIfInvalid(Statement st, String index) throws SQLException {
        boolean invalid;
        try (var rs = st.executeQuery("SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('" + index + "') "
                + "AND NOT indisvalid")) {
            invalid = rs.next() && rs.getLong(1) > 0;
        }
        if (invalid) st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
    }
}
