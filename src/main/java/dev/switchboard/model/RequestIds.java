package dev.switchboard.model;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * Request ids that tell nobody anything they did not know: {@code req_}, the time the id was made (milliseconds since
 * the epoch, 12 hex digits) and 80 bits from a {@link SecureRandom} (20 hex digits), like a UUIDv7. The earlier ids
 * (a per-process prefix and a counter) let anyone who made two calls learn how many others the gateway served in
 * between; the time tells a caller only when its own call was made. An id is the ledger's {@code request_id} (with the
 * attempt, its primary key) and the request log's, so it must never repeat: two ids of the same millisecond share 80
 * random bits with a chance of 2^-80.
 *
 * <p>Why the time first: the ids are the keys of the ledger's and the request log's primary-key indexes, and an index
 * whose keys arrive in random order has each inserted row land on a different page once the table is large, so every
 * writer commit rewrote about one 4 KB index page per row (WAL and checkpoint alike): 70 % of the store threads' CPU per
 * request (docs/architecture.md, "Performance notes", 2026-12-01 11:30). Ids that grow with time append to the index's
 * last pages.
 *
 * <p>One generator per thread (event loops), each {@code SHA1PRNG} seeded from the system's entropy on its first
 * use (a CSPRNG: the collisions found in SHA-1 say nothing about predicting its output). The platform default
 * ({@code NativePRNG}) takes a process-wide lock and reads {@code /dev/urandom} every few ids: 1.4 % of a request's
 * CPU in the profile of docs/architecture.md ("Performance notes"), 410-580 ns an id against 210 ns here ({@code DRBG}
 * took 730-910 ns).
 */
public final class RequestIds {
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final ThreadLocal<Generator> GENERATOR = ThreadLocal.withInitial(Generator::new);
    private static final int TIME_DIGITS = 12;
    private static final int RANDOM_BYTES = 10;
    private static final int LENGTH = 4 + TIME_DIGITS + 2 * RANDOM_BYTES;

    private final LongSupplier clock;

    public RequestIds() { this(System::currentTimeMillis); }

    RequestIds(LongSupplier clock) { this.clock = clock; }

    private static final RequestIds SHARED = new RequestIds();

    /**
     * A unique id for an answer whose provider sent none, in the form of the client's dialect ({@code chatcmpl-…},
     * {@code msg_…}): {@code prefix} and an id's time and random digits. One constant id for all of them made every such
     * answer collide in the clients and tracing tools that key on it.
     */
    public static String answerId(String prefix) { return prefix + SHARED.next().substring(4); }

    public String next() {
        Generator g = GENERATOR.get();
        byte[] b = g.random;
        g.prng.nextBytes(b);
        byte[] id = g.id; // its first four bytes are "req_" already
        long millis = clock.getAsLong();
        for (int i = 4 + TIME_DIGITS - 1; i >= 4; i--, millis >>>= 4) id[i] = DIGITS[(int) (millis & 0xf)];
        for (int i = 0, at = 4 + TIME_DIGITS; i < RANDOM_BYTES; i++) {
            id[at++] = DIGITS[(b[i] >> 4) & 0xf];
            id[at++] = DIGITS[b[i] & 0xf];
        }
        // the id's one allocation: a Latin-1 String copies the bytes as they are (the thread's arrays are used again)
        return new String(id, 0, LENGTH, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** A thread's generator and the arrays an id is made in (ids are made on event loops, a few per request). */
    private static final class Generator {
        final SecureRandom prng = generator();
        final byte[] random = new byte[RANDOM_BYTES];
        final byte[] id = new byte[LENGTH];

        Generator() {
            id[0] = 'r';
            id[1] = 'e';
            id[2] = 'q';
            id[3] = '_';
        }
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("SHA1PRNG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
