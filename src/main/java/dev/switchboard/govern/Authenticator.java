package dev.switchboard.govern;

import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Decides who is calling from the key presented ({@code Authorization: Bearer …} or {@code x-api-key}): the master
 * key, a virtual key (looked up by its SHA-256 in memory; a secret rotated away with a grace period is its key until the
 * grace ends), or nobody — allowed only when no master key is configured
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
        KeyState state = null;
        if (presentedKey.startsWith("sk-")) {
            String hash = KeySecrets.hash(presentedKey);
            state = keys.byToken(hash);
            // a rotated-away secret in its grace period (LiteLLM's grace_period) is the same key, every check below included
            if (state == null) state = keys.byGraceToken(hash, clockMillis.getAsLong());
        }
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
        throw unauthorized(UNKNOWN_KEY + "it is not the master key" + (jwt != null ? ", a JWT" : "")
                + " or a known virtual key (it may have been deleted or rotated).");
    }

    /** Whether {@code refusal} is {@link #authenticate}'s for a key that matches no key at all (not blocked, expired, ...). */
    public static boolean unknownKey(GatewayException refusal) {
        return refusal.status() == 401 && refusal.getMessage() != null && refusal.getMessage().startsWith(UNKNOWN_KEY);
    }

    /** How the refusal of a key that matches no key at all begins (and no other refusal). */
    private static final String UNKNOWN_KEY = "Incorrect API key provided: ";

    /**
     * Whether {@code refusal}, thrown by {@link #authenticate} for {@code presentedKey}, may be a guess at the master
     * key: the key matches no key at all (not a blocked or expired virtual key, nor a key of a blocked team: those are
     * known keys an app still sends), a master key is configured, and the key is neither a JWT nor of the virtual-key
     * shape ({@code sk-sb-} and 43 base64url characters: a deleted or rotated virtual key, and guessing 256 random bits
     * is hopeless). The master-key lockout (edge.AuthThrottle) counts only these, so an app retrying a stale key does
     * not lock the admin out where all clients share one address (Docker's port publishing, an ingress).
     */
    public boolean mayGuessTheMasterKey(String presentedKey, GatewayException refusal) {
        return isMasterKey != null && presentedKey != null && !presentedKey.isEmpty() && refusal.status() == 401
                && refusal.getMessage() != null && refusal.getMessage().startsWith(UNKNOWN_KEY)
                && !JwtAuthenticator.looksLikeJwt(presentedKey) && !virtualKeyShape(presentedKey);
    }

    /** {@code sk-sb-} and 43 base64url characters, as {@link KeySecrets#newKey} makes them. */
    static boolean virtualKeyShape(String key) {
        if (key.length() != KeySecrets.PREFIX.length() + 43 || !key.startsWith(KeySecrets.PREFIX)) return false;
        for (int i = KeySecrets.PREFIX.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
        }
        return true;
    }

    private static String named(VirtualKey k) {
        return k.alias() == null ? "" : " (key_alias '" + k.alias() + "')";
    }

    private static GatewayException unauthorized(String message) {
        return new GatewayException(ErrorKind.AUTHENTICATION, 401, message, null, "invalid_api_key", null, null);
    }
}
