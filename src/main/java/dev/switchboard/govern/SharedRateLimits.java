package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rpm and tpm limits that hold across several gateways on one database, while every call is still checked in memory.
 * Each gateway publishes, per key, what it took since it began the row (requests admitted, tokens net of corrections:
 * the reservations of calls in flight, settled to their real usage as they end)
 * in {@code rate_usage}, and takes off its own buckets what each other gateway took since its last look:
 *
 * <pre>
 *   every sync:  for each other gateway's row of a key:  bucket −= row's counters − the counters seen last time
 * </pre>
 *
 * So each gateway's buckets hold what the key has left across all of them, as of the last sync ({@link
 * Governance#KEY_SYNC_MILLIS}): unlike a budget, a rate limit is not reserved in the store, and gateways may together
 * admit up to one sync's worth of calls more than a bucket holds (LiteLLM's Redis-synced limits make the same trade, for
 * the same reason: no store round trip per call). A burst that overshoots is taken off afterwards, down to minus one
 * limit, so it costs the key about a minute's wait. {@code max_parallel_requests} stays per gateway: another gateway's
 * calls in flight are only known a sync late, and counting a call that has already ended refuses a client that sends
 * one call at a time (a false 429 is worse than a gateway's own cap).
 *
 * <p>Counters only grow (tokens may fall by a correction), so a row read late or missed is made good by the next; the
 * counters last seen are kept per row (key, gateway, generation) while the row is read. The rows present at this
 * gateway's first sync are its baseline: what was taken before it started is not its business; a row that appears
 * later began after, so all of it counts. A gateway that finds its own row gone (the others took it for gone while it
 * could not reach the store) begins it again with a new generation and counters from zero, so nothing is taken twice.
 */
final class SharedRateLimits {
    private static final Logger log = LoggerFactory.getLogger("switchboard.ratelimit");
    /** Rows not written for this long belong to a gateway that is gone: deleted. */
    static final long LEASE_MILLIS = SharedBudgets.LEASE_MILLIS;
    /** A row without changes is still written this often, so that it is not taken for a gone gateway's. */
    static final long REFRESH_MILLIS = LEASE_MILLIS / 4;
    /** Gone gateways' rows are looked for this often (a delete takes SQLite's write lock). */
    static final long CLEANUP_MILLIS = REFRESH_MILLIS;
    private static final long CLEANUP_LOCK = "switchboard.rate_usage.cleanup".hashCode() * 0x9E3779B97F4A7C15L;

    private final Database db;
    private final RateLimiter limiter;
    private final KeyRegistry keys;
    private final Teams teams;
    private final Users users;
    private final LongSupplier clockMillis;
    private final LongSupplier clockNanos;
    private final String gatewayId;
    private final AtomicBoolean running = new AtomicBoolean();
    private boolean closed;

    /** This gateway's row of each key: its generation, the counters it starts from, what it last wrote and when. */
    private final Map<String, Own> own = new HashMap<>();
    /** Per other gateway's row (key, gateway): its generation and the counters last taken off, and when it was last read. */
    private final Map<String, Seen> seen = new HashMap<>();
    private boolean baselineTaken;
    private long lastCleanup;

    private static final class Own {
        long generation;
        long baseRequests;
        long baseTokens;
        long requests = -1;
        long tokens;
        long at;
    }

    private static final class Seen {
        long generation;
        long requests;
        long tokens;
        long readAt;
    }

    /** @param clockNanos the clock the rate limiter's buckets refill by (the request path's {@code System.nanoTime}) */
    SharedRateLimits(Database db, RateLimiter limiter, KeyRegistry keys, LongSupplier clockMillis, LongSupplier clockNanos,
                     String gatewayId) {
        this(db, limiter, keys, new Teams(Map.of()), clockMillis, clockNanos, gatewayId);
    }

    SharedRateLimits(Database db, RateLimiter limiter, KeyRegistry keys, Teams teams, LongSupplier clockMillis,
                     LongSupplier clockNanos, String gatewayId) {
        this(db, limiter, keys, teams, new Users(Map.of()), clockMillis, clockNanos, gatewayId);
    }

    /** @param teams teams' and users' limits are shared too: their rows' ids are {@link LimitedRows#limiterId}s */
    SharedRateLimits(Database db, RateLimiter limiter, KeyRegistry keys, Teams teams, Users users, LongSupplier clockMillis,
                     LongSupplier clockNanos, String gatewayId) {
        this.teams = teams;
        this.users = users;
        this.db = db;
        this.limiter = limiter;
        this.keys = keys;
        this.clockMillis = clockMillis;
        this.clockNanos = clockNanos;
        this.gatewayId = gatewayId;
    }

    /**
     * One sync, on a worker: this gateway's rows written, the others' growth taken off, gone gateways' rows deleted.
     * Skipped when one is still running (a slow store must not pile syncs up on the worker pool). Blocks.
     */
    void sync() {
        if (!running.compareAndSet(false, true)) return;
        try {
            syncOnce();
        } finally {
            running.set(false);
        }
    }

    private synchronized void syncOnce() {
        if (closed) return;
        // nothing to share: no store work, once the baseline is taken (a key given limits later starts it again)
        if (baselineTaken && own.isEmpty() && !anyKeyLimited()) return;
        boolean takeBaseline = !baselineTaken;
        List<RateLimiter.Usage> mine = limiter.usage();
        List<Row> others = db.transaction(c -> {
            long now = now(c);
            writeOwn(c, mine, now);
            if (now - lastCleanup >= CLEANUP_MILLIS) {
                deleteGone(c, now);
                lastCleanup = now;
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, gateway_id, generation, requests, tokens "
                    + "FROM rate_usage WHERE gateway_id <> ?")) {
                ps.setString(1, gatewayId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
            return rows;
        });
        baselineTaken = true;
        take(others, takeBaseline);
    }

    /** The time rows are stamped and judged by: PostgreSQL's own clock (gateways on several hosts), else this host's. */
    private long now(Connection c) throws SQLException {
        if (db.kind() != Database.Kind.POSTGRESQL) return clockMillis.getAsLong();
        try (PreparedStatement ps = c.prepareStatement("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * This gateway's rows: those that changed, or are due for a refresh; a key it has not served (only others' use
     * taken off) writes none. A row of its own that is gone from the store is begun again (a new generation, its
     * counters from now), so another gateway that forgot the old row cannot take its whole history again.
     */
    private void writeOwn(Connection c, List<RateLimiter.Usage> mine, long now) throws SQLException {
        Map<String, RateLimiter.Usage> used = new TreeMap<>(); // by key id: every gateway writes its rows in one order
        for (RateLimiter.Usage u : mine) if (u.requests() != 0 || u.tokens() != 0 || own.containsKey(u.keyId())) used.put(u.keyId(), u);
        own.keySet().retainAll(used.keySet()); // deleted keys: their rows lapse with the lease
        if (used.isEmpty()) return;
        // a write first: SQLite then holds its write lock for the whole sync
        Set<String> present = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE rate_usage SET written_at = written_at WHERE gateway_id = ?")) {
            ps.setString(1, gatewayId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM rate_usage WHERE gateway_id = ?")) {
            ps.setString(1, gatewayId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) present.add(rs.getString(1));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rate_usage (key_id, gateway_id, generation, requests, "
                + "tokens, written_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key_id, gateway_id) DO UPDATE SET "
                + "generation = excluded.generation, requests = excluded.requests, tokens = excluded.tokens, "
                + "written_at = excluded.written_at")) {
            int n = 0;
            for (RateLimiter.Usage u : used.values()) {
                Own o = own.get(u.keyId());
                if (o == null) {
                    o = new Own();
                    o.generation = now;
                    own.put(u.keyId(), o);
                } else if (o.requests >= 0 && !present.contains(u.keyId())) {
                    log.warn("rate limits of key {}: this gateway's row was gone from the store (taken for a gateway that "
                            + "is gone); it begins it again", u.keyId());
                    // counted again from what it last wrote: that much others have seen (or never will); the rest is new
                    o.generation = now;
                    o.baseRequests += o.requests;
                    o.baseTokens += o.tokens;
                    o.requests = -1;
                }
                long requests = u.requests() - o.baseRequests;
                long tokens = u.tokens() - o.baseTokens;
                if (requests == o.requests && tokens == o.tokens && now - o.at < REFRESH_MILLIS) continue;
                ps.setString(1, u.keyId());
                ps.setString(2, gatewayId);
                ps.setLong(3, o.generation);
                ps.setLong(4, requests);
                ps.setLong(5, tokens);
                ps.setLong(6, now);
                ps.addBatch();
                o.requests = requests;
                o.tokens = tokens;
                o.at = now;
                n++;
            }
            if (n > 0) ps.executeBatch();
        }
    }

    /** At shutdown: this gateway's rows deleted (what it took stays taken where it was seen); no sync writes after. Blocks. */
    synchronized void release() {
        closed = true;
        if (own.isEmpty()) return;
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rate_usage WHERE gateway_id = ?")) {
                ps.setString(1, gatewayId);
                ps.executeUpdate();
            }
            return null;
        });
        own.clear();
    }

    private boolean anyKeyLimited() {
        if (teams.anyLimited() || users.anyLimited() || teams.memberLimits().anyLimited()) return true;
        for (KeyState k : keys.states()) {
            RateLimiter.Limits l = k.version().limits();
            if (l.rpm() != null || l.tpm() != null || !k.version().modelLimits().isEmpty()) return true;
        }
        return false;
    }

    /** Rows of gateways gone for a lease. On PostgreSQL one gateway at a time (two deleting the same rows could deadlock). */
    private void deleteGone(Connection c, long now) throws SQLException {
        if (!db.tryTransactionLock(c, CLEANUP_LOCK)) return; // another gateway cleans up now
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM rate_usage WHERE written_at < ?")) {
            ps.setLong(1, now - LEASE_MILLIS);
            ps.executeUpdate();
        }
    }

    private record Row(String keyId, String gatewayId, long generation, long requests, long tokens) {}

    /**
     * The limits of a row's id: a key's, a team's ({@code tm:…}), a user's ({@code us:…}) or a team member's
     * ({@code mm:…}), or a key's per-model ({@code <key id>:model:<hash>}); null for one this gateway does not know.
     */
    private RateLimiter.Limits limitsOf(String id) {
        if (teams.ownsLimiterId(id)) return teams.limitsOfLimiterId(id);
        if (teams.memberLimits().ownsLimiterId(id)) return teams.memberLimits().limitsOfLimiterId(id);
        if (users.ownsLimiterId(id)) return users.limitsOfLimiterId(id);
        int model = id.indexOf(ModelLimits.ID_MARK);
        KeyState k = keys.byId(model < 0 ? id : id.substring(0, model));
        if (k == null) return null;
        return model < 0 ? k.version().limits() : ModelLimits.limitsOfLimiterId(k.version().modelLimits(), id);
    }

    /** The others' growth since the last sync taken off this gateway's buckets. */
    private void take(List<Row> rows, boolean baseline) {
        long now = clockMillis.getAsLong();
        Map<String, long[]> used = new HashMap<>();
        for (Row r : rows) {
            RateLimiter.Limits k = limitsOf(r.keyId());
            // a key (or team) this gateway does not know yet (made elsewhere, not synced here): its use waits for the next sync
            if (k == null && !baseline) continue;
            String id = r.keyId() + "\u0000" + r.gatewayId();
            Seen s = seen.get(id);
            if (s == null || s.generation != r.generation()) {
                s = new Seen();
                s.generation = r.generation();
                if (baseline) { // taken before this gateway started: not counted
                    s.requests = r.requests();
                    s.tokens = r.tokens();
                }
                seen.put(id, s);
            }
            s.readAt = now;
            long dr = Math.max(0, r.requests() - s.requests);
            long dt = r.tokens() - s.tokens;
            s.requests = Math.max(s.requests, r.requests());
            s.tokens = r.tokens();
            if (k != null && (dr != 0 || dt != 0)) {
                long[] u = used.computeIfAbsent(r.keyId(), x -> new long[2]);
                u[0] += dr;
                u[1] += dt;
            }
        }
        long nanos = clockNanos.getAsLong();
        for (var e : used.entrySet()) {
            RateLimiter.Limits k = limitsOf(e.getKey());
            if (k != null) limiter.othersUsed(e.getKey(), k, e.getValue()[0], e.getValue()[1], nanos);
        }
        // rows not read for two leases (their gateway gone, the row deleted) are forgotten
        for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next().readAt < now - 2 * LEASE_MILLIS) it.remove();
        }
    }
}
