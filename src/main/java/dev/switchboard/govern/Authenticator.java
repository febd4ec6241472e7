package dev.switchboard.govern;

import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.util.function.Predicate;

/**
 * Decides who is calling from the key presented ({@code Authorization: Bearer …} or {@code x-api-key}).
 * Today: the master key, or nobody needed when none is configured (then the server is loopback-only).
 * Virtual keys come with the governance issue, behind this same method.
 */
public final class Authenticator {
    private final Predicate<String> isMasterKey;

    /** @param isMasterKey null when no master key is configured */
    public Authenticator(Predicate<String> isMasterKey) { this.isMasterKey = isMasterKey; }

    public boolean required() { return isMasterKey != null; }

    /** @throws GatewayException 401 when a key is required and the one presented is missing or wrong */
    public Caller authenticate(String presentedKey) {
        if (isMasterKey == null) return Caller.ANONYMOUS;
        if (presentedKey == null || presentedKey.isEmpty()) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401,
                    "No API key provided. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.", null, "invalid_api_key", null, null);
        }
        if (!isMasterKey.test(presentedKey)) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, 401,
                    "Incorrect API key provided.", null, "invalid_api_key", null, null);
        }
        return Caller.MASTER;
    }
}
