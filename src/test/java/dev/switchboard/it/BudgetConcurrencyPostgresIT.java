package dev.switchboard.it;

import dev.switchboard.support.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The concurrency cap on PostgreSQL (the {@code services} profile), in a schema of its own. */
@Tag("services")
class BudgetConcurrencyPostgresIT extends BudgetConcurrencyContract {
    private final String url = Postgres.freshSchemaUrl();

    @Override
    String databaseSettings() { return "  database_url: \"" + url + "\"\n"; }

    @AfterEach
    void dropSchema() { Postgres.drop(url); }
}
