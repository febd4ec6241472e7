package dev.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of rows inserted into one table, where each row's NULL columns are left out of its statement (they take the
 * column's default, NULL) instead of bound as NULL. On SQLite every bound value is one JNI call into the driver
 * (sqlite-jdbc's {@code executeBatch} binds each parameter of each row), and most of a ledger or request-log row's
 * optional columns are NULL (no alias, no tier, no error, no trace, no session): the writers' binds were about 40 % of
 * their time (docs/architecture.md, the 11:30 store-threads notes). Rows are grouped by which columns they fill, one
 * prepared statement per group, usually one or two in a batch; every statement runs in the caller's transaction.
 *
 * <p>Use: for each row, its values in column order ({@link #text}, {@link #number}, {@link #flag}), then {@link #add};
 * then {@link #execute} once. Not thread-safe; one instance per batch.
 *
 * <p>On SQLite ({@link #sharingTheCore}) the writer may offer its core ({@link Thread#yield}) between pieces of a
 * batch: SQLite runs on the writer's own thread, and a pinned gateway's writers share the event loop's core. A 512-row
 * ledger batch was ~5 ms of that core in one go, and an event loop woken meanwhile waited for the writer's time slice
 * to end (docs/architecture.md, "The ledger writer's batches and the 10,000 req/s p99"). Every {@value #SHARE_ROWS}
 * rows it asks its {@link CoreShare} whether an offer is due (at least ~1 ms of wall time since the last, the writer
 * not behind); only then do the rows added so far run and the core is offered. A writer behind runs its batch whole.
 */
public final class SparseInsert implements AutoCloseable {
    private static final int TEXT = 1, LONG = 2, INT = 3, BOOL = 4;
    /**
     * Rows added between two checks of whether an offer of the core is due, when sharing it (~0.1-0.3 ms of a
     * writer's time on the VM measured). The offers themselves are spaced by time ({@link CoreShare}).
     */
    static final int SHARE_ROWS = 32;

    private final Connection c;
    private final String table;
    private final String[] columns;
    private final String tail;
    // the row being staged: kind 0 = NULL
    private final int[] kinds;
    private final long[] numbers;
    private final String[] texts;
    private int at;
    private final List<Group> groups = new ArrayList<>(2);
    private Group last;
    private final IntList order = new IntList(); // each row's group, in the order rows were added
    private final CoreShare pace;
    private int unrun; // rows added since the statements last ran
    /** Rows a multi-row statement inserts at once (0: every row its own step of a JDBC batch). */
    private final int rowsPerStatement;

    /**
     * @param columns the table's columns, in the order values are given
     * @param tail    what follows the VALUES list (e.g. {@code ON CONFLICT DO NOTHING}), or ""
     */
    public SparseInsert(Connection c, String table, String[] columns, String tail) {
        this(c, table, columns, tail, CoreShare.NEVER, 0);
    }

    private SparseInsert(Connection c, String table, String[] columns, String tail, CoreShare pace, int rowsPerStatement) {
        if (columns.length > 64) throw new IllegalArgumentException("at most 64 columns");
        this.pace = pace;
        this.rowsPerStatement = rowsPerStatement;
        this.c = c;
        this.table = table;
        this.columns = columns;
        this.tail = tail;
        this.kinds = new int[columns.length];
        this.numbers = new long[columns.length];
        this.texts = new String[columns.length];
    }

    /**
     * A batch that runs in pieces, the core offered between them, when {@code pace} says an offer is due (it shares
     * the core only on SQLite: the database runs inside the gateway's process); else the plain batch, run once by
     * {@link #execute} (PostgreSQL: one round trip).
     */
    public static SparseInsert sharingTheCore(CoreShare pace, Connection c, String table, String[] columns, String tail) {
        return new SparseInsert(c, table, columns, tail, pace, 0);
    }

    /**
     * {@link #sharingTheCore}, with the rows of each group inserted {@code rowsPerStatement} at a time by one multi-row
     * {@code INSERT … VALUES (…), (…)} (SQLite only: one step, one reset and one set of cursors for them all instead of
     * one a row). Such a statement reports only its rows' total, so {@link #execute} throws {@link CountsUnknown} when
     * that total is not one a row (a row left alone by the tail's WHERE): the caller rolls the transaction back and
     * writes the batch again without this.
     */
    public static SparseInsert multiRow(CoreShare pace, Connection c, String table, String[] columns, String tail,
                                        int rowsPerStatement) {
        return new SparseInsert(c, table, columns, tail, pace, rowsPerStatement);
    }

    /** A multi-row statement changed fewer rows than it inserted: the per-row counts are unknown (see {@link #multiRow}). */
    public static final class CountsUnknown extends SQLException {
        CountsUnknown(int changed, int rows) { super(changed + " rows changed of " + rows + " in one multi-row insert"); }
    }

    public SparseInsert text(String v) {
        kinds[at] = v == null ? 0 : TEXT;
        texts[at++] = v;
        return this;
    }

    public SparseInsert number(long v) {
        kinds[at] = LONG;
        numbers[at++] = v;
        return this;
    }

    /** An integer column bound as an int (the drivers' {@code setInt}, as before). */
    public SparseInsert integer(int v) {
        kinds[at] = INT;
        numbers[at++] = v;
        return this;
    }

    /** A nullable integer column. */
    public SparseInsert integer(Integer v) {
        if (v == null) {
            kinds[at] = 0;
            texts[at++] = null;
            return this;
        }
        return integer(v.intValue());
    }

    /** A nullable number. */
    public SparseInsert number(Long v) {
        if (v == null) {
            kinds[at] = 0;
            texts[at++] = null;
            return this;
        }
        return number(v.longValue());
    }

    public SparseInsert flag(boolean v) {
        kinds[at] = BOOL;
        numbers[at++] = v ? 1 : 0;
        return this;
    }

    /** A boolean column given only when true; when false the row leaves it out (it takes the column's default, FALSE). */
    public SparseInsert flagIfTrue(boolean v) {
        kinds[at] = v ? BOOL : 0;
        numbers[at] = 1;
        texts[at++] = null;
        return this;
    }

    /** Ends the staged row: binds its values to the statement of its NULL columns and adds it to that batch. */
    public void add() throws SQLException {
        if (at != columns.length) throw new IllegalStateException(at + " values for " + columns.length + " columns");
        long filled = 0;
        for (int i = 0; i < at; i++) if (kinds[i] != 0) filled |= 1L << i;
        Group g = last != null && last.filled == filled ? last : group(filled);
        if (rowsPerStatement > 0) {
            stage(g);
        } else {
            bindRow(g.ps, 1);
            g.ps.addBatch();
        }
        g.rows++;
        g.unrun++;
        order.add(g.index);
        at = 0;
        if (rowsPerStatement > 0 && g.staged == rowsPerStatement) runStaged(g);
        if (++unrun % SHARE_ROWS == 0 && pace.shares() && pace.due()) {
            runAdded();
            pace.offerNow();
        }
    }

    /** Binds the staged row's values from parameter {@code p} on; clears its texts. */
    private void bindRow(PreparedStatement ps, int p) throws SQLException {
        for (int i = 0; i < at; i++) {
            switch (kinds[i]) {
                case TEXT -> ps.setString(p++, texts[i]);
                case LONG -> ps.setLong(p++, numbers[i]);
                case INT -> ps.setInt(p++, (int) numbers[i]);
                case BOOL -> ps.setBoolean(p++, numbers[i] != 0);
                default -> { } // NULL: not in this statement
            }
            texts[i] = null;
        }
    }

    /** Keeps the row's values for its group's next multi-row statement. */
    private void stage(Group g) {
        if (g.values == null) g.values = new Object[rowsPerStatement * g.width];
        int v = g.staged * g.width;
        for (int i = 0; i < at; i++) {
            switch (kinds[i]) {
                case TEXT -> g.values[v++] = texts[i];
                case LONG -> g.values[v++] = numbers[i];
                case INT -> g.values[v++] = (int) numbers[i];
                case BOOL -> g.values[v++] = numbers[i] != 0;
                default -> { }
            }
            texts[i] = null;
        }
        g.staged++;
    }

    /** A staged value bound as the one-row path binds it. */
    private static void bind(PreparedStatement ps, int p, Object v) throws SQLException {
        if (v instanceof String t) ps.setString(p, t);
        else if (v instanceof Long n) ps.setLong(p, n);
        else if (v instanceof Integer n) ps.setInt(p, n);
        else ps.setBoolean(p, (Boolean) v);
    }

    /** Runs a group's staged rows: a whole multi-row statement, or fewer rows one by one (a JDBC batch). */
    private void runStaged(Group g) throws SQLException {
        if (g.staged == 0) return;
        int w = g.width;
        if (g.staged == rowsPerStatement) {
            if (g.multi == null) g.multi = c.prepareStatement(g.sql(rowsPerStatement));
            for (int i = 0; i < rowsPerStatement * w; i++) bind(g.multi, i + 1, g.values[i]);
            int changed = g.multi.executeUpdate();
            if (changed != rowsPerStatement) throw new CountsUnknown(changed, rowsPerStatement);
            for (int i = 0; i < rowsPerStatement; i++) g.counts.add(1);
        } else {
            for (int r = 0; r < g.staged; r++) {
                for (int i = 0; i < w; i++) bind(g.ps, i + 1, g.values[r * w + i]);
                g.ps.addBatch();
            }
            int[] gc = g.ps.executeBatch();
            if (gc.length == g.staged) for (int v : gc) g.counts.add(v);
            else g.countsLost = true;
        }
        java.util.Arrays.fill(g.values, 0, g.staged * w, null);
        g.staged = 0;
        g.unrun = 0;
    }

    /** Runs each group's rows added since its last run, keeping their counts in order. */
    private void runAdded() throws SQLException {
        for (Group g : groups) {
            if (rowsPerStatement > 0) {
                runStaged(g);
                continue;
            }
            if (g.unrun == 0) continue;
            int[] gc = g.ps.executeBatch();
            if (gc.length == g.unrun) for (int v : gc) g.counts.add(v);
            else g.countsLost = true; // fewer counts than rows: none per row (as executeBatch says)
            g.unrun = 0;
        }
        unrun = 0;
    }

    /**
     * Runs every group's batch.
     *
     * @return each row's update count, in the order the rows were added (as {@code executeBatch} gives them)
     */
    public int[] execute() throws SQLException {
        runAdded();
        int[] out = new int[order.size];
        int[] next = new int[groups.size()];
        for (int i = 0; i < out.length; i++) {
            Group g = groups.get(order.values[i]);
            // a driver may report fewer counts than rows (none per row): say so as executeBatch does
            out[i] = g.countsLost ? java.sql.Statement.SUCCESS_NO_INFO : g.counts.values[next[g.index]++];
        }
        return out;
    }

    private Group group(long filled) throws SQLException {
        for (Group g : groups) {
            if (g.filled == filled) return last = g;
        }
        Group g = new Group(groups.size(), filled, Long.bitCount(filled));
        g.ps = c.prepareStatement(g.sql(1));
        groups.add(g);
        return last = g;
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (Group g : groups) {
            for (PreparedStatement ps : new PreparedStatement[]{g.ps, g.multi}) {
                if (ps == null) continue;
                try {
                    ps.close();
                } catch (SQLException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw first;
    }

    private final class Group {
        final int index;
        final long filled;
        /** Values a row binds. */
        final int width;
        PreparedStatement ps;
        /** The multi-row statement ({@link #rowsPerStatement} rows), prepared at its first use; or null. */
        PreparedStatement multi;
        int rows;
        int unrun;
        /** Rows staged for the multi-row statement, and their values row after row. */
        int staged;
        Object[] values;
        final IntList counts = new IntList();
        boolean countsLost;

        Group(int index, long filled, int width) {
            this.index = index;
            this.filled = filled;
            this.width = width;
        }

        /** The insert of {@code rows} rows of this group's columns. */
        String sql(int rows) {
            StringBuilder sql = new StringBuilder(64 + columns.length * 24 + rows * width * 3).append("INSERT INTO ")
                    .append(table).append(" (");
            int n = 0;
            for (int i = 0; i < columns.length; i++) {
                if ((filled & (1L << i)) == 0) continue;
                if (n++ > 0) sql.append(", ");
                sql.append(columns[i]);
            }
            sql.append(") VALUES ");
            String one = "(" + "?, ".repeat(n - 1) + "?)";
            for (int r = 0; r < rows; r++) sql.append(r > 0 ? ", " : "").append(one);
            if (!tail.isEmpty()) sql.append(' ').append(tail);
            return sql.toString();
        }
    }

    private static final class IntList {
        int[] values = new int[64];
        int size;

        void add(int v) {
            if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }
    }
}
