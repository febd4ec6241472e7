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
import java.util.Set;

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

    /** A change of one stored key, made from its row as the store holds it now, in the transaction that writes it. */
    interface KeyChange {
        VirtualKey apply(VirtualKey stored, Holders holders) throws SQLException;
    }

    /** Which key holds an alias or a secret now, read in a change's own transaction (the columns are unique). */
    interface Holders {
        /** @return the id of the stored key with this alias, or null */
        String keyWithAlias(String alias) throws SQLException;

        /** @return the id of the stored key with this token hash, or null */
        String keyWithToken(String token) throws SQLException;

        /** @return the id of the key whose old secret this hash is, in its grace period at {@code nowMillis}, or null */
        String keyInGrace(String token, long nowMillis) throws SQLException;
    }

    /**
     * Reads the row {@code ref} names in the transaction that writes it — locked until it commits on PostgreSQL
     * ({@code SELECT … FOR UPDATE}), under the write lock on SQLite — and writes back what {@code change} makes of it. So
     * two gateways changing one key take turns, each starting from the row the other wrote, never from its own copy in
     * memory, which may be a sync (2 s) old: a field, a block or a rotation another gateway just wrote is kept. A
     * PostgreSQL transaction that waited for the lock re-reads the row, so a key rotated (its token) or renamed (its
     * alias) meanwhile no longer matches the name it was asked by.
     *
     * @return the row written, or null when no stored key has that name (deleted, or a secret rotated away)
     */
    VirtualKey change(KeyRef ref, KeyChange change) { return change(ref, change, null); }

    /**
     * As {@link #change(KeyRef, KeyChange)}; a change that rotates the key's secret lets the old one work as the key until
     * {@code graceUntil} (epoch ms; null: it stops with this transaction), and ends any grace an earlier rotation gave.
     */
    VirtualKey change(KeyRef ref, KeyChange change, Long graceUntil) {
        return db.transaction(c -> {
            takeWriteLock(c, ref.lookups().get(0));
            VirtualKey stored = find(c, ref, true);
            if (stored == null) return null;
            VirtualKey changed = change.apply(stored, holders(c));
            if (changed.updatedAt() <= stored.updatedAt()) {
                // every change stamps a later updated_at than the row it replaces, even in the same millisecond or under a
                // clock behind another gateway's: the other gateways' sync takes in a row whose stamp moved
                changed = changed.withUpdatedAt(stored.updatedAt() + 1);
            }
            if (!changed.token().equals(stored.token())) { // a rotation: the old hash still finds the key's calls
                RetiredTokens.endGraces(c, stored.keyId()); // an earlier rotation's old secret stops; this one's may go on
                try (PreparedStatement retire = RetiredTokens.retiring(c)) {
                    RetiredTokens.add(retire, stored.keyId(), changed.token(), RetiredTokens.REGENERATED, changed.updatedAt(), graceUntil);
                    retire.executeBatch();
                }
            }
            write(c, changed);
            return changed;
        });
    }

    /**
     * Deletes the keys these names find, in one transaction: the names in order, each the row it found (null for none)
     * once that row is deleted. A key is deleted as found — by its id and the name's own column — in key id order (one
     * lock order for every gateway), so one rotated or renamed meanwhile by another gateway is left, its names not found.
     */
    List<VirtualKey> deleteNamed(List<KeyRef> refs, long nowMillis) {
        return db.transaction(c -> {
            takeWriteLock(c, refs.get(0).lookups().get(0));
            List<VirtualKey> found = new ArrayList<>();
            java.util.TreeMap<String, KeyRef.Lookup> byId = new java.util.TreeMap<>();
            for (KeyRef ref : refs) {
                VirtualKey k = find(c, ref, false);
                found.add(k);
                if (k != null) byId.putIfAbsent(k.keyId(), matched(k, ref));
            }
            // locked before anything is written, in key id order: a rotation on another gateway locks the row first too
            // and then writes retired_tokens, so a delete that wrote there first and then waited for the row deadlocked
            byId.entrySet().removeIf(e -> !lockRow(c, e.getKey(), e.getValue()));
            Set<String> deleted = new java.util.HashSet<>();
            if (!byId.isEmpty()) { // each key's hash kept first (RetiredTokens): a deleted key's calls stay findable by it
                try (PreparedStatement retire = RetiredTokens.retiring(c)) {
                    for (String id : byId.keySet()) RetiredTokens.add(retire, id, null, RetiredTokens.DELETED, nowMillis);
                    retire.executeBatch();
                }
            }
            for (var e : byId.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM virtual_keys WHERE key_id = ? AND "
                        + e.getValue().column() + " = ?")) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue().value());
                    if (ps.executeUpdate() == 1) deleted.add(e.getKey());
                }
            }
            found.replaceAll(k -> k != null && deleted.contains(k.keyId()) ? k : null);
            return found;
        });
    }

    /** The stored row of this key id, or null. Blocks. */
    VirtualKey byId(String keyId) {
        return db.transaction(c -> find(c, new KeyRef(List.of(new KeyRef.Lookup("key_id", keyId))), false));
    }

    /**
     * The stored row whose secret hashes to {@code token}, or null; a call waits for this ({@link KeyAdmin#lookUp}), so
     * on PostgreSQL it fails after {@link KeyAdmin#KEY_LOOKUP_MILLIS} rather than hold the admin worker and a pooled
     * connection as long as a hung store would. Blocks.
     */
    VirtualKey byToken(String token) {
        return db.transaction(KeyAdmin.KEY_LOOKUP_MILLIS, c -> find(c, new KeyRef(List.of(new KeyRef.Lookup("token", token))), false));
    }

    /**
     * The id of the key whose old secret {@code token} is in its grace period at {@code nowMillis} (a rotation with a
     * grace on another gateway since this one's last sync), or null; bounded as {@link #byToken}. Blocks.
     */
    String inGrace(String token, long nowMillis) {
        return db.transaction(KeyAdmin.KEY_LOOKUP_MILLIS, c -> RetiredTokens.inGrace(c, token, nowMillis));
    }

    /** The key ids' current tokens, those still stored. Blocks. */
    java.util.Map<String, String> tokensOf(java.util.Collection<String> keyIds) {
        return db.transaction(c -> {
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT token FROM virtual_keys WHERE key_id = ?")) {
                for (String id : keyIds) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) out.put(id, rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** The first row the ref's lookups find, locked for this transaction when {@code lock} on PostgreSQL. */
    private VirtualKey find(Connection c, KeyRef ref, boolean lock) throws SQLException {
        String forUpdate = lock && db.kind() == Database.Kind.POSTGRESQL ? " FOR UPDATE" : "";
        for (KeyRef.Lookup l : ref.lookups()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM virtual_keys WHERE " + l.column() + " = ?" + forUpdate)) {
                ps.setString(1, l.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return read(rs);
                }
            }
        }
        return null;
    }

    /**
     * On PostgreSQL, locks key {@code keyId}'s row while the lookup's column still holds its value (a key another gateway
     * rotated or renamed while this transaction waited no longer matches); SQLite's write lock is the database's, held
     * already. @return whether the row is there to change
     */
    private boolean lockRow(Connection c, String keyId, KeyRef.Lookup as) {
        if (db.kind() != Database.Kind.POSTGRESQL) return true;
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM virtual_keys WHERE key_id = ? AND " + as.column()
                + " = ? FOR UPDATE")) {
            ps.setString(1, keyId);
            ps.setString(2, as.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new dev.switchboard.store.StoreException("locking key " + keyId + " failed: " + e.getMessage(), e);
        }
    }

    /** The lookup of the ref that finds this row (the first whose column holds its value). */
    private static KeyRef.Lookup matched(VirtualKey k, KeyRef ref) {
        for (KeyRef.Lookup l : ref.lookups()) {
            String v = switch (l.column()) {
                case "token" -> k.token();
                case "key_id" -> k.keyId();
                default -> k.alias();
            };
            if (l.value().equals(v)) return l;
        }
        return new KeyRef.Lookup("key_id", k.keyId());
    }

    /**
     * On SQLite a transaction that reads first cannot take the write lock once another connection wrote meanwhile (it
     * fails at once, the busy timeout notwithstanding): a write that changes nothing takes it first, as the team and user
     * tables' changes do ({@link RowTable#writeFirst}). PostgreSQL locks the row it reads instead (FOR UPDATE).
     */
    private void takeWriteLock(Connection c, KeyRef.Lookup any) throws SQLException {
        if (db.kind() == Database.Kind.POSTGRESQL) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE virtual_keys SET updated_at = updated_at WHERE " + any.column() + " = ?")) {
            ps.setString(1, any.value());
            ps.executeUpdate();
        }
    }

    private static Holders holders(Connection c) {
        return new Holders() {
            @Override public String keyWithAlias(String alias) throws SQLException { return keyWhere(c, "key_alias", alias); }

            @Override public String keyWithToken(String token) throws SQLException { return keyWhere(c, "token", token); }

            @Override public String keyInGrace(String token, long nowMillis) throws SQLException {
                return RetiredTokens.inGrace(c, token, nowMillis);
            }
        };
    }

    private static String keyWhere(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM virtual_keys WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Replaces the stored row of {@code k.keyId()} (token included, for rotation). */
    private static void write(Connection c, VirtualKey k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE virtual_keys SET key_id=?, token=?, key_name=?, key_alias=?, "
                + "models=?, max_budget=?, soft_budget=?, budget_duration=?, budget_anchor=?, budget_spend_from=?, expires_at=?, rpm_limit=?, "
                + "tpm_limit=?, max_parallel_requests=?, auto_tier=?, metadata=?, tags=?, blocked=?, created_at=?, "
                + "updated_at=?, allowed_cache_controls=?, user_id=?, team_id=?, aliases=? WHERE key_id=?")) {
            bind(ps, k);
            ps.setString(25, k.keyId());
            if (ps.executeUpdate() != 1) throw new SQLException("key " + k.keyId() + " is not in the store");
        }
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
            // the rows locked first, in key id order, as every other change of a key takes them (see deleteNamed)
            for (String id : new java.util.TreeSet<>(keyIds)) lockRow(c, id, new KeyRef.Lookup("key_id", id));
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
        return spentThisPeriod(List.of(k), nowMillis).getOrDefault(k.keyId(), 0L);
    }

    /** The most keys one grouped sum names: four parameters a key, well under SQLite's and PostgreSQL's limits. */
    static final int KEYS_PER_SUM = 500;
    /** A UTC day of the daily rollups ({@code spend_daily.day} is {@code ended_at / DAY_MILLIS}). */
    static final long DAY_MILLIS = 86_400_000L;

    /**
     * Where one key's period sum reads what: ledger rows in [{@code headFrom}, {@code headTo}) (the start's partial UTC
     * day), and {@code spend_daily} for the UTC days from {@code dayFrom} on: the whole days, today and any day stamped
     * later. Today's rollup rows are written in the transaction of today's ledger rows (RollupWriter), so one snapshot
     * sees them equal to the rows' sum: today is read as its few rollup rows, not row by row. A period starting at a
     * UTC midnight has no head; one starting mid-day reads the rest of that day from the rows (today included, when the
     * period started today).
     */
    record PeriodParts(long headFrom, long headTo, long dayFrom) {
        static PeriodParts of(long start) {
            long dayFrom = Math.floorDiv(start + DAY_MILLIS - 1, DAY_MILLIS); // the first midnight at or after the start
            return new PeriodParts(start, dayFrom * DAY_MILLIS, dayFrom);
        }
    }

    /**
     * What each key spent in its budget period holding {@code nowMillis}, by key id (a key with no spend is absent):
     * one grouped sum per {@value #KEYS_PER_SUM} keys, in one statement (one snapshot) each, in one transaction. Each
     * key's period starts at its own time, so the keys and their parts ({@link PeriodParts}) are a VALUES list joined
     * on key_id. The days from the first midnight of the period on (today included) are read from the daily rollup
     * {@code spend_daily}, which the ledger's writer keeps in the transaction of the rows it sums (so it equals their
     * sum); only the start's partial day is summed from the ledger's rows ({@code spend_logs_key}, key_id then
     * ended_at, covering): a key's month of rows made the sum, and so /key/info, /key/list, the dashboard's overview
     * and a gateway's start, grow with its calls (about 50 ms per 100,000 rows on SQLite), and until the
     * thirty-eighth session today's rows were still summed one by one.
     */
    java.util.Map<String, Long> spentThisPeriod(java.util.Collection<VirtualKey> keys, long nowMillis) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        if (keys.isEmpty()) return out;
        List<VirtualKey> all = List.copyOf(keys);
        return db.transaction(c -> {
            for (int from = 0; from < all.size(); from += KEYS_PER_SUM) {
                List<VirtualKey> part = all.subList(from, Math.min(all.size(), from + KEYS_PER_SUM));
                try (PreparedStatement ps = c.prepareStatement(periodSpendSql(part.size()))) {
                    int i = 1;
                    long firstDay = Long.MAX_VALUE;
                    for (VirtualKey k : part) {
                        PeriodParts pp = PeriodParts.of(periodStart(k, nowMillis));
                        firstDay = Math.min(firstDay, pp.dayFrom());
                        ps.setString(i++, k.keyId());
                        ps.setLong(i++, pp.headFrom());
                        ps.setLong(i++, pp.headTo());
                        ps.setLong(i++, pp.dayFrom());
                    }
                    ps.setLong(i, firstDay);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    /**
     * {@link #spentThisPeriod(java.util.Collection, long)}'s statement for {@code keys} keys: per key its id, the head's
     * from and to and the first day (four parameters), then the first day of them all. Package-visible so that
     * KeyPeriodSpendPlanTest plans this very text, not a copy of it.
     */
    static String periodSpendSql(int keys) {
        // VALUES names its columns column1, column2, … on SQLite and PostgreSQL alike; the casts type the parameters
        String rows = String.join(", ", java.util.Collections.nCopies(keys,
                "(CAST(? AS VARCHAR(64)), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))"));
        // two ranges, each an index range of its own (an OR of them would read every row from the start). CROSS
        // JOIN makes SQLite loop over p first, so each part is a search of one key's range (spend_logs_key; V32's
        // spend_daily_key): with a plain JOIN (no ANALYZE) it put spend_logs outer and walked the whole index with
        // only the >= bound, and read every key's spend_daily rows of the days (62-75 ms for one key of 3,000).
        // PostgreSQL takes no ON after CROSS JOIN (hence WHERE) and plans the join as it likes. The rollup's part
        // also names the keys' first day as a plain bound (each key's bound narrows it further)
        return "WITH p AS (VALUES " + rows + ") SELECT k, SUM(v) FROM ("
                + "SELECT s.key_id AS k, s.cost_nanos AS v FROM p CROSS JOIN spend_logs s WHERE s.key_id = p.column1"
                + " AND s.ended_at >= p.column2 AND s.ended_at < p.column3 AND s.in_ledger = TRUE"
                + " UNION ALL SELECT d.key_id, d.cost_nanos FROM p CROSS JOIN spend_daily d WHERE d.key_id = p.column1"
                + " AND d.day >= p.column4 AND d.day >= ?"
                + ") x GROUP BY k";
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
