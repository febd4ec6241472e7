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

/**
 * The PostgreSQL check V31 and V32 share ({@link IndexMigration}): migrate to the version before, hold the table as an
 * old gateway's ledger batch does, run the migration, and once it waits for that batch, write to the table with a
 * 3 s lock timeout — behind a queued SHARE or ACCESS EXCLUSIVE lock that write would fail. Then the batch commits and
 * the migration must finish.
 */
final class IndexMigrationUnderWrites {
    private IndexMigrationUnderWrites() {}

    /** Runs the check for the migration after {@code before} that indexes {@code table}. */
    static void migrateWhileAWriterHoldsTheTable(String url, String before, String table) throws Exception {
        DatabaseLocation where = DatabaseLocation.postgres(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(where.jdbcUrl());
        hc.setDataSourceProperties(where.properties());
        hc.setMaximumPoolSize(3);
        try (HikariDataSource ds = new HikariDataSource(hc);
             Connection open = Postgres.connect(url);
             Connection writer = Postgres.connect(url)) {
            Flyway full = Database.flyway(where, ds, true);
            Flyway.configure().configuration(full.getConfiguration()).target(before).load().migrate();
            // an old gateway's ledger batch in the middle of its transaction: the migration has to wait for it either way
            open.setAutoCommit(false);
            try (Statement st = open.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN ROW EXCLUSIVE MODE");
            }
            CompletableFuture<Void> migration = CompletableFuture.runAsync(full::migrate);
            try (Statement st = writer.createStatement()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!indexBuildWaits(st, table)) {
                    assertThat(System.nanoTime()).as("the migration after V" + before + " never started waiting").isLessThan(deadline);
                    assertThat(migration).isNotDone();
                    Thread.sleep(50);
                }
                // the next batch's write: behind a queued SHARE or ACCESS EXCLUSIVE lock it would wait out the timeout and fail
                st.execute("SET lock_timeout = '3s'");
                st.execute("INSERT INTO " + table + " SELECT * FROM " + table + " WHERE FALSE");
            }
            open.commit();
            migration.get(60, TimeUnit.SECONDS);
        }
    }

    /** Some session of this database waits for a lock while running an index statement on {@code table}. */
    private static boolean indexBuildWaits(Statement st, String table) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND datname = current_database() AND query ILIKE '%INDEX%" + table + "%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
