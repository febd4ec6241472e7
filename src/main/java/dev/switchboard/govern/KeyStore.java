package dev.switchboard.govern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;

/**
 * The {@code virtual_keys} table, and the ledger sums a key's budget is rebuilt from at start and its spend is read
 * from for the admin API ({@link KeySpends}). Blocking JDBC: called only on workers and at start.
 */
final class KeyStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "key_id, token, key_name, key_alias, models, max_budget, soft_budget, "
            + "budget_duration, budget_anchor, budget_spend_from, expires_at, rpm_limit, tpm_limit, max_parallel_requests, auto_tier, "
            + "metadata, tags, blocked, created_at, updated_at, allowed_cache_controls, user_id, team_id, aliases";

    private final Database db;

    KeyStore(Database db) { this.db = db; }

    List<VirtualKey> all() {
        return db.transaction(c -> {
            List<VirtualKey> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM virtual_keys");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
            return out;
        });
    }

    void insert(VirtualKey k) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO virtual_keys (" + COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                bind(ps, k);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Replaces the stored row of {@code k.keyId()} (token included, for rotation). A rotation's old hash is kept in
     * {@link RetiredTokens} in the same transaction: the calls made with the old secret are filed under the same key id.
     */
    void update(VirtualKey k, long nowMillis) {
        db.transaction(c -> {
            try (PreparedStatement retire = RetiredTokens.retiring(c)) {
                RetiredTokens.add(retire, k.keyId(), k.token(), RetiredTokens.REGENERATED, nowMillis);
                retire.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE virtual_keys SET key_id=?, token=?, key_name=?, key_alias=?, "
                    + "models=?, max_budget=?, soft_budget=?, budget_duration=?, budget_anchor=?, budget_spend_from=?, expires_at=?, rpm_limit=?, "
                    + "tpm_limit=?, max_parallel_requests=?, auto_tier=?, metadata=?, tags=?, blocked=?, created_at=?, "
                    + "updated_at=?, allowed_cache_controls=?, user_id=?, team_id=?, aliases=? WHERE key_id=?")) {
                bind(ps, k);
                ps.setString(25, k.keyId());
                if (ps.executeUpdate() != 1) throw new SQLException("key " + k.keyId() + " is not in the store");
            }
            return null;
        });
    }

    /**
     * The keys of a user ({@code user_id}), or of a user in one team ({@code team_id} too): key id → token, from the
     * store, so keys another gateway made a moment ago are there too. Blocks.
     */
    java.util.Map<String, String> keysOf(String userId, String teamId) {
        return db.transaction(c -> {
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, token FROM virtual_keys WHERE user_id = ?"
                    + (teamId == null ? "" : " AND team_id = ?"))) {
                ps.setString(1, userId);
                if (teamId != null) ps.setString(2, teamId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /**
     * Deletes all of them or none. Each key's hash is kept in {@link RetiredTokens} first, in the same transaction, so a
     * spend filter by the deleted key's secret or hash still finds its calls.
     */
    void delete(List<String> keyIds, long nowMillis) {
        db.transaction(c -> {
            try (PreparedStatement retire = RetiredTokens.retiring(c)) {
                for (String id : keyIds) RetiredTokens.add(retire, id, null, RetiredTokens.DELETED, nowMillis);
                retire.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM virtual_keys WHERE key_id=?")) {
                for (String id : keyIds) {
                    ps.setString(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** What the key spent in its budget period holding {@code nowMillis} (for ever, without a duration), from the ledger. */
    long spentThisPeriod(VirtualKey k, long nowMillis) {
        return spentSince(k.keyId(), periodStart(k, nowMillis));
    }

    /** The most keys one grouped sum names: two parameters a key, well under SQLite's and PostgreSQL's limits. */
    static final int KEYS_PER_SUM = 500;

    /**
     * What each key spent in its budget period holding {@code nowMillis}, from the ledger, by key id (a key with no row
     * is absent): one grouped sum per {@value #KEYS_PER_SUM} keys, in one transaction. Each key's period starts at its
     * own time, so the keys and their starts are a VALUES list joined on key_id, each row counted from its key's start
     * (the {@code spend_logs_key} index, key_id then ended_at, serves each key's range): a dashboard page of 1,000 keys
     * was 1,000 sums.
     */
    java.util.Map<String, Long> spentThisPeriod(java.util.Collection<VirtualKey> keys, long nowMillis) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        if (keys.isEmpty()) return out;
        List<VirtualKey> all = List.copyOf(keys);
        return db.transaction(c -> {
            for (int from = 0; from < all.size(); from += KEYS_PER_SUM) {
                List<VirtualKey> part = all.subList(from, Math.min(all.size(), from + KEYS_PER_SUM));
                // VALUES names its columns column1, column2 on SQLite and PostgreSQL alike; the casts type the parameters
                String rows = String.join(", ", java.util.Collections.nCopies(part.size(), "(CAST(? AS VARCHAR(64)), CAST(? AS BIGINT))"));
                String sql = "SELECT s.key_id, COALESCE(SUM(s.cost_nanos), 0) FROM spend_logs s JOIN (VALUES " + rows
                        + ") AS p ON s.key_id = p.column1 WHERE s.ended_at >= p.column2 AND s.in_ledger = TRUE GROUP BY s.key_id";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    for (VirtualKey k : part) {
                        ps.setString(i++, k.keyId());
                        ps.setLong(i++, periodStart(k, nowMillis));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    /** The start of the key's budget period holding {@code nowMillis}; its anchor when the budget never resets. */
    static long periodStart(VirtualKey k, long nowMillis) {
        return BudgetPeriod.of(k).start(nowMillis);
    }

    long spentSince(String keyId, long sinceMillis) {
        return db.transaction(c -> spentSince(c, keyId, sinceMillis));
    }

    static long spentSince(Connection c, String keyId, long sinceMillis) throws SQLException {
        String sql = "SELECT COALESCE(SUM(cost_nanos), 0) FROM spend_logs WHERE ended_at >= ? AND in_ledger = TRUE" + (keyId == null ? "" : " AND key_id = ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sinceMillis);
            if (keyId != null) ps.setString(2, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement ps, VirtualKey k) throws SQLException {
        ps.setString(1, k.keyId());
        ps.setString(2, k.token());
        ps.setString(3, k.keyName());
        ps.setString(4, k.alias());
        ps.setString(5, json(k.models()));
        setDouble(ps, 6, k.maxBudget());
        setDouble(ps, 7, k.softBudget());
        ps.setString(8, k.budgetDuration() == null ? null : k.budgetDuration().text());
        ps.setLong(9, k.budgetAnchor());
        setLong(ps, 10, k.budgetSpendFrom());
        setLong(ps, 11, k.expiresAt());
        setLong(ps, 12, k.rpmLimit());
        setLong(ps, 13, k.tpmLimit());
        setLong(ps, 14, k.maxParallelRequests());
        ps.setString(15, k.autoTier());
        ps.setString(16, json(k.metadata() == null ? JSON.createObjectNode() : k.metadata()));
        ps.setString(17, json(k.tags()));
        ps.setBoolean(18, k.blocked());
        ps.setLong(19, k.createdAt());
        ps.setLong(20, k.updatedAt());
        ps.setString(21, k.allowedCacheControls() == null ? null : json(k.allowedCacheControls()));
        ps.setString(22, k.userId());
        ps.setString(23, k.teamId());
        ps.setString(24, k.aliases().isEmpty() ? null : json(k.aliases()));
    }

    private static VirtualKey read(ResultSet rs) throws SQLException {
        String duration = rs.getString("budget_duration");
        JsonNode meta = parse(rs.getString("metadata"));
        return KeyTags.adopted(new VirtualKey(rs.getString("key_id"), rs.getString("token"), rs.getString("key_name"),
                rs.getString("key_alias"), strings(rs.getString("models")), getDouble(rs, "max_budget"),
                getDouble(rs, "soft_budget"), duration == null ? null : DurationSpec.parse(duration),
                rs.getLong("budget_anchor"), getLong(rs, "budget_spend_from"), getLong(rs, "expires_at"), getLong(rs, "rpm_limit"), getLong(rs, "tpm_limit"),
                getLong(rs, "max_parallel_requests"), rs.getString("auto_tier"),
                meta instanceof ObjectNode o ? o : JSON.createObjectNode(), strings(rs.getString("tags")),
                rs.getBoolean("blocked"), rs.getLong("created_at"), rs.getLong("updated_at"),
                rs.getString("allowed_cache_controls") == null ? null : strings(rs.getString("allowed_cache_controls")),
                rs.getString("user_id"), rs.getString("team_id"), aliases(rs.getString("aliases"))));
    }

    /** The stored aliases object; a row that holds anything else (hand-edited) reads as none. */
    private static java.util.Map<String, String> aliases(String s) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (parse(s) instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> { if (e.getValue().isTextual()) out.put(e.getKey(), e.getValue().textValue()); });
        }
        return out;
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) ps.setNull(i, Types.DOUBLE);
        else ps.setDouble(i, v);
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }

    private static Double getDouble(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    private static Long getLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String s) {
        try {
            return s == null ? null : JSON.readTree(s);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static List<String> strings(String s) {
        JsonNode n = parse(s);
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) n.forEach(e -> out.add(e.asText()));
        return out;
    }
}
