package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyScrubberTest {
    static final String KEY = "sk-leak-0123456789abcdef";
    static final String OTHER = "AIzaSyOtherProviderKey987654";
    static final KeyScrubber BOTH = KeyScrubber.of(List.of(KEY, OTHER));

    @Test
    void everyOccurrenceInAnyCaseIsMasked() {
        assertThat(KeyScrubber.text("a " + KEY + " b " + KEY.toUpperCase() + " c", KEY))
                .isEqualTo("a " + "*".repeat(KEY.length()) + " b " + "*".repeat(KEY.length()) + " c");
        assertThat(KeyScrubber.text("nothing here", KEY)).isEqualTo("nothing here");
    }

    @Test
    void aLogLineKeepsShortPiecesOfAKeyButNeverAKeyOrALongPiece() {
        // QA hardening F7: a directory named after a piece of the master key was masked in the log
        KeyScrubber master = KeyScrubber.of(List.of("sk-acme-gateway-2026-Zx81", "sk-short-123"));
        assertThat(master.logLine("store: SQLite at /srv/acme-gateway/data.db")).isEqualTo("store: SQLite at /srv/acme-gateway/data.db");
        assertThat(master.logLine("at /srv/gateway-2026-backup/x")).isEqualTo("at /srv/gateway-2026-backup/x"); // 13 of the key
        assertThat(master.logLine("Bearer sk-acme-gateway-2026-Zx81 was sent")).isEqualTo("Bearer " + "*".repeat(25) + " was sent");
        assertThat(master.logLine("Bearer SK-ACME-GATEWAY-2026-ZX81")).isEqualTo("Bearer " + "*".repeat(25));
        assertThat(master.logLine("cut: sk-acme-gateway-20…")).isEqualTo("cut: " + "*".repeat(18) + "…"); // 18 characters
        // a key shorter than 16 is masked whole, and only whole
        assertThat(master.logLine("key=sk-short-123;")).isEqualTo("key=" + "*".repeat(12) + ";");
        assertThat(master.logLine("key=xsk-short-123y")).isEqualTo("key=x" + "*".repeat(12) + "y");
        assertThat(master.logLine("dir short-123/")).isEqualTo("dir short-123/");
        // the answer-side scan still masks from 8
        assertThat(master.text("/srv/acme-gateway/data.db")).isEqualTo("/srv/" + "*".repeat(12) + "/data.db");
        assertThat(KeyScrubber.NONE.logLine("anything at all")).isEqualTo("anything at all");
        String clean = "nothing of a key in this line, long as it is";
        assertThat(master.logLine(clean)).isSameAs(clean);
    }

    @Test
    void aLogLineNeverShowsAKeyWhoseCharactersBreakTheWindows() {
        // QA hardening review: a key holding a space, a quote, a backslash or a non-ASCII character is indexed only as
        // its pieces, each judged alone: a piece under 16 was never masked, so the whole key was logged
        String quote = "Tr0ub4dor\"&3xyz";
        String spaced = "sk-master key with space 2026";
        String slash = "abc\\defghij\\klmnopq";
        String accent = "cl\u00e9-secr\u00e8te-2026-xyz";
        KeyScrubber keys = KeyScrubber.of(List.of(quote, spaced, slash, accent, "sk-acme-gateway-2026-Zx81"));
        for (String k : List.of(quote, spaced, slash, accent)) {
            assertThat(keys.logLine("key=" + k + ";")).as(k).isEqualTo("key=" + "*".repeat(k.length()) + ";");
            assertThat(keys.logLine("key=" + k.toUpperCase() + " twice " + k)).as(k)
                    .isEqualTo("key=" + "*".repeat(k.length()) + " twice " + "*".repeat(k.length()));
        }
        // their pieces of 8 or more are masked as an answer's are, shorter ones pass
        assertThat(keys.logLine("sent Tr0ub4dor\\\"&3xyz")).isEqualTo("sent " + "*".repeat(9) + "\\\"&3xyz");
        assertThat(keys.logLine("a sk-master here, with space 2026")).isEqualTo("a " + "*".repeat(9) + " here, with space 2026");
        assertThat(keys.logLine("cl\u00e9-secr\u00e8te-2026-xyz cut")).isEqualTo("*".repeat(20) + " cut");
        // a key with no piece of 8 (no window at all) alone
        assertThat(KeyScrubber.of(List.of(slash)).logLine("key " + slash)).isEqualTo("key " + "*".repeat(slash.length()));
        // the other keys keep the log rule: a short piece of theirs passes
        assertThat(keys.logLine("store: SQLite at /srv/acme-gateway/data.db")).isEqualTo("store: SQLite at /srv/acme-gateway/data.db");
        String clean = "nothing of a key in this line, long as it is";
        assertThat(keys.logLine(clean)).isSameAs(clean);
    }

    @Test
    void anyRunOfEightOrMoreOfAnyKeysCharactersIsMaskedWhereverItStands() {
        // the probe's case: a prefix of the key followed by other text
        assertThat(BOTH.text("key prefix sk-leak-012345... and more")).isEqualTo("key prefix " + "*".repeat(14) + "... and more");
        // the middle of a key, of the second key, at the start and at the end of the text
        assertThat(BOTH.text("x3456789abcy")).isEqualTo("x" + "*".repeat(10) + "y");
        assertThat(BOTH.text("OtherProvider said")).isEqualTo("*".repeat(13) + " said");
        assertThat(BOTH.text("ends in 89ABCDEF")).isEqualTo("ends in ********");
        // seven characters are below the bar; ordinary words are left alone
        assertThat(BOTH.text("see 0123456 and sk-leak")).isEqualTo("see 0123456 and sk-leak");
        assertThat(BOTH.text("The quick brown fox jumps over the lazy dog 87654321")).isEqualTo(
                "The quick brown fox jumps over the lazy dog 87654321");
    }

    @Test
    void bytesAreMaskedInPlaceWithTheLengthKeptSoJsonStaysValid() throws Exception {
        byte[] json = ("{\"model\":\"gpt-" + KEY.substring(3, 15) + "\",\"text\":\"" + OTHER.toLowerCase() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        int length = json.length;
        assertThat(BOTH.scrubInPlace(json)).isTrue();
        assertThat(json).hasSize(length);
        JsonNode n = Json.read(json);
        assertThat(n.get("model").asText()).isEqualTo("gpt" + "*".repeat(13)); // the dash before it is the key's too
        assertThat(n.get("text").asText()).isEqualTo("*".repeat(OTHER.length()));
        byte[] clean = "{\"a\":\"nothing of a key\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(BOTH.scrubInPlace(clean)).isFalse();
        Buffer b = Buffer.buffer("{\"ok\":true}");
        assertThat(BOTH.buffer(b)).isSameAs(b);
    }

    @Test
    void theByteScanMasksExactlyWhatTheCharacterScanMasks() {
        // two scans of one rule (bytes for bodies and events, characters for text): random texts of key pieces, their
        // case changed, and breaks must come out the same both ways, and the bytes outside the range untouched
        java.util.SplittableRandom r = new java.util.SplittableRandom(15);
        String alphabet = KEY + OTHER + " \"\\{}:,.-_é";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder t = new StringBuilder();
            int len = r.nextInt(0, 60);
            while (t.length() < len) {
                if (r.nextInt(3) == 0) {
                    String k = r.nextBoolean() ? KEY : OTHER;
                    int a = r.nextInt(k.length());
                    String piece = k.substring(a, r.nextInt(a, k.length()) + 1);
                    t.append(r.nextBoolean() ? piece : piece.toUpperCase());
                } else {
                    t.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String text = t.toString().replace('é', '~'); // ASCII: one byte per character
            byte[] padded = ("ab" + text + "cd").getBytes(StandardCharsets.US_ASCII);
            boolean masked = BOTH.scrubInPlace(padded, 2, padded.length - 2);
            String expected = BOTH.text(text);
            assertThat(new String(padded, StandardCharsets.US_ASCII)).as(text).isEqualTo("ab" + expected + "cd");
            assertThat(masked).as(text).isEqualTo(!expected.equals(text));
        }
    }

    @Test
    void aStreamsEventsAreMaskedExactlyAsEachAlone() {
        // the per-stream scan skips the start an event repeats from the last clean one: on streams of events that
        // repeat, change, shorten, grow past the kept start and carry key pieces (in the repeated start, across its end,
        // after it), every event must come out as the whole-event scan makes it, with the same answer
        java.util.SplittableRandom r = new java.util.SplittableRandom(151);
        String alphabet = KEY + OTHER + " \"\\{}:,.-_~";
        for (int stream = 0; stream < 3_000; stream++) {
            KeyScrubber.Events events = BOTH.events();
            byte[] previous = randomText(r, alphabet, r.nextInt(0, 700)).getBytes(StandardCharsets.US_ASCII);
            for (int n = 0; n < 12; n++) {
                byte[] event = mutate(r, previous, alphabet);
                if (r.nextInt(4) == 0) {
                    // the edge: the last event had up to 7 of a key's characters and then a break; this one goes on
                    // with the key's next character, so the first window to mask ends on the first byte that differs
                    String k = r.nextBoolean() ? KEY : OTHER;
                    int a = r.nextInt(k.length() - 8);
                    int j = r.nextInt(1, 8);
                    String base = new String(previous, StandardCharsets.US_ASCII);
                    base = base.substring(0, r.nextInt(base.length() + 1));
                    boolean upper = r.nextBoolean();
                    String before = base + k.substring(a, a + j) + "~";
                    String piece = k.substring(a, r.nextInt(a + 8, k.length() + 1));
                    event = ((n & 1) == 0 ? before : base + (upper ? piece.toUpperCase() : piece)).getBytes(StandardCharsets.US_ASCII);
                }
                int pad = r.nextInt(0, 5);
                byte[] a = new byte[event.length + 2 * pad];
                System.arraycopy(event, 0, a, pad, event.length);
                byte[] b = a.clone();
                boolean alone = BOTH.scrubInPlace(a, pad, pad + event.length);
                boolean inStream = events.scrub(b, pad, pad + event.length);
                assertThat(b).as("stream %d event %d: %s", stream, n, new String(event, StandardCharsets.US_ASCII)).isEqualTo(a);
                assertThat(inStream).isEqualTo(alone);
                previous = event;
            }
        }
    }

    private static String randomText(java.util.SplittableRandom r, String alphabet, int len) {
        StringBuilder t = new StringBuilder();
        while (t.length() < len) {
            if (r.nextInt(12) == 0) t.append(keyPiece(r));
            else t.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return t.toString();
    }

    private static String keyPiece(java.util.SplittableRandom r) {
        String k = r.nextBoolean() ? KEY : OTHER;
        int a = r.nextInt(k.length());
        String piece = k.substring(a, r.nextInt(a, k.length()) + 1);
        return r.nextBoolean() ? piece : piece.toUpperCase();
    }

    /** The next event of a stream: mostly the last one's start and a new end, sometimes another change. */
    private static byte[] mutate(java.util.SplittableRandom r, byte[] previous, String alphabet) {
        String p = new String(previous, StandardCharsets.US_ASCII);
        int cut = p.isEmpty() ? 0 : r.nextInt(p.length() + 1);
        String out = switch (r.nextInt(6)) {
            case 0 -> p; // the same event again
            case 1 -> p.substring(0, cut); // a shorter one
            case 2 -> p.substring(0, cut) + keyPiece(r) + p.substring(cut); // a key piece inside the repeated start
            case 3 -> randomText(r, alphabet, r.nextInt(0, 700)); // something else altogether
            default -> p.substring(0, cut) + randomText(r, alphabet, r.nextInt(0, 120)); // the usual: same start, new end
        };
        return out.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void noKeysMeansNothingIsScanned() {
        assertThat(KeyScrubber.NONE.isEmpty()).isTrue();
        assertThat(KeyScrubber.of(List.of("short")).isEmpty()).isTrue(); // under 8 characters: not scanned for
        String s = "sk-leak-0123456789abcdef";
        assertThat(KeyScrubber.NONE.text(s)).isSameAs(s);
    }

    @Test
    void cutScrubsBeforeItCuts() {
        String text = "x".repeat(490) + KEY + " tail";
        String cut = KeyScrubber.cut(text, KEY, 500);
        assertThat(cut).isEqualTo("x".repeat(490) + "*".repeat(10));
        assertThat(KeyScrubber.cut("y".repeat(480) + KEY.substring(0, 12), KEY, 490)).isEqualTo("y".repeat(480) + "*".repeat(10));
    }

    @Test
    void jsonIsScrubbedInValuesAndNamesAndUntouchedWithoutTheKey() throws Exception {
        JsonNode clean = Json.read(Buffer.buffer("{\"type\":\"ping\",\"a\":[1,\"x\"]}"));
        assertThat(KeyScrubber.json(clean, KEY)).isSameAs(clean);
        JsonNode dirty = Json.read(Buffer.buffer("{\"type\":\"x\",\"" + KEY + "\":[1,{\"k\":\"mid " + KEY.toUpperCase() + "\"}]}"));
        String mask = "*".repeat(KEY.length());
        assertThat(KeyScrubber.json(dirty, KEY).toString()).isEqualTo("{\"type\":\"x\",\"" + mask + "\":[1,{\"k\":\"mid " + mask + "\"}]}");
    }

    @Test
    void everyFieldOfAnUpstreamErrorIsScrubbed() {
        GatewayException e = UpstreamErrors.fromStatus(400, "bad " + KEY, KEY, KEY.toUpperCase(), "x" + KEY, null, "d1", KEY);
        String mask = "*".repeat(KEY.length());
        assertThat(e.getMessage()).isEqualTo("bad " + mask);
        assertThat(e.upstreamType()).isEqualTo(mask);
        assertThat(e.param()).isEqualTo(mask);
        assertThat(e.code()).isEqualTo("x" + mask);
    }

    @Test
    void aPlainBodyIsScrubbedThenCut() {
        GatewayException e = UpstreamErrors.fromPlainBody(500, Buffer.buffer("z".repeat(495) + KEY + " more"), null, "d1", KEY);
        assertThat(e.getMessage()).contains("z".repeat(495)).doesNotContain("sk-le").contains("z*****");
    }

    @Test
    void aRunContinuesAcrossFragmentsOfOneStream() {
        KeyScrubber.Run run = BOTH.run();
        StringBuilder sent = new StringBuilder();
        sent.append(run.next("key: "));
        for (int i = 0; i < KEY.length(); i += 3) sent.append(run.next(KEY.substring(i, Math.min(KEY.length(), i + 3))));
        sent.append(run.next(" end"));
        assertThat(sent.toString()).isEqualTo("key: " + KEY.substring(0, 6) + "*".repeat(KEY.length() - 6) + " end");
        // fragments with no key run come back as the same instance
        String plain = "nothing";
        assertThat(BOTH.run().next(plain)).isSameAs(plain);
    }

    /** {@code text} through {@code run} in pieces of 1, 2 and 3 characters, as a stream's deltas. */
    private static String inSmallPieces(KeyScrubber.Run run, String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0, k = 0; i < text.length(); k++) {
            int to = Math.min(text.length(), i + 1 + k % 3);
            out.append(run.next(text.substring(i, to)));
            i = to;
        }
        return out.toString();
    }

    /**
     * Tool-call arguments cut into pieces: a key inside one of the JSON's strings is masked from its 8th character, one
     * character for one, and the text is still the same JSON; characters outside strings, quotes and escapes are never
     * masked (an escape ends a run), so the masks cannot break the JSON.
     */
    @Test
    void aJsonRunMasksKeysInsideStringsOnly() throws Exception {
        String args = "{\"k\":\"" + KEY + "\",\"q\":\"a\\\"b\\u0041" + OTHER.substring(0, 6) + "\\n" + OTHER.substring(6) + "\",\"n\":1}";
        String shown = inSmallPieces(BOTH.jsonRun(), args);
        com.fasterxml.jackson.databind.JsonNode json = Json.MAPPER.readTree(shown); // still JSON
        assertThat(shown).hasSameSizeAs(args);
        String k = json.get("k").asText();
        int first = k.indexOf('*');
        assertThat(first).isBetween(5, 7);
        assertThat(k).isEqualTo(KEY.substring(0, first) + "*".repeat(KEY.length() - first));
        // an escape splits OTHER into a run of 6 (passes) and the rest (masked from its 8th character), the escape kept
        String q = json.get("q").asText(), before = "a\"bA" + OTHER.substring(0, 6) + "\n", rest = OTHER.substring(6);
        assertThat(q).startsWith(before).hasSize(before.length() + rest.length());
        int masked = q.indexOf('*') - before.length();
        assertThat(masked).isBetween(5, 7);
        assertThat(q.substring(before.length())).isEqualTo(rest.substring(0, masked) + "*".repeat(rest.length() - masked));
        assertThat(json.get("n").asInt()).isEqualTo(1);
        // key characters outside any string (not JSON a key could be in) are not the JSON scan's: left as they are
        String bare = "[" + "0123456789abcdef".repeat(1) + "]";
        assertThat(KeyScrubber.of("x0123456789abcdefx").jsonRun().next(bare)).isSameAs(bare);
    }

    /**
     * A stream's channels (two tool calls, two choices) each keep their own run: pieces of one between two of another's
     * do not end it. One run shared by both would see the two keys' pieces alternate and mask nothing.
     */
    @Test
    void eachChannelHasItsOwnRun() {
        KeyScrubber.Runs runs = BOTH.runs();
        StringBuilder a = new StringBuilder(), b = new StringBuilder();
        for (int i = 0; i < KEY.length(); i += 2) {
            a.append(runs.next(KeyScrubber.channel(0, 2), true, i == 0 ? "\"" + KEY.substring(i, i + 2) : KEY.substring(i, Math.min(KEY.length(), i + 2))));
            b.append(runs.next(KeyScrubber.channel(1, 0), false, KEY.substring(i, Math.min(KEY.length(), i + 2))));
        }
        assertThat(a.toString()).isEqualTo("\"" + KEY.substring(0, 6) + "*".repeat(KEY.length() - 6));
        assertThat(b.toString()).isEqualTo(KEY.substring(0, 6) + "*".repeat(KEY.length() - 6));
        String plain = "nothing at all";
        assertThat(runs.next(KeyScrubber.channel(3, 1), false, plain)).isSameAs(plain);
    }

    /** The event scan's masks are kept where the running scan of the text as sent did not mask (outside JSON strings). */
    @Test
    void withMasksKeepsTheEventScansMasks() {
        assertThat(KeyScrubber.withMasks("ab****", "abcd**")).isEqualTo("ab****");
        String scanned = "abcdef";
        assertThat(KeyScrubber.withMasks("abcdef", scanned)).isSameAs(scanned);
    }
}
