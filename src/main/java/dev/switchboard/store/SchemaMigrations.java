package dev.switchboard.store;

import org.flywaydb.core.Flyway;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the store's schema up to this build's migrations, and says so: one INFO line when migrations ran (an operator
 * who upgrades by swapping the jar saw nothing of them before: only {@code flyway_schema_history} told), and a refusal
 * of a schema newer than this build knows (QA, twenty-seventh session: an older jar started on a store a newer one had
 * migrated with only Flyway's WARN, served, and wrote rows the newer version's rollups then missed for good).
 */
final class SchemaMigrations {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** The override of the refusal, for an operator who knows the newer migrations are safe for this build. */
    static final String ALLOW_NEWER_ENV = "SWITCHBOARD_ALLOW_NEWER_SCHEMA";

    private SchemaMigrations() {}

    /**
     * V31 and V32 (IndexMigration) run outside a transaction on PostgreSQL: when one fails there (disk full, a role's
     * statement_timeout, pg_cancel_backend) Flyway records it with success = false, and every later start failed
     * Flyway's validation ("Detected failed migration to version 31 ... run repair"), which our users cannot run. Their
     * steps are repeatable, so this build deletes that one row and runs the migration again. Not {@code flyway.repair()}:
     * it also deletes a newer build's failed rows and rewrites the checksums of applied ones. Two gateways doing it at
     * once delete the same row; Flyway's lock then lets one of them run the migration.
     */
    private static void forgetFailed(DatabaseLocation where, Flyway flyway, MigrationVersion failed) {
        var conf = flyway.getConfiguration();
        String schema = conf.getDefaultSchema() != null ? conf.getDefaultSchema()
                : conf.getSchemas().length > 0 ? conf.getSchemas()[0] : null;
        String table = (schema == null ? "" : quote(schema) + ".") + quote(conf.getTable());
        try (Connection c = conf.getDataSource().getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM " + table + " WHERE version = ? AND success = FALSE")) {
            if (!c.getAutoCommit()) c.setAutoCommit(true);
            st.setString(1, failed.getVersion());
            int gone = st.executeUpdate();
            log.warn("store: migration V{} failed at an earlier start (its row in {} said so, {} deleted); running it again",
                    failed, conf.getTable(), gone);
        } catch (SQLException e) {
            throw new StoreException("Cannot open the store (" + where.description() + "): migration V" + failed
                    + " failed at an earlier start and its record could not be cleared: " + e.getMessage(), e);
        }
    }

    /** A migration of this build that is safe to run again after a failed run (IndexMigration). */
    private static boolean repeatable(Flyway flyway, MigrationVersion version) {
        for (var m : flyway.getConfiguration().getJavaMigrations()) {
            if (m instanceof IndexMigration && m.getVersion().equals(version)) return true;
        }
        return false;
    }

    private static String quote(String name) { return '"' + name.replace("\"", "\"\"") + '"'; }

    /** {@link #migrate(DatabaseLocation, Flyway, boolean, boolean)}, announced, with the override read from {@value #ALLOW_NEWER_ENV}. */
    static void migrate(DatabaseLocation where, Flyway flyway) {
        String allow = System.getenv(ALLOW_NEWER_ENV);
        migrate(where, flyway, allow != null && (allow.equalsIgnoreCase("true") || allow.equals("1")), true);
    }

    /**
     * @param allowNewer start on a schema newer than this build's newest migration (logged as a WARN) instead of refusing
     * @param announce   log the migrations that ran (not for check's scratch store: nobody's schema changed)
     * @throws StoreException one line naming both versions and the fix, when the schema is newer and not allowed
     */
    static void migrate(DatabaseLocation where, Flyway flyway, boolean allowNewer, boolean announce) {
        MigrationVersion newestKnown = null;
        MigrationVersion applied = null;
        MigrationVersion failed = null; // a failed run stops Flyway's: at most one
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getVersion() == null) continue;
            if (m.getState() == MigrationState.FAILED && repeatable(flyway, m.getVersion())) failed = m.getVersion();
            if (m.getState().isResolved() && (newestKnown == null || m.getVersion().compareTo(newestKnown) > 0)) newestKnown = m.getVersion();
            // a version applied by a newer build is applied but not resolved here (Flyway's FUTURE_SUCCESS)
            if (m.getState().isApplied() && (applied == null || m.getVersion().compareTo(applied) > 0)) applied = m.getVersion();
        }
        if (applied != null && newestKnown != null && applied.compareTo(newestKnown) > 0) {
            if (!allowNewer) {
                throw new StoreException("Cannot open the store (" + where.description() + "): its schema is version "
                        + applied + ", newer than this build's newest migration " + newestKnown + " (a newer Switchboard "
                        + "migrated it; this version would miss what the newer one records). Fix: run the newer version, or "
                        + "restore the backup taken before the upgrade; " + ALLOW_NEWER_ENV + "=true starts anyway.", null);
            }
            log.warn("store: schema version {} is newer than this build's newest migration {}; starting anyway ({}=true). "
                    + "Rows this build writes miss from the newer version's rollups", applied, newestKnown, ALLOW_NEWER_ENV);
        }
        if (failed != null) forgetFailed(where, flyway, failed);
        MigrateResult result = flyway.migrate();
        if (announce && result.migrationsExecuted > 0) {
            String from = result.initialSchemaVersion == null ? "empty" : "V" + result.initialSchemaVersion;
            log.info("store schema {} → V{} ({} migration{})", from, result.targetSchemaVersion, result.migrationsExecuted,
                    result.migrationsExecuted == 1 ? "" : "s");
        }
    }
}
