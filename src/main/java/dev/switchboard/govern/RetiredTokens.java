package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code retired_tokens} table (migration V24): the token hashes keys no longer have, each with the key id it was
 * retired from. The ledger files calls by key id, so this is what lets a spend filter by a deleted key's secret or hash,
 * or by a rotated key's old one, find the calls made with it. Rows are written by {@link KeyStore} in the transaction
 * that deletes the key or replaces its hash, from the stored row itself, so no path that deletes or rotates a key can
 * leave its hash out. A rotated-away hash may keep working as its key for a while (LiteLLM's {@code grace_period},
 * migration V27's {@code grace_until}): {@link #graces} is what every gateway's registry holds of those. Blocking JDBC:
 * workers only.
 */
final class RetiredTokens {
    /** Why a hash was retired, as the {@code reason} column holds it. */
    static final String DELETED = "deleted";
    static final String REGENERATED = "regenerated";

    /**
     * Copies the stored hash of key {@code ?2} here before it goes, unless it is {@code ?3} (an update that keeps the
     * hash retires nothing). The latest retirement of a hash wins: that key had it last. The casts type the parameters
     * of a SELECT list, which PostgreSQL would otherwise take as text.
     */
    private static final String RETIRE = "INSERT INTO retired_tokens (token, key_id, key_alias, retired_at, reason, grace_until) "
            + "SELECT token, key_id, key_alias, CAST(? AS BIGINT), CAST(? AS VARCHAR(16)), CAST(? AS BIGINT) FROM virtual_keys "
            + "WHERE key_id = ? AND token <> ? "
            + "ON CONFLICT (token) DO UPDATE SET key_id = excluded.key_id, key_alias = excluded.key_alias, "
            + "retired_at = excluded.retired_at, reason = excluded.reason, grace_until = excluded.grace_until";

    private final Database db;

    RetiredTokens(Database db) { this.db = db; }

    /** A statement that retires keys' current hashes; {@link #add} one key to its batch. The caller closes it. */
    static PreparedStatement retiring(Connection c) throws SQLException { return c.prepareStatement(RETIRE); }

    /**
     * Adds to {@code ps}'s batch the retirement of the stored hash of {@code keyId}, unless it is {@code keptToken}
     * (null: whatever it is), with no grace period: the hash stops working with the transaction.
     */
    static void add(PreparedStatement ps, String keyId, String keptToken, String reason, long atMillis) throws SQLException {
        add(ps, keyId, keptToken, reason, atMillis, null);
    }

    /**
     * As {@link #add(PreparedStatement, String, String, String, long)}, the old secret working as the same key until
     * {@code graceUntil} (epoch ms; null: no grace): LiteLLM's {@code grace_period} on {@code /key/regenerate}.
     */
    static void add(PreparedStatement ps, String keyId, String keptToken, String reason, long atMillis, Long graceUntil) throws SQLException {
        ps.setLong(1, atMillis);
        ps.setString(2, reason);
        if (graceUntil == null) ps.setNull(3, java.sql.Types.BIGINT);
        else ps.setLong(3, graceUntil);
        ps.setString(4, keyId);
        ps.setString(5, keptToken == null ? "" : keptToken);
        ps.addBatch();
    }

    /**
     * Ends every grace period of this key's old secrets, in the caller's transaction: a rotation does it before it
     * retires the secret it replaces (with that rotation's own grace, if any), so at most one old secret works beside
     * the key's current one. A rotation is also how a leaked secret is cut off, and LiteLLM's does the same in effect
     * (its deprecated row points at the hash the next rotation replaces, which then finds no key).
     */
    static void endGraces(Connection c, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE retired_tokens SET grace_until = NULL WHERE key_id = ? AND grace_until IS NOT NULL")) {
            ps.setString(1, keyId);
            ps.executeUpdate();
        }
    }

    /** The id of the key whose old secret this hash is, still in its grace period at {@code nowMillis}, or null. */
    static String inGrace(Connection c, String token, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM retired_tokens WHERE token = ? AND grace_until > ?")) {
            ps.setString(1, token);
            ps.setLong(2, nowMillis);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Every old secret still in its grace period at {@code nowMillis}: hash → the key it works as, until when. Read at
     * start and by every key sync (all gateways on the store), so a grace given on one gateway holds on all. Blocks.
     */
    java.util.Map<String, GraceToken> graces(long nowMillis) {
        return db.transaction(c -> {
            java.util.Map<String, GraceToken> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT token, key_id, grace_until FROM retired_tokens WHERE grace_until > ?")) {
                ps.setLong(1, nowMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), new GraceToken(rs.getString(2), rs.getLong(3)));
                }
            }
            return out;
        });
    }

    /**
     * The key id of the stored key that has this token hash now (one another gateway made or rotated a moment ago, which
     * this gateway's registry takes in at its next sync), else of the key it was last retired from, else null. Blocks.
     */
    String keyIdOf(String token) {
        return db.transaction(c -> {
            for (String table : new String[] {"virtual_keys", "retired_tokens"}) {
                try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM " + table + " WHERE token = ?")) {
                    ps.setString(1, token);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) return rs.getString(1);
                    }
                }
            }
            return null;
        });
    }
}
