package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** LiteLLM's spend routes on a SQLite store. */
class LiteLlmSpendRoutesSqliteIT extends LiteLlmSpendRoutesContract {
    private final String path = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + path + "\"\n"; }
}
