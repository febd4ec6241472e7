package dev.switchboard.provider;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * THE REFERENCE: a frozen copy of {@link KeyScrubber}'s window set and byte scan as they were before the scan learned
 * to hop over bytes no key has (main at 714311f), kept only so {@link KeyScrubberDifferentialTest} can check that the
 * new scan masks exactly the same bytes and answers the same. Do not change it or use it elsewhere.
 *
 * <p>The scan rolls every byte of the text into a {@code long} and looks the window up once 8 consecutive bytes that
 * occur in some key were seen.
 */
final class KeyScrubberReference {
    private static final int MIN_RUN = 8;
    private static final byte MASK = '*';

    private final long[] table;
    private final int shift;
    private final int size;
    private final byte[] fold = new byte[256];

    KeyScrubberReference(Collection<String> keys) {
        Set<Long> windows = new HashSet<>();
        for (String k : keys) {
            if (k == null) continue;
            for (int i = 0; i + MIN_RUN <= k.length(); i++) {
                long w = 0;
                boolean ok = true;
                for (int j = i; j < i + MIN_RUN && ok; j++) {
                    char c = k.charAt(j);
                    ok = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
                    w = (w << 8) | lower(c);
                }
                if (ok) windows.add(w);
            }
        }
        int bits = 4;
        while ((1 << bits) < windows.size() * 2) bits++;
        table = new long[1 << bits];
        shift = 64 - bits;
        size = windows.size();
        for (long w : windows) {
            int h = slot(w);
            while (table[h] != 0) h = (h + 1) & (table.length - 1);
            table[h] = w;
            for (int b = 0; b < 8; b++) {
                int c = (int) (w >>> (b * 8)) & 0xff;
                fold[c] = (byte) c;
                if (c >= 'a' && c <= 'z') fold[c - 32] = (byte) c;
            }
        }
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private int slot(long w) {
        return (int) ((w * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private boolean contains(long w) {
        int h = slot(w);
        long[] t = table;
        while (true) {
            long v = t[h];
            if (v == w) return true;
            if (v == 0) return false;
            h = (h + 1) & (t.length - 1);
        }
    }

    boolean scrubInPlace(byte[] b, int from, int to) {
        if (size == 0) return false;
        long w = 0;
        int maskedTo = from;
        boolean found = false;
        for (int i = from; i < to; i++) {
            w = (w << 8) | fold[b[i] & 0xff];
            if (((w - 0x0101010101010101L) & ~w & 0x8080808080808080L) == 0 && contains(w)) {
                for (int j = Math.max(i - (MIN_RUN - 1), maskedTo); j <= i; j++) b[j] = MASK;
                maskedTo = i + 1;
                found = true;
            }
        }
        return found;
    }
}
