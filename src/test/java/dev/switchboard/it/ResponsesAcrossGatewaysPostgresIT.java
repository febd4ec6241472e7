package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** Two gateways on one PostgreSQL schema: a response answered by one reads on the other at once (the {@code services} profile). */
@Tag("services")
class ResponsesAcrossGatewaysPostgresIT extends ResponsesAcrossGatewaysContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings() { return "  database_url: \"" + url + "\"\n"; }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
