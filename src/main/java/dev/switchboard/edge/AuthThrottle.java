package dev.switchboard.edge;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.function.LongSupplier;

/**
 * Slows the guessing of the master key: {@value #MAX_FAILURES} possible guesses at it (a presented key that is no key
 * at all, on any route, the dashboard's login included; see {@link dev.switchboard.govern.Authenticator#mayGuessTheMasterKey})
 * from one client address within a minute lock that address out of the master key for {@value #LOCKOUT_SECONDS} s:
 * every master-key request from it, and every further such key, is answered 429 with {@code retry-after} — the right key too, so that the answers during a lockout say nothing about a guess.
 * Without it the admin API answered a wrong master key at once, as fast as a client could ask (security QA, finding 9).
 *
 * <ul>
 *   <li>Per address (an IPv6 address by its /64, which one host usually holds whole), so a client elsewhere cannot lock
 *       the real admin out; behind a reverse proxy every client has the proxy's address (forwarded headers are not
 *       trusted), and shares its lockout.</li>
 *   <li>Only keys that could be the master key count: not an expired or blocked virtual key, a key of a blocked team,
 *       a refused JWT, or a key of the virtual-key shape ({@code sk-sb-} and 43 characters: one that is no longer known
 *       is a deleted or rotated key an app still sends, and guessing 256 random bits is hopeless). Behind Docker's port
 *       publishing or an ingress all clients share one address, so an app retrying a stale key must not lock the admin
 *       out. Virtual keys and JWTs keep working from a locked address.</li>
 *   <li>Costs nothing on the successful path: a volatile read of whether any address is locked, nothing else, until
 *       one is.</li>
 *   <li>Bounded: at most {@value #MAX_ADDRESSES} addresses are tracked; a new address past the bound is tracked all the
 *       same, and the one that failed least recently is dropped (O(1); before, a new address past the bound was not
 *       tracked at all, so it could guess unthrottled once the table was full, and each of its attempts scanned the
 *       table).</li>
 * </ul>
 */
public final class AuthThrottle {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MILLIS = 60_000;
    static final int LOCKOUT_SECONDS = 60;
    static final int MAX_ADDRESSES = 10_000;

    private final LongSupplier clock;
    /**
     * The addresses with recent failures, least recently failed (or checked) first: access order; guarded by itself. Failures are
     * rare and the successful path never touches it, so one lock costs nothing that matters.
     */
    private final java.util.LinkedHashMap<String, Failures> byAddress = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };
    /** The latest end of any address's lockout (epoch ms), or 0: the one thing the successful path reads. */
    private volatile long anyLockedUntil;

    public AuthThrottle(LongSupplier clockMillis) { this.clock = clockMillis; }

    private static final class Failures {
        long windowStart;
        int count;
        long lockedUntil;
    }

    /** Whether some address may be locked out now (a volatile read; false almost always). */
    boolean anyLocked() {
        long until = anyLockedUntil;
        if (until == 0) return false;
        if (clock.getAsLong() < until) return true;
        anyLockedUntil = 0; // every lockout has run out (a racing new one sets it again after its own write)
        return false;
    }

    /** @throws GatewayException 429 when {@code address} is locked out now */
    void check(String address) {
        if (address == null || sameMachine(address)) return;
        long until;
        synchronized (byAddress) {
            Failures f = byAddress.get(group(address));
            if (f == null) return;
            until = f.lockedUntil;
        }
        long now = clock.getAsLong();
        if (now < until) throw locked(until - now);
    }

    /**
     * Counts a refused key from {@code address} that may be a guess at the master key.
     *
     * @throws GatewayException 429 when the address is (now) locked out
     */
    void failed(String address) {
        if (address == null || sameMachine(address)) return;
        String key = group(address);
        long now = clock.getAsLong();
        long until;
        synchronized (byAddress) {
            // a new address is always tracked: past the bound the one that failed least recently is dropped (O(1))
            Failures f = byAddress.computeIfAbsent(key, k -> new Failures());
            if (now < f.lockedUntil) {
                until = f.lockedUntil;
            } else {
                if (now - f.windowStart > WINDOW_MILLIS) {
                    f.windowStart = now;
                    f.count = 0;
                }
                if (++f.count < MAX_FAILURES) return;
                f.count = 0;
                f.windowStart = now;
                f.lockedUntil = until = now + LOCKOUT_SECONDS * 1000L;
                if (until > anyLockedUntil) anyLockedUntil = until;
            }
        }
        throw locked(until - now);
    }

    /** How many addresses are tracked now. */
    int tracked() {
        synchronized (byAddress) {
            return byAddress.size();
        }
    }

    /**
     * 127.0.0.1 and ::1, where the apps and the admin of the gateway's own machine connect from (Switchboard's default
     * deployment: one machine, several apps, bound to 127.0.0.1): never counted nor locked out. An app retrying with a
     * stale or mistyped key would otherwise lock its machine's admin out of the master key and the dashboard for as long
     * as it retries; the lockout is for a gateway reachable from a network, where guesses come from elsewhere. (Other
     * loopback addresses, 127.0.0.2 and up, are counted: no client uses them unasked, and the tests play attackers there.)
     */
    static boolean sameMachine(String address) {
        return address.equals("127.0.0.1") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * The address a lockout applies to: an IPv4 address as it is, an IPv6 address by its first 64 bits. An IPv4-mapped
     * IPv6 address ({@code ::ffff:1.2.3.4}, what a dual-stack socket reports for an IPv4 client) is its IPv4 address
     * written plainly: the same client as over IPv4, and in its own /24 for the key look-ups' shares, where the mapped
     * text's first groups ({@code ::ffff}) put every IPv4 client in one block.
     */
    static String group(String address) {
        if (address.indexOf(':') < 0) return address;
        try {
            java.net.InetAddress parsed = java.net.InetAddress.getByName(address); // a literal: no lookup
            if (parsed instanceof java.net.Inet4Address) return parsed.getHostAddress(); // Java parses a mapped literal so
            byte[] b = parsed.getAddress();
            if (b.length != 16) return address;
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i += 2) s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            return s.append(":/64").toString();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    private static GatewayException locked(long millisLeft) {
        long seconds = Math.max(1, (millisLeft + 999) / 1000);
        return new GatewayException(ErrorKind.RATE_LIMIT, 429, "Too many failed authentications from this address: the "
                + "master key is not taken from it for " + seconds + " s (" + MAX_FAILURES + " wrong keys within a minute "
                + "lock an address out for " + LOCKOUT_SECONDS + " s). Virtual keys keep working.", null,
                "too_many_failed_authentications", null, seconds);
    }
}
