package dev.switchboard.govern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code end_users} table (LiteLLM's customers), and an end user's spend from the ledger. Blocking JDBC: called only
 * from {@link EndUserAdmin}'s worker, the periodic sync and at start.
 */
final class EndUserStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "user_id, alias, max_budget, budget_duration, budget_anchor, blocked, metadata, "
            + "created_at, updated_at";

    private final Database db;

    EndUserStore(Database db) { this.db = db; }

    List<EndUser> all() {
        return db.transaction(c -> {
            List<EndUser> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM end_users");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
            return out;
        });
    }

    /**
     * The stored rows of these ids (absent ids left out), read for a change in the same transaction that writes it: on
     * PostgreSQL the rows are locked until it commits, so two gateways changing one end user at once take turns and
     * neither writes back what the other just changed. Blocks.
     */
    java.util.Map<String, EndUser> change(Collection<String> ids, java.util.function.Function<java.util.Map<String, EndUser>,
            Collection<EndUser>> changes) {
        return change(ids, null, changes);
    }

    /**
     * @param blank the row to make first for an id that has none (LiteLLM's block of an unknown end user), or null: made
     *              with ON CONFLICT DO NOTHING before the rows are read and locked, so a row another gateway makes at the
     *              same moment is changed, not overwritten by a blank one (FOR UPDATE locks no row that is not there)
     */
    java.util.Map<String, EndUser> change(Collection<String> ids, java.util.function.Function<String, EndUser> blank,
            java.util.function.Function<java.util.Map<String, EndUser>, Collection<EndUser>> changes) {
        List<String> sorted = ids.stream().sorted().distinct().toList(); // one lock order for every gateway: no deadlock
        return db.transaction(c -> {
            writeFirst(c, sorted.get(0));
            if (blank != null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO end_users (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?) "
                        + "ON CONFLICT (user_id) DO NOTHING")) {
                    for (String id : sorted) {
                        bind(ps, blank.apply(id));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            java.util.Map<String, EndUser> found = new java.util.LinkedHashMap<>();
            String lock = db.kind() == Database.Kind.POSTGRESQL ? " FOR UPDATE" : "";
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM end_users WHERE user_id = ?" + lock)) {
                for (String id : sorted) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) found.put(id, read(rs));
                    }
                }
            }
            Collection<EndUser> write = changes.apply(found);
            if (!write.isEmpty()) upsert(c, write);
            java.util.Map<String, EndUser> out = new java.util.LinkedHashMap<>();
            for (EndUser u : write) out.put(u.userId(), u);
            return out;
        });
    }

    /**
     * On SQLite a transaction that reads first cannot take the write lock once another connection wrote meanwhile (it
     * fails at once, the busy timeout notwithstanding): a write that changes nothing takes it first, as the budget grants'
     * heartbeat does. PostgreSQL locks the rows it reads instead (FOR UPDATE).
     */
    private void writeFirst(Connection c, String anyId) throws SQLException {
        if (db.kind() == Database.Kind.POSTGRESQL) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE end_users SET updated_at = updated_at WHERE user_id = ?")) {
            ps.setString(1, anyId);
            ps.executeUpdate();
        }
    }

    /** The stored row of this id, or null. Blocks. */
    EndUser get(String id) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM end_users WHERE user_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? read(rs) : null;
                }
            }
        });
    }

    /** @return false when a row with this id exists already (nothing written; another gateway's at the same moment too) */
    boolean insert(EndUser u) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO end_users (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?) "
                    + "ON CONFLICT (user_id) DO NOTHING")) {
                bind(ps, u);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Writes each row over its stored one, or makes it (LiteLLM's block of an unknown end user makes one), in one step. */
    void upsert(Collection<EndUser> users) {
        db.transaction(c -> {
            upsert(c, users);
            return null;
        });
    }

    private static void upsert(Connection c, Collection<EndUser> users) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO end_users (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?) "
                    + "ON CONFLICT (user_id) DO UPDATE SET alias = excluded.alias, max_budget = excluded.max_budget, "
                    + "budget_duration = excluded.budget_duration, budget_anchor = excluded.budget_anchor, blocked = excluded.blocked, "
                    + "metadata = excluded.metadata, created_at = excluded.created_at, updated_at = excluded.updated_at")) {
            for (EndUser u : users) {
                bind(ps, u);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Deletes the rows of these ids when every one of them is stored; else deletes nothing. @return the ids not stored */
    List<String> deleteAll(Collection<String> userIds) {
        return db.transaction(c -> {
            writeFirst(c, userIds.iterator().next());
            List<String> missing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM end_users WHERE user_id = ?")) {
                for (String id : userIds) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) missing.add(id);
                    }
                }
            }
            if (!missing.isEmpty()) return missing;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM end_users WHERE user_id = ?")) {
                for (String id : userIds) {
                    ps.setString(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return missing;
        });
    }

    /**
     * The ledger's spend of every end user who has a row, over all time (for the rows whose budget never resets), in one
     * grouped read. Blocks.
     */
    java.util.Map<String, Long> spentForEverByRow() {
        return db.transaction(c -> {
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.end_user, COALESCE(SUM(s.cost_nanos), 0) FROM spend_logs s "
                    + "JOIN end_users u ON u.user_id = s.end_user WHERE s.in_ledger = TRUE GROUP BY s.end_user");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    /** The end user's spend in the ledger since {@code sinceMillis} (the start of their budget period). */
    long spentSince(String userId, long sinceMillis) {
        return db.transaction(c -> spentSince(c, userId, sinceMillis));
    }

    static long spentSince(Connection c, String userId, long sinceMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM spend_logs WHERE end_user = ? "
                + "AND ended_at >= ? AND in_ledger = TRUE")) {
            ps.setString(1, userId);
            ps.setLong(2, sinceMillis);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement ps, EndUser u) throws SQLException {
        ps.setString(1, u.userId());
        ps.setString(2, u.alias());
        if (u.maxBudget() == null) ps.setNull(3, Types.DOUBLE);
        else ps.setDouble(3, u.maxBudget());
        ps.setString(4, u.budgetDuration() == null ? null : u.budgetDuration().text());
        ps.setLong(5, u.budgetAnchor());
        ps.setBoolean(6, u.blocked());
        try {
            ps.setString(7, u.metadata() == null ? null : JSON.writeValueAsString(u.metadata()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ps.setLong(8, u.createdAt());
        ps.setLong(9, u.updatedAt());
    }

    private static EndUser read(ResultSet rs) throws SQLException {
        double max = rs.getDouble(3);
        Double maxBudget = rs.wasNull() ? null : max;
        String duration = rs.getString(4);
        String metadata = rs.getString(7);
        ObjectNode meta = null;
        if (metadata != null) {
            try {
                meta = (ObjectNode) JSON.readTree(metadata);
            } catch (JsonProcessingException | ClassCastException e) {
                throw new IllegalStateException("end_users row " + rs.getString(1) + ": metadata is not a JSON object", e);
            }
        }
        return new EndUser(rs.getString(1), rs.getString(2), maxBudget, duration == null ? null : DurationSpec.parse(duration),
                rs.getLong(5), rs.getBoolean(6), meta, rs.getLong(8), rs.getLong(9));
    }
}
