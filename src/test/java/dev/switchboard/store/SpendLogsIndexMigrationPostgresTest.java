package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.support.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * V31 on PostgreSQL while gateways write: it builds its indexes CONCURRENTLY, so a ledger writer's INSERT goes on
 * while V31 waits (a plain DROP INDEX queued an ACCESS EXCLUSIVE lock and every later INSERT waited behind it).
 */
@Tag("services")
class SpendLogsIndexMigrationPostgresTest {
    private final String url = Postgres.freshSchemaUrl();

    @AfterEach
    void dropSchema() { Postgres.drop(url); }

    @Test
    void v31LetsWritersInsertWhileItWaitsAndLeavesValidIndexes() throws Exception {
        DatabaseLocation where = DatabaseLocation.postgres(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(where.jdbcUrl());
        hc.setDataSourceProperties(where.properties());
        hc.setMaximumPoolSize(3);
        try (HikariDataSource ds = new HikariDataSource(hc);
             Connection open = Postgres.connect(url);
             Connection writer = Postgres.connect(url)) {
            Flyway full = Database.flyway(where, ds, true);
            Flyway.configure().configuration(full.getConfiguration()).target("30").load().migrate();
            // an old gateway's ledger writer in the middle of its batch: V31 has to wait for it either way
            open.setAutoCommit(false);
            try (Statement st = open.createStatement()) {
                st.execute("LOCK TABLE spend_logs IN ROW EXCLUSIVE MODE");
            }
            CompletableFuture<Void> migration = CompletableFuture.runAsync(full::migrate);
            try (Statement st = writer.createStatement()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!v31Waits(st)) {
                    assertThat(System.nanoTime()).as("V31 never started waiting").isLessThan(deadline);
                    assertThat(migration).isNotDone();
                    Thread.sleep(50);
                }
                // another writer now: with a queued ACCESS EXCLUSIVE it would wait out the lock timeout and fail
                st.execute("SET lock_timeout = '3s'");
                st.execute("INSERT INTO spend_logs SELECT * FROM spend_logs WHERE FALSE");
            }
            open.commit();
            migration.get(60, TimeUnit.SECONDS);
            try (Statement st = writer.createStatement();
                 ResultSet rs = st.executeQuery("SELECT c.relname, i.indisvalid, pg_get_indexdef(c.oid) FROM pg_index i "
                         + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                         + "WHERE n.nspname = current_schema() AND c.relname LIKE 'spend_logs_%' ORDER BY 1")) {
                StringBuilder found = new StringBuilder();
                while (rs.next()) {
                    assertThat(rs.getBoolean(2)).as(rs.getString(1) + " valid").isTrue();
                    found.append(rs.getString(1)).append(": ").append(rs.getString(3)).append('\n');
                }
                assertThat(found.toString())
                        .contains("spend_logs_key: CREATE INDEX spend_logs_key ON")
                        .contains("(key_id, ended_at, in_ledger, cost_nanos)")
                        .contains("spend_logs_log_refused: CREATE INDEX spend_logs_log_refused ON")
                        .doesNotContain("spend_logs_key_v31");
            }
        }
    }

    /** Some session of this database waits for a lock while running one of V31's statements. */
    private static boolean v31Waits(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND datname = current_database() AND query ILIKE '%INDEX%spend_logs%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
