package dev.switchboard.route;

/**
 * FNV-1a, 64 bits, over characters: one pass, no allocation. Used for routing keys (prompt prefixes,
 * classifier answers) where a collision only costs a cache miss or a shared classification, never
 * correctness or security.
 */
final class Fnv64 {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private long h = OFFSET;

    static long of(String s) { return new Fnv64().add(s).value(); }

    /** Adds a string and a separator, so ("ab","c") and ("a","bc") differ; null adds only the separator. */
    Fnv64 add(String s) {
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= PRIME;
            }
        }
        h ^= 0x1f;
        h *= PRIME;
        return this;
    }

    long value() { return h; }
}
