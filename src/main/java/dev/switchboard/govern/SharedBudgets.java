package dev.switchboard.govern;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets that hold across several gateways on one database, while every call is still checked in memory. Each
 * gateway spends a budget only out of its <em>grant</em> (a row of {@code budget_grants} per budget, period and
 * gateway), and a grant is only ever given out of what no one else holds:
 *
 * <pre>
 *   committed = the ledger's spend this period + Σ over live grants (granted − the part of it already in the ledger)
 *   a gateway gets at most  max − committed
 * </pre>
 *
 * Each live gateway's grant covers its spend still queued for the ledger, its calls in flight and its headroom, so
 * committed is never less than what was spent plus what may still be spent, and the grants of one period never add up
 * to more than the budget. The ledger's writer tells this class what each batch added ({@link #credit}), after it
 * commits: until then that spend counts twice, which errs on the safe side.
 *
 * <p>Grants are handed out on demand: the first call of a period waits for one (a short transaction, off the event
 * loop), a gateway alone on a budget takes all of what is left, and with others it takes its share ({@code free /
 * live gateways}) or at least what the call needs. A gateway that needs more than is free while others hold unused
 * grant says so ({@code wanted_nanos}); every gateway's heartbeat (every {@link Governance#KEY_SYNC_MILLIS}) gives its
 * unused grant back when another waits, and the waiting call tries again for up to {@link #WAIT_ROUNDS} seconds. A
 * row whose heartbeat is older than {@link #LEASE_MILLIS} belongs to a gateway that is gone: its grant stops counting
 * (its spend is in the ledger, as far as it was written) and the row is deleted; so is, after two missed heartbeats,
 * the row of a process of this host that runs no more ({@link ProcessIdentity}). A gateway stops admitting on a grant
 * half a lease after its row was last written, so that no live gateway's grant is ever taken for a dead one's.
 */
final class SharedBudgets {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    /** After this long without a heartbeat a gateway's grants no longer count: it is gone. */
    static final long LEASE_MILLIS = 60_000;
    /** How often a call that waits for other gateways to give back their unused grant asks again, and how many times. */
    static final long RETRY_MILLIS = 1_000;
    static final int WAIT_ROUNDS = 6;
    /** After the store said a budget has no more, refusals are decided in memory for this long. */
    static final long MEMO_MILLIS = 1_000;
    /**
     * A process of this host that no longer runs holds nothing once its heartbeat is this old (two missed beats): a
     * gateway restarted after a crash takes its predecessor's grants back within seconds, not a lease. The wait keeps
     * a live gateway elsewhere whose host has the same name (and a pid that means nothing here) safe: it beats.
     */
    static final long GONE_QUIET_MILLIS = 2 * Governance.KEY_SYNC_MILLIS + 500;
    /** The scope of the global budget ({@code litellm_settings.max_budget}); keys' scopes are their ids. */
    static final String GLOBAL = "*";

    private final Database db;
    private final Vertx vertx;
    private final KeyRegistry keys;
    private final Budget global;
    private final LongSupplier clockMillis;
    private final long leaseMillis;
    final String gatewayId = UUID.randomUUID().toString().replace("-", "");
    private volatile boolean everHeld;

    /** @param global the global budget when it is limited and shared, else null */
    SharedBudgets(Database db, Vertx vertx, KeyRegistry keys, Budget global, LongSupplier clockMillis, long leaseMillis) {
        this.db = db;
        this.vertx = vertx;
        this.keys = keys;
        this.global = global;
        this.clockMillis = clockMillis;
        this.leaseMillis = leaseMillis;
    }

    /**
     * More grant for {@code budget}, enough for a call of {@code nanos} if the store has it; calls that need a grant
     * while one is being taken for the same budget wait for that one. The future completes (on no particular thread)
     * once the grant is larger, or the store said there is no more; it fails with a 503 when the store cannot be
     * reached.
     */
    Future<Void> acquire(Budget budget, long nanos) {
        Budget.Grant g = budget.grant();
        Promise<Void> p;
        synchronized (g) {
            if (g.pending != null) return g.pending;
            p = Promise.promise();
            g.pending = p.future();
        }
        attempt(budget, nanos, p, 1);
        return p.future();
    }

    private void attempt(Budget budget, long nanos, Promise<Void> p, int round) {
        vertx.executeBlocking(() -> acquireOnce(budget, nanos, round >= WAIT_ROUNDS), false).onComplete(ar -> {
            if (ar.succeeded() && ar.result() == Outcome.WAIT) {
                vertx.setTimer(RETRY_MILLIS, t -> attempt(budget, nanos, p, round + 1));
                return;
            }
            Budget.Grant g = budget.grant();
            synchronized (g) {
                g.pending = null;
            }
            if (ar.succeeded()) {
                p.complete();
            } else {
                log.warn("budget {}: could not take a grant from the store: {}", budget.grant().scope, ar.cause().toString());
                p.fail(storeUnreachable());
            }
        });
    }

    enum Outcome { GRANTED, EXHAUSTED, WAIT }

    /** What one acquisition decided, applied to the budget once its transaction committed. */
    private record Decision(Outcome outcome, long give, long free, long ledgerSpent) {}

    /** One transaction: how much is free of the budget this period, and this gateway's grant raised from it. */
    private synchronized Outcome acquireOnce(Budget budget, long nanos, boolean lastRound) {
        long now = clockMillis.getAsLong();
        Budget.GrantAsk ask = budget.ask(nanos, now);
        String scope = budget.grant().scope;
        Decision d = db.transaction(c -> {
            lock(c, scope);
            upsertOwnRow(c, scope, ask, now);
            long ledgerSpent = KeyStore.spentSince(c, GLOBAL.equals(scope) ? null : scope, ask.periodStart());
            long committed = ledgerSpent;
            int live = 0;
            long othersUnused = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway_id, granted_nanos, flushed_nanos, used_nanos, "
                    + "heartbeat_at, host, pid, process_start FROM budget_grants WHERE scope = ? AND period_start = ?")) {
                ps.setString(1, scope);
                ps.setLong(2, ask.periodStart());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // a gateway that is gone: its spend is in the ledger (as far as it was written)
                        if (gone(rs.getLong(5), rs.getString(6), rs.getLong(7), rs.getLong(8), now)) continue;
                        live++;
                        long granted = rs.getLong(2);
                        committed += Math.max(0, granted - rs.getLong(3));
                        if (!gatewayId.equals(rs.getString(1))) othersUnused += Math.max(0, granted - rs.getLong(4));
                    }
                }
            }
            long free = Math.max(0, ask.maxNanos() - committed);
            long need = ask.need();
            Decision decision;
            if (need <= 0) {
                decision = new Decision(Outcome.GRANTED, 0, free, ledgerSpent); // the lease only: renewed by the upsert
            } else if (free >= need) {
                decision = new Decision(Outcome.GRANTED, Math.min(free, Math.max(need, free / Math.max(1, live))), free, ledgerSpent);
            } else if (!lastRound && free + othersUnused >= need) {
                decision = new Decision(Outcome.WAIT, 0, free, ledgerSpent);
            } else {
                decision = new Decision(Outcome.EXHAUSTED, 0, free, ledgerSpent);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE budget_grants SET granted_nanos = granted_nanos + ?, "
                    + "wanted_nanos = ? WHERE scope = ? AND period_start = ? AND gateway_id = ?")) {
                ps.setLong(1, decision.give());
                ps.setLong(2, decision.outcome() == Outcome.WAIT ? need : 0);
                ps.setString(3, scope);
                ps.setLong(4, ask.periodStart());
                ps.setString(5, gatewayId);
                ps.executeUpdate();
            }
            return decision;
        });
        // only once committed: a grant the store does not show would let this gateway spend what others may take
        everHeld = true;
        long validUntil = now + leaseMillis / 2;
        if (d.outcome() == Outcome.EXHAUSTED) budget.exhausted(ask.periodStart(), d.free(), now + MEMO_MILLIS, validUntil, d.ledgerSpent());
        else budget.granted(ask.periodStart(), d.give(), ask.maxNanos(), validUntil, d.ledgerSpent());
        return d.outcome();
    }

    /** Whether a row's gateway is gone: no heartbeat for a lease, or a process of this host that runs no more. */
    private boolean gone(long heartbeatAt, String host, long pid, long processStart, long now) {
        if (heartbeatAt < now - leaseMillis) return true;
        return heartbeatAt < now - GONE_QUIET_MILLIS && ProcessIdentity.SELF.knowsGone(host, pid, processStart);
    }

    /** Only one gateway at a time works out a budget's grants: PostgreSQL's advisory lock, SQLite's write lock. */
    private void lock(Connection c, String scope) throws SQLException {
        if (db.kind() != Database.Kind.POSTGRESQL) return; // SQLite: the upsert below takes the database's write lock first
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, ("switchboard.budget:" + scope).hashCode() * 0x9E3779B97F4A7C15L);
            ps.executeQuery().close();
        }
    }

    private void upsertOwnRow(Connection c, String scope, Budget.GrantAsk ask, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_grants (scope, period_start, gateway_id, "
                + "granted_nanos, flushed_nanos, used_nanos, wanted_nanos, heartbeat_at, host, pid, process_start) "
                + "VALUES (?, ?, ?, 0, 0, ?, 0, ?, ?, ?, ?) "
                + "ON CONFLICT (scope, period_start, gateway_id) DO UPDATE SET used_nanos = excluded.used_nanos, "
                + "heartbeat_at = excluded.heartbeat_at")) {
            ps.setString(1, scope);
            ps.setLong(2, ask.periodStart());
            ps.setString(3, gatewayId);
            ps.setLong(4, Math.max(0, ask.used()));
            ps.setLong(5, now);
            ps.setString(6, ProcessIdentity.SELF.host());
            ps.setLong(7, ProcessIdentity.SELF.pid());
            ps.setLong(8, ProcessIdentity.SELF.startMillis());
            ps.executeUpdate();
        }
    }

    /**
     * Every {@link Governance#KEY_SYNC_MILLIS}, on a worker: renews this gateway's rows (so the others keep counting its
     * grants), reports what it uses of each, gives back the unused part where another gateway waits or the limit
     * changed, drops its rows of past periods, and deletes the rows of gateways that are gone. Blocks.
     */
    synchronized void heartbeat() {
        List<Budget> held = held();
        if (held.isEmpty()) return;
        long now = clockMillis.getAsLong();
        List<Budget> beaten = new ArrayList<>();
        List<Budget.Grant.Beat> beats = new ArrayList<>();
        db.transaction(c -> {
            Set<String> contested = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT scope FROM budget_grants WHERE gateway_id <> ? "
                    + "AND wanted_nanos > 0 AND heartbeat_at >= ?")) {
                ps.setString(1, gatewayId);
                ps.setLong(2, now - leaseMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) contested.add(rs.getString(1));
                }
            }
            try (PreparedStatement keep = c.prepareStatement("UPDATE budget_grants SET heartbeat_at = ?, used_nanos = ?, "
                    + "granted_nanos = CASE WHEN ? >= 0 THEN ? ELSE granted_nanos END WHERE scope = ? AND period_start = ? "
                    + "AND gateway_id = ?");
                 PreparedStatement drop = c.prepareStatement("DELETE FROM budget_grants WHERE scope = ? AND period_start = ? "
                    + "AND gateway_id = ?")) {
                for (Budget b : held) {
                    Budget.Grant.Beat beat = b.beat(contested.contains(b.grant().scope), now);
                    if (beat == null) continue;
                    if (beat.newGranted() >= 0) log.debug("budget {}: unused grant given back to another gateway", beat.scope());
                    if (beat.delete()) {
                        drop.setString(1, beat.scope());
                        drop.setLong(2, beat.periodStart());
                        drop.setString(3, gatewayId);
                        drop.addBatch();
                        continue;
                    }
                    keep.setLong(1, now);
                    keep.setLong(2, beat.used());
                    keep.setLong(3, beat.newGranted());
                    keep.setLong(4, beat.newGranted());
                    keep.setString(5, beat.scope());
                    keep.setLong(6, beat.periodStart());
                    keep.setString(7, gatewayId);
                    keep.addBatch();
                    beaten.add(b);
                    beats.add(beat);
                }
                keep.executeBatch();
                drop.executeBatch();
            }
            deleteGone(c, now);
            return null;
        });
        for (int i = 0; i < beaten.size(); i++) beaten.get(i).renewed(beats.get(i).periodStart(), now + leaseMillis / 2);
    }

    /** The rows of gateways that are gone (see {@link #gone}). */
    private void deleteGone(Connection c, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE heartbeat_at < ?")) {
            ps.setLong(1, now - leaseMillis);
            ps.executeUpdate();
        }
        Set<String> gone = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT gateway_id, pid, process_start FROM budget_grants "
                + "WHERE host = ? AND heartbeat_at < ? AND gateway_id <> ?")) {
            ps.setString(1, ProcessIdentity.SELF.host());
            ps.setLong(2, now - GONE_QUIET_MILLIS);
            ps.setString(3, gatewayId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (ProcessIdentity.SELF.knowsGone(ProcessIdentity.SELF.host(), rs.getLong(2), rs.getLong(3))) gone.add(rs.getString(1));
                }
            }
        }
        if (gone.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE gateway_id = ?")) {
            for (String id : gone) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Whether this gateway ever took a grant: only then do the ledger's batches need crediting. */
    boolean holdsAny() { return everHeld; }

    /**
     * After the ledger committed {@code rows} (on its writer's thread): each held grant's {@code flushed_nanos} grows by
     * what the rows of its period added to the ledger, so that it stops counting twice. Blocks.
     */
    synchronized void credit(List<FlushedSpend> rows) {
        Map<Budget, Long> byBudget = new HashMap<>();
        for (FlushedSpend r : rows) {
            if (r.costNanos() <= 0) continue;
            if (r.keyId() != null) {
                KeyState k = keys.byId(r.keyId());
                if (k != null) add(byBudget, k.budget, r);
            }
            if (global != null) add(byBudget, global, r);
        }
        if (byBudget.isEmpty()) return;
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE budget_grants SET flushed_nanos = flushed_nanos + ? "
                    + "WHERE scope = ? AND period_start = ? AND gateway_id = ?")) {
                for (Map.Entry<Budget, Long> e : byBudget.entrySet()) {
                    Budget.Grant g = e.getKey().grant();
                    ps.setLong(1, e.getValue());
                    ps.setString(2, g.scope);
                    ps.setLong(3, e.getKey().rowPeriod());
                    ps.setString(4, gatewayId);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static void add(Map<Budget, Long> byBudget, Budget b, FlushedSpend r) {
        long row = b.rowPeriod();
        // a row belongs to the period in which it ended; rows of an earlier period are not this grant's
        if (row == Budget.Grant.NONE || r.endedAt() < row) return;
        byBudget.merge(b, r.costNanos(), Long::sum);
    }

    /** At shutdown, after the ledger's last rows are written: this gateway's grants stop counting at once. Blocks. */
    synchronized void release() {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_grants WHERE gateway_id = ?")) {
                ps.setString(1, gatewayId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private List<Budget> budgets() {
        List<Budget> out = new ArrayList<>();
        for (KeyState k : keys.all()) if (k.budget.grant() != null) out.add(k.budget);
        if (global != null) out.add(global);
        return out;
    }

    private List<Budget> held() {
        List<Budget> out = new ArrayList<>();
        for (Budget b : budgets()) if (b.rowPeriod() != Budget.Grant.NONE) out.add(b);
        return out;
    }

    static GatewayException storeUnreachable() {
        return new GatewayException(ErrorKind.UNAVAILABLE, 503, "The budget this call is checked against is shared with "
                + "other gateways through the store, which does not answer. Retry shortly.", null, "budget_store_unavailable",
                null, 1L);
    }
}
