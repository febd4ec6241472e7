package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;

/** What {@link Database#open} does to a SQLite file before its pool and migrations use it. */
final class SqliteFile {
    private SqliteFile() {}

    /**
     * Fails with SQLITE_READONLY when SQLite opened the file read-only: it does so without a word when the file is not
     * writable by this user (a directory that is not writable fails at once, SQLITE_READONLY_DIRECTORY). A store that
     * was up to date migrated nothing, so the start went on and died at its first write with a stack trace (QA,
     * twenty-seventh session). A write of the header's {@code user_version} (its own value, unused by Flyway), rolled
     * back, is refused by a read-only file and leaves a writable one as it was; {@code BEGIN IMMEDIATE} alone is not
     * refused in WAL mode, whose write lock is in the {@code -shm} file.
     */
    static void requireWritable(DataSource pool) {
        try (Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
            int version;
            try (java.sql.ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            s.execute("BEGIN");
            try {
                s.execute("PRAGMA user_version = " + version);
            } finally {
                s.execute("ROLLBACK");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Creates a missing SQLite file, so that the pool's connections can open theirs without SQLite's create flag: one
     * the pool opened after the file was deleted would otherwise make a new, empty store at the path and work on it
     * beside the connections still on the deleted one (SqliteFileWatch then calls it replaced).
     */
    static void createIfMissing(DatabaseLocation where) {
        if (where.kind() != Database.Kind.SQLITE || java.nio.file.Files.exists(where.sqlitePath())) return;
        try (Connection ignored = new SQLiteConfig().createConnection(where.jdbcUrl())) {
            // opening it made the file
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
