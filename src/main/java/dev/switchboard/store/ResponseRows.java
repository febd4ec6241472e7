package dev.switchboard.store;

import dev.switchboard.model.StoredResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code responses} table (V5; V12 its background runners' beats; V13 {@code response_deletions}, what was deleted): stored Responses-API answers. Every method blocks; callers run it off the
 * event loop. A row of another owner, or past its expiry, reads as absent.
 */
public final class ResponseRows {
    private final Database db;
    /** Beats are stamped and judged by PostgreSQL's clock (gateways on several hosts), else by the caller's (one host). */
    private final boolean databaseClock;

    public ResponseRows(Database db) { this(db, true); }

    /** @param databaseClock false: the times callers pass are used on PostgreSQL too (tests that set the clock) */
    public ResponseRows(Database db, boolean databaseClock) {
        this.db = db;
        this.databaseClock = databaseClock;
    }

    /** A row as a reader finds it, and whether its runner has been silent for the lease (a gateway gone). */
    public record Found(StoredResponse row, boolean runnerSilent) {}

    /** The time beats are stamped and judged by: PostgreSQL's own clock, else {@code localMillis} (SQLite: one host). */
    private long now(Connection c, long localMillis) throws SQLException {
        if (!databaseClock || db.kind() != Database.Kind.POSTGRESQL) return localMillis;
        try (PreparedStatement ps = c.prepareStatement("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Whether a write's failure may pass if it is tried again later ({@link Database#isTransient}: busy, a lost connection,
     * a full disk) or the link to the store is cut now ({@link Database#cutOff}): the store is away, not refusing the row.
     */
    public boolean storeAway(Throwable failure) { return Database.isTransient(failure) || db.cutOff(); }

    /**
     * Whether a failure says the store cannot be reached now ({@link Database#isOutOfReach}: no connection from the
     * pool in time, a connection refused or lost, the server ending sessions or out of connections) — a read would fail
     * the same way after the same wait — rather than refusing this write (a full disk, 53100 as much as SQLITE_FULL; out
     * of memory, 53200; a read-only file, a trigger: reads still answer).
     */
    public boolean unreachable(Throwable failure) { return Database.isOutOfReach(failure); }

    /** Whether the store answers a trivial query now ({@link Database#ping}; waits up to the pool's timeout). Blocks. */
    public boolean answers() { return db.ping(); }

    /** Stores an answer (one that never ran in the background: no runner). */
    public void insert(StoredResponse r) {
        insert(r, null);
    }

    /**
     * Stores a background response as it starts, its runner's first beat {@code beatMillis} ({@link #beat}): until its end
     * is written ({@link #settle}) it counts as running.
     */
    public void insertRunning(StoredResponse r, long beatMillis) {
        insert(r, beatMillis);
    }

    private void insert(StoredResponse r, Long beatMillis) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO responses (response_id, key_id, created_at, expires_at, body, "
                    + "conversation, runner_beat) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.id());
                ps.setString(2, r.owner());
                ps.setLong(3, r.createdAt());
                ps.setLong(4, r.expiresAt());
                ps.setString(5, r.body());
                ps.setString(6, r.conversation());
                if (beatMillis == null) ps.setNull(7, java.sql.Types.BIGINT);
                else ps.setLong(7, now(c, beatMillis));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Writes a background response's end (its body and conversation) if it is still running: true when this wrote it,
     * false when another end came first (a cancel through another gateway, or a reader that found its runner gone) or
     * there is no such row.
     */
    public boolean settle(StoredResponse r) {
        return db.transaction(c -> settle(c, r, Long.MAX_VALUE)) > 0;
    }

    /**
     * {@link #settle}, only if its runner has been silent for {@code leaseMillis} (a reader ends so a response whose
     * gateway is gone, and never one whose runner has just beaten).
     */
    public boolean settleIfSilent(StoredResponse r, long leaseMillis, long localMillis) {
        return db.transaction(c -> settle(c, r, now(c, localMillis) - leaseMillis)) > 0;
    }

    private static int settle(Connection c, StoredResponse r, long beatBefore) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE responses SET body = ?, conversation = ?, runner_beat = NULL "
                + "WHERE response_id = ? AND key_id = ? AND runner_beat IS NOT NULL AND runner_beat < ?")) {
            ps.setString(1, r.body());
            ps.setString(2, r.conversation());
            ps.setString(3, r.id());
            ps.setString(4, r.owner());
            ps.setLong(5, beatBefore);
            return ps.executeUpdate();
        }
    }

    /**
     * Writes a newer body and conversation of a row that has no runner (a background response an earlier version left
     * running, which never beat): the owner's only; no row, no change.
     */
    public void overwrite(StoredResponse r) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE responses SET body = ?, conversation = ? WHERE response_id = ? "
                    + "AND key_id = ? AND runner_beat IS NULL")) {
                ps.setString(1, r.body());
                ps.setString(2, r.conversation());
                ps.setString(3, r.id());
                ps.setString(4, r.owner());
                return ps.executeUpdate();
            }
        });
    }

    /** The runners of these background responses are alive at {@code nowMillis}; ended ones are left alone. */
    public void beat(java.util.Collection<String> ids, long nowMillis) {
        if (ids.isEmpty()) return;
        db.transaction(c -> {
            long now = now(c, nowMillis);
            try (PreparedStatement ps = c.prepareStatement("UPDATE responses SET runner_beat = ? WHERE response_id = ? "
                    + "AND runner_beat IS NOT NULL")) {
                for (String id : ids) {
                    ps.setLong(1, now);
                    ps.setString(2, id);
                    ps.addBatch();
                }
                return ps.executeBatch().length;
            }
        });
    }

    /** What the table says of a gateway's running responses: those ended (each as stored) and those with no row. */
    public record Ends(java.util.List<StoredResponse> ended, java.util.Set<String> missing) {}

    /**
     * Of these ids, the rows that have ended (no runner any more: each as stored) and the ids without a row (deleted, or
     * never stored); rows still running are in neither. One query an id, in one transaction.
     */
    public Ends ends(java.util.Collection<String> ids) {
        if (ids.isEmpty()) return new Ends(java.util.List.of(), java.util.Set.of());
        return db.transaction(c -> {
            java.util.List<StoredResponse> ended = new java.util.ArrayList<>();
            java.util.Set<String> missing = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT response_id, key_id, created_at, expires_at, body, conversation, "
                    + "runner_beat FROM responses WHERE response_id = ?")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) missing.add(id);
                        else {
                            StoredResponse row = row(rs);
                            rs.getLong(7);
                            if (rs.wasNull()) ended.add(row);
                        }
                    }
                }
            }
            return new Ends(ended, missing);
        });
    }

    /**
     * The owner's unexpired row as a reader finds it (null when absent), and whether it is a background response whose
     * runner has been silent for {@code leaseMillis}.
     */
    public Found findForReader(String id, String owner, long localMillis, long leaseMillis) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT response_id, key_id, created_at, expires_at, body, conversation, "
                    + "runner_beat FROM responses WHERE response_id = ? AND key_id = ? AND expires_at > ?")) {
                ps.setString(1, id);
                ps.setString(2, owner);
                ps.setLong(3, localMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return null;
                    StoredResponse row = row(rs);
                    long beat = rs.getLong(7);
                    boolean running = !rs.wasNull();
                    return new Found(row, running && beat < now(c, localMillis) - leaseMillis);
                }
            }
        });
    }

    /** Whether the owner's row is a background response whose runner has beaten within {@code leaseMillis}. */
    public boolean runningNow(String id, String owner, long localMillis, long leaseMillis) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT runner_beat FROM responses WHERE response_id = ? AND key_id = ? "
                    + "AND runner_beat IS NOT NULL")) {
                ps.setString(1, id);
                ps.setString(2, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getLong(1) >= now(c, localMillis) - leaseMillis;
                }
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
                    return rs.next() ? row(rs) : null;
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

    /**
     * Deletes the owner's row; true when there was one (expired rows count as absent). The deletion is written down in
     * the same transaction ({@code response_deletions}), for the other gateways' memory ({@link #deletedSince}).
     */
    public boolean delete(String id, String owner, long nowMillis) {
        return db.transaction(c -> {
            if (delete(c, "DELETE FROM responses WHERE response_id = ? AND key_id = ? AND expires_at > ?", id, owner, nowMillis) == 0) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO response_deletions (response_id, deleted_at) VALUES (?, ?) "
                    + "ON CONFLICT (response_id) DO NOTHING")) {
                ps.setString(1, id);
                ps.setLong(2, now(c, nowMillis));
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** The responses deleted at or after a time, and the time that was read at (the next look's start, less an overlap). */
    public record Deletions(java.util.Set<String> ids, long readAt) {}

    /**
     * The ids deleted at or after {@code sinceMillis} (any gateway's deletions), and now by the clock deletions are
     * stamped with (PostgreSQL's there).
     */
    public Deletions deletedSince(long sinceMillis, long localMillis) {
        return db.transaction(c -> {
            long now = now(c, localMillis);
            java.util.Set<String> ids = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT response_id FROM response_deletions WHERE deleted_at >= ?")) {
                ps.setLong(1, sinceMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
            }
            return new Deletions(ids, now);
        });
    }

    /** Removes the deletions written before {@code ageMillis} ago by the deletions' clock; returns how many. */
    public int purgeDeletions(long ageMillis, long localMillis) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM response_deletions WHERE deleted_at < ?")) {
                ps.setLong(1, now(c, localMillis) - ageMillis);
                return ps.executeUpdate();
            }
        });
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

    /** A row read by {@code SELECT response_id, key_id, created_at, expires_at, body, conversation …}. */
    private static StoredResponse row(ResultSet rs) throws SQLException {
        return new StoredResponse(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6));
    }
}
