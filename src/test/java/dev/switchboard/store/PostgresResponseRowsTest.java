package dev.switchboard.store;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.Tag;

/** The same on PostgreSQL (the {@code services} profile), in a schema of its own. */
@Tag("services")
class PostgresResponseRowsTest extends ResponseRowsContract {
    @Override
    Database open() { return Database.open(Postgres.freshSchemaUrl(), null); }
}
