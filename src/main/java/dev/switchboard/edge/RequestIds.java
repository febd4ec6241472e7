package dev.switchboard.edge;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids unique across restarts without a random draw per request: a random per-process prefix plus
 * a counter ({@code req_3f9a1c2e5b7d9012_000000000042}).
 */
public final class RequestIds {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds() {
        byte[] b = new byte[8]; // 64 random bits: ids of different runs never meet in the ledger
        new SecureRandom().nextBytes(b);
        prefix = "req_" + HexFormat.of().formatHex(b) + "_";
    }

    public String next() {
        String n = Long.toString(counter.incrementAndGet());
        return prefix + "0".repeat(Math.max(0, 12 - n.length())) + n;
    }
}
