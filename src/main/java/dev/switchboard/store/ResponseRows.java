package dev.switchboard.store;

import dev.switchboard.model.StoredResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code responses} table (V5): stored Responses-API answers. Every method blocks; callers run it off the
 * event loop. A row of another owner, or past its expiry, reads as absent.
 */
public final class ResponseRows {
    private final Database db;

    public ResponseRows(Database db) { this.db = db; }

    public void insert(StoredResponse r) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO responses (response_id, key_id, created_at, expires_at, body, "
                    + "conversation) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.id());
                ps.setString(2, r.owner());
                ps.setLong(3, r.createdAt());
                ps.setLong(4, r.expiresAt());
                ps.setString(5, r.body());
                ps.setString(6, r.conversation());
                return ps.executeUpdate();
            }
        });
    }

    /** Writes a newer body and conversation of a stored row (a background response's end); no row, no change. */
    public void update(StoredResponse r) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE responses SET body = ?, conversation = ? WHERE response_id = ? "
                    + "AND key_id = ?")) {
                ps.setString(1, r.body());
                ps.setString(2, r.conversation());
                ps.setString(3, r.id());
                ps.setString(4, r.owner());
                return ps.executeUpdate();
            }
        });
    }

    /** The row when it exists, belongs to {@code owner} and has not expired at {@code nowMillis}; else null. */
    public StoredResponse find(String id, String owner, long nowMillis) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT response_id, key_id, created_at, expires_at, body, conversation "
                    + "FROM responses WHERE response_id = ? AND key_id = ? AND expires_at > ?")) {
                ps.setString(1, id);
                ps.setString(2, owner);
                ps.setLong(3, nowMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return null;
                    return new StoredResponse(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6));
                }
            }
        });
    }

    /**
     * The newest unexpired conversation of {@code owner} that holds an item with this id (an {@code item_reference}
     * the memory index no longer has), or null. The id is matched in the stored text, then checked on the items.
     */
    public String conversationWithItem(String itemId, String owner, long nowMillis) {
        String like = "%\"id\":\"" + itemId.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "\"%";
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT conversation FROM responses WHERE key_id = ? AND expires_at > ? "
                    + "AND conversation LIKE ? ESCAPE '!' ORDER BY created_at DESC LIMIT 1")) {
                ps.setString(1, owner);
                ps.setLong(2, nowMillis);
                ps.setString(3, like);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** Deletes the owner's row; true when there was one (expired rows count as absent). */
    public boolean delete(String id, String owner, long nowMillis) {
        return db.transaction(c -> delete(c, "DELETE FROM responses WHERE response_id = ? AND key_id = ? AND expires_at > ?",
                id, owner, nowMillis) > 0);
    }

    /** Removes every expired row; returns how many. */
    public int purgeExpired(long nowMillis) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM responses WHERE expires_at <= ?")) {
                ps.setLong(1, nowMillis);
                return ps.executeUpdate();
            }
        });
    }

    private static int delete(Connection c, String sql, String id, String owner, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.setString(2, owner);
            ps.setLong(3, now);
            return ps.executeUpdate();
        }
    }
}
