package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QA (twenty-second session, MED): {@code check} ran every Flyway migration on the configured PostgreSQL, so a newer
 * jar's check against the production URL upgraded the schema under the gateways running on it. It connects read-only
 * now and says the schema's version. ({@code services} profile: PostgreSQL on 127.0.0.1:5432, a schema of its own.)
 */
@Tag("services")
class CheckPostgresTest {
    @TempDir
    Path dir;
    private final String url = Postgres.freshSchemaUrl();
    private final String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());

    @AfterEach
    void drop() {
        Postgres.drop(url);
    }

    private String check(int expectedExit) throws Exception {
        Path f = Files.writeString(dir.resolve("pg.yaml"), """
                model_list:
                  - model_name: m
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: sk-a }
                general_settings:
                  database_url: "%s"
                """.formatted(url));
        CliRun r = CliRun.of("check", "--config", f.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(expectedExit);
        return r.out();
    }

    private long tables() throws Exception {
        try (Connection c = Postgres.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void checkOfAnEmptyDatabaseLeavesItEmpty() throws Exception {
        try (Connection c = Postgres.connect(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String out = check(0);
        assertThat(out).contains("store: PostgreSQL at ").contains("(reachable, no Switchboard schema yet; serve creates it)");
        assertThat(tables()).isZero();
    }

    @Test
    void checkCreatesNoSchema() throws Exception {
        check(0);
        try (Connection c = Postgres.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void checkOfAMigratedDatabaseSaysItsVersionAndChangesNothing() throws Exception {
        Database.open(url, null).close();
        long before = tables();
        String installed;
        try (Connection c = Postgres.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), max(installed_rank) FROM flyway_schema_history")) {
            rs.next();
            installed = rs.getLong(1) + "/" + rs.getLong(2);
        }
        assertThat(check(0)).containsPattern("\\(reachable, schema version \\d+, up to date\\)");
        assertThat(tables()).isEqualTo(before);
        try (Connection c = Postgres.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), max(installed_rank) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getLong(1) + "/" + rs.getLong(2)).isEqualTo(installed);
        }
    }

    @Test
    void anOlderSchemaIsReportedNotMigrated() throws Exception {
        Database.open(url, null).close();
        try (Connection c = Postgres.connect(url); Statement s = c.createStatement()) {
            // as an older build left it: its last migration not applied yet
            s.execute("DELETE FROM flyway_schema_history WHERE installed_rank = (SELECT max(installed_rank) FROM flyway_schema_history)");
        }
        long before = tables();
        assertThat(check(0)).containsPattern("\\(reachable, schema version \\d+; serve migrates it to \\d+\\)");
        assertThat(tables()).isEqualTo(before);
    }

    @Test
    void anUnreachableServerIsStillInvalid() throws Exception {
        Path f = Files.writeString(dir.resolve("down.yaml"), """
                model_list:
                  - model_name: m
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: sk-a }
                general_settings:
                  database_url: "postgresql://postgres:pw@127.0.0.1:1/switchboard"
                """);
        CliRun r = CliRun.of("check", "--config", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("Cannot open the store (PostgreSQL at 127.0.0.1:1/switchboard)").doesNotContain("pw");
    }
}
