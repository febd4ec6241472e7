package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** LiteLLM's spend routes on PostgreSQL (the {@code services} profile): the ledger's SQL differs there. */
@Tag("services")
class LiteLlmSpendRoutesPostgresIT extends LiteLlmSpendRoutesContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings() { return "  database_url: \"" + url + "\"\n"; }

    @AfterAll
    @Override
    void stop() {
        super.stop(); // the gateway first: its ledger writer holds the schema's tables
        Postgres.drop(url);
    }
}
