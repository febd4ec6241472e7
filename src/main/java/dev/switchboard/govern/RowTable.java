package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A table of {@link BudgetedRow}s ({@code end_users}, {@code teams}, {@code users}) keyed by their id: read, made,
 * changed under a lock and deleted. Blocking JDBC: called only from an admin API's worker, the periodic sync and at
 * start.
 */
abstract class RowTable<R extends BudgetedRow> {
    final Database db;
    private final String table;
    private final String idColumn;
    private final String columns;
    private final String placeholders;
    private final String updateSet;

    /** @param columns the table's columns, the id first, in the order {@link #bind} sets them and {@link #read} reads them */
    RowTable(Database db, String table, List<String> columns) {
        this.db = db;
        this.table = table;
        this.idColumn = columns.get(0);
        this.columns = String.join(", ", columns);
        this.placeholders = String.join(",", java.util.Collections.nCopies(columns.size(), "?"));
        this.updateSet = String.join(", ", columns.subList(1, columns.size()).stream().map(c -> c + " = excluded." + c).toList());
    }

    /** Sets every column of the row, in {@code columns}' order, from parameter 1. */
    abstract void bind(PreparedStatement ps, R row) throws SQLException;

    /** The row at the result set's cursor, its columns in {@code columns}' order. */
    abstract R read(ResultSet rs) throws SQLException;

    List<R> all() {
        return db.transaction(c -> {
            List<R> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + table);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
            return out;
        });
    }

    /**
     * The stored rows of these ids (absent ids left out), read for a change in the same transaction that writes it: on
     * PostgreSQL the rows are locked until it commits, so two gateways changing one row at once take turns and neither
     * writes back what the other just changed. Blocks.
     */
    Map<String, R> change(Collection<String> ids, Function<Map<String, R>, Collection<R>> changes) {
        return change(ids, null, changes);
    }

    /**
     * @param blank the row to make first for an id that has none (LiteLLM's block of an unknown end user), or null: made
     *              with ON CONFLICT DO NOTHING before the rows are read and locked, so a row another gateway makes at the
     *              same moment is changed, not overwritten by a blank one (FOR UPDATE locks no row that is not there)
     */
    Map<String, R> change(Collection<String> ids, Function<String, R> blank, Function<Map<String, R>, Collection<R>> changes) {
        List<String> sorted = ids.stream().sorted().distinct().toList(); // one lock order for every gateway: no deadlock
        return db.transaction(c -> {
            writeFirst(c, sorted.get(0));
            if (blank != null) {
                try (PreparedStatement ps = c.prepareStatement(insertIgnoring())) {
                    for (String id : sorted) {
                        bind(ps, blank.apply(id));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            Map<String, R> found = new java.util.LinkedHashMap<>();
            String lock = db.kind() == Database.Kind.POSTGRESQL ? " FOR UPDATE" : "";
            try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + table + " WHERE " + idColumn + " = ?" + lock)) {
                for (String id : sorted) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) found.put(id, read(rs));
                    }
                }
            }
            Collection<R> write = changes.apply(found);
            if (!write.isEmpty()) upsert(c, write);
            Map<String, R> out = new java.util.LinkedHashMap<>();
            for (R u : write) out.put(u.id(), u);
            return out;
        });
    }

    /**
     * On SQLite a transaction that reads first cannot take the write lock once another connection wrote meanwhile (it
     * fails at once, the busy timeout notwithstanding): a write that changes nothing takes it first, as the budget grants'
     * heartbeat does. PostgreSQL locks the rows it reads instead (FOR UPDATE).
     */
    void writeFirst(Connection c, String anyId) throws SQLException {
        if (db.kind() == Database.Kind.POSTGRESQL) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET updated_at = updated_at WHERE " + idColumn + " = ?")) {
            ps.setString(1, anyId);
            ps.executeUpdate();
        }
    }

    /** The stored row of this id, or null. Blocks. */
    R get(String id) {
        return get(0, id);
    }

    /** As {@link #get(String)}, each statement bounded on PostgreSQL by {@code timeoutMillis} (0: none). Blocks. */
    R get(long timeoutMillis, String id) {
        return db.transaction(timeoutMillis, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + table + " WHERE " + idColumn + " = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? read(rs) : null;
                }
            }
        });
    }

    /** @return false when a row with this id exists already (nothing written; another gateway's at the same moment too) */
    boolean insert(R u) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(insertIgnoring())) {
                bind(ps, u);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Writes each row over its stored one, or makes it, in one step. */
    void upsert(Collection<R> rows) {
        db.transaction(c -> {
            upsert(c, rows);
            return null;
        });
    }

    private void upsert(Connection c, Collection<R> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ") "
                + "ON CONFLICT (" + idColumn + ") DO UPDATE SET " + updateSet)) {
            for (R u : rows) {
                bind(ps, u);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private String insertIgnoring() {
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ") ON CONFLICT (" + idColumn + ") DO NOTHING";
    }

    /** Deletes the rows of these ids when every one of them is stored; else deletes nothing. @return the ids not stored */
    List<String> deleteAll(Collection<String> ids) {
        return db.transaction(c -> {
            writeFirst(c, ids.iterator().next());
            List<String> missing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + idColumn + " = ?")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) missing.add(id);
                    }
                }
            }
            if (!missing.isEmpty()) return missing;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + idColumn + " = ?")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return missing;
        });
    }

    /**
     * The ledger's spend since {@code sinceMillis} of the rows whose {@code column} ({@code end_user}, {@code team_id}: a
     * constant, never input) is {@code value}: the start of a budget period. Blocks.
     */
    static long ledgerSpent(Connection c, String column, String value, long sinceMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM spend_logs WHERE " + column
                + " = ? AND ended_at >= ? AND in_ledger = TRUE")) {
            ps.setString(1, value);
            ps.setLong(2, sinceMillis);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A column that may be null: a number of dollars. */
    static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) ps.setNull(i, java.sql.Types.DOUBLE);
        else ps.setDouble(i, v);
    }

    /** A column that may be null: a whole number (a limit). */
    static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, java.sql.Types.BIGINT);
        else ps.setLong(i, v);
    }

    static Double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    /** A duration column ({@code budget_duration}), null for none. */
    static dev.switchboard.model.DurationSpec getDuration(ResultSet rs, int i) throws SQLException {
        String v = rs.getString(i);
        return v == null ? null : dev.switchboard.model.DurationSpec.parse(v);
    }

    /** A JSON list of model names ({@code models}). */
    static List<String> getModels(ResultSet rs, int i, String where) throws SQLException {
        try {
            return KeyJson.mapper().readValue(rs.getString(i), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(where + ": models is not a JSON list", e);
        }
    }

    /** A JSON object column's text as an object (null for none). */
    static com.fasterxml.jackson.databind.node.ObjectNode jsonObject(String text, String where) {
        if (text == null) return null;
        try {
            return (com.fasterxml.jackson.databind.node.ObjectNode) KeyJson.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException(where + ": metadata is not a JSON object", e);
        }
    }

    /** A JSON value as a column's text (null for none). */
    static String jsonText(Object value) {
        if (value == null) return null;
        try {
            return KeyJson.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
