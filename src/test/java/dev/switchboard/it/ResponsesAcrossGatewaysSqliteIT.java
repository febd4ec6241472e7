package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** Two gateways on one SQLite file: a response answered by one reads on the other at once. */
class ResponsesAcrossGatewaysSqliteIT extends ResponsesAcrossGatewaysContract {
    private final String path = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + path + "\"\n"; }
}
