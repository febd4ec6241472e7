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

    /**
     * @param columns the table's columns, in the order values are given
     * @param tail    what follows the VALUES list (e.g. {@code ON CONFLICT DO NOTHING}), or ""
     */
    public SparseInsert(Connection c, String table, String[] columns, String tail) {
        this(c, table, columns, tail, CoreShare.NEVER);
    }

    private SparseInsert(Connection c, String table, String[] columns, String tail, CoreShare pace) {
        if (columns.length > 64) throw new IllegalArgumentException("at most 64 columns");
        this.pace = pace;
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
        return new SparseInsert(c, table, columns, tail, pace);
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
        PreparedStatement ps = g.ps;
        int p = 1;
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
        ps.addBatch();
        g.rows++;
        g.unrun++;
        order.add(g.index);
        at = 0;
        if (++unrun % SHARE_ROWS == 0 && pace.shares() && pace.due()) {
            runAdded();
            pace.offerNow();
        }
    }

    /** Runs each group's rows added since its last run, keeping their counts in order. */
    private void runAdded() throws SQLException {
        for (Group g : groups) {
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
        StringBuilder sql = new StringBuilder(64 + columns.length * 24).append("INSERT INTO ").append(table).append(" (");
        int n = 0;
        for (int i = 0; i < columns.length; i++) {
            if ((filled & (1L << i)) == 0) continue;
            if (n++ > 0) sql.append(", ");
            sql.append(columns[i]);
        }
        sql.append(") VALUES (").append("?, ".repeat(n - 1)).append("?)");
        if (!tail.isEmpty()) sql.append(' ').append(tail);
        Group g = new Group(groups.size(), filled, c.prepareStatement(sql.toString()));
        groups.add(g);
        return last = g;
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (Group g : groups) {
            try {
                g.ps.close();
            } catch (SQLException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private static final class Group {
        final int index;
        final long filled;
        final PreparedStatement ps;
        int rows;
        int unrun;
        final IntList counts = new IntList();
        boolean countsLost;

        Group(int index, long filled, PreparedStatement ps) {
            this.index = index;
            this.filled = filled;
            this.ps = ps;
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
