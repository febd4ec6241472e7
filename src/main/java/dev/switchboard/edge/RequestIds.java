package dev.switchboard.edge;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Request ids that tell nobody anything: 128 bits from a {@link SecureRandom} each ({@code req_} and 32 hex digits).
 * The earlier ids (a per-process prefix and a counter) let anyone who made two calls learn how many others the
 * gateway served in between. An id is the ledger's {@code request_id} (with the attempt, its primary key), so it
 * must also never repeat: 128 random bits make a collision as likely as none at all.
 *
 * <p>One generator per thread (event loops), each {@code SHA1PRNG} seeded from the system's entropy on its first
 * use (a CSPRNG: the collisions found in SHA-1 say nothing about predicting its output). The platform default
 * ({@code NativePRNG}) takes a process-wide lock and reads {@code /dev/urandom} every few ids: 1.4 % of a request's
 * CPU in the profile of docs/architecture.md ("Performance notes"), 410-580 ns an id against 210 ns here ({@code DRBG}
 * took 730-910 ns).
 */
public final class RequestIds {
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RequestIds::generator);

    public String next() {
        byte[] b = new byte[16];
        RANDOM.get().nextBytes(b);
        return "req_" + HEX.formatHex(b);
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("SHA1PRNG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
