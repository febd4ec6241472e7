package dev.switchboard.it;

import dev.switchboard.support.TestGateway;

/** LiteLLM's team, tag and customer daily activity on the embedded SQLite store. */
class EntityActivitySqliteIT extends EntityActivityContract {
    private final String db = TestGateway.tempDatabase();

    @Override
    String databaseSettings() { return "  database_path: \"" + db + "\"\n"; }
}
