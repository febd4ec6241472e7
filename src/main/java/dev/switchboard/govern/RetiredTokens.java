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
 * leave its hash out. Blocking JDBC: workers only.
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
    private static final String RETIRE = "INSERT INTO retired_tokens (token, key_id, key_alias, retired_at, reason) "
            + "SELECT token, key_id, key_alias, CAST(? AS BIGINT), CAST(? AS VARCHAR(16)) FROM virtual_keys WHERE key_id = ? AND token <> ? "
            + "ON CONFLICT (token) DO UPDATE SET key_id = excluded.key_id, key_alias = excluded.key_alias, "
            + "retired_at = excluded.retired_at, reason = excluded.reason";

    private final Database db;

    RetiredTokens(Database db) { this.db = db; }

    /** A statement that retires keys' current hashes; {@link #add} one key to its batch. The caller closes it. */
    static PreparedStatement retiring(Connection c) throws SQLException { return c.prepareStatement(RETIRE); }

    /**
     * Adds to {@code ps}'s batch the retirement of the stored hash of {@code keyId}, unless it is {@code keptToken}
     * (null: whatever it is).
     */
    static void add(PreparedStatement ps, String keyId, String keptToken, String reason, long atMillis) throws SQLException {
        ps.setLong(1, atMillis);
        ps.setString(2, reason);
        ps.setString(3, keyId);
        ps.setString(4, keptToken == null ? "" : keptToken);
        ps.addBatch();
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
