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
 * lock again before it writes the rows: the others judge a row gone only when it is also quiet for two beats. A live
 * gateway whose lock went with its connection could be judged gone so, so it admits calls on its grants only while its
 * hold is proven ({@link #hold}, {@link #stillHeld}, {@link GrantFence}), and gives up their unused part once it is lost.
 *
 * <p>A lock is trusted only on the server that granted it ({@link #serverStart}: {@code pg_postmaster_start_time()}): a
 * restart or a failover frees every lock, live gateways' included, and their rows then say nothing until the gateways
 * take their locks again. Behind a pooler that shares server sessions between clients (PgBouncer's transaction or
 * statement pooling) a session lock means nothing: {@code SWITCHBOARD_PG_SESSION_LOCKS=false} turns them off (the lease
 * decides, as before).
 *
 * <p>The counterpart of {@link GatewayLocks} (SQLite's lock files), for gateways that may run on several hosts.
 */
final class SessionLock {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    static final SessionLock NONE = new SessionLock(null, 0);
    /**
     * How long the server keeps the lock's session when nothing comes from it ({@code idle_session_timeout}, and
     * {@code tcp_user_timeout} for its answers nobody acknowledges), and how long this side waits for an answer on it
     * (the network timeout). A gateway whose link was blackholed (TCP up, nothing answering) kept its lock for as long
     * as the server's session lived, and the other gateways answered 503 {@code budget_contended} for the whole lease
     * (60 s; QA). Every heartbeat touches the connection (more often than this), so a live gateway, busy or idle, keeps it.
     * Ten seconds: longer than a call waits for another gateway's grant ({@code WAIT_ROUNDS} of a second), so a gateway
     * stalled for less (a long GC pause, a SIGSTOP) is not taken for gone; one stalled for longer is, safely (its fence
     * has lapsed when it resumes, it is charged its claim, and it takes its row back). 5 s in the test suite, the wait
     * 3 s ({@link Governance#LOCK_SILENCE_MILLIS}).
     */
    static final long SILENT_MILLIS = Math.max(Governance.LOCK_SILENCE_MILLIS, SharedBudgets.GONE_QUIET_MILLIS);
    /**
     * How often the lock's connection is touched from its own thread ({@link #keeper}), whatever the heartbeat does: a
     * heartbeat waits behind {@code SharedBudgets}' monitor and runs a transaction of statements of up to 10 s each, so
     * it alone could leave the connection silent past {@link #SILENT_MILLIS} and a live gateway lost its lock (review).
     * A whole process stalled (a GC pause, SIGSTOP) for less than {@code SILENT_MILLIS - KEEP_ALIVE_MILLIS} keeps it.
     * Not under 2 s with the suite's shorter bound: a touch every second, a round trip under this object's monitor, held
     * up the renewals through a store 300 ms away (GrantFencePostgresIT.aSlowStoreDelaysCallsAndRefusesNone).
     */
    static final long KEEP_ALIVE_MILLIS = Math.max(2_000, SILENT_MILLIS / 5);
    /** Touches the lock's connection every {@link #KEEP_ALIVE_MILLIS}; started with the first connection, ended by close. */
    private volatile java.util.concurrent.ScheduledExecutorService keeper;

    private final Database db;
    private final long key;
    private Connection connection;
    /** The server's start (epoch ms) when the lock was taken, written beside the key. */
    private volatile Long serverStart;
    /**
     * How many times the lock was taken: a hold is one value of it. The lock is held without a break for as long as the
     * value stays and its connection answers, so no other gateway can have found it free meanwhile ({@link #stillHeld}).
     */
    private long takes;

    private SessionLock(Database db, long key) {
        this.db = db;
        this.key = key;
    }

    /** This gateway's lock on {@code db} when it is PostgreSQL (taken at the first heartbeat), else {@link #NONE}. */
    static SessionLock of(Database db, String gatewayId) {
        if (db.kind() != Database.Kind.POSTGRESQL || "false".equalsIgnoreCase(System.getenv("SWITCHBOARD_PG_SESSION_LOCKS"))) return NONE;
        return new SessionLock(db, keyOf(gatewayId));
    }

    /** The start of the server the lock was taken on (epoch ms), or null when none is held. */
    Long serverStart() { return serverStart; }

    /** The start of the server {@code c} is connected to (epoch ms): a restart or a failover changes it. */
    static long serverStart(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CAST(EXTRACT(EPOCH FROM pg_postmaster_start_time()) * 1000 AS BIGINT)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
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
            if (connection != null) {
                Boolean held = heldOn(connection);
                if (Boolean.TRUE.equals(held)) return key;
                // no answer: the connection is gone, and the lock with it; an answer without the lock: the session was
                // reset under it (a pooler, pg_advisory_unlock_all), so it is taken again on the same connection
                if (held == null) closeQuietly();
            }
            // once stopped, no new connection (review, thirtieth session): a beat under way at the stop would open one,
            // and take the lock on it, that nothing closes until the process ends; the rows then name no lock
            if (connection == null && stopped) return null;
            if (connection == null) {
                connection = bounded(db.dedicatedConnection());
                if (keeper == null && !stopped) { // after stopKeeper, none: a beat already under way when it ran
                    keeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "switchboard-session-lock");
                        t.setDaemon(true);
                        return t;
                    });
                    // takes only this object's lock (held by a round trip of at most 2 s, or the network timeout)
                    keeper.scheduleWithFixedDelay(this::touch, KEEP_ALIVE_MILLIS, KEEP_ALIVE_MILLIS,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                    // stopKeeper takes no lock: it writes `stopped` then reads `keeper`, this wrote `keeper` then reads
                    // `stopped` (both volatile), so one of the two sees the other and the keeper is ended either way
                    if (stopped) stopKeeper();
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        serverStart = serverStart(connection);
                        takes++;
                        return key;
                    }
                }
            }
            log.warn("budget grants: this gateway's session lock {} is held by another session; its rows name none", key);
        } catch (SQLException | RuntimeException e) {
            log.warn("budget grants: no session lock now ({}); tried again at the next heartbeat", e.getMessage());
        }
        closeQuietly();
        serverStart = null;
        return null;
    }

    /**
     * Whether {@code c}'s session holds this lock now (one round trip; a bigint advisory key shows as its high half in
     * {@code classid}, its low half in {@code objid}, with {@code objsubid} 1), or null when the connection does not
     * answer within 2 s. A live connection alone proves nothing: a session reset by a pooler, or an
     * {@code pg_advisory_unlock_all}, leaves the connection up and the lock gone.
     */
    private Boolean heldOn(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND pid = pg_backend_pid() AND granted AND objsubid = 1 AND classid::bigint = ? AND objid::bigint = ?")) {
            ps.setQueryTimeout(2);
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The lock's connection with its silence bounded ({@link #SILENT_MILLIS}): the server ends the session, freeing the
     * lock, when this gateway says nothing for that long, and a read here that gets no answer fails instead of hanging
     * (a blackholed link would otherwise hold this object's lock, and the heartbeat with it, for as long as TCP retries).
     * A server without a setting (before PostgreSQL 14: no {@code idle_session_timeout}) keeps the rest; each setting
     * refused is named once (the lock's connection is made again after every loss: not a line each time). One flag for
     * both said only the first refused: a server refusing both named one of them.
     */
    static Connection bounded(Connection c) throws SQLException {
        c.setNetworkTimeout(Runnable::run, (int) SILENT_MILLIS);
        for (String setting : SILENCE_SETTINGS) {
            try (var st = c.createStatement()) {
                st.execute("SET " + setting + " = " + SILENT_MILLIS);
            } catch (SQLException e) {
                if (WARNED_SETTINGS.add(setting)) {
                    log.warn("budget grants: the session lock's connection cannot set {} ({}); {}", setting, e.getMessage(),
                            setting.equals("idle_session_timeout")
                                    ? "a gateway whose link goes silent keeps its lock until the server's TCP notices"
                                    : "a gateway whose link drops answers unacknowledged keeps its lock for as long as the "
                                            + "server's TCP retries");
                }
            }
        }
        return c;
    }

    private static final String[] SILENCE_SETTINGS = {"idle_session_timeout", "tcp_user_timeout"};
    /** The settings a server refused that were said (once each per process). */
    static final java.util.Set<String> WARNED_SETTINGS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The lock's connection is used, so that the server does not end a live gateway's session ({@link #SILENT_MILLIS}):
     * every {@link #KEEP_ALIVE_MILLIS} from {@link #keeper}, and at a heartbeat with nothing to write. Blocks (one round
     * trip, at most 2 s).
     */
    synchronized void touch() {
        try {
            if (db != null && connection != null && heldOn(connection) == null) closeQuietly();
        } catch (RuntimeException e) {
            // the keeper's thread must go on: the next touch, or the heartbeat, finds out
        }
    }

    /** The current hold ({@link #takes}): read after {@link #key()}, compared by {@link #stillHeld}. */
    synchronized long hold() { return takes; }

    /**
     * The fence's one-round-trip renewal: on the lock's own connection, one autocommitted statement writes this
     * gateway's {@code gateway_beats} row only if this session holds the lock (checked in {@code pg_locks} by the same
     * statement). True when it does and {@code hold} is still the hold: the lock was held from the hold's start to this
     * statement's commit, so no other gateway can have taken this one for gone meanwhile, and the row tells the others'
     * cleanup it lives ({@code SharedBudgets.deleteGone}). A heartbeat's transaction is a dozen round trips (a store
     * 230 ms away outlasted the fence with it, and every call was refused); this is one, and it touches no row the
     * heartbeat locks. Blocks (at most 2 s).
     */
    synchronized boolean renew(long hold, String gatewayId, long beatAt) {
        return renew(hold, gatewayId, beatAt, new String[0], new Long[0], new Long[0]);
    }

    /**
     * As above, and in the same statement this gateway's {@code grant_claims} rows: for each budget {@code scopes[i]}, the
     * claim {@code claims[i]} of period {@code periods[i]} (what a gateway taken for gone is charged; it admits up to it).
     * Written only with the beat, so only while the lock is held.
     */
    synchronized boolean renew(long hold, String gatewayId, long beatAt, String[] scopes, Long[] periods, Long[] claims) {
        if (db == null || connection == null || takes != hold) return false;
        try (PreparedStatement ps = connection.prepareStatement("WITH held AS (SELECT count(*) > 0 AS h FROM pg_locks "
                + "WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1 AND classid::bigint = ? "
                + "AND objid::bigint = ?), beat AS (INSERT INTO gateway_beats (gateway_id, beat_at) SELECT ?, ? FROM held WHERE h "
                + "ON CONFLICT (gateway_id) DO UPDATE SET beat_at = excluded.beat_at RETURNING 1), claimed AS ("
                + "INSERT INTO grant_claims (gateway_id, scope, period_start, claim_nanos) SELECT ?, u.s, u.p, u.c "
                + "FROM held, unnest(?::varchar[], ?::bigint[], ?::bigint[]) AS u(s, p, c) WHERE h "
                + "ON CONFLICT (gateway_id, scope) DO UPDATE SET period_start = excluded.period_start, "
                + "claim_nanos = excluded.claim_nanos RETURNING 1) SELECT (SELECT count(*) FROM beat), (SELECT count(*) FROM claimed)")) {
            ps.setQueryTimeout(2);
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFFFFFFL);
            ps.setString(3, gatewayId);
            ps.setLong(4, beatAt);
            ps.setString(5, gatewayId);
            ps.setArray(6, connection.createArrayOf("varchar", scopes));
            ps.setArray(7, connection.createArrayOf("bigint", periods));
            ps.setArray(8, connection.createArrayOf("bigint", claims));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the lock has been held without a break since {@code hold} was read: the same hold, on a connection whose
     * session still holds it now ({@link #heldOn}). False when the connection was lost meanwhile, even if it could be
     * taken again. Blocks.
     */
    synchronized boolean stillHeld(long hold) {
        return db != null && connection != null && takes == hold && Boolean.TRUE.equals(heldOn(connection));
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
    synchronized void close() {
        stopKeeper();
        closeQuietly();
    }

    /**
     * At shutdown, also when the rows stay (ledger rows pending): the keeper's thread ends; the connection, and the lock,
     * stay until the process ends or the server ends the silent session ({@link #SILENT_MILLIS}).
     */
    void stopKeeper() {
        stopped = true;
        // not under this object's lock (review, thirtieth session): a renewal or a touch holds it for up to 2 s (about
        // 10 s on a blackholed link), and SharedBudgets.stop, a shutdown, waited for it. Any thread may end the keeper
        // (shutdownNow is idempotent); key() ends one it made once it sees `stopped`
        java.util.concurrent.ScheduledExecutorService k = keeper;
        if (k != null) k.shutdownNow();
    }

    /**
     * Set by {@link #stopKeeper}: {@link #key} starts no keeper from then on. {@code SharedBudgets.stop} does not take
     * {@code SharedBudgets}' lock (it would wait for a heartbeat under way, whose statements may take 10 s each on the
     * unhealthy store that left ledger rows pending), so a heartbeat or an acquisition that read {@code closed} before
     * the stop still runs, and its {@link #key} found the connection gone (the first one, or a lost one) and made a new
     * one with a new keeper after the old one was stopped: a thread, holding this object, that outlived the stop
     * (thirtieth session). Volatile, as {@link #keeper} is: {@link #stopKeeper} takes no lock.
     */
    private volatile boolean stopped;

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
