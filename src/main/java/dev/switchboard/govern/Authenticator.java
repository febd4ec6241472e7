package dev.switchboard.govern;

import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Decides who is calling from the key presented ({@code Authorization: Bearer …} or {@code x-api-key}): the master
 * key, a virtual key (looked up by its SHA-256 in memory), or nobody — allowed only when no master key is configured
 * (the server is then loopback-only). An unknown, blocked or expired key is a 401 that says which. A key in
 * Switchboard's own format ({@code sk-sb-…}) that is not known is refused even without a master key: a revoked key
 * must stop working, not fall back to anonymous. With JWT auth on, a presented JWT (three dot-separated parts) is
 * verified by {@link JwtAuthenticator}; the master key and virtual keys keep working beside it, and a gateway with
 * JWT auth always requires a key.
 */
public final class Authenticator {
    private final Predicate<String> isMasterKey;
    private final KeyRegistry keys;
    private final LongSupplier clockMillis;
    private final JwtAuthenticator jwt;
    /** Teams, whose block refuses their keys on every route, as a key's own block does; none by default. */
    private Teams teams = new Teams(java.util.Map.of());

    /** @param isMasterKey null when no master key is configured */
    Authenticator(Predicate<String> isMasterKey, KeyRegistry keys, LongSupplier clockMillis) {
        this(isMasterKey, keys, clockMillis, null);
    }

    /** @param jwt null when JWT auth is off */
    Authenticator(Predicate<String> isMasterKey, KeyRegistry keys, LongSupplier clockMillis, JwtAuthenticator jwt) {
        this.isMasterKey = isMasterKey;
        this.keys = keys;
        this.clockMillis = clockMillis;
        this.jwt = jwt;
    }

    /** The teams whose blocks hold their keys (set once, before the gateway serves). */
    void teams(Teams teams) { this.teams = teams; }

    /** Master key only (no virtual keys), for tools that need no store. */
    public static Authenticator masterKeyOnly(Predicate<String> isMasterKey) {
        return new Authenticator(isMasterKey, new KeyRegistry(), System::currentTimeMillis);
    }

    public boolean required() { return isMasterKey != null || jwt != null; }

    /** @throws GatewayException 401 naming what is wrong with the key */
    public Caller authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            if (!required()) return Caller.ANONYMOUS;
            throw unauthorized("No API key provided. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        }
        if (isMasterKey != null && isMasterKey.test(presentedKey)) return Caller.MASTER;
        if (jwt != null && JwtAuthenticator.looksLikeJwt(presentedKey)) return jwt.authenticate(presentedKey);
        KeyState state = presentedKey.startsWith("sk-") ? keys.byToken(KeySecrets.hash(presentedKey)) : null;
        if (state != null) {
            KeyState.Version v = state.version();
            VirtualKey k = v.key();
            if (k.blocked()) throw unauthorized("This key is blocked" + named(k) + ". The gateway's owner can unblock it (/key/unblock).");
            if (k.expired(clockMillis.getAsLong())) {
                throw unauthorized("This key expired at " + Instant.ofEpochMilli(k.expiresAt()) + named(k) + ".");
            }
            if (k.teamId() != null && teams.active()) {
                Team t = teams.row(k.teamId());
                if (t != null && t.blocked()) throw Governor.teamBlocked(t.teamId());
            }
            return v.caller();
        }
        if (!required() && !presentedKey.startsWith(KeySecrets.PREFIX)) return Caller.ANONYMOUS;
        throw unauthorized("Incorrect API key provided: it is not the master key" + (jwt != null ? ", a JWT" : "")
                + " or a known virtual key (it may have been deleted or rotated).");
    }

    private static String named(VirtualKey k) {
        return k.alias() == null ? "" : " (key_alias '" + k.alias() + "')";
    }

    private static GatewayException unauthorized(String message) {
        return new GatewayException(ErrorKind.AUTHENTICATION, 401, message, null, "invalid_api_key", null, null);
    }
}
