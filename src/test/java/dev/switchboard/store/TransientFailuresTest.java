package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which store failures a writer keeps its rows for (they may pass), and which mean the row itself was refused. */
class TransientFailuresTest {
    private static RuntimeException wrapped(Throwable cause) { return new StoreException("store (test): failed", cause); }

    @Test
    void busyLockedDeadlockSerializationAndLostConnectionsMayPass() {
        assertThat(Database.isTransient(wrapped(new SQLiteException("database is locked", SQLiteErrorCode.SQLITE_BUSY)))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT)))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLiteException("locked", SQLiteErrorCode.SQLITE_LOCKED)))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLException("deadlock detected", "40P01")))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLException("could not serialize access", "40001")))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLException("connection failure", "08006")))).isTrue();
        assertThat(Database.isTransient(wrapped(new java.sql.SQLTransientConnectionException("pool timeout")))).isTrue();
        // PostgreSQL ended the session (a restart, a failover, pg_terminate_backend) or could not take it for now
        assertThat(Database.isTransient(wrapped(new SQLException("terminating connection due to administrator command", "57P01")))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLException("the database system is starting up", "57P03")))).isTrue();
        assertThat(Database.isTransient(wrapped(new SQLException("sorry, too many clients already", "53300")))).isTrue();
        // HikariCP's proxy of an evicted connection (no SQLSTATE), and a batch whose error is on its next-exception chain
        assertThat(Database.isTransient(wrapped(new SQLException("Connection is closed")))).isTrue();
        java.sql.BatchUpdateException batch = new java.sql.BatchUpdateException("Batch entry 0 ... was aborted", null, 0, new int[0], null);
        batch.setNextException(new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(Database.isTransient(wrapped(batch))).isTrue();
        // an outage is a lost connection or an ended session, not a moment's contention
        assertThat(Database.isConnectionLoss(wrapped(batch))).isTrue();
        assertThat(Database.isConnectionLoss(wrapped(new SQLException("Connection is closed")))).isTrue();
        assertThat(Database.isConnectionLoss(wrapped(new SQLException("deadlock detected", "40P01")))).isFalse();
        assertThat(Database.isConnectionLoss(wrapped(new SQLiteException("database is locked", SQLiteErrorCode.SQLITE_BUSY)))).isFalse();
        assertThat(Database.isConnectionLoss(wrapped(new SQLException("protocol violation", "08P01")))).isFalse();
    }

    @Test
    void aCutLinkIsABusyStoreIsNot() {
        // the budget fence stops admitting on a cut link (Database.cutOff), not on a store that is only busy
        assertThat(Database.isLinkLoss(wrapped(new SQLException("An I/O error occurred while sending to the backend.", "08006")))).isTrue();
        assertThat(Database.isLinkLoss(wrapped(new SQLException("terminating connection due to administrator command", "57P01")))).isTrue();
        assertThat(Database.isLinkLoss(new java.sql.SQLTransientConnectionException("pool - Connection is not available, "
                + "request timed out after 5000ms", "08001", new SQLException("Connection refused", "08001")))).isTrue();
        assertThat(Database.isLinkLoss(new java.sql.SQLTransientConnectionException("pool - Connection is not available, "
                + "request timed out after 5000ms"))).isFalse();
        assertThat(Database.isLinkLoss(wrapped(new SQLException("sorry, too many clients already", "53300")))).isFalse();
        assertThat(Database.isLinkLoss(wrapped(new SQLException("protocol violation", "08P01")))).isFalse();
        assertThat(Database.isLinkLoss(wrapped(new SQLException("deadlock detected", "40P01")))).isFalse();
    }

    /**
     * The stored responses' "unreachable" (their reads then answer 503 at once, without asking): a store with no connection
     * to give, not one that answers but refuses this statement. Review (thirty-fourth session): it used the outage
     * report's test, all of class 53, so a PostgreSQL with a full disk (53100) made every read not held in memory a 503.
     */
    @Test
    void storedResponsesTakeTheStoreForUnreachableOnlyWhenNoConnectionCanBeHad() {
        Database db = Database.scratch();
        try {
            ResponseRows rows = new ResponseRows(db);
            assertThat(rows.unreachable(new java.sql.SQLTransientConnectionException("pool - Connection is not available, "
                    + "request timed out after 5000ms"))).as("pool timeout").isTrue();
            assertThat(rows.unreachable(wrapped(new SQLException("connection refused", "08001")))).as("08001").isTrue();
            assertThat(rows.unreachable(wrapped(new SQLException("I/O error", "08006")))).as("08006").isTrue();
            assertThat(rows.unreachable(wrapped(new SQLException("terminating connection", "57P01")))).as("57P01").isTrue();
            assertThat(rows.unreachable(wrapped(new SQLException("starting up", "57P03")))).as("57P03").isTrue();
            assertThat(rows.unreachable(wrapped(new SQLException("sorry, too many clients already", "53300")))).as("53300").isTrue();
            assertThat(rows.unreachable(wrapped(new SQLException("Connection is closed")))).as("evicted").isTrue();
            // the server answers, refusing this statement: its reads still answer
            assertThat(rows.unreachable(wrapped(new SQLException("could not extend file: No space left on device", "53100"))))
                    .as("53100 disk_full").isFalse();
            assertThat(rows.unreachable(wrapped(new SQLException("out of memory", "53200")))).as("53200").isFalse();
            assertThat(rows.unreachable(wrapped(new SQLException("configuration limit exceeded", "53400")))).as("53400").isFalse();
            assertThat(rows.unreachable(wrapped(new SQLException("canceling statement due to statement timeout", "57014"))))
                    .as("57014").isFalse();
            assertThat(rows.unreachable(wrapped(new SQLException("could not serialize access", "40001")))).as("40001").isFalse();
            assertThat(rows.unreachable(wrapped(new SQLException("protocol violation", "08P01")))).as("08P01").isFalse();
            assertThat(rows.unreachable(wrapped(new SQLiteException("disk full", SQLiteErrorCode.SQLITE_FULL)))).isFalse();
            // the outage report still counts a full disk: the store is failing
            assertThat(Database.isConnectionLoss(wrapped(new SQLException("disk full", "53100")))).isTrue();
        } finally {
            db.close();
        }
    }

    @Test
    void aValueTheDatabaseRefusesDoesNot() {
        assertThat(Database.isTransient(wrapped(new SQLiteException("NOT NULL constraint failed", SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL))))
                .isFalse();
        assertThat(Database.isTransient(wrapped(new SQLException("value too long for type character varying(32)", "22001")))).isFalse();
        assertThat(Database.isTransient(new IllegalStateException("a bug"))).isFalse();
    }
}
