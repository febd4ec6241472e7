package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** Two gateways on one PostgreSQL schema share their keys' rate limits (the {@code services} profile). */
@Tag("services")
class SharedRateLimitsPostgresIT extends SharedRateLimitsContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings() { return "  database_url: \"" + url + "\"\n"; }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
