package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** Two gateways on one SQLite file. */
class SharedKeysSqliteIT extends SharedKeysContract {
    private final String path = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + path + "\"\n"; }
}
