package dev.switchboard.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteResponseRowsTest extends ResponseRowsContract {
    @TempDir
    Path dir;

    @Override
    Database open() { return Database.open(null, dir.resolve("responses.db").toString()); }
}
