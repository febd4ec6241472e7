package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import dev.switchboard.support.ServeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** Durability under kill -9 on PostgreSQL (the {@code services} profile), in a schema of its own, dropped afterwards. */
@Tag("services")
class DurabilityPostgresIT extends DurabilityContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings(ServeFixture serve) { return "  database_url: \"" + url + "\"\n"; }

    @Override
    String databaseName() { return "PostgreSQL"; }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
