package dev.switchboard.edge;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Request ids that tell nobody anything: 128 bits from {@link SecureRandom} each ({@code req_} and 32 hex digits).
 * The earlier ids (a per-process prefix and a counter) let anyone who made two calls learn how many others the
 * gateway served in between. An id is the ledger's {@code request_id} (with the attempt, its primary key), so it
 * must also never repeat: 128 random bits make a collision as likely as none at all.
 */
public final class RequestIds {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random = new SecureRandom();

    public String next() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return "req_" + HEX.formatHex(b);
    }
}
