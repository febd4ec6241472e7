package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
        IndexMigrationUnderWrites.migrateWhileAWriterHoldsTheTable(url, "30", "spend_logs");
        try (Connection writer = Postgres.connect(url)) {
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
}
