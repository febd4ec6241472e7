package dev.switchboard.account;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The rollup contract on SQLite. */
class SqliteRollupTest extends RollupContract {
    @TempDir
    Path dir;

    @Override
    Database open() { return Database.open(null, dir.resolve("r-" + System.nanoTime() + ".db").toString()); }
}
