package dev.switchboard.govern;

import dev.switchboard.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits that hold across several gateways on one database, while every call is still checked in memory. Each
 * gateway publishes, per key, what it took since it started (requests, tokens, and its calls in flight) in
 * {@code rate_usage}, and takes off its own buckets what each other gateway took since its last look:
 *
 * <pre>
 *   every sync:  for each other gateway's row of a key:  bucket −= row's counters − the counters seen last time
 * </pre>
 *
 * So each gateway's buckets hold what the key has left across all of them, as of the last sync ({@link
 * Governance#KEY_SYNC_MILLIS}): unlike a budget, a rate limit is not reserved in the store, and several gateways may
 * together admit up to one sync's worth of calls more than a bucket holds (LiteLLM's Redis-synced limits make the same
 * trade, for the same reason: no store round trip per call). A burst that overshoots is taken off afterwards, down to at
 * most minus one limit, so it costs the key at most a minute's wait. {@code max_parallel_requests} counts the other
 * gateways' calls in flight as of their last write, while that write is fresh ({@link #IN_FLIGHT_FRESH_MILLIS}): a
 * gateway that crashed with calls in flight stops holding the key's slots within seconds.
 *
 * <p>Counters only grow (tokens may fall by a correction), so a row read late or missed is made good by the next; the
 * counters last seen are kept per row for as long as the row is written, so a row deleted and written again is not
 * taken twice. The rows present at this gateway's first sync are its baseline: what was taken before it started is
 * not its business; a row that appears later was started after, so all of it counts.
 */
final class SharedRateLimits {
    private static final Logger log = LoggerFactory.getLogger("switchboard.ratelimit");
    /** Rows not written for this long belong to a gateway that is gone: deleted. */
    static final long LEASE_MILLIS = SharedBudgets.LEASE_MILLIS;
    /** A row with calls in flight is written every sync; older than this (three syncs missed), its calls are not counted. */
    static final long IN_FLIGHT_FRESH_MILLIS = 3 * Governance.KEY_SYNC_MILLIS + 500;
    /** A row without changes is still written this often, so that it is not taken for a gone gateway's. */
    static final long REFRESH_MILLIS = LEASE_MILLIS / 4;

    private final Database db;
    private final RateLimiter limiter;
    private final KeyRegistry keys;
    private final LongSupplier clockMillis;
    private final String gatewayId;

    /** What this gateway last wrote of each key: a row is written again when it changed or is due for a refresh. */
    private final Map<String, Written> written = new HashMap<>();
    /** Per other gateway's row (key id + gateway id): the counters last taken off, and when the row was last read. */
    private final Map<String, Seen> seen = new HashMap<>();
    private boolean baselineTaken;

    private record Written(long requests, long tokens, long inFlight, long at) {}

    private static final class Seen {
        long requests;
        long tokens;
        long readAt;
    }

    SharedRateLimits(Database db, RateLimiter limiter, KeyRegistry keys, LongSupplier clockMillis, String gatewayId) {
        this.db = db;
        this.limiter = limiter;
        this.keys = keys;
        this.clockMillis = clockMillis;
        this.gatewayId = gatewayId;
    }

    /** One sync, on a worker: this gateway's rows written, the others' growth taken off, gone gateways' rows deleted. Blocks. */
    synchronized void sync() {
        if (baselineTaken && written.isEmpty() && !anyKeyLimited()) return; // nothing to share: no store work at all
        long now = clockMillis.getAsLong();
        List<RateLimiter.Usage> mine = limiter.usage();
        Map<String, Written> toWrite = new HashMap<>();
        for (RateLimiter.Usage u : mine) {
            Written w = written.get(u.keyId());
            boolean changed = w == null || w.requests() != u.requests() || w.tokens() != u.tokens() || w.inFlight() != u.inFlight();
            if (changed || u.inFlight() > 0 || now - w.at() >= REFRESH_MILLIS) {
                toWrite.put(u.keyId(), new Written(u.requests(), u.tokens(), u.inFlight(), now));
            }
        }
        boolean takeBaseline = !baselineTaken;
        List<Row> others = db.transaction(c -> {
            if (!toWrite.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO rate_usage (key_id, gateway_id, requests, tokens, "
                        + "in_flight, written_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key_id, gateway_id) DO UPDATE SET "
                        + "requests = excluded.requests, tokens = excluded.tokens, in_flight = excluded.in_flight, "
                        + "written_at = excluded.written_at")) {
                    for (var e : toWrite.entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setString(2, gatewayId);
                        ps.setLong(3, e.getValue().requests());
                        ps.setLong(4, e.getValue().tokens());
                        ps.setLong(5, e.getValue().inFlight());
                        ps.setLong(6, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            deleteGone(c, now);
            List<Row> rows = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, gateway_id, requests, tokens, in_flight, written_at "
                    + "FROM rate_usage WHERE gateway_id <> ?")) {
                ps.setString(1, gatewayId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
            return rows;
        });
        written.putAll(toWrite);
        baselineTaken = true;
        take(others, takeBaseline, now);
    }

    /** At shutdown: this gateway's rows deleted (its calls have ended; what it took stays taken where it was seen). Blocks. */
    synchronized void release() {
        if (written.isEmpty()) return;
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rate_usage WHERE gateway_id = ?")) {
                ps.setString(1, gatewayId);
                ps.executeUpdate();
            }
            return null;
        });
        written.clear();
    }

