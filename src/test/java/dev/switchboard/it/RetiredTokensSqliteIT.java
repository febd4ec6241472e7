package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** A deleted or rotated key's old token, two gateways on one SQLite file. */
class RetiredTokensSqliteIT extends RetiredTokensContract {
    private final String path = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + path + "\"\n"; }
}
