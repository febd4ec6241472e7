package dev.switchboard.observe;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The request log's table on the embedded SQLite file. */
class SqliteRequestLogTest extends RequestLogStoreContract {
    @TempDir
    Path dir;

    @Override
    Database open() { return Database.open(null, dir.resolve("log.db").toString()); }
}
