package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import dev.switchboard.support.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * V32 (spend_daily_key) on PostgreSQL: built CONCURRENTLY outside a transaction, so an old gateway's ledger writer
 * upserts spend_daily while V32 waits (a plain CREATE INDEX queued a SHARE lock and every later write waited behind
 * it); a failed V32 (its success = false row, an INVALID leftover) is run again at the next start.
 */
@Tag("services")
class SpendDailyKeyPostgresTest {
    private final String url = Postgres.freshSchemaUrl();

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    @Test
    void v32LetsLedgerWritersWriteWhileItWaits() throws Exception {
        IndexMigrationUnderWrites.migrateWhileAWriterHoldsTheTable(url, "31", "spend_daily");
        try (Connection writer = Postgres.connect(url)) {
            try (Statement st = writer.createStatement()) {
                assertThat(spendDailyKey(st)).startsWith("true CREATE INDEX spend_daily_key ON ")
                        .endsWith(".spend_daily USING btree (key_id, day, cost_nanos)");
            }
        }
    }

    @Test
    void aFailedV32IsRunAgainAtTheNextStart() throws Exception {
        Database.open(url, null).close();
        try (Connection c = Postgres.connect(url); Statement st = c.createStatement()) {
            // what a cancelled CREATE INDEX CONCURRENTLY leaves: the failed row and an INVALID index of that name
            st.execute("UPDATE flyway_schema_history SET success = FALSE WHERE version = '32'");
            st.execute("DROP INDEX spend_daily_key");
            st.execute("CREATE TABLE twice (x int)");
            st.execute("INSERT INTO twice VALUES (1), (1)");
            try {
                st.execute("CREATE UNIQUE INDEX CONCURRENTLY spend_daily_key ON twice (x)");
            } catch (java.sql.SQLException expected) {
                // duplicate key: the index stays behind, INVALID
            }
            assertThat(spendDailyKey(st)).startsWith("false ");
        }
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            Database.open(url, null).close();
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN store: migration V32 failed at an earlier start"));
        }
        try (Connection c = Postgres.connect(url); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), bool_and(success) FROM flyway_schema_history WHERE version = '32'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getBoolean(2)).isTrue();
            }
            assertThat(spendDailyKey(st)).startsWith("true ").endsWith(".spend_daily USING btree (key_id, day, cost_nanos)");
        }
    }

    /** "valid definition" of this schema's spend_daily_key. */
    private static String spendDailyKey(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT i.indisvalid, pg_get_indexdef(c.oid) FROM pg_index i "
                + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = current_schema() AND c.relname = 'spend_daily_key'")) {
            assertThat(rs.next()).as("spend_daily_key exists").isTrue();
            return rs.getBoolean(1) + " " + rs.getString(2);
        }
    }
}
