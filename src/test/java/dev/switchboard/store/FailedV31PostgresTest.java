package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.support.LogCapture;
import dev.switchboard.support.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * V31 runs outside a transaction on PostgreSQL, so a run that failed (disk full, a role's statement_timeout) leaves a
 * success = false row in flyway_schema_history; Flyway's validation then refused every later start ("run repair").
 * The next start deletes that one row and runs V31 again; a newer build's failed row is left alone.
 */
@Tag("services")
class FailedV31PostgresTest {
    private final String url = Postgres.freshSchemaUrl();

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    @Test
    void aFailedV31IsRunAgainAtTheNextStart() throws Exception {
        Database.open(url, null).close();
        try (Connection c = Postgres.connect(url); Statement st = c.createStatement()) {
            // what a V31 cancelled after its first index leaves: the failed row and an INVALID-or-not leftover
            st.execute("UPDATE flyway_schema_history SET success = FALSE WHERE version = '31'");
            st.execute("DROP INDEX spend_logs_log_refused");
            st.execute("ALTER INDEX spend_logs_key RENAME TO spend_logs_key_v31");
            // a failed V31 stops the run: later migrations (V32 on) never ran
            st.execute("DELETE FROM flyway_schema_history WHERE version = '32'");
            st.execute("DROP INDEX spend_daily_key");
        }
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            Database.open(url, null).close();
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN store: migration V31 failed at an earlier start"));
        }
        try (Connection c = Postgres.connect(url); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), bool_and(success) FROM flyway_schema_history WHERE version = '31'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getBoolean(2)).isTrue();
            }
            try (ResultSet rs = st.executeQuery("SELECT string_agg(c.relname, ',' ORDER BY c.relname), bool_and(i.indisvalid) "
                    + "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = current_schema() AND c.relname IN ('spend_logs_key', 'spend_logs_key_v31', 'spend_logs_log_refused')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("spend_logs_key,spend_logs_log_refused");
                assertThat(rs.getBoolean(2)).isTrue();
            }
        }
    }

    @Test
    void aNewerBuildsFailedMigrationIsNeitherDeletedNorServed() throws Exception {
        Database.open(url, null).close();
        try (Connection c = Postgres.connect(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                    + "installed_by, execution_time, success) SELECT max(installed_rank) + 1, '999', 'from a newer build', "
                    + "'JDBC', 'V999', 0, 'test', 1, FALSE FROM flyway_schema_history");
        }
        assertThatThrownBy(() -> Database.open(url, null)).isInstanceOf(StoreException.class)
                .hasMessageContaining("its schema is version 999, newer than this build's newest migration");
        try (Connection c = Postgres.connect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE version = '999' AND NOT success")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}
