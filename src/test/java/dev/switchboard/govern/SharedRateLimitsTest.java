package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SharedRateLimits} on a real SQLite store, several "gateways" (each its own limiter, registry and sync) on one
 * file, one clock the test moves: baselines, late readers, rows that vanish and come back, corrections, unknown keys.
 */
class SharedRateLimitsTest {
    private static final long MINUTE_NANOS = 60_000_000_000L;
    @TempDir
    Path dir;
    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private Database db;

    /** One gateway: its limiter, its keys and its sync, on the shared store and clock. */
    private final class Gw {
        final LocalRateLimiter limiter = new LocalRateLimiter();
        final KeyRegistry keys = new KeyRegistry(false);
        final SharedRateLimits sync;

        Gw(String id, VirtualKey... known) {
            for (VirtualKey k : known) keys.put(k, 0, millis.get());
            sync = new SharedRateLimits(db, limiter, keys, millis::get, nanos::get, id);
            sync.sync(); // as Governance.open does: the baseline
        }

        RateLimiter.Permit call(VirtualKey k) {
            return limiter.acquire(k.keyId(), new RateLimiter.Limits(k.rpmLimit(), k.tpmLimit(), null), 10, nanos.get());
        }

        /** What a new call would see left of the key's rpm (it takes one). */
        long remainingAfterOneMore(VirtualKey k) {
            return Long.parseLong(call(k).headers().get("x-ratelimit-remaining-requests"));
        }
    }

    private static VirtualKey key(String id, Long rpm, Long tpm) {
        return new VirtualKey(id, "tok-" + id, "sk-sb-..." + id, null, List.of(), null, null, null, 0, null, null, rpm, tpm, null,
                null, null, List.of(), false, 0, 0, null, null, null, null);
    }

    private Database open() {
        db = Database.open(null, dir.resolve("limits.db").toString());
        return db;
    }

    @AfterEach
    void close() { if (db != null) db.close(); }

    private void later(long ms) {
        millis.addAndGet(ms);
        nanos.addAndGet(ms * 1_000_000);
    }

    @Test
    void whatAnotherGatewayTookBeforeThisOneStartedIsNotItsBusinessWhatItTakesAfterIs() {
        open();
        VirtualKey k = key("key_a", 100L, null);
        Gw b = new Gw("b", k);
        for (int i = 0; i < 30; i++) b.call(k);
        b.sync.sync();
        Gw a = new Gw("a", k); // starts now: B's 30 are its baseline
        assertThat(a.remainingAfterOneMore(k)).isEqualTo(99);
        for (int i = 0; i < 20; i++) b.call(k);
        b.sync.sync();
        a.sync.sync();
        assertThat(a.remainingAfterOneMore(k)).as("B's 20 since A started, and A's own 2").isEqualTo(100 - 2 - 20);
        a.sync.sync();
        assertThat(a.remainingAfterOneMore(k)).as("nothing taken twice").isEqualTo(100 - 3 - 20);
    }

    @Test
    void aRowThatVanishedAndCameBackIsNotTakenWhole() throws Exception {
        open();
        VirtualKey k = key("key_a", 100L, null);
        Gw a = new Gw("a", k);
        Gw b = new Gw("b", k);
        for (int i = 0; i < 60; i++) a.call(k);
        a.sync.sync();
        b.sync.sync();
        assertThat(b.remainingAfterOneMore(k)).isEqualTo(100 - 60 - 1);
        // A cannot reach the store for three minutes: B deletes A's row after the lease and forgets it after two more
        later(61_000);
        b.sync.sync(); // deletes A's row (60 s without a write)
        later(125_000);
        b.sync.sync(); // A's row not read for two leases: forgotten
        // A is back, serves one more: its row begins again from zero, so B takes the one, not A's whole history
        a.call(k);
        a.sync.sync();
        a.sync.sync();
        b.sync.sync();
        assertThat(b.remainingAfterOneMore(k)).as("refilled to 100 over three minutes, less A's one and this one").isEqualTo(98);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("limits.db"));
             var rs = c.createStatement().executeQuery("SELECT requests FROM rate_usage WHERE gateway_id = 'a'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void tokenCorrectionsReachTheOtherGatewaysBothWays() {
        open();
        VirtualKey k = key("key_t", null, 1_000L);
        Gw a = new Gw("a", k);
        Gw b = new Gw("b", k);
        RateLimiter.Permit p = a.call(k); // takes its estimate, 10
        a.sync.sync();
        b.sync.sync();
        p.release(400, nanos.get()); // it really used 400
        a.sync.sync();
        b.sync.sync();
        RateLimiter.Permit q = b.call(k);
        assertThat(q.headers().get("x-ratelimit-remaining-tokens")).isEqualTo(String.valueOf(1_000 - 400 - 10));
    }

    @Test
    void aKeyThisGatewayDoesNotKnowYetIsChargedOnceItDoes() {
        open();
        VirtualKey k = key("key_new", 50L, null);
        Gw a = new Gw("a", k);
        Gw b = new Gw("b"); // B has not synced the new key yet
        for (int i = 0; i < 20; i++) a.call(k);
        a.sync.sync();
        b.sync.sync();
        b.keys.put(k, 0, millis.get()); // the key sync brings it
        b.sync.sync();
        assertThat(b.remainingAfterOneMore(k)).isEqualTo(50 - 20 - 1);
    }

    @Test
    void aGatewayWithoutRateLimitedKeysLeavesTheStoreAloneAfterItsStart() throws Exception {
        open();
        Gw a = new Gw("a", key("key_free", null, null));
        VirtualKey limited = key("key_l", 10L, null);
        Gw b = new Gw("b", limited);
        for (int i = 0; i < 5; i++) b.call(limited);
        b.sync.sync();
        a.sync.sync();
        assertThat(a.limiter.usage()).isEmpty();
        b.sync.release();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("limits.db"));
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM rate_usage")) {
            rs.next();
            assertThat(rs.getLong(1)).as("a clean stop deletes its rows").isZero();
        }
    }
}
