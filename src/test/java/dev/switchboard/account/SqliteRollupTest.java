package dev.switchboard.account;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The rollup contract on SQLite. */
class SqliteRollupTest extends RollupContract {
    @TempDir
    Path dir;

    private Path old;

    @Override
    Database open() { return Database.open(null, dir.resolve("r-" + System.nanoTime() + ".db").toString()); }

    @Override
    Connection openAt(String version) throws SQLException {
        old = dir.resolve("old-" + System.nanoTime() + ".db");
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + old);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target(version).load().migrate();
        return ds.getConnection();
    }

    @Override
    Database reopen() { return Database.open(null, old.toString()); }
}
