package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What SQLite's result codes say about the file under the store, and what a connection has written: the part of
 * {@link Database}'s failure handling only SQLite has.
 *
 * <p>QA (twenty-seventh session) filled the disk under a SQLite store: the ledger kept its rows, but once space was back
 * every transaction still failed with "cannot commit - no transaction is active". SQLite ends the transaction itself on
 * {@code SQLITE_FULL}; the driver still believed one open, its {@code rollback()} then failed before it began the next,
 * and HikariCP (whose own rollback on return failed the same way) put the connection back with the driver's
 * auto-commit off and SQLite's on. Every later transaction on it ran its statements one by one in auto-commit (each
 * committed at once) and failed at its {@code COMMIT}: the ledger counted as lost rows that were written.
 * {@link Database} now evicts a connection whose rollback fails and never lends one that is not in auto-commit.
 */
final class SqliteFaults {
    private SqliteFaults() {}

    private static final int SQLITE_READONLY = 8, SQLITE_IOERR = 10, SQLITE_CORRUPT = 11, SQLITE_FULL = 13,
            SQLITE_CANTOPEN = 14, SQLITE_NOTADB = 26;

    /**
     * Whether {@code t} says the file cannot be written now: the disk is full ({@code SQLITE_FULL}), an I/O error
     * ({@code SQLITE_IOERR}, e.g. the file's volume gone), the file became read-only, cannot be opened, or is damaged.
     * Reads may still answer; the store is nonetheless failing, since it cannot keep what the gateway records.
     */
    static boolean cannotWrite(Throwable t) {
        int code = primaryCode(t);
        return code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY || code == SQLITE_CANTOPEN
                || code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
    }

    /**
     * Whether {@code t} is a failure trying again may end: a full disk (space freed) or an I/O error (a volume
     * remounted). A writer keeps such rows instead of dropping them as refused.
     */
    static boolean mayPass(Throwable t) {
        int code = primaryCode(t);
        return code == SQLITE_FULL || code == SQLITE_IOERR;
    }

    /** The primary SQLite result code in {@code t}'s causes, or -1. */
    static int primaryCode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.sqlite.SQLiteException e) return e.getResultCode().code & 0xff;
        }
        return -1;
    }

    /**
     * Rows the connection has inserted, updated or deleted since it opened (SQLite's {@code total_changes()}, read
     * from the driver without a statement), or -1 when it is no SQLite connection.
     */
    static long totalChanges(Connection c) {
        try {
            if (!c.isWrapperFor(org.sqlite.SQLiteConnection.class)) return -1;
            return c.unwrap(org.sqlite.SQLiteConnection.class).getDatabase().total_changes();
        } catch (SQLException e) {
            return -1;
        }
    }
}
