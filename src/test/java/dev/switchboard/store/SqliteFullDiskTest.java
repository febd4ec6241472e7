package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite store whose disk fills and then has space again (QA, twenty-seventh session: every transaction failed with
 * "cannot commit - no transaction is active" until a restart). SQLite's {@code PRAGMA max_page_count} on each pooled
 * connection caps the file as a full disk would, without a tmpfs: set low, the inserts fail with SQLITE_FULL; raised,
 * the space is back.
 */
public class SqliteFullDiskTest {
    @TempDir
    Path dir;

    private Database db;

    @AfterEach
    void close() {
        if (db != null) db.close();
    }

    /**
     * Sets SQLite's {@code max_page_count} on every connection of {@code db}'s pool (4): all held at once, so each is a
     * different one; a full disk without a tmpfs. Also used by {@code SpendLedgerFullDiskTest}.
     */
    public static void capEveryConnection(Database db, long pages) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) held.add(db.connection());
            for (Connection c : held) {
                try (var s = c.createStatement()) {
                    s.execute("PRAGMA max_page_count = " + pages);
                }
            }
        } finally {
            for (Connection c : held) c.close();
        }
    }

    private void capEveryConnection(long pages) throws Exception {
        capEveryConnection(db, pages);
    }

    private long rows() {
        return db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private void insertTen(String pad) {
        db.transaction(c -> {
            try (var ps = c.prepareStatement("INSERT INTO t (pad) VALUES (?)")) {
                for (int j = 0; j < 10; j++) {
                    ps.setString(1, pad);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }

    @Test
    void aFullDiskFailsWritesAndReadinessUntilSpaceIsBackThenTheStoreWorksAgainByItself() throws Exception {
        db = Database.open(null, dir.resolve("sb.db").toString());
        db.transaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)"));
        long pages = db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        capEveryConnection(pages + 20);
        String pad = "x".repeat(1_000);
        long committed = 0;
        RuntimeException full = null;
        for (int i = 0; i < 100 && full == null; i++) {
            try {
                insertTen(pad);
                committed += 10;
            } catch (RuntimeException e) {
                full = e;
            }
        }
        assertThat(full).as("the cap filled the file").isNotNull();
        assertThat(SqliteFaults.primaryCode(full)).isEqualTo(13); // SQLITE_FULL
        // a writer keeps the rows of a full disk to try again instead of dropping them as refused
        assertThat(Database.isTransient(full)).isTrue();
        assertThat(db.ready()).as("readiness: the store cannot record spend").isFalse();
        assertThat(db.failing()).isTrue();

        // the disk is still full: reads answer, hold the rows committed so far and none of the failed transaction's
        // (before the fix the pooled connection ran in auto-commit: this read failed at its commit, and later
        // "failed" writes were committed statement by statement)
        assertThat(rows()).isEqualTo(committed);
        assertThat(db.ready()).as("a read is no proof that writes commit again").isFalse();
        assertThatThrownBy(() -> insertTen(pad)).isInstanceOf(StoreException.class);
        assertThat(rows()).isEqualTo(committed);

        capEveryConnection(1_000_000); // space is back
        insertTen(pad);
        assertThat(rows()).isEqualTo(committed + 10);
        assertThat(db.ready()).isTrue();
        assertThat(db.failing()).isFalse();
    }

    @Test
    void aConnectionWhoseTransactionSqliteEndedItselfIsEvictedNotLentAgain() throws Exception {
        db = Database.open(null, dir.resolve("sb.db").toString());
        db.transaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)"));
        // what SQLite does on a full disk or an I/O error: it rolls the transaction back itself, and the work fails
        for (int i = 0; i < 8; i++) {
            assertThatThrownBy(() -> db.transaction(c -> {
                c.createStatement().executeUpdate("INSERT INTO t (pad) VALUES ('lost')");
                c.createStatement().execute("ROLLBACK");
                throw new java.sql.SQLException("[SQLITE_FULL] database or disk is full (simulated)");
            })).isInstanceOf(StoreException.class);
        }
        // every later transaction is a real one: its rows go in at its commit, and its failure leaves none behind
        assertThatThrownBy(() -> db.transaction(c -> {
            c.createStatement().executeUpdate("INSERT INTO t (pad) VALUES ('rolled back')");
            throw new java.sql.SQLException("refused");
        })).isInstanceOf(StoreException.class);
        insertTen("kept");
        assertThat(rows()).isEqualTo(10);
        for (int i = 0; i < 8; i++) {
            try (Connection c = db.connection()) {
                assertThat(c.getAutoCommit()).isTrue();
            }
        }
    }
}
