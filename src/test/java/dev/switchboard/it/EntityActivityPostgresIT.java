package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** LiteLLM's team, tag and customer daily activity on PostgreSQL (the {@code services} profile): V26 and its upserts there. */
@Tag("services")
class EntityActivityPostgresIT extends EntityActivityContract {
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
