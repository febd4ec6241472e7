package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** Two gateways on one SQLite file share their keys' rate limits. */
class SharedRateLimitsSqliteIT extends SharedRateLimitsContract {
    private final String path = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + path + "\"\n"; }
}
