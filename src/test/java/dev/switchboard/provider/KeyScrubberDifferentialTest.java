package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hopping byte scan ({@link KeyScrubber#scrubInPlace(byte[], int, int)}) against its frozen byte-by-byte
 * predecessor ({@link KeyScrubberReference}): on random inputs of every kind the two must leave the same bytes in the
 * whole array (inside the range and outside it) and give the same answer.
 */
class KeyScrubberDifferentialTest {
    private static final String BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** Key sets: the bench's short key, real-looking long keys, the unit test's pair, keys that repeat themselves. */
    private static List<List<String>> keySets() {
        SplittableRandom r = new SplittableRandom(7);
        return List.of(
                List.of("sk-bench"),
                List.of("sk-proj-" + random(r, BASE62, 56), "sk-ant-api03-" + random(r, BASE62 + "-_", 60),
                        "AIza" + random(r, BASE62 + "-_", 35)),
                List.of(KeyScrubberTest.KEY, KeyScrubberTest.OTHER),
                List.of("aaaaaaaaaaaaaaaa", "abababababab-xyz"),
                List.of("sk-leak-0123456789abcdef", "sk-leak-\"quoted\"-0123456789", "short"));
    }

    @Test
    void theHoppingScanMasksExactlyWhatTheByteByByteScanMasks() {
        SplittableRandom r = new SplittableRandom(15);
        int cases = 0;
        for (List<String> keys : keySets()) {
            KeyScrubber scan = KeyScrubber.of(keys);
            KeyScrubberReference reference = new KeyScrubberReference(keys);
            for (int n = 0; n < 40_000; n++) {
                // every length from 0 to 40 many times over, then some longer texts
                int length = n < 30_000 ? n % 41 : r.nextInt(41, 400);
                byte[] text = switch (n % 4) {
                    case 0 -> randomBytes(r, length);
                    case 1 -> keyText(r, keys, length, " \"~:,.{}é\n");
                    case 2 -> keyText(r, keys, length, ""); // fragments only: adjacent and overlapping runs
                    default -> keyText(r, keys, length, BASE62 + "-_ "); // mostly characters some key has
                };
                compare(scan, reference, r, text);
                cases++;
            }
        }
        assertThat(cases).isEqualTo(5 * 40_000);
    }

    @Test
    void keysAtTheVeryStartAndEndAndFragmentsOfTheLengthsThatMatter() {
        SplittableRandom r = new SplittableRandom(16);
        for (List<String> keys : keySets()) {
            KeyScrubber scan = KeyScrubber.of(keys);
            KeyScrubberReference reference = new KeyScrubberReference(keys);
            for (String key : keys) {
                for (int len : new int[] {7, 8, 9, 15, 16, 17, key.length()}) {
                    if (len > key.length()) continue;
                    for (int at = 0; at + len <= key.length(); at++) {
                        String piece = key.substring(at, at + len);
                        for (String text : List.of(piece, piece + " x", "x " + piece, piece + piece, piece + "~" + piece,
                                mixedCase(r, piece), "ab" + piece.substring(1) + piece.substring(0, len - 1))) {
                            compare(scan, reference, r, text.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        }
    }

    /**
     * The string scans against the byte scan: {@link KeyScrubber#text} masks what the byte scan masks in the same ASCII
     * text, and {@link KeyScrubber#logLine} masks of those runs exactly the ones of {@value KeyScrubber#LOG_MIN_RUN}
     * characters or more, or holding a whole key (keys without unindexed characters here, whose rule is the other one).
     * Held across the two sharing one window scan ({@code nextHit}): it passed before and after.
     */
    @Test
    void theStringScansMaskWhatTheByteScanMasks() {
        SplittableRandom r = new SplittableRandom(17);
        for (List<String> keys : keySets()) {
            List<String> plain = keys.stream().filter(k -> k.length() >= KeyScrubber.MIN_RUN && k.chars().allMatch(c -> c > 0x20 && c < 0x7f
                    && c != '"' && c != '\\' && c != '*')).toList();
            KeyScrubber scan = KeyScrubber.of(plain);
            for (int n = 0; n < 20_000; n++) {
                int length = n < 15_000 ? n % 41 : r.nextInt(41, 300);
                byte[] bytes = keyText(r, plain, length, n % 2 == 0 ? "" : BASE62 + "-_ :/.");
                for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (bytes[i] & 0x7f); // ASCII: one char a byte
                String text = new String(bytes, StandardCharsets.US_ASCII);
                byte[] masked = bytes.clone();
                scan.scrubInPlace(masked);
                String expected = new String(masked, StandardCharsets.US_ASCII);
                assertThat(scan.text(text)).as(text).isEqualTo(expected);
                if (expected.equals(text)) assertThat(scan.text(text)).isSameAs(text);

                char[] log = text.toCharArray();
                for (int a = 0; a < text.length(); ) {
                    if (expected.charAt(a) == text.charAt(a)) {
                        a++;
                        continue;
                    }
                    int b = a;
                    while (b < text.length() && expected.charAt(b) != text.charAt(b)) b++;
                    boolean whole = false;
                    for (String k : plain) {
                        for (int at = a; at + k.length() <= b && !whole; at++) whole = text.regionMatches(true, at, k, 0, k.length());
                    }
                    if (b - a >= KeyScrubber.LOG_MIN_RUN || whole) java.util.Arrays.fill(log, a, b, KeyScrubber.MASK_CHAR);
                    a = b;
                }
                assertThat(scan.logLine(text)).as(text).isEqualTo(new String(log));
            }
        }
    }

    /** Runs both scans on a copy of the text inside random padding (key bytes too) and compares every byte. */
    private static void compare(KeyScrubber scan, KeyScrubberReference reference, SplittableRandom r, byte[] text) {
        int before = r.nextInt(0, 10);
        int after = r.nextInt(0, 10);
        byte[] a = new byte[before + text.length + after];
        for (int i = 0; i < a.length; i++) a[i] = (byte) (r.nextBoolean() ? 'a' + r.nextInt(26) : r.nextInt(256));
        System.arraycopy(text, 0, a, before, text.length);
        byte[] b = a.clone();
        boolean expected = reference.scrubInPlace(a, before, before + text.length);
        boolean actual = scan.scrubInPlace(b, before, before + text.length);
        assertThat(b).as("text %s from %d", new String(text, StandardCharsets.ISO_8859_1), before).isEqualTo(a);
        assertThat(actual).as("text %s", new String(text, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }

    private static byte[] randomBytes(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    /** Key fragments of the lengths around the bar (7, 8, 9, 15, 16, 17, whole, any), in any case, among filler. */
    private static byte[] keyText(SplittableRandom r, List<String> keys, int length, String filler) {
        StringBuilder t = new StringBuilder();
        while (t.length() < length) {
            if (filler.isEmpty() || r.nextInt(3) == 0) {
                String k = keys.get(r.nextInt(keys.size()));
                int[] lengths = {7, 8, 9, 15, 16, 17, k.length(), r.nextInt(1, k.length() + 1)};
                int len = Math.min(k.length(), lengths[r.nextInt(lengths.length)]);
                int at = r.nextInt(k.length() - len + 1);
                String piece = k.substring(at, at + len);
                t.append(switch (r.nextInt(3)) {
                    case 0 -> piece;
                    case 1 -> piece.toUpperCase();
                    default -> mixedCase(r, piece);
                });
            } else {
                t.append(filler.charAt(r.nextInt(filler.length())));
            }
        }
        byte[] b = t.toString().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, length); // a cut may end inside a fragment (or a 2-byte character)
    }

    private static String mixedCase(SplittableRandom r, String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) b.append(r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        return b.toString();
    }

    private static String random(SplittableRandom r, String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }
}
