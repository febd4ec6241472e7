package dev.switchboard.cache;

import java.util.HexFormat;

/**
 * The exact-cache key: a request's SHA-256 ({@link RequestFingerprint#exactKey}) as four longs, with the 64-character hex
 * form ({@link #hex()}, what Redis keys, the codec, the semantic cache and {@code x-switchboard-cache-entry} show) made only
 * when something asks for it. Why: the in-memory store keeps one key per entry, and a miss through it made the hex String
 * and its array (two young objects that lived as long as the entry) and hashed and compared 64 characters; this is one
 * object, its hash a long's bits (a SHA-256 is uniform already) and its equals four comparisons (issue #9's (x) row,
 * docs/architecture.md "2026-12-01 22:40").
 *
 * <p>Not final for one subclass only: the in-memory store's entry ({@link OffHeapBytes}) is its own key, so Caffeine
 * holds one object an entry where it held a key and a handle (docs/architecture.md "2026-12-02 01:30"). Equality and
 * the hash are the four longs' whatever the class, so a bare key finds the entry.
 */
public sealed class EntryKey permits OffHeapBytes {
    private static final HexFormat HEX = HexFormat.of();

    private final long a, b, c, d;
    /** The hex form once made; a racy cache of an immutable String (a thread that misses it makes an equal one). */
    private String hex;

    /** The same key, for an entry that is its own key ({@link OffHeapBytes}). */
    EntryKey(EntryKey k) { this(k.a, k.b, k.c, k.d); }

    private EntryKey(long a, long b, long c, long d) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    /** The key of a 32-byte digest. */
    static EntryKey of(byte[] sha256) {
        if (sha256.length != 32) throw new IllegalArgumentException("a SHA-256 has 32 bytes, not " + sha256.length);
        return new EntryKey(longAt(sha256, 0), longAt(sha256, 8), longAt(sha256, 16), longAt(sha256, 24));
    }

    /** The key whose {@link #hex()} is {@code hex} (either case), or null when it is not 64 hex digits: no entry has it. */
    public static EntryKey parse(String hex) {
        if (hex == null || hex.length() != 64) return null;
        for (int i = 0; i < 64; i++) if (!HexFormat.isHexDigit(hex.charAt(i))) return null;
        return new EntryKey(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32),
                HexFormat.fromHexDigitsToLong(hex, 32, 48), HexFormat.fromHexDigitsToLong(hex, 48, 64));
    }

    private static long longAt(byte[] s, int i) {
        long v = 0;
        for (int j = 0; j < 8; j++) v = (v << 8) | (s[i + j] & 0xFF);
        return v;
    }

    /** The 64 lower-case hex digits of the digest: the format Redis's keys and every earlier entry id have. */
    public final String hex() {
        String h = hex;
        if (h == null) hex = h = HEX.toHexDigits(a) + HEX.toHexDigits(b) + HEX.toHexDigits(c) + HEX.toHexDigits(d);
        return h;
    }

    /** No digest: the key of a bare block ({@link OffHeapBytes#copyOf(byte[], int)}), which no cache holds. */
    static final EntryKey NONE = new EntryKey(0, 0, 0, 0);

    @Override
    public final boolean equals(Object o) {
        return o instanceof EntryKey k && k.a == a && k.b == b && k.c == c && k.d == d;
    }

    @Override
    public final int hashCode() { return (int) (a ^ (a >>> 32)); }

    @Override
    public String toString() { return hex(); }
}
