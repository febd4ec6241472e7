package dev.switchboard.it;

import java.nio.file.Path;

/** Durability under kill -9 on the embedded SQLite store (a file in the test's temp directory). */
class DurabilitySqliteIT extends DurabilityContract {
    @Override
    String databaseSettings(Path dir) { return "  database_path: \"" + dir.resolve("switchboard.db") + "\"\n"; }

    @Override
    String databaseName() { return "SQLite"; }
}