    private boolean anyKeyLimited() {
        for (KeyState k : keys.states()) if (k.version().limits().any()) return true;
        return false;
    }

    /** Rows of gateways gone for a lease. On PostgreSQL one gateway at a time (two deleting the same rows could deadlock). */
    private void deleteGone(java.sql.Connection c, long now) throws java.sql.SQLException {
        if (db.kind() == Database.Kind.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                ps.setLong(1, CLEANUP_LOCK);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM rate_usage WHERE written_at < ?")) {
            ps.setLong(1, now - LEASE_MILLIS);
            ps.executeUpdate();
        }
    }

    private static final long CLEANUP_LOCK = "switchboard.rate_usage.cleanup".hashCode() * 0x9E3779B97F4A7C15L;

    private record Row(String keyId, String gatewayId, long requests, long tokens, long inFlight, long writtenAt) {}

    /** The others' growth since the last sync taken off this gateway's buckets, and their calls in flight counted. */
    private void take(List<Row> rows, boolean baseline, long now) {
        Map<String, Long> inFlight = new HashMap<>();
        Map<String, long[]> used = new HashMap<>();
        for (Row r : rows) {
            Seen s = seen.get(r.keyId() + "\u0000" + r.gatewayId());
            if (s == null) {
                s = new Seen();
                if (baseline) { // taken before this gateway started: not counted
                    s.requests = r.requests();
                    s.tokens = r.tokens();
                }
                seen.put(r.keyId() + "\u0000" + r.gatewayId(), s);
            }
            s.readAt = now;
            long dr = Math.max(0, r.requests() - s.requests);
            long dt = r.tokens() - s.tokens;
            s.requests = Math.max(s.requests, r.requests());
            s.tokens = r.tokens();
            if (dr != 0 || dt != 0) {
                long[] u = used.computeIfAbsent(r.keyId(), k -> new long[2]);
                u[0] += dr;
                u[1] += dt;
            }
            if (r.inFlight() > 0 && r.writtenAt() >= now - IN_FLIGHT_FRESH_MILLIS) inFlight.merge(r.keyId(), r.inFlight(), Long::sum);
        }
        long nanos = System.nanoTime();
        java.util.Set<String> touched = new java.util.HashSet<>(used.keySet());
        touched.addAll(inFlight.keySet());
        touched.addAll(hadOthersInFlight);
        hadOthersInFlight.clear();
        for (String keyId : touched) {
            KeyState k = keys.byId(keyId);
            if (k == null) continue; // a key deleted (or not yet synced here): nothing to limit
            long[] u = used.getOrDefault(keyId, NONE);
            long flying = inFlight.getOrDefault(keyId, 0L);
            limiter.othersUsed(keyId, k.version().limits(), u[0], u[1], flying, nanos);
            if (flying > 0) hadOthersInFlight.add(keyId);
        }
        // rows gone for two leases (their gateway is gone, the row deleted) are forgotten
        for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next().readAt < now - 2 * LEASE_MILLIS) it.remove();
        }
        if (!used.isEmpty() && log.isDebugEnabled()) log.debug("took other gateways' use of {} key(s)' rate limits", used.size());
    }

    private static final long[] NONE = new long[2];
    /** Keys whose other gateways' calls in flight were counted last time: told 0 when they are no more. */
    private final java.util.Set<String> hadOthersInFlight = new java.util.HashSet<>();
}
