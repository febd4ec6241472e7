package dev.switchboard.it;

import dev.switchboard.support.ServeFixture;

/** Durability under kill -9 on the embedded SQLite store (a file in the test's temp directory). */
class DurabilitySqliteIT extends DurabilityContract {
    @Override
    String databaseSettings(ServeFixture serve) { return serve.sqlite(); }

    @Override
    String databaseName() { return "SQLite"; }
}
