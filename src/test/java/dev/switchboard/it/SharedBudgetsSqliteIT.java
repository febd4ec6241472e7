package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** Two gateways on one SQLite file share their budgets. */
class SharedBudgetsSqliteIT extends SharedBudgetsContract {
    private final String path = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + path + "\"\n"; }
}
