package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.Test;

/**
 * Flyway's PostgreSQL lock and V31's and V32's paths follow SWITCHBOARD_PG_SESSION_LOCKS: behind PgBouncer's
 * transaction pooling (false) a session lock's unlock may reach another server connection, so Flyway keeps its
 * transactional lock and V31 and V32 run in its transaction (CONCURRENTLY would wait for that transaction for ever).
 */
class FlywayLockChoiceTest {
    private static final DatabaseLocation PG = DatabaseLocation.postgres("postgresql://u@127.0.0.1:5432/db?currentSchema=s");

    @Test
    void sessionLocksTakeFlywaysSessionLockAndV31OutsideATransaction() {
        Flyway f = Database.flyway(PG, null, false, true);
        assertThat(f.getConfiguration().getConfigurationExtension(PostgreSQLConfigurationExtension.class).isTransactionalLock()).isFalse();
        assertThat(f.getConfiguration().getJavaMigrations()).hasSize(2)
                .allSatisfy(m -> assertThat(m.canExecuteInTransaction()).isFalse());
    }

    @Test
    void transactionPoolingKeepsTheTransactionalLockAndV31InIt() {
        Flyway f = Database.flyway(PG, null, false, false);
        assertThat(f.getConfiguration().getConfigurationExtension(PostgreSQLConfigurationExtension.class).isTransactionalLock()).isTrue();
        assertThat(f.getConfiguration().getJavaMigrations()).hasSize(2)
                .allSatisfy(m -> assertThat(m.canExecuteInTransaction()).isTrue());
    }

    @Test
    void sqliteRunsV31InFlywaysTransactionEitherWay() {
        Flyway f = Database.flyway(DatabaseLocation.sqlite("/tmp/never-opened.db"), null, false, true);
        assertThat(f.getConfiguration().getJavaMigrations()).hasSize(2)
                .allSatisfy(m -> assertThat(m.canExecuteInTransaction()).isTrue());
    }
}
