package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the rest of the gateway relies on from the store, run against SQLite and PostgreSQL alike: the schema is
 * created by the migrations and a second open does not redo them, every table takes and gives back the types the
 * code writes (epoch-ms BIGINTs, nano-dollar sums, booleans, JSON text), and a failed transaction leaves nothing.
 */
abstract class StoreContract {
    private final List<Database> opened = new ArrayList<>();

    /** A database of this kind, empty on the first call of a test, the same one on the next. */
    abstract Database open();

    abstract Database.Kind kind();

    Database track(Database db) {
        opened.add(db);
        return db;
    }

    @AfterEach
    void closeAll() { opened.forEach(Database::close); }

    @Test
    void aSparseInsertLeavesOutEachRowsNullsAndGivesTheCountsInTheRowsOrder() throws Exception {
        Database db = open();
        List<String> stored = db.transaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("CREATE TABLE sparse_t (id VARCHAR(8) NOT NULL PRIMARY KEY, n BIGINT, t VARCHAR(16), f BOOLEAN NOT NULL, i INTEGER)");
            }
            int[] counts;
            try (SparseInsert ins = new SparseInsert(c, "sparse_t", new String[] {"id", "n", "t", "f", "i"}, "ON CONFLICT DO NOTHING")) {
                // three shapes of NULLs, interleaved, and a row already added (counted 0, in its place)
                ins.text("a").number(1L).text("x").flag(true).integer(7).add();
                ins.text("b").number((Long) null).text(null).flag(false).integer(8).add();
                ins.text("c").number(3L).text(null).flag(true).integer(9).add();
                ins.text("a").number(4L).text("dup").flag(false).integer(0).add();
                ins.text("d").number(5L).text("y").flag(false).integer(10).add();
                ins.text("e").number((Long) null).text(null).flag(true).integer(-1).add();
                counts = ins.execute();
            }
            if (kind() == Database.Kind.SQLITE) assertThat(counts).containsExactly(1, 1, 1, 0, 1, 1);
            else assertThat(counts).hasSize(6); // PostgreSQL's rewritten batches report no count per row
            List<String> out = new ArrayList<>();
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, n, t, f, i FROM sparse_t ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "|" + rs.getObject(2) + "|" + rs.getString(3) + "|" + rs.getBoolean(4) + "|" + rs.getInt(5));
                }
            }
            return out;
        });
        assertThat(stored).containsExactly("a|1|x|true|7", "b|null|null|false|8", "c|3|null|true|9", "d|5|y|false|10",
                "e|null|null|true|-1");
    }

    /**
     * A writer's batch runs in pieces of {@link SparseInsert#SHARE_ROWS} rows, the core offered between them, when its
     * {@link CoreShare} says an offer is due (here at every check): rows run before {@code execute}, and the counts
     * still come back whole and in the rows' order across the pieces and the NULL-shape groups. A writer behind (or one
     * that does not share: PostgreSQL) runs its batch whole and never offers the core.
     */
    @Test
    void aSparseInsertSharingTheCoreRunsInPiecesAndKeepsTheCountsInOrder() throws Exception {
        Database db = open();
        int rows = SparseInsert.SHARE_ROWS * 2 + 5;
        for (boolean share : new boolean[] {true, false}) {
            String table = "sparse_share_" + share;
            // not sharing: a writer behind (its decision says no offer however long it worked)
            CoreShare pace = CoreShare.sharing(0, () -> !share);
            List<Object> seen = db.transaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute("CREATE TABLE " + table + " (id VARCHAR(8) NOT NULL PRIMARY KEY, n BIGINT)");
                }
                List<Object> out = new ArrayList<>();
                try (SparseInsert ins = SparseInsert.sharingTheCore(pace, c, table, new String[] {"id", "n"}, "ON CONFLICT DO NOTHING")) {
                    for (int i = 0; i < rows; i++) {
                        // two NULL shapes interleaved, and row 0 again in the last piece (counted 0, in its place)
                        String id = i == rows - 2 ? "r0" : "r" + i;
                        ins.text(id).number(i % 3 == 0 ? null : (Long) (long) i).add();
                        if (i == SparseInsert.SHARE_ROWS - 1) out.add(count(c, table));
                    }
                    out.add(count(c, table));
                    out.add(ins.execute());
                    out.add(count(c, table));
                }
                return out;
            });
            int[] expected = new int[rows];
            java.util.Arrays.fill(expected, 1);
            expected[rows - 2] = 0;
            if (share) {
                assertThat(seen.get(0)).as("rows in the table once a piece is added").isEqualTo(SparseInsert.SHARE_ROWS);
                assertThat(seen.get(1)).isEqualTo(SparseInsert.SHARE_ROWS * 2);
                assertThat(pace.offers()).isEqualTo(2);
            } else {
                assertThat(seen.get(0)).as("nothing runs before execute").isEqualTo(0);
                assertThat(seen.get(1)).isEqualTo(0);
                assertThat(pace.offers()).as("a writer behind keeps its core").isZero();
            }
            if (kind() == Database.Kind.SQLITE) assertThat((int[]) seen.get(2)).containsExactly(expected);
            else assertThat((int[]) seen.get(2)).hasSize(rows);
            assertThat(seen.get(3)).isEqualTo(rows - 1);
        }
    }

    /**
     * A batch run in pieces is still one transaction: a row the database refuses in the second piece (index 40) leaves
     * the table empty, the pieces before it included; the rows written again one by one (as the ledger's writer does
     * after a failed batch) go in once each.
     */
    @Test
    void aBatchRunInPiecesIsAllOrNothingAndTheOneByOneFallbackWritesTheOthersOnce() throws Exception {
        Database db = open();
        db.transaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("CREATE TABLE sparse_all (id VARCHAR(8) NOT NULL PRIMARY KEY, n BIGINT NOT NULL)");
            }
            return null;
        });
        int rows = SparseInsert.SHARE_ROWS * 2 + 3, refused = 40;
        CoreShare pace = CoreShare.sharing(0, () -> false);
        Throwable failed = null;
        try {
            db.transaction(c -> {
                try (SparseInsert ins = SparseInsert.sharingTheCore(pace, c, "sparse_all", new String[] {"id", "n"}, "ON CONFLICT DO NOTHING")) {
                    for (int i = 0; i < rows; i++) ins.text("r" + i).number(i == refused ? null : (Long) (long) i).add();
                    return ins.execute();
                }
            });
        } catch (RuntimeException e) {
            failed = e;
        }
        assertThat(failed).as("the refused row fails the batch").isNotNull();
        assertThat(pace.offers()).as("the first piece ran before the refused row").isGreaterThanOrEqualTo(1);
        int left = db.transaction(c -> count(c, "sparse_all"));
        assertThat(left).as("nothing of the batch stays").isZero();
        int in = 0;
        for (int i = 0; i < rows; i++) {
            int at = i;
            try {
                db.transaction(c -> {
                    try (SparseInsert ins = new SparseInsert(c, "sparse_all", new String[] {"id", "n"}, "ON CONFLICT DO NOTHING")) {
                        ins.text("r" + at).number(at == refused ? null : (Long) (long) at).add();
                        return ins.execute();
                    }
                });
                in++;
            } catch (RuntimeException e) {
                assertThat(at).isEqualTo(refused);
            }
        }
        assertThat(in).isEqualTo(rows - 1);
        int written = db.transaction(c -> count(c, "sparse_all"));
        assertThat(written).isEqualTo(rows - 1);
        String once = db.transaction(c -> {
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT id), SUM(n) FROM sparse_all")) {
                rs.next();
                return rs.getLong(1) + "|" + rs.getLong(2);
            }
        });
        assertThat(once).isEqualTo((rows - 1) + "|" + ((long) rows * (rows - 1) / 2 - refused));
    }

    private static int count(java.sql.Connection c, String table) throws java.sql.SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theMigrationsCreateTheSchemaOnceAndASecondOpenKeepsTheData() throws Exception {
        Database db = open();
        assertThat(db.kind()).isEqualTo(kind());
        assertThat(db.ping()).isTrue();
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO spend_logs (request_id, attempt, started_at, ended_at, key_id, "
                    + "call_type, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
                    + "usage_estimated, cost_nanos, saved_nanos, priced, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, "req_1");
                ps.setInt(2, 0);
                ps.setLong(3, 1_796_000_000_000L);
                ps.setLong(4, 1_796_000_000_500L);
                ps.setString(5, "key_a");
                ps.setString(6, "chat");
                for (int i = 7; i <= 11; i++) ps.setLong(i, i);
                ps.setBoolean(12, true);
                ps.setLong(13, 9_000_000_000_000_000L); // nano-dollars near the top of a long: 9 million dollars
                ps.setLong(14, 0);
                ps.setBoolean(15, false);
                ps.setInt(16, 200);
                ps.executeUpdate();
            }
            return null;
        });
        Database again = open(); // the same database, opened a second time: no migration runs twice
        long sum = again.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT SUM(cost_nanos), MAX(ended_at) / 86400000, "
                    + "SUM(CASE WHEN NOT priced THEN 1 ELSE 0 END), MAX(CASE WHEN usage_estimated THEN 1 ELSE 0 END) FROM spend_logs");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(2)).as("integer division gives the UTC day on both").isEqualTo(1_796_000_000_500L / 86_400_000L);
                assertThat(rs.getLong(3)).isEqualTo(1);
                assertThat(rs.getLong(4)).isEqualTo(1);
                return rs.getLong(1);
            }
        });
        assertThat(sum).isEqualTo(9_000_000_000_000_000L);
        assertThat(count(again, "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version = '1'")).isEqualTo(1);
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        Database db = open();
        try {
            db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO spend_tags (request_id, attempt, tag, ended_at) VALUES (?,?,?,?)")) {
                    ps.setString(1, "req_x");
                    ps.setInt(2, 0);
                    ps.setString(3, "t");
                    ps.setLong(4, 1);
                    ps.executeUpdate();
                    ps.executeUpdate(); // the same primary key again: the batch fails as a whole
                }
                return null;
            });
        } catch (StoreException expected) {
            assertThat(expected.getMessage()).contains(db.description());
        }
        assertThat(count(db, "SELECT COUNT(*) FROM spend_tags")).isZero();
    }

    @Test
    void keyAliasesAreUniqueAndTokensToo() {
        Database db = open();
        insertKey(db, "key_1", "tok1", "app");
        boolean refused = false;
        try {
            insertKey(db, "key_2", "tok2", "app");
        } catch (StoreException e) {
            refused = true;
        }
        assertThat(refused).as("a second key with the same alias").isTrue();
        assertThat(count(db, "SELECT COUNT(*) FROM virtual_keys")).isEqualTo(1);
    }

    private static void insertKey(Database db, String id, String token, String alias) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO virtual_keys (key_id, token, key_name, key_alias, models, "
                    + "budget_anchor, metadata, tags, blocked, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, token);
                ps.setString(3, "sk-sb-...abcd");
                ps.setString(4, alias);
                ps.setString(5, "[]");
                ps.setLong(6, 0);
                ps.setString(7, "{}");
                ps.setString(8, "[]");
                ps.setBoolean(9, false);
                ps.setLong(10, 0);
                ps.setLong(11, 0);
                ps.executeUpdate();
            }
            return null;
        });
    }

    static long count(Database db, String sql) {
        return db.transaction(c -> {
            try (Connection ignored = null; PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
