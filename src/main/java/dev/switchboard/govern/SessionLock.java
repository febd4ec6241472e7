package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateways sharing one PostgreSQL database still run: each holds a session advisory lock, keyed by its gateway
 * id, on a connection of its own (outside the pool) for as long as it runs. PostgreSQL drops a session's locks when its
 * connection ends, and the kernel closes a process's connections however the process ends ({@code kill -9}, the OOM
 * killer, a container restarted), so a lock another session can take belongs to a gateway that is gone. A gateway names
 * its key in its grant rows only while it holds the lock ({@link #key}); a row without a key says nothing (the lease
 * decides). A lost connection (PostgreSQL restarted, a network cut) is noticed at the next heartbeat, which takes the
 * lock again before it writes the rows: the others judge a row gone only when it is also quiet for two beats.
 *
 * <p>The counterpart of {@link GatewayLocks} (SQLite's lock files), for gateways that may run on several hosts.
 */
final class SessionLock {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    static final SessionLock NONE = new SessionLock(null, 0);

    private final Database db;
    private final long key;
    private Connection connection;

    private SessionLock(Database db, long key) {
        this.db = db;
        this.key = key;
    }

    /** This gateway's lock on {@code db} when it is PostgreSQL (taken at the first heartbeat), else {@link #NONE}. */
    static SessionLock of(Database db, String gatewayId) {
        return db.kind() == Database.Kind.POSTGRESQL ? new SessionLock(db, keyOf(gatewayId)) : NONE;
    }

    /** A gateway id's lock key: its first 64 bits (the id is 128 random bits in hex). */
    static long keyOf(String gatewayId) {
        return Long.parseUnsignedLong(gatewayId.substring(0, 16), 16);
    }

    /**
     * The key to write into this gateway's rows: held (taken again when its connection was lost), or null when it cannot
     * be held now (the row then says nothing, and the lease decides). Blocks; called by the heartbeat, one at a time.
     */
    synchronized Long key() {
        if (db == null) return null;
        try {
            if (connection != null && connection.isValid(2)) return key;
            closeQuietly();
            connection = db.dedicatedConnection();
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) return key;
                }
            }
            log.warn("budget grants: this gateway's session lock {} is held by another session; its rows name none", key);
        } catch (SQLException | RuntimeException e) {
            log.warn("budget grants: no session lock now ({}); a crash of this gateway would be known by its lease", e.getMessage());
        }
        closeQuietly();
        return null;
    }

    /**
     * Whether the gateway whose rows name {@code key} surely runs no more: nobody holds its lock (this transaction could
     * take it; it is released at the commit). Blocks, in the caller's transaction.
     */
    static boolean knowsGone(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** At shutdown, after this gateway's rows are deleted: the lock goes with its connection. */
    synchronized void close() { closeQuietly(); }

    private void closeQuietly() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException e) {
            // the lock goes with the connection anyway
        }
        connection = null;
    }
}
