package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * V16 fills the new {@code spend_logs.team_id} of the rows written before it: a key's call counts for its key's
 * {@code team_id} (also when the row carried another {@code team:} tag, a key's own tag then), a call without a team tag
 * for none, and the master key's calls for none whatever their tags.
 */
class TeamsMigrationTest {
    @Test
    void oldRowsCountForTheirKeysTeam() throws Exception {
        Path dir = Files.createTempDirectory("teams-migration-");
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("old.db"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("15").load().migrate();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO virtual_keys (key_id, token, key_name, models, budget_anchor, metadata, tags, blocked, "
                    + "created_at, updated_at, team_id) VALUES ('key_red', 'h1', 'sk-...a', '[]', 0, '{}', '[\"team:blue\"]', FALSE, 0, 0, 'red'), "
                    + "('key_none', 'h2', 'sk-...b', '[]', 0, '{}', '[]', FALSE, 0, 0, NULL)");
            for (String[] row : new String[][] {{"r1", "key_red"}, {"r2", "key_none"}, {"r3", "master"}, {"r4", "key_red"}}) {
                s.executeUpdate("INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, key_id, call_type, prompt_tokens, "
                        + "completion_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, usage_estimated, cost_nanos, "
                        + "saved_nanos, priced, status) VALUES ('" + row[0] + "', 0, 0, 0, '" + row[1] + "', 'chat', 1, 1, 0, 0, 0, FALSE, 5, 0, TRUE, 200)");
            }
            // r1: the key's team_id tag and its own team:blue tag; r3: the master key tagged a team; r4: only team:blue
            s.executeUpdate("INSERT INTO spend_tags (request_id, attempt, tag, ended_at) VALUES ('r1', 0, 'team:red', 0), "
                    + "('r1', 0, 'team:blue', 0), ('r3', 0, 'team:red', 0), ('r4', 0, 'team:blue', 0)");
        }
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        Map<String, String> teams = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_id, team_id FROM spend_logs")) {
            while (rs.next()) teams.put(rs.getString(1), rs.getString(2));
        }
        assertThat(teams).containsEntry("r1", "red").containsEntry("r4", "blue");
        assertThat(teams.get("r2")).isNull();
        assertThat(teams.get("r3")).as("the master key's calls count for no team").isNull();
    }
}
