package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.support.LogCapture;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migrations at start, as an operator sees them (QA, twenty-seventh session): an upgrade says which versions it ran,
 * and a store migrated by a newer build is refused instead of served with Flyway's WARN only.
 */
class SchemaMigrationsTest {
    @TempDir
    Path dir;

    @Test
    void anUpgradeLogsOneLineWithTheVersionsAndAnUpToDateStoreNone() {
        Path file = dir.resolve("sb.db");
        DatabaseLocation where = DatabaseLocation.sqlite(file.toString());
        try (var created = new org.sqlite.SQLiteConfig().createConnection(where.jdbcUrl())) {
            // the pool's connections open an existing file only
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        try (HikariDataSource ds = new HikariDataSource(Database.poolConfig(where, false))) {
            // the store as a build whose newest migration was V19 left it
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("19").load().migrate();
        }
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            Database.open(null, file.toString()).close();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("INFO store schema"))
                    .singleElement().satisfies(l -> assertThat(l).matches("INFO store schema V19 → V(\\d+) \\((\\d+) migrations\\)"));
        }
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            Database.open(null, file.toString()).close();
            assertThat(logs.lines()).noneMatch(l -> l.contains("store schema"));
        }
    }

    @Test
    void aNewStoreSaysItWasCreated() {
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            Database.open(null, dir.resolve("new.db").toString()).close();
            assertThat(logs.lines()).anyMatch(l -> l.matches("INFO store schema empty → V\\d+ \\(\\d+ migrations\\)"));
        }
    }

    @Test
    void aSchemaNewerThanThisBuildStopsTheStartNamingBothVersionsUnlessAllowed() {
        Path file = dir.resolve("sb.db");
        Database db = Database.open(null, file.toString());
        String newest = db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery(
                    "SELECT version FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1")) {
                rs.next();
                return rs.getString(1);
            }
        });
        // what a newer build's migration leaves in the history
        db.transaction(c -> c.createStatement().executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, "
                + "description, type, script, checksum, installed_by, execution_time, success) SELECT max(installed_rank) + 1, "
                + "'999', 'from a newer build', 'SQL', 'V999__from_a_newer_build.sql', 0, 'test', 1, 1 FROM flyway_schema_history"));
        db.close();

        assertThatThrownBy(() -> Database.open(null, file.toString()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot open the store (SQLite at " + file.toAbsolutePath() + ")")
                .hasMessageContaining("its schema is version 999, newer than this build's newest migration " + newest)
                .hasMessageContaining("SWITCHBOARD_ALLOW_NEWER_SCHEMA=true starts anyway")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        DatabaseLocation where = DatabaseLocation.sqlite(file.toString());
        try (HikariDataSource ds = new HikariDataSource(Database.poolConfig(where, false));
             LogCapture logs = LogCapture.of(Database.class.getName())) {
            SchemaMigrations.migrate(where, Database.flyway(where, ds, true), true, true);
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN store: schema version 999 is newer than this build's newest migration " + newest));
        }
    }

    @Test
    void aFailedMigrationSaysItIsRetriedAtTheNextStart() {
        String text = Database.cannotOpen(DatabaseLocation.postgres("postgresql://u@127.0.0.1:5432/db"),
                new org.flywaydb.core.api.FlywayException("Migration V31__spend_logs_key_covering failed",
                        new java.sql.SQLException("ERROR: canceling statement due to statement timeout")));
        assertThat(text).contains("canceling statement due to statement timeout").contains("it is retried at the next start")
                .doesNotContain("check that PostgreSQL runs");
    }
}
