package dev.switchboard.pipeline;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Response ids ({@code resp_} and 48 hex digits, the shape of OpenAI's, whose ids also begin with their creation time):
 * the first 12 digits are the creation time in milliseconds, the other 36 (144 bits) random, so an id stays unguessable
 * and says when it was made. A gateway that does not find a response another gateway on the same database has just
 * answered (its row still being written there) waits for it only when its id is that recent ({@link StoredResponses}).
 * Ids made before (48 random digits) are read as any other; the time in them is random, almost never recent.
 */
public final class ResponseIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "resp_";
    private static final int TIME_DIGITS = 12;
    private static final int LENGTH = PREFIX.length() + 48;

    private ResponseIds() {}

    /** A new id for a response created at {@code createdMillis}. */
    public static String create(long createdMillis) {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        String time = HexFormat.of().toHexDigits(createdMillis & 0xFFFF_FFFF_FFFFL).substring(16 - TIME_DIGITS);
        return PREFIX + time + HexFormat.of().formatHex(b);
    }

    /** The creation time an id says (milliseconds), or -1 when it is not of this shape. */
    public static long createdMillis(String id) {
        if (id == null || id.length() != LENGTH || !id.startsWith(PREFIX)) return -1;
        long t = 0;
        for (int i = PREFIX.length(); i < PREFIX.length() + TIME_DIGITS; i++) {
            int d = Character.digit(id.charAt(i), 16);
            if (d < 0) return -1;
            t = (t << 4) | d;
        }
        return t;
    }

    /**
     * Whether an id says it was made less than {@code windowMillis} before {@code nowMillis} (or as much after it: the
     * gateway that made it may run on a host whose clock is ahead).
     */
    public static boolean recent(String id, long nowMillis, long windowMillis) {
        long t = createdMillis(id);
        return t >= 0 && Math.abs(nowMillis - t) < windowMillis;
    }
}
