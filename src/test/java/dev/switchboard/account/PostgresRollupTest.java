package dev.switchboard.account;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The rollup contract on PostgreSQL (the {@code services} profile), in a schema of its own. */
@Tag("services")
class PostgresRollupTest extends RollupContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database open() { return Database.open(url, null); }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
