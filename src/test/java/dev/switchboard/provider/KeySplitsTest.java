package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A key the upstream streams in small text deltas, split every way: the README's guarantee ("Keys in upstream answers")
 * is that a run of a key's characters is masked, character for character, from its 8th character on, so at most its
 * first 7 characters go out, in the deltas before the one that holds its 8th. Each delta goes the way a stream's does in
 * {@link SseRelay}: its event's bytes through the per-event mask ({@link KeyScrubber.Events}) first, then its text as
 * sent ({@link KeyScrubber.Events#original()} when the mask hid something) through the stream's running scan
 * ({@link KeyScrubber.Run}). Found by QA: the running scan read the masked text, the masks ended the run, and every
 * piece of up to 7 characters after a masked delta passed (the key's middle and its end).
 */
class KeySplitsTest {
    static final String ANT = "sk-ant-" + "api03-QAEf2Nb57vCdH8uJ" /* split: a made-up key, not to be read as a committed one */;
    static final String OAI = "sk-" + "proj-QAEf6Yc44kLsR9eW";
    static final String GEM = "AIzaQAEfgm3Qx90oKjVt";
    static final KeyScrubber SCRUBBER = KeyScrubber.of(List.of(ANT, OAI, GEM));

    /** The deltas as an Anthropic-like stream relays them; the client's text, in order. */
    static List<String> relay(List<String> pieces) {
        KeyScrubber.Events masks = SCRUBBER.events();
        KeyScrubber.Run run = SCRUBBER.run();
        List<String> out = new ArrayList<>();
        for (String piece : pieces) {
            byte[] event = ("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                    + Json.MAPPER.valueToTree(piece) + "}}").getBytes(StandardCharsets.UTF_8);
            boolean masked = masks.scrub(event, 0, event.length);
            byte[] sent = masks.original();
            assertThat(sent != null).as("the original is kept exactly when the event was masked").isEqualTo(masked);
            String maskedText = text(event);
            String sentText = sent == null ? maskedText : text(sent);
            assertThat(sentText).isEqualTo(piece);
            String emitted = run.next(sentText);
            // whatever the per-event mask hid, the running scan hides too
            for (int i = 0; i < maskedText.length(); i++) {
                if (maskedText.charAt(i) == '*' && piece.charAt(i) != '*') assertThat(emitted.charAt(i)).isEqualTo('*');
            }
            out.add(emitted);
        }
        return out;
    }

    private static String text(byte[] event) {
        try {
            JsonNode n = Json.read(event);
            return n.path("delta").path("text").textValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Cuts {@code text} into pieces of 1 to {@code max} characters. */
    static List<String> split(String text, Random random, int max) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int n = Math.min(text.length() - i, 1 + random.nextInt(max));
            pieces.add(text.substring(i, i + n));
            i += n;
        }
        return pieces;
    }

    /**
     * What the README says the client gets: each key occurrence {@code [at, at + length)} shows its characters that
     * came in deltas before the delta holding its 8th, and {@code *} from there on; the rest of the text as sent.
     */
    static String expected(String text, List<String> pieces, int[][] occurrences) {
        char[] out = text.toCharArray();
        for (int[] o : occurrences) {
            int eighth = o[0] + KeyScrubber.MIN_RUN - 1;
            int deltaStart = 0;
            for (String p : pieces) {
                if (deltaStart + p.length() > eighth) break;
                deltaStart += p.length();
            }
            for (int i = Math.max(o[0], deltaStart); i < o[0] + o[1]; i++) out[i] = '*';
        }
        return new String(out);
    }

    /** No run of 8 characters of any key, in any case, in what the client got. */
    static void noEightOfAnyKey(String emitted, String what) {
        String e = emitted.toLowerCase(Locale.ROOT);
        for (String key : List.of(ANT, OAI, GEM)) {
            for (int i = 0; i + KeyScrubber.MIN_RUN <= key.length(); i++) {
                assertThat(e).as(what).doesNotContain(key.substring(i, i + KeyScrubber.MIN_RUN).toLowerCase(Locale.ROOT));
            }
        }
    }

    record Case(String text, int[][] occurrences) {}

    static List<Case> cases() {
        String twoApart = "Here: " + ANT + " and " + OAI + " end";
        String adjacent = "x " + GEM + ANT + " y";
        String same = ANT + ANT.toUpperCase(Locale.ROOT);
        return List.of(
                new Case("Here: " + ANT + " end", new int[][] {{6, ANT.length()}}),
                new Case("Here: " + OAI + " end", new int[][] {{6, OAI.length()}}),
                new Case("Here: " + GEM + " end", new int[][] {{6, GEM.length()}}),
                new Case(ANT, new int[][] {{0, ANT.length()}}), // the key is the whole text: it ends with the last delta
                new Case("key=" + GEM.toLowerCase(Locale.ROOT) + ".", new int[][] {{4, GEM.length()}}),
                new Case(twoApart, new int[][] {{6, ANT.length()}, {twoApart.indexOf(OAI), OAI.length()}}),
                new Case(adjacent, new int[][] {{2, GEM.length()}, {2 + GEM.length(), ANT.length()}}),
                new Case(same, new int[][] {{0, ANT.length()}, {ANT.length(), ANT.length()}}));
    }

    @Test
    void everySplitIntoDeltasOfOneToNineCharactersLetsAtMostTheFirstSevenOut() {
        Random random = new Random(20261205L);
        int runs = 0;
        for (Case c : cases()) {
            for (int max = 1; max <= 9; max++) {
                for (int round = 0; round < 400; round++, runs++) {
                    List<String> pieces = split(c.text(), random, max);
                    List<String> emitted = relay(pieces);
                    String all = String.join("", emitted);
                    String what = pieces + " -> " + emitted;
                    for (int i = 0; i < pieces.size(); i++) {
                        assertThat(emitted.get(i)).as("same length, delta by delta: " + what).hasSameSizeAs(pieces.get(i));
                    }
                    assertThat(all).as(what).isEqualTo(expected(c.text(), pieces, c.occurrences()));
                    noEightOfAnyKey(all, what);
                }
            }
        }
        assertThat(runs).isEqualTo(cases().size() * 9 * 400);
    }

    /** QA's splits (REPORT.md, Finding 1), which let the key's middle and its last 7 characters out. */
    @Test
    void theSplitsQaFound() {
        String text = "Here: " + ANT + " end";
        assertThat(String.join("", relay(cut(text, 9, 11, 7, 8)))).isEqualTo("Here: sk-" + "*".repeat(ANT.length() - 3) + " end");
        assertThat(String.join("", relay(cut(text, 14, 7, 8)))).isEqualTo("Here: " + "*".repeat(ANT.length()) + " end");
        assertThat(String.join("", relay(cut(text, 6, 8, 7, 7, 7)))).isEqualTo("Here: " + "*".repeat(ANT.length()) + " end");
        String gem = "Here: " + GEM + " end";
        assertThat(String.join("", relay(cut(gem, 9, 10, 7)))).isEqualTo("Here: AIz" + "*".repeat(GEM.length() - 3) + " end");
    }

    /** Pieces of the given sizes, then the rest in one piece. */
    static List<String> cut(String text, int... sizes) {
        List<String> out = new ArrayList<>();
        int at = 0;
        for (int n : sizes) {
            out.add(text.substring(at, Math.min(text.length(), at + n)));
            at = Math.min(text.length(), at + n);
        }
        if (at < text.length()) out.add(text.substring(at));
        return out;
    }

    /** The common case costs no copy: an event with nothing masked keeps no original. */
    @Test
    void aCleanEventKeepsNoCopy() {
        KeyScrubber.Events masks = SCRUBBER.events();
        byte[] event = "{\"delta\":{\"text\":\"sk-ant-a\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(masks.scrub(event, 0, event.length)).isTrue();
        assertThat(new String(masks.original(), StandardCharsets.UTF_8)).isEqualTo("{\"delta\":{\"text\":\"sk-ant-a\"}}");
        byte[] clean = "{\"delta\":{\"text\":\"hello there\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(masks.scrub(clean, 0, clean.length)).isFalse();
        assertThat(masks.original()).isNull();
    }
}
