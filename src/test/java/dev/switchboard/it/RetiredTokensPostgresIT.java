package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** A deleted or rotated key's old token, two gateways on one PostgreSQL schema (the {@code services} profile). */
@Tag("services")
class RetiredTokensPostgresIT extends RetiredTokensContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings() { return "  database_url: \"" + url + "\"\n"; }

    @AfterAll
    @Override
    void stop() {
        super.stop(); // the gateways first: their writers hold the schema's tables
        Postgres.drop(url);
    }
}
