package dev.switchboard.observe;

import dev.switchboard.store.Database;
import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The request log's table on PostgreSQL (the {@code services} profile), each test in a schema of its own. */
@Tag("services")
class PostgresRequestLogTest extends RequestLogStoreContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    Database open() { return Database.open(url, null); }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
