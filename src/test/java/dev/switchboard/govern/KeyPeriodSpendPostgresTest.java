package dev.switchboard.govern;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/**
 * {@link KeyPeriodSpendTest} on PostgreSQL (the {@code services} profile), in a schema of its own: the same statement
 * (a VALUES list cast to its types, CROSS JOIN with the join in WHERE) gives the rows' sum there too, and a start reads
 * every key's figure in a few statements.
 */
@Tag("services")
class KeyPeriodSpendPostgresTest extends KeyPeriodSpendTest {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database openDatabase() { return Database.open(url, null); }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
